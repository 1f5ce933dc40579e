"""Compile hgru's Triton kernels for sm_90 on a machine without a GPU (a fake driver; kernels are
compiled as their real launches would specialise them, not run) and time each compile."""
import time, sys
import torch, triton
from triton.backends.compiler import GPUTarget
from triton.backends.nvidia.driver import CudaDriver
import triton.runtime.jit as jit

class Fake(CudaDriver):
    def __init__(self):
        pass
    def get_current_target(self):
        return GPUTarget("cuda", 90, 32)
    def get_current_device(self):
        return 0
    def get_current_stream(self, device=None):
        return 0
    def get_active_torch_device(self):
        return torch.device("cpu")
    def is_active(self):
        return True

triton.runtime.driver.set_active(Fake())
orig = jit.JITFunction.run
times = []
def run(self, *args, grid, warmup, **kw):
    t = time.perf_counter()
    k = orig(self, *args, grid=grid, warmup=True, **kw)
    dt = time.perf_counter() - t
    if dt > 0.05:
        times.append((self.fn.__name__, dt))
        print(f"compiled {self.fn.__name__:28s} {dt:6.1f} s  ({', '.join(f'{a}={b}' for a, b in kw.items() if a.isupper())})", flush=True)
    return k
jit.JITFunction.run = run

from hgru.ops.triton import complex as cx, norm as nm, common
common._sm_count = lambda index: 132
# the LM layer at hgrn_lm_base training shape: b=8, n=512, d=512, bf16 (as under autocast)
B, T, D = 8, 512, 512
for dt in (torch.bfloat16, torch.float32):
    c = torch.randn(B, T, 2 * D, dtype=dt); f = torch.randn(B, T, D, dtype=dt)
    th = torch.rand(D); lb = torch.rand(D)
    dev = c.device
    common.torch = torch
    t0 = time.perf_counter()
    h, ht = cx.hgru_fwd(c, f, th, lb, None, None, False, True)
    cx.hgru_bwd(c, f, th, lb, h, torch.randn_like(h), None, None, None, False, True)
    hn = torch.randn(B * T, 2 * D, dtype=dt)
    z, st = nm.norm_gate_fwd(hn, hn, torch.ones(2 * D), torch.zeros(2 * D), 1e-5, True, dt)
    nm.norm_gate_bwd(hn, hn, torch.ones(2 * D), torch.zeros(2 * D), st, z, True)
    print(f"{dt}: all kernels of one layer step {time.perf_counter() - t0:.1f} s", flush=True)

"""Where the fused kernels' time goes: the two launches apart, and without the aggregate fold."""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch
from triton.testing import do_bench
from hgru.ops.triton import common, complex as cx
import cx_nofold as nf
B, T, D = 8, 4096, 1024
g = torch.Generator(device="cuda").manual_seed(0)
c = torch.randn(B, T, 2 * D, device="cuda", dtype=torch.bfloat16)
f = torch.randn(B, T, D, device="cuda", dtype=torch.bfloat16)
theta, lb = torch.rand(D, device="cuda"), torch.full((D,), 0.5, device="cuda")
def ms(fn): return do_bench(fn, warmup=30, rep=300, return_mode="median")
for mod, name in ((cx, "shipped"), (nf, "no fold (wrong carries)")):
    h, _ = mod.hgru_fwd(c, f, theta, lb, None, None, False, True)
    dh = torch.randn_like(h)
    print(f"{name}: fwd {ms(lambda: mod.hgru_fwd(c, f, theta, lb, None, None, False, True)):.3f} ms, "
          f"bwd {ms(lambda: mod.hgru_bwd(c, f, theta, lb, h, dh, None, None, None, False, True)):.3f} ms", flush=True)
# the two forward launches apart
n_split, L, tile = common.plan("hgru", c.dtype, B, T, D, c.device, False)
print("plan", n_split, L, tile)
h = torch.empty_like(c); ht = torch.empty(B, 2 * D, device="cuda")
agg = torch.empty(2, B, n_split, D, 2, device="cuda")
grid = common.grid(D, tile["BD"], B, n_split)
args = (c, f, h, None, ht, agg, None, theta, lb)
tail = dict(T=T, D=D, L=L, NSPLIT=n_split, s_agg=B * n_split * D * 2, VARLEN=False, SPLIT=True, REVERSE=False,
            HAS_H0=False, FUSED=True, SILU=True, **cx._strides(c, f, h), **tile)
for mod, name in ((cx, "shipped"), (nf, "no fold")):
    print(f"{name}: AGG launch {ms(lambda: mod._fwd_kernel[grid](*args, **tail, AGG=True)):.3f} ms, "
          f"main launch {ms(lambda: mod._fwd_kernel[grid](*args, **tail, AGG=False)):.3f} ms", flush=True)
floor = B * T * D * 10 / 4.25e12 * 1e3
print(f"floor fwd {floor:.3f} ms (c, f read, h written once); AGG pass reads 0.6 of it: {0.6 * floor:.3f}")

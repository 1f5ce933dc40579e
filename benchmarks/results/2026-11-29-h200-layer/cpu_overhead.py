"""Python cost of an Hgru1d step (n=4, b=2, d=16, bf16 autocast on the CPU) with the Triton kernels stubbed
(TRITON_INTERPRET=1 only to let backend="triton" take CPU tensors), against a plain composition.
Run on the 2-core CPU machine of session 14: PYTHONPATH=. python cpu_overhead.py"""
import os, sys, time, cProfile, pstats
os.environ["TRITON_INTERPRET"] = "1"
import torch, hgru
from hgru.ops.triton import complex as cx, norm as nm
torch.set_num_threads(1)
def hgru_fwd(c, f, theta, lb, h0, cu, reverse, silu):
    return torch.empty_like(c), c.new_empty(f.shape[0], 2 * f.shape[2], dtype=torch.float32)
def hgru_bwd(c, f, theta, lb, h, dh, dht, h0, cu, reverse, silu):
    D = f.shape[2]
    return torch.empty_like(c), torch.empty_like(f), theta.new_empty(D), lb.new_empty(D), c.new_empty(f.shape[0], 2 * D, dtype=torch.float32)
def nfwd(h, g, w, b, eps, silu, out_dtype):
    return torch.empty(h.shape, dtype=out_dtype), h.new_empty(2, h.numel() // h.shape[-1], dtype=torch.float32)
def nbwd(h, g, w, b, st, dz, silu):
    N = h.shape[-1]
    return torch.empty_like(h), torch.empty_like(g), h.new_empty(N, dtype=torch.float32), h.new_empty(N, dtype=torch.float32)
cx.hgru_fwd, cx.hgru_bwd, nm.norm_gate_fwd, nm.norm_gate_bwd = hgru_fwd, hgru_bwd, nfwd, nbwd
mode = sys.argv[1] if len(sys.argv) > 1 else "triton"
layer = hgru.Hgru1d(16, backend=mode)
lb = torch.full((16,), 0.5)
x = torch.randn(4, 2, 16, requires_grad=True)
dy = torch.randn(4, 2, 16, dtype=torch.bfloat16)
params = list(layer.parameters()) + [x]
def step():
    for p in params: p.grad = None
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = layer(x.view_as(x), lb)
    y.backward(dy)
def plain():  # the same projections and a trivial mixer: PyTorch's own overhead
    for p in params: p.grad = None
    with torch.autocast("cpu", dtype=torch.bfloat16):
        xx = x.view_as(x).to(torch.bfloat16)
        c, f, g = layer.input_proj(xx), layer.lambda_proj(xx), layer.gate(xx)
        y = layer.out_proj(c * torch.sigmoid(g) + f.repeat(1, 1, 2))
    y.backward(dy)
for fn, name in ((step, "Hgru1d step (kernels stubbed)"), (plain, "3 projections + out_proj + 3 elementwise")):
    for _ in range(200): fn()
    t = time.perf_counter()
    for _ in range(2000): fn()
    print(f"{name}: {(time.perf_counter() - t) / 2000 * 1e6:.0f} us per forward + backward", flush=True)
pr = cProfile.Profile(); pr.enable()
for _ in range(500): step()
pr.disable()
pstats.Stats(pr).sort_stats("tottime").print_stats(25)

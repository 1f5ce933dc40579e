"""Host (Python) time per eager call of hgru's ops and layer on a CUDA machine.
Per call: issue N calls without synchronising at tiny shapes (the GPU finishes each launch in a few us),
so the time per call is what the host needs to issue it. Then cProfile of the fused op and the layer."""
import cProfile, io, pstats, sys, time
import torch, triton, triton.language as tl
import hgru
from hgru.ops import real_scan, complex_scan, hgru_scan, norm_gate

dev = "cuda"
torch.manual_seed(0)


def host_us(fn, n=300):
    for _ in range(30):
        fn()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    t1 = time.perf_counter()
    torch.cuda.synchronize()
    t2 = time.perf_counter()
    return (t1 - t0) / n * 1e6, (t2 - t0) / n * 1e6


@triton.jit
def k1(p):
    pass


@triton.jit
def k20(a, b, c, d, e, f, g, h, i, j, T, D, s1, s2, s3, s4, A: tl.constexpr, B: tl.constexpr, C: tl.constexpr,
        E: tl.constexpr, F: tl.constexpr, G: tl.constexpr):
    pass


class Ident(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, g):
        return g


rows = []
def rec(name, fn):
    issue, total = host_us(fn)
    rows.append((name, issue, total))
    print(f"{name:52s} issue {issue:8.1f} us  with sync {total:8.1f} us", flush=True)


x = torch.randn(1024, device=dev)
ts = [torch.empty(16, device=dev) for _ in range(10)]
rec("torch.empty(1024)", lambda: torch.empty(1024, device=dev))
rec("x.add_(1)", lambda: x.add_(1))
rec("triton kernel, 1 arg", lambda: k1[(1,)](x))
rec("triton kernel, 16 args + 6 constexpr", lambda: k20[(1,)](*ts, 5, 7, 1, 2, 3, 4, A=1, B=2, C=3, E=True, F=False, G=4))
xi = torch.randn(16, device=dev, requires_grad=True)
rec("autograd.Function identity fwd+bwd", lambda: Ident.apply(xi).sum().backward())
rec("x.sum().backward() (the bwd driver)", lambda: (xi * 1).sum().backward())

B, T, D = 2, 64, 256
bf = torch.bfloat16
xr = torch.randn(B, T, D, device=dev, dtype=bf, requires_grad=True)
gr = torch.rand(B, T, D, device=dev, dtype=bf).requires_grad_()
dr = torch.randn(B, T, D, device=dev, dtype=bf)
rec("real_scan fwd (no grad)", lambda: real_scan(xr.detach(), gr.detach()))
rec("real_scan fwd+bwd", lambda: real_scan(xr, gr)[0].backward(dr))
c = torch.randn(B, T, 2 * D, device=dev, dtype=bf, requires_grad=True)
f = torch.randn(B, T, D, device=dev, dtype=bf, requires_grad=True)
th = torch.rand(D, device=dev, requires_grad=True)
dh = torch.randn(B, T, 2 * D, device=dev, dtype=bf)
rec("hgru_scan fwd (no grad)", lambda: hgru_scan(c.detach(), f.detach(), th.detach(), 0.5))
rec("hgru_scan fwd+bwd", lambda: hgru_scan(c, f, th, 0.5)[0].backward(dh))
hn = torch.randn(B * T, 2 * D, device=dev, dtype=bf, requires_grad=True)
gn = torch.randn(B * T, 2 * D, device=dev, dtype=bf, requires_grad=True)
w = torch.ones(2 * D, device=dev, requires_grad=True)
b = torch.zeros(2 * D, device=dev, requires_grad=True)
dz = torch.randn(B * T, 2 * D, device=dev, dtype=bf)
rec("norm_gate fwd+bwd", lambda: norm_gate(hn, gn, w, b).backward(dz))

layer = hgru.Hgru1d(512, causal=True).to(dev)
xl = torch.randn(T, B, 512, device=dev)
def layer_step():
    with torch.autocast("cuda", torch.bfloat16):
        y = layer(xl * 1)
    y.float().sum().backward()
rec("Hgru1d(512) fwd+bwd, bf16 autocast, n=64 b=2", layer_step)
lin = [torch.nn.Linear(512, 1024).to(dev) for _ in range(3)] + [torch.nn.Linear(1024, 512).to(dev)]
def linear_step():
    with torch.autocast("cuda", torch.bfloat16):
        h = xl * 1
        y = lin[3](lin[0](h) * lin[1](h) + lin[2](h))
    y.float().sum().backward()
rec("same 4 projections, trivial mixer", linear_step)


def prof(name, fn, n=200):
    for _ in range(20):
        fn()
    torch.cuda.synchronize()
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(n):
        fn()
    pr.disable()
    torch.cuda.synchronize()
    s = io.StringIO()
    pstats.Stats(pr, stream=s).sort_stats("tottime").print_stats(30)
    print(f"\n===== cProfile {name}: {n} calls =====")
    print(s.getvalue()[:9000])


prof("hgru_scan fwd+bwd", lambda: hgru_scan(c, f, th, 0.5)[0].backward(dh))
prof("Hgru1d layer step", layer_step)

"""Column sums and LayerNorm: hgru's kernels against PyTorch's, GPU time (CUDA-graph-free do_bench)."""
import torch, torch.nn.functional as F, triton
from hgru.ops import layer_norm
from hgru.ops.checks import triton_kernels
cs = triton_kernels("linear").colsum
x = torch.empty(int(2**28), device="cuda", dtype=torch.bfloat16)
y = torch.empty_like(x)
bw = 2 * x.numel() * 2 / (triton.testing.do_bench(lambda: y.copy_(x), rep=200) * 1e-3)
del x, y
print(f"copy bandwidth {bw/1e9:.0f} GB/s")
def t(f): return triton.testing.do_bench(f, warmup=50, rep=300)
print("| colsum (M, N) dtype | torch sum(0) ms | hgru ms | floor ms | hgru ratio |")
for M, N in ((65536, 192), (65536, 384), (65536, 768), (65536, 1000), (32768, 1024), (32768, 2048), (4096, 50000)):
    for dt in (torch.bfloat16, torch.float32):
        z = torch.randn(M, N, device="cuda", dtype=dt)
        a, b = t(lambda: z.sum(0)), t(lambda: cs(z))
        err = (cs(z).double() - z.double().sum(0)).abs().max().item()
        fl = z.numel() * z.element_size() / bw * 1e3
        print(f"| ({M}, {N}) {str(dt)[6:]} | {a:.4f} | {b:.4f} | {fl:.4f} | {b/fl:.2f} | err {err:.1e}")
print("| layer norm (M, N) x dtype -> out | torch fwd / fwd+bwd ms | hgru fwd / fwd+bwd ms | floor fwd / fwd+bwd |")
for M, N in ((65536, 192), (65536, 384), (32768, 1024), (16384, 2048)):
    for dt, out in ((torch.float32, torch.bfloat16), (torch.bfloat16, torch.bfloat16)):
        xx = torch.randn(M, N, device="cuda", dtype=dt, requires_grad=True)
        w = torch.randn(N, device="cuda", requires_grad=True); bb = torch.randn(N, device="cuda", requires_grad=True)
        dy = torch.randn(M, N, device="cuda", dtype=out)
        def tf():  # what autocast + the next matmul's cast do
            return F.layer_norm(xx.float(), (N,), w, bb).to(out)
        def hf(): return layer_norm(xx, w, bb, 1e-5, out)
        res = []
        for f in (tf, hf):
            res += [t(f), t(lambda: torch.autograd.grad(f(), (xx, w, bb), dy))]
        e = xx.element_size(); o = torch.empty((), dtype=out).element_size()
        ff = M * N * (e + o) / bw * 1e3; fb = ff + M * N * (o + e + e) / bw * 1e3
        print(f"| ({M}, {N}) {str(dt)[6:]} -> {str(out)[6:]} | {res[0]:.4f} / {res[1]:.4f} | {res[2]:.4f} / {res[3]:.4f} | {ff:.4f} / {fb:.4f} | ratio {res[2]/ff:.2f} / {res[3]/fb:.2f}")

import torch
from triton.testing import do_bench
N, d = 32768, 1024
bf = torch.bfloat16
g = lambda *s: torch.randn(*s, device="cuda", dtype=bf)
dc, df, dg = g(N, 2 * d), g(N, d), g(N, 2 * d)
Wc, Wf, Wg = g(2 * d, d), g(d, d), g(2 * d, d)
x = g(N, d)
def t(name, fn):
    print(f"{name:60s} {do_bench(fn, warmup=30, rep=200):.3f} ms", flush=True)
t("dx: three mm + two adds (bf16) + cast to fp32 (autograd now)", lambda: (dc @ Wc + df @ Wf + dg @ Wg).float())
t("dx: mm, addmm, addmm (bf16) + cast", lambda: torch.addmm(torch.addmm(dc @ Wc, df, Wf), dg, Wg).float())
try:
    t("dx: mm, addmm, addmm out_dtype=fp32", lambda: torch.addmm(torch.addmm(torch.mm(dc, Wc, out_dtype=torch.float32), df, Wf, out_dtype=torch.float32), dg, Wg, out_dtype=torch.float32))
except Exception as e:
    print("out_dtype:", e)
t("dx: one mm of cat([dc, df, dg]) (cat included) + cast", lambda: (torch.cat([dc, df, dg], -1) @ torch.cat([Wc, Wf, Wg], 0)).float())
t("three mm alone (no adds)", lambda: (dc @ Wc, df @ Wf, dg @ Wg))
t("dW: three mm dz^T x", lambda: (dc.t() @ x, df.t() @ x, dg.t() @ x))
for name, z in (("dc", dc), ("df", df), ("dg", dg)):
    ones = torch.ones(1, N, device="cuda", dtype=bf)
    t(f"bias grad {name}: sum(0)", lambda: z.sum(0))
    t(f"bias grad {name}: ones @ z", lambda: ones @ z)
    t(f"bias grad {name}: ones @ z out fp32", lambda: torch.mm(ones, z, out_dtype=torch.float32))
print("floor colsum dc bf16 read:", f"{N * 2 * d * 2 / 4.25e12 * 1e3:.3f} ms")

"""One reciprocal for the SiLU pair's two sigmoids (_sigmoid2) against two (HEAD's complex.py as cx_base):
the fused passes, interleaved rounds, and fp32 errors against float64."""
import sys, os, json
sys.path.insert(0, "benchmarks"); sys.path.insert(0, "xk")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import complex as cx
from hgru.ops.fused import _composed
import cx_base
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
out = []
for dt, (B, T, D) in [(torch.bfloat16, (8, 4096, 1024)), (torch.bfloat16, (16, 1024, 1024)), (torch.bfloat16, (128, 256, 1024)),
                      (torch.float32, (8, 4096, 1024))]:
    g = torch.Generator(device="cuda").manual_seed(0)
    c = torch.randn(B, T, 2 * D, device="cuda", generator=g).to(dt)
    f = torch.randn(B, T, D, device="cuda", generator=g).to(dt)
    th, lb = torch.rand(D, device="cuda"), torch.full((D,), 0.3, device="cuda")
    e = c.element_size()
    ff, fb = 5 * B * T * D * e / bw * 1e3, 10 * B * T * D * e / bw * 1e3
    res = {}
    for name, mod in (("base", cx_base), ("new", cx)):
        h, _ = mod.hgru_fwd(c, f, th, lb, None, None, False, True)
        res[name] = (h, mod)
    err = {}
    if dt == torch.float32:
        want, _ = _composed(c.double(), f.double(), th.double(), lb.double(), None, None, False, True)
        for name in res:
            err[name] = ((res[name][0].double() - want).norm() / want.norm()).item()
        dh = torch.randn_like(c)
        for name, (h, mod) in res.items():
            d = mod.hgru_bwd(c, f, th, lb, h, dh, None, None, None, False, True)
            err[name + " dc"] = d[0]
        err["dc rel diff"] = ((err["new dc"] - err["base dc"]).norm() / err["base dc"].norm()).item()
        del err["new dc"], err["base dc"]
    t = {k: [] for k in ("base fwd", "new fwd", "base bwd", "new bwd")}
    for rnd in range(3):
        for name, (h, mod) in res.items():
            t[name + " fwd"].append(median_ms(lambda: mod.hgru_fwd(c, f, th, lb, None, None, False, True), warmup=5, rep=40, graph=True))
            t[name + " bwd"].append(median_ms(lambda: mod.hgru_bwd(c, f, th, lb, h, h, None, None, None, False, True), warmup=5, rep=40, graph=True))
    line = {k: round(min(v), 4) for k, v in t.items()}
    print(f"{str(dt)[6:]} {(B, T, D)} fwd floor {ff:.4f}: base {line['base fwd']} ({line['base fwd']/ff:.2f}) new {line['new fwd']} ({line['new fwd']/ff:.2f}) | "
          f"bwd floor {fb:.4f}: base {line['base bwd']} ({line['base bwd']/fb:.2f}) new {line['new bwd']} ({line['new bwd']/fb:.2f}) | {err}", flush=True)
    out.append({"dtype": str(dt)[6:], "shape": [B, T, D], "ms": t, "err": err})
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "sig_ab.json"), "w"), indent=1)

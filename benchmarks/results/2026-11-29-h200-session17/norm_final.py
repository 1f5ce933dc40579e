"""norm-gate backward, final code against the previous commit's (hgru_old), in one process: GPU time
(graph replays), best of three interleaved rounds; errors against the previous kernel."""
import sys, os, json
sys.path.insert(0, "benchmarks"); sys.path.insert(0, "xk/old")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import norm as nn
from hgru_old.ops.triton import norm as no
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
out = []
for dt, (M, N) in [(torch.bfloat16, (65536, 1024)), (torch.bfloat16, (65536, 384)), (torch.bfloat16, (32768, 2048)),
                   (torch.bfloat16, (8192, 8192)), (torch.bfloat16, (32768, 768)), (torch.float32, (65536, 1024)),
                   (torch.float32, (32768, 2048)), (torch.float32, (65536, 384))]:
    g0 = torch.Generator(device="cuda").manual_seed(0)
    r = lambda *s: torch.randn(*s, device="cuda", generator=g0).to(dt)
    h, g, dz = r(M, N), r(M, N), r(M, N)
    w, b = torch.rand(N, device="cuda", generator=g0), torch.randn(N, device="cuda", generator=g0)
    _, stats = nn.norm_gate_fwd(h, g, w, b, 1e-5, True, dt)
    floor = 5 * M * N * h.element_size() / bw * 1e3
    fns = {m: (lambda m=m: m.norm_gate_bwd(h, g, w, b, stats, dz, True)) for m in (no, nn)}
    ref = [t.float() for t in fns[no]()]
    err = max(((a.float() - b_).norm() / b_.norm()).item() for a, b_ in zip(fns[nn](), ref))
    res = {}
    for _ in range(3):
        for m, fn in fns.items():
            res[m] = min(res.get(m, 9e9), median_ms(fn, rep=40, graph=True))
    print(f"{str(dt)[6:]} ({M}, {N}) floor {floor:.4f}: before {res[no]:.4f} ({res[no] / floor:.2f}x) | now {res[nn]:.4f} ({res[nn] / floor:.2f}x) | err {err:.0e}", flush=True)
    out.append({"dtype": str(dt)[6:], "M,N": [M, N], "floor_ms": floor, "before_ms": res[no], "now_ms": res[nn], "err": err})
json.dump({"env": environment(), "copy_GBps": bw / 1e9, "rows": out}, open(os.path.join(os.environ.get("OUT", "."), "norm_final.json"), "w"), indent=1)

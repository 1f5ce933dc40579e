"""norm-gate backward: loop software pipeline stages x programs per SM (STAGES 1 = HEAD's loop).
GPU time (graph replays), best of two interleaved rounds; errors against STAGES 1."""
import sys, os, json
sys.path.insert(0, "benchmarks")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import norm
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
VARIANTS = [(1, 2), (2, 2), (2, 3), (2, 4), (3, 2), (3, 3)]
out = []
for dt, (M, N) in [(torch.bfloat16, (32768, 2048)), (torch.float32, (32768, 2048)), (torch.bfloat16, (65536, 1024)),
                   (torch.bfloat16, (65536, 384))]:
    g0 = torch.Generator(device="cuda").manual_seed(0)
    r = lambda *s: torch.randn(*s, device="cuda", generator=g0).to(dt)
    h, g, dz = r(M, N), r(M, N), r(M, N)
    w, b = torch.rand(N, device="cuda", generator=g0), torch.randn(N, device="cuda", generator=g0)
    _, stats = norm.norm_gate_fwd(h, g, w, b, 1e-5, True, dt)
    floor = 5 * M * N * h.element_size() / bw * 1e3
    fn = lambda: norm.norm_gate_bwd(h, g, w, b, stats, dz, True)
    res, errs, ref = {}, {}, None
    for rnd in range(2):
        for st, ps in VARIANTS:
            norm.BWD_STAGES, norm.PROGRAMS_PER_SM = st, ps
            if rnd == 0:
                got = fn()
                if ref is None:
                    ref = [t.float() for t in got]
                errs[(st, ps)] = max(((a.float() - b_).norm() / b_.norm()).item() for a, b_ in zip(got, ref))
            t = median_ms(fn, warmup=5, rep=40, graph=True)
            res[(st, ps)] = min(res.get((st, ps), 9e9), t)
    print(f"{str(dt)[6:]} ({M}, {N}) floor {floor:.4f}: " + " | ".join(f"S{k[0]} x{k[1]} {v:.4f} ({v / floor:.2f}) err {errs[k]:.0e}" for k, v in res.items()), flush=True)
    out.append({"dtype": str(dt)[6:], "M,N": [M, N], "floor_ms": floor, "ms": {f"S{k[0]} x{k[1]}": v for k, v in res.items()}})
json.dump({"env": environment(), "copy_GBps": bw / 1e9, "rows": out}, open(os.path.join(os.environ.get("OUT", "."), "norm_ab.json"), "w"), indent=1)

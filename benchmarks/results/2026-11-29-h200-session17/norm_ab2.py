"""norm-gate backward: the weight / bias gradients summed per program in [BM, BN] accumulators (ACC2D: one
reduction over rows at the end instead of two per block), the two row reductions of the input gradient in one
(JOINT), x programs per SM, block size, loop stages. GPU time (graph replays), best of two interleaved rounds;
errors against the current kernel."""
import sys, os, json
sys.path.insert(0, "benchmarks")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import norm
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
# (name, VARIANT flags, programs per SM, ELEMENTS, stages for 2-byte inputs)
VARIANTS = [("now", {}, 2, 4096, 3), ("A", dict(ACC2D=True), 2, 4096, 3), ("J", dict(JOINT=True), 2, 4096, 3),
            ("AJ", dict(ACC2D=True, JOINT=True), 2, 4096, 3), ("AJ x4", dict(ACC2D=True, JOINT=True), 4, 4096, 3),
            ("AJ x1", dict(ACC2D=True, JOINT=True), 1, 4096, 3),
            ("AJ E8192", dict(ACC2D=True, JOINT=True), 2, 8192, 3), ("AJ E2048", dict(ACC2D=True, JOINT=True), 2, 2048, 3),
            ("AJ E2048 x4", dict(ACC2D=True, JOINT=True), 4, 2048, 3), ("AJ S2", dict(ACC2D=True, JOINT=True), 2, 4096, 2),
            ("AJ S4", dict(ACC2D=True, JOINT=True), 2, 4096, 4)]
saved = (norm.PROGRAMS_PER_SM, norm.ELEMENTS, dict(norm.BWD_STAGES))
out = []
for dt, (M, N) in [(torch.bfloat16, (65536, 1024)), (torch.bfloat16, (65536, 384)), (torch.bfloat16, (32768, 2048)),
                   (torch.bfloat16, (8192, 8192)), (torch.float32, (65536, 1024)), (torch.float32, (32768, 2048))]:
    g0 = torch.Generator(device="cuda").manual_seed(0)
    r = lambda *s: torch.randn(*s, device="cuda", generator=g0).to(dt)
    h, g, dz = r(M, N), r(M, N), r(M, N)
    w, b = torch.rand(N, device="cuda", generator=g0), torch.randn(N, device="cuda", generator=g0)
    _, stats = norm.norm_gate_fwd(h, g, w, b, 1e-5, True, dt)
    floor = 5 * M * N * h.element_size() / bw * 1e3
    fn = lambda: norm.norm_gate_bwd(h, g, w, b, stats, dz, True)
    res, errs, ref = {}, {}, None
    for rnd in range(2):
        for name, flags, ps, el, st in VARIANTS:
            norm.VARIANT.clear(); norm.VARIANT.update(flags)
            norm.PROGRAMS_PER_SM, norm.ELEMENTS = ps, el
            norm.BWD_STAGES[2] = st
            if rnd == 0:
                got = fn()
                if ref is None:
                    ref = [t.float() for t in got]
                errs[name] = max(((a.float() - b_).norm() / b_.norm()).item() for a, b_ in zip(got, ref))
            t = median_ms(fn, rep=40, graph=True)
            res[name] = min(res.get(name, 9e9), t)
            norm.VARIANT.clear(); norm.PROGRAMS_PER_SM, norm.ELEMENTS = saved[:2]; norm.BWD_STAGES.update(saved[2])
    print(f"{str(dt)[6:]} ({M}, {N}) floor {floor:.4f}: " + " | ".join(f"{k} {v:.4f} ({v / floor:.2f}) err {errs[k]:.0e}" for k, v in res.items()), flush=True)
    out.append({"dtype": str(dt)[6:], "M,N": [M, N], "floor_ms": floor, "ms": res, "err": errs})
json.dump({"env": environment(), "copy_GBps": bw / 1e9, "rows": out}, open(os.path.join(os.environ.get("OUT", "."), "norm_ab2.json"), "w"), indent=1)

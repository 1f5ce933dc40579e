"""norm-gate forward: block elements x elements per thread (the backward's programs per SM for short rows
alongside). GPU time (graph replays), best of two interleaved rounds; errors against the current launch."""
import sys, os, json
sys.path.insert(0, "benchmarks")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import norm
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
block0 = norm._block
FWD = [(e, p) for e in (2048, 4096, 8192, 16384) for p in (16, 32)]
out = []
for dt, (M, N) in [(torch.bfloat16, (65536, 768)), (torch.bfloat16, (65536, 1024)),
                   (torch.bfloat16, (32768, 2048)), (torch.float32, (65536, 384)), (torch.float32, (32768, 2048))]:
    g0 = torch.Generator(device="cuda").manual_seed(0)
    r = lambda *s: torch.randn(*s, device="cuda", generator=g0).to(dt)
    h, g, dz = r(M, N), r(M, N), r(M, N)
    w, b = torch.rand(N, device="cuda", generator=g0), torch.randn(N, device="cuda", generator=g0)
    fl_f, fl_b = 3 * M * N * h.element_size() / bw * 1e3, 5 * M * N * h.element_size() / bw * 1e3
    ref, stats = norm.norm_gate_fwd(h, g, w, b, 1e-5, True, dt)
    res = {}
    for _ in range(2):
        for e, p in FWD:
            def blk(N_, way, short=False, e=e, p=p):
                if way != "fwd":
                    return block0(N_, way, short)
                BN = 1 << (N_ - 1).bit_length()
                BM = max(1, e // BN)
                return dict(BM=BM, BN=BN, num_warps=max(1, min(16, BM * BN // (32 * p))))
            norm._block = blk
            z, _ = norm.norm_gate_fwd(h, g, w, b, 1e-5, True, dt)
            assert torch.equal(z, ref) or ((z.float() - ref.float()).norm() / ref.float().norm()).item() < (1e-6 if dt == torch.float32 else 8e-3)
            k = f"fwd E{e} p{p}"
            res[k] = min(res.get(k, 9e9), median_ms(lambda: norm.norm_gate_fwd(h, g, w, b, 1e-5, True, dt), rep=40, graph=True))
            norm._block = block0
        for ps in (2, 3, 4):
            norm.PROGRAMS_PER_SM = ps
            k = f"bwd x{ps}"
            res[k] = min(res.get(k, 9e9), median_ms(lambda: norm.norm_gate_bwd(h, g, w, b, stats, dz, True), rep=40, graph=True))
            norm.PROGRAMS_PER_SM = 2
    print(f"{str(dt)[6:]} ({M}, {N}) floors {fl_f:.4f} / {fl_b:.4f}: " + " | ".join(
        f"{k} {v:.4f} ({v / (fl_f if k.startswith('fwd') else fl_b):.2f})" for k, v in res.items()), flush=True)
    out.append({"dtype": str(dt)[6:], "M,N": [M, N], "floor_fwd_ms": fl_f, "floor_bwd_ms": fl_b, "ms": res})
json.dump({"env": environment(), "copy_GBps": bw / 1e9, "rows": out}, open(os.path.join(os.environ.get("OUT", "."), "norm_fwd_ab.json"), "w"), indent=1)

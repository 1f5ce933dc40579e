"""Real chunk forward: current kernels (one program per chunk) vs xk/pipe.py (persistent programs, a
pipelined loop prefetching the next chunk into shared memory, look-back spins in PTX). GPU time."""
import sys, os, json, time
sys.path.insert(0, "benchmarks"); sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # this folder (xk/ when run)
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import real, common
import pipe
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
bf = torch.bfloat16
quick = "--quick" in sys.argv
CASES = [(bf, (2, 1024, 512)), (bf, (8, 4096, 2048)), (bf, (4, 16384, 1024)), (bf, (16, 1024, 1024)), (bf, (1, 65536, 256))]
# (tile, stages, programs per SM, fence): fence 0 = relaxed publishes and spins (timing only: wrong under races)
VARIANTS = [((8, 4, 256), 1, None, 1), ((8, 4, 256), 2, None, 1), ((8, 4, 256), 3, None, 1), ((8, 4, 256), 3, None, 0),
            ((8, 4, 256), 4, None, 1), ((4, 4, 256), 3, None, 1), ((4, 4, 256), 4, None, 1), ((8, 8, 256), 3, None, 1),
            ((16, 4, 256), 3, None, 1), ((8, 4, 128), 3, None, 1), ((4, 8, 256), 3, None, 1)]
if quick:
    VARIANTS, CASES = VARIANTS[:2], CASES[:2]
out = []
for dt, (B, T, D) in CASES:
    g = torch.Generator(device="cuda").manual_seed(0)
    x = torch.randn(B, T, D, device="cuda", generator=g).to(dt)
    gt = (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g)).to(dt)
    floor = 3 * B * T * D * x.element_size() / bw * 1e3
    ref, ref_t = real.scan_fwd(x, gt, None, None, False)
    t0 = median_ms(lambda: real.scan_fwd(x, gt, None, None, False), warmup=5, rep=40, graph=True)
    res = [("current", t0, "")]
    for tile, st, per_sm, fence in VARIANTS:
        name = f"{tile[0]},{tile[1]},{tile[2]} s{st}" + (f" x{per_sm}" if per_sm else "") + ("" if fence else " relaxed")
        try:
            info = {}
            for _ in range(3):
                o, ht = pipe.scan_fwd(x, gt, tile, per_sm, st, info, fence)
                torch.cuda.synchronize()
                err = ((o.float() - ref.float()).norm() / ref.float().norm()).item()
                errt = ((ht - ref_t).norm() / ref_t.norm()).item()
                assert err < 1e-2 and errt < 1e-4 or not fence, (err, errt)
            info["err"] = f"{err:.1e}"
            t = median_ms(lambda: pipe.scan_fwd(x, gt, tile, per_sm, st, None, fence), warmup=5, rep=40, graph=True)
            res.append((name, t, f"occ {info['occ']} regs {info['regs']} smem {info['smem']} spill {info['spills']} err {info['err']}"))
        except Exception as e:
            print(name, "FAILED", type(e).__name__, str(e)[:300], flush=True)
    best = min(res, key=lambda r: r[1])
    print(f"{str(dt)[6:]} {(B, T, D)} floor {floor:.4f} current {t0:.4f} ({t0 / floor:.2f}) best {best[0]} {best[1]:.4f} ({best[1] / floor:.2f})", flush=True)
    for n, t, i in res:
        print(f"   {n:18s} {t:.4f} ({t / floor:.2f})  {i}", flush=True)
    out.append({"dtype": str(dt)[6:], "shape": [B, T, D], "floor": floor, "ms": {n: t for n, t, _ in res},
                "info": {n: i for n, _, i in res}})
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "pipe_ab.json"), "w"), indent=1)

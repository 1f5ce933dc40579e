"""Real chunk forward: current kernels vs xk/twophase.py (each chunk's aggregate and output in two
programs LAG chunk rows apart). GPU time, graph replays."""
import sys, os, json
sys.path.insert(0, "benchmarks"); sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # this folder (xk/ when run)
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import real, common
import twophase
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
bf = torch.bfloat16
CASES = [(bf, (8, 4096, 2048)), (bf, (4, 16384, 1024)), (bf, (16, 1024, 1024)), (bf, (1, 65536, 256)),
         (torch.float32, (8, 4096, 2048))]
TILES = {2: [(16, 4, 256), (8, 4, 256), (8, 8, 256), (16, 8, 256)], 4: [(16, 4, 128), (8, 4, 128), (8, 8, 128)]}
out = []
for dt, (B, T, D) in CASES:
    g = torch.Generator(device="cuda").manual_seed(0)
    x = torch.randn(B, T, D, device="cuda", generator=g).to(dt)
    gt = (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g)).to(dt)
    floor = 3 * B * T * D * x.element_size() / bw * 1e3
    ref, ref_t = real.scan_fwd(x, gt, None, None, False)
    t0 = median_ms(lambda: real.scan_fwd(x, gt, None, None, False), warmup=5, rep=40, graph=True)
    res = [("current", t0, "")]
    for tile in TILES[x.element_size()]:
        nc = B * D // tile[2]
        for lag in ([1, 2, 4, 8] if nc >= 16 else [8, 32, 128]):
            name = f"{tile[0]},{tile[1]},{tile[2]} lag {lag}"
            try:
                for _ in range(3):
                    o, ht = twophase.scan_fwd(x, gt, tile, lag)
                    torch.cuda.synchronize()
                    err = ((o.float() - ref.float()).norm() / ref.float().norm()).item()
                    errt = ((ht - ref_t).norm() / ref_t.norm()).item()
                    assert err < 1e-2 and errt < 1e-4, (err, errt)
                t = median_ms(lambda: twophase.scan_fwd(x, gt, tile, lag), warmup=5, rep=40, graph=True)
                res.append((name, t, f"err {err:.1e}"))
            except Exception as e:
                print(name, "FAILED", type(e).__name__, str(e)[:300], flush=True)
    best = min(res, key=lambda r: r[1])
    print(f"{str(dt)[6:]} {(B, T, D)} floor {floor:.4f} current {t0:.4f} ({t0 / floor:.2f}) best {best[0]} {best[1]:.4f} ({best[1] / floor:.2f})", flush=True)
    for n, t, i in res:
        print(f"   {n:18s} {t:.4f} ({t / floor:.2f})  {i}", flush=True)
    out.append({"dtype": str(dt)[6:], "shape": [B, T, D], "floor": floor, "ms": {n: t for n, t, _ in res}})
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "tp_ab.json"), "w"), indent=1)

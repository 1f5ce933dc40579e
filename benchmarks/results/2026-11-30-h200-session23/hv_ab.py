"""Real chunk forward: current kernels vs xk/halves.py (each warp's steps rescanned and stored in two
halves), and for one chain the current kernel with other chunk tiles. GPU time, graph replays."""
import sys, os, json
sys.path.insert(0, "benchmarks"); sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # this folder (xk/ when run)
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import real, common
import halves
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
bf = torch.bfloat16
CASES = [(8, 4096, 2048), (4, 16384, 1024), (16, 1024, 1024), (1, 65536, 256)]
out = []
for B, T, D in CASES:
    g = torch.Generator(device="cuda").manual_seed(0)
    x = torch.randn(B, T, D, device="cuda", generator=g).to(bf)
    gt = (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g)).to(bf)
    floor = 6 * B * T * D / bw * 1e3
    ref, ref_t = real.scan_fwd(x, gt, None, None, False)
    res = []
    for rnd in range(2):
        res.append((f"current r{rnd}", median_ms(lambda: real.scan_fwd(x, gt, None, None, False), warmup=5, rep=40, graph=True)))
        for tile in [(16, 4, 256), (8, 4, 256), (16, 8, 256)]:
            for _ in range(3):
                o, ht = halves.scan_fwd(x, gt, tile)
                torch.cuda.synchronize()
                err = ((o.float() - ref.float()).norm() / ref.float().norm()).item()
                errt = ((ht - ref_t).norm() / ref_t.norm()).item()
                assert err < 1e-2 and errt < 1e-4, (tile, err, errt)
            res.append((f"halves {tile} r{rnd}", median_ms(lambda: halves.scan_fwd(x, gt, tile), warmup=5, rep=40, graph=True)))
        if B == 1:
            keep = dict(common.CHUNK_TILES)
            for tile in [(16, 8, 256), (16, 4, 128), (8, 8, 128), (16, 2, 256)]:
                common.CHUNK_TILES[("real", 2)] = tile
                o, ht = real.scan_fwd(x, gt, None, None, False)
                err = ((o.float() - ref.float()).norm() / ref.float().norm()).item()
                assert err < 1e-2, (tile, err)
                res.append((f"current tile {tile} r{rnd}", median_ms(lambda: real.scan_fwd(x, gt, None, None, False), warmup=5, rep=40, graph=True)))
            common.CHUNK_TILES.update(keep)
    print(f"bf16 {(B, T, D)} floor {floor:.4f}", flush=True)
    for n, t in res:
        print(f"   {n:34s} {t:.4f} ({t / floor:.2f})", flush=True)
    out.append({"shape": [B, T, D], "floor": floor, "ms": dict(res)})
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "hv_ab.json"), "w"), indent=1)

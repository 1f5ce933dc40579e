"""Real forward with few chains: current (look-back chunks; [16 x 8 warps] below 8 chains) vs
xk/threepass.py (aggregates, one scan of them, outputs last chunk first). GPU time, graph replays."""
import sys, os, json
sys.path.insert(0, "benchmarks"); sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # this folder (xk/ when run)
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import real
import threepass
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
out = []
for B, T, D in [(1, 65536, 256), (1, 131072, 256), (2, 32768, 256), (1, 65536, 512), (2, 32768, 512), (1, 65536, 1024),
                (4, 16384, 512), (16, 1024, 1024), (8, 4096, 2048)]:
    g = torch.Generator(device="cuda").manual_seed(0)
    x = torch.randn(B, T, D, device="cuda", generator=g).bfloat16()
    gt = (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g)).bfloat16()
    floor = 6 * B * T * D / bw * 1e3
    ref, ref_t = real.scan_fwd(x, gt, None, None, False)
    res = {}
    for rnd in range(2):
        res.setdefault("current", []).append(median_ms(lambda: real.scan_fwd(x, gt, None, None, False), warmup=5, rep=40, graph=True))
        for tile in [(16, 4, 256), (16, 8, 256), (8, 4, 256)]:
            for pw in (4, 8):
                o, ht = threepass.scan_fwd(x, gt, tile, None, pw)
                err = ((o.float() - ref.float()).norm() / ref.float().norm()).item()
                errt = ((ht - ref_t).norm() / ref_t.norm()).item()
                assert err < 1e-2 and errt < 1e-4, (tile, err, errt)
                res.setdefault(f"3pass {tile[0]}x{tile[1]} pw{pw}", []).append(
                    median_ms(lambda: threepass.scan_fwd(x, gt, tile, None, pw), warmup=5, rep=40, graph=True))
    line = f"bf16 {(B, T, D)} floor {floor:.4f}:"
    best = {k: min(v) for k, v in res.items()}
    for k, t in best.items():
        line += f"  {k} {t:.4f} ({t / floor:.2f}) |"
    print(line, flush=True)
    out.append({"shape": [B, T, D], "floor": floor, "ms": res})
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "tp3_ab.json"), "w"), indent=1)

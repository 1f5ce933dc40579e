"""Look-back window W for few chains with the current kernels (16 x 8 warp chunks below 8 chains):
W = 4 (now) against 2, 8 and 16, forward and backward, three interleaved rounds, GPU time."""
import sys, os, json
sys.path.insert(0, "benchmarks")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import real, common
print(environment(), flush=True)
bw = copy_bandwidth()
out = []
for B, T, D in [(1, 65536, 256), (1, 131072, 256), (2, 32768, 256), (2, 32768, 512), (8, 4096, 2048)]:
    g = torch.Generator(device="cuda").manual_seed(0)
    x = torch.randn(B, T, D, device="cuda", generator=g).bfloat16()
    gt = (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g)).bfloat16()
    ff, fb = 6 * B * T * D / bw * 1e3, 10 * B * T * D / bw * 1e3
    ref = real.scan_fwd(x, gt, None, None, False)[0].float()
    res = {}
    for rnd in range(3):
        for w in (4, 2, 8, 16):
            common.LOOKBACK_WINDOW = w
            o = real.scan_fwd(x, gt, None, None, False)[0].float()
            assert ((o - ref).norm() / ref.norm()).item() < 1e-2
            tf = median_ms(lambda: real.scan_fwd(x, gt, None, None, False), warmup=5, rep=40, graph=True)
            tb = median_ms(lambda: real.scan_bwd(gt, x, x, None, None, None, False), warmup=5, rep=40, graph=True)
            res.setdefault(w, []).append((tf, tb))
        common.LOOKBACK_WINDOW = 4
    line = f"bf16 {(B, T, D)}:"
    for w, v in res.items():
        tf, tb = min(a for a, _ in v), min(b for _, b in v)
        line += f"  W{w} fwd {tf:.4f} ({tf / ff:.2f}) bwd {tb:.4f} ({tb / fb:.2f}) |"
    print(line, flush=True)
    out.append({"shape": [B, T, D], "ms": {str(k): v for k, v in res.items()}})
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "win_ab.json"), "w"), indent=1)

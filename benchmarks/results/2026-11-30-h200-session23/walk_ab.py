"""Where a real chunk-forward program's life goes (xk/walk.py): phases by %globaltimer, look-back turns
and folded records, one chain against many. Prints per shape and tile: the kernel's span, the live
programs on average, and median / p90 of each phase, turns and folds; saves the raw records."""
import sys, os, json
sys.path.insert(0, "benchmarks"); sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # this folder (xk/ when run)
import numpy as np
import torch
from timing import median_ms, environment
from hgru.ops.triton import real
import walk
print(environment(), flush=True)
out, raw = [], {}
for (B, T, D), tile in [((1, 65536, 256), (16, 4, 256)), ((1, 65536, 256), (16, 8, 256)), ((8, 4096, 2048), (16, 4, 256)),
                        ((16, 1024, 1024), (16, 4, 256))]:
    g = torch.Generator(device="cuda").manual_seed(0)
    x = torch.randn(B, T, D, device="cuda", generator=g).bfloat16()
    gt = (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g)).bfloat16()
    ref = real.scan_fwd(x, gt, None, None, False)[0].float()
    for _ in range(3):
        o, ht, st = walk.scan_fwd(x, gt, tile)
    torch.cuda.synchronize()
    err = ((o.float() - ref).norm() / ref.norm()).item()
    ms = median_ms(lambda: walk.scan_fwd(x, gt, tile), warmup=5, rep=40, graph=True)
    runs = []
    for _ in range(5):
        _, _, st = walk.scan_fwd(x, gt, tile)
        torch.cuda.synchronize()
        runs.append(st.cpu().numpy())
    s = runs[-1]
    t0 = s[:, 0] - s[:, 0].min()
    ph = {"load+scan+publish": s[:, 1] - s[:, 0], "look-back": s[:, 2] - s[:, 1], "inclusive+rescan+store": s[:, 3] - s[:, 2],
          "life": s[:, 3] - s[:, 0]}
    span = s[:, 3].max() - s[:, 0].min()
    live = ph["life"].sum() / span
    q = lambda v: f"{np.median(v) / 1e3:.2f} / {np.percentile(v, 90) / 1e3:.2f} us"  # noqa: E731
    name = f"{(B, T, D)} tile {tile}"
    print(f"{name}: err {err:.1e}, graph-timed {ms:.4f} ms, span {span / 1e3:.1f} us, programs {len(s)}, live on average {live:.0f}", flush=True)
    for k, v in ph.items():
        print(f"   {k:24s} median / p90 {q(v)}", flush=True)
    for k, col in (("turns", 4), ("folded", 5)):
        v = s[:, col]
        print(f"   {k:24s} median {np.median(v):.0f}, p90 {np.percentile(v, 90):.0f}, max {v.max()}", flush=True)
    # the look-back against the program's start: late starters wait less?
    order = np.argsort(t0)
    n = len(order)
    for a, b in ((0, n // 10), (n // 10, n // 2), (n // 2, n)):
        sel = order[a:b]
        print(f"   starts {a}-{b}: look-back median {np.median(ph['look-back'][sel]) / 1e3:.2f} us, turns median {np.median(s[sel, 4]):.0f}", flush=True)
    out.append({"shape": [B, T, D], "tile": list(tile), "ms": ms, "span_us": span / 1e3, "live": live,
                "median_us": {k: float(np.median(v) / 1e3) for k, v in ph.items()},
                "p90_us": {k: float(np.percentile(v, 90) / 1e3) for k, v in ph.items()},
                "turns_median": float(np.median(s[:, 4])), "folded_median": float(np.median(s[:, 5]))})
    raw[f"{B}x{T}x{D}_{tile[0]}x{tile[1]}"] = s
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "walk.json"), "w"), indent=1)
np.savez_compressed(os.path.join(os.environ.get("OUT", "."), "walk_raw.npz"), **raw)

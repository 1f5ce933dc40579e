"""Fused HGRU forward: two-level one-row passes ("rows") against look-back chunks of one tile, per tile."""
import sys, os, json
sys.path.insert(0, "benchmarks")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import common
from hgru.ops.triton import complex as cx
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
orig = common.plan_chunks
MODE = {"rows": False}
def plan_chunks(family, *a, **k):
    if family == "hgru" and MODE["rows"]:
        return 1, None
    return orig(family, *a, **k)
common.plan_chunks = plan_chunks
SHAPES = [(8, 4096, 1024), (4, 16384, 1024), (16, 1024, 1024), (1, 65536, 256), (16, 512, 768), (128, 256, 1024), (32, 1024, 1024)]
TILES = {2: [(16, 4, 128), (8, 4, 128), (8, 8, 128), (4, 8, 128), (16, 2, 128), (8, 2, 128), (4, 4, 128)],
         4: [(16, 4, 64), (8, 4, 64), (8, 8, 64), (4, 8, 64)]}
rows = []
for dt in (torch.bfloat16, torch.float32):
    for (B, T, D) in SHAPES if dt == torch.bfloat16 else SHAPES[:1]:
        g = torch.Generator(device="cuda").manual_seed(0)
        c = torch.randn(B, T, 2 * D, device="cuda", generator=g).to(dt)
        f = torch.randn(B, T, D, device="cuda", generator=g).to(dt)
        th, lb = torch.rand(D, device="cuda"), torch.full((D,), 0.3, device="cuda")
        floor = 5 * B * T * D * c.element_size() / bw * 1e3
        MODE["rows"] = True
        ref, ref_t = cx.hgru_fwd(c, f, th, lb, None, None, False, True)
        t = median_ms(lambda: cx.hgru_fwd(c, f, th, lb, None, None, False, True), warmup=5, rep=40, graph=True)
        line = {"dtype": str(dt)[6:], "shape": (B, T, D), "rows": round(t, 4), "rows_ratio": round(t / floor, 2)}
        MODE["rows"] = False
        key = ("hgru", c.element_size())
        default = common.CHUNK_TILES[key]
        force = common.plan_chunks("hgru", dt, B, T, D, c.device, False)[0] == 1
        common.FORCE_SPLITS = 3 if force else None
        for tile in TILES[c.element_size()]:
            common.CHUNK_TILES[key] = tile
            h, ht = cx.hgru_fwd(c, f, th, lb, None, None, False, True)
            err = ((h.float() - ref.float()).norm() / ref.float().norm()).item()
            errt = ((ht - ref_t).norm() / ref_t.norm()).item()
            t = median_ms(lambda: cx.hgru_fwd(c, f, th, lb, None, None, False, True), warmup=5, rep=40, graph=True)
            line[",".join(map(str, tile))] = f"{t:.4f} ({t / floor:.2f}) err {err:.1e}/{errt:.1e}"
        common.CHUNK_TILES[key] = default
        common.FORCE_SPLITS = None
        line["forced"] = force
        print(line, flush=True)
        rows.append(line)
os.makedirs(os.environ.get("OUT", "."), exist_ok=True)
json.dump(rows, open(os.path.join(os.environ.get("OUT", "."), "fwd_ab.json"), "w"), indent=1)

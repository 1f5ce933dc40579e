"""Fused HGRU forward: two-level one-row passes ("rows") against look-back chunks, per tile, with the
gates formed twice (recompute) or kept in registers through the look-back (keep)."""
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
SHAPES = [(8, 4096, 1024), (16, 1024, 1024), (4, 16384, 1024), (128, 256, 1024), (1, 65536, 256)]
TILES = {2: [(16, 4, 128), (8, 4, 128), (4, 4, 128), (4, 8, 128), (8, 2, 128), (16, 4, 64), (8, 4, 64), (8, 8, 64), (4, 4, 64)],
         4: [(16, 4, 64), (8, 4, 64), (4, 4, 64), (8, 8, 64), (8, 4, 32), (16, 4, 32)]}
rows = []
for dt in (torch.bfloat16, torch.float32):
    for (B, T, D) in SHAPES if dt == torch.bfloat16 else SHAPES[:2]:
        g = torch.Generator(device="cuda").manual_seed(0)
        c = torch.randn(B, T, 2 * D, device="cuda", generator=g).to(dt)
        f = torch.randn(B, T, D, device="cuda", generator=g).to(dt)
        th, lb = torch.rand(D, device="cuda"), torch.full((D,), 0.3, device="cuda")
        floor = 5 * B * T * D * c.element_size() / bw * 1e3
        MODE["rows"] = True
        ref, ref_t = cx.hgru_fwd(c, f, th, lb, None, None, False, True)
        t = median_ms(lambda: cx.hgru_fwd(c, f, th, lb, None, None, False, True), warmup=5, rep=40, graph=True)
        res = [("rows", t)]
        MODE["rows"] = False
        key = ("hgru", c.element_size())
        default = common.CHUNK_TILES[key]
        force = common.plan_chunks("hgru", dt, B, T, D, c.device, False)[0] == 1
        common.FORCE_SPLITS = 3 if force else None
        for tile in TILES[c.element_size()]:
            common.CHUNK_TILES[key] = tile
            for keep in (False, True):
                cx._FWD_KEEP = keep
                name = ",".join(map(str, tile)) + (" keep" if keep else "")
                try:
                    h, ht = cx.hgru_fwd(c, f, th, lb, None, None, False, True)
                    err = ((h.float() - ref.float()).norm() / ref.float().norm()).item()
                    errt = ((ht - ref_t).norm() / ref_t.norm()).item()
                    assert err < 1e-2 and errt < 1e-5, (err, errt)
                    t = median_ms(lambda: cx.hgru_fwd(c, f, th, lb, None, None, False, True), warmup=5, rep=40, graph=True)
                    res.append((name, t))
                except Exception as e:
                    print(name, "FAILED", type(e).__name__, str(e)[:200], flush=True)
        cx._FWD_KEEP = False
        common.CHUNK_TILES[key] = default
        common.FORCE_SPLITS = None
        best = min(res, key=lambda r: r[1])
        print(f"{str(dt)[6:]} {(B, T, D)} floor {floor:.4f} forced={force} best {best[0]} {best[1]:.4f} ({best[1] / floor:.2f})", flush=True)
        print("   " + " | ".join(f"{n} {t:.4f} ({t / floor:.2f})" for n, t in res), flush=True)
        rows.append({"dtype": str(dt)[6:], "shape": [B, T, D], "floor": floor, "forced": force, "ms": dict(res)})
json.dump(rows, open(os.path.join(os.environ.get("OUT", "."), "fwd_ab2.json"), "w"), indent=1)

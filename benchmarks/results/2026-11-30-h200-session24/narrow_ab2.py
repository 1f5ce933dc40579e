"""Chunk tiles with narrow channel blocks (several lane rows of time per warp; common._chunk_plan's
`lanes`) against the production rule, plain scans forward and backward. Candidates (R per thread,
warps, BD) replace CHUNK_TILES with FEW_CHAIN_TILES and BWD_CHUNK_TILES set aside; 'rule' is the
production plan. Interleaved rounds, GPU time (graph replays), checked against the rule's outputs."""
import sys, os, json
sys.path.insert(0, "benchmarks")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import real, complex as cx, common
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
bf, f32 = torch.bfloat16, torch.float32
FEW = {("real", 2): [(16, 4, 64), (16, 2, 64), (8, 4, 64), (16, 4, 32), (16, 2, 32), (16, 4, 16), (16, 4, 128)],
       ("real", 4): [(16, 4, 32), (16, 2, 32), (8, 4, 32), (16, 4, 16), (16, 4, 64)],
       ("complex", 2): [(16, 4, 32), (16, 2, 32), (8, 4, 32), (16, 4, 16), (16, 4, 64)]}
MANY = {("real", 2): [(16, 4, 64), (16, 2, 64), (8, 4, 64), (16, 4, 128), (16, 2, 128), (8, 4, 128)],
        ("real", 4): [(16, 4, 32), (8, 4, 32), (16, 2, 64), (8, 4, 64)],
        ("complex", 2): [(16, 4, 32), (8, 4, 32), (16, 2, 64), (8, 4, 64)]}
CASES = [("real", bf, s, FEW) for s in [(1, 65536, 256), (2, 32768, 256), (4, 16384, 256), (8, 8192, 256)]] \
    + [("real", bf, s, MANY) for s in [(4, 16384, 1024), (8, 8192, 1024), (8, 4096, 2048), (16, 1024, 1024)]] \
    + [(f, d, s, FEW) for f, d in [("real", f32), ("complex", bf)] for s in [(1, 65536, 256), (2, 32768, 256), (4, 16384, 256)]] \
    + [(f, d, s, MANY) for f, d in [("real", f32), ("complex", bf)] for s in [(4, 16384, 1024), (8, 4096, 1024)]]
saved = {n: dict(getattr(common, n)) for n in ("CHUNK_TILES", "FEW_CHAIN_TILES", "BWD_CHUNK_TILES")}
def use(key, tile):
    for n, v in saved.items():
        getattr(common, n).clear(); getattr(common, n).update(v)
    if tile is not None:
        [common.FEW_CHAIN_TILES.pop(k, None) for k in (key, (*key, False), (*key, True))]  # keyed by direction since
        common.BWD_CHUNK_TILES.pop(key, None); common.CHUNK_TILES[key] = tile
out = []
for fam, dt, (B, T, D), CANDS in CASES:
    m = real if fam == "real" else cx
    key = (fam, torch.empty((), dtype=dt).element_size())
    g = torch.Generator(device="cuda").manual_seed(0)
    shp = (B, T, D) if fam == "real" else (B, T, D, 2)
    x = torch.randn(*shp, device="cuda", generator=g).to(dt)
    gt = ((0.5 + 0.5 * torch.rand(*shp, device="cuda", generator=g)) if fam == "real" else 0.7 * torch.randn(*shp, device="cuda", generator=g)).to(dt)
    do = torch.randn(*shp, device="cuda", generator=g).to(dt)
    es = x.element_size() * (2 if fam == "complex" else 1)
    E = B * T * D
    fl_f, fl_b = 3 * E * es / bw * 1e3, 5 * E * es / bw * 1e3
    use(key, None)
    ref = m.scan_fwd(x, gt, None, None, False)[0].float()
    refb = m.scan_bwd(gt, ref.to(dt), do, None, None, None, False)[0].float()
    o_ = ref.to(dt)
    res = {}
    for rnd in range(2):
        for tile in [None] + CANDS[key]:
            use(key, tile)
            try:
                nf, tf_ = common.plan_chunks(fam, dt, B, T, D, x.device, False)
                o = m.scan_fwd(x, gt, None, None, False)[0].float()
                ob = m.scan_bwd(gt, o_, do, None, None, None, False)[0].float()
                e1, e2 = ((o - ref).norm() / ref.norm()).item(), ((ob - refb).norm() / refb.norm()).item()
                assert e1 < 1e-2 and e2 < 1e-2, (tile, e1, e2)
                tf = median_ms(lambda: m.scan_fwd(x, gt, None, None, False), rep=40, graph=True)
                tb = median_ms(lambda: m.scan_bwd(gt, o_, do, None, None, None, False), rep=40, graph=True)
            except Exception as e:
                print("FAIL", fam, (B, T, D), tile, repr(e)[:300], flush=True); continue
            k = "rule" if tile is None else "x".join(map(str, tile)) + f"/L{tf_['R'] * tf_['NW']}"
            res.setdefault(k, []).append((tf, tb))
    use(key, None)
    print(f"{fam} {str(dt)[6:]} {(B, T, D)} floor fwd {fl_f:.4f} bwd {fl_b:.4f}", flush=True)
    for k, v in res.items():
        tf, tb = min(a for a, _ in v), min(b for _, b in v)
        print(f"   {k:16s} fwd {tf:.4f} ({tf / fl_f:.2f})  bwd {tb:.4f} ({tb / fl_b:.2f})", flush=True)
    out.append({"family": fam, "dtype": str(dt)[6:], "shape": [B, T, D], "floor_fwd": fl_f, "floor_bwd": fl_b, "ms": res})
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "narrow_ab2.json"), "w"), indent=1)

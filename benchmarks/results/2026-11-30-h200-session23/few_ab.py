"""The plain scans' chunk tile where few chains run side by side: [16 x 4 warps] (now) against
[16 x 8 warps] and [8 x 8 warps], forward and backward (the backward takes CHUNK_TILES below
BWD_CHUNK_MIN_CHAINS chains). Two interleaved rounds, GPU time (graph replays), checked against the
current tile's outputs."""
import sys, os, json
sys.path.insert(0, "benchmarks")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import real, complex as cx, common
getattr(common, "FEW_CHAIN_TILES", {}).clear()  # the tiles below, as patched, in both directions
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
bf, f32 = torch.bfloat16, torch.float32
CASES = [("real", bf, s) for s in [(1, 65536, 256), (1, 131072, 256), (2, 32768, 256), (1, 65536, 512), (2, 32768, 512),
                                    (1, 65536, 1024), (4, 16384, 512), (2, 32768, 1024), (4, 16384, 1024), (8, 8192, 512)]] \
    + [("real", f32, s) for s in [(1, 65536, 128), (1, 65536, 256), (2, 32768, 512), (4, 16384, 1024)]] \
    + [("complex", bf, s) for s in [(1, 65536, 128), (1, 65536, 256), (2, 32768, 512), (4, 16384, 1024)]]
if len(sys.argv) > 1:  # family,dtype,B,T,D ...
    CASES = [(a.split(",")[0], {"bf16": bf, "fp32": f32}[a.split(",")[1]], tuple(map(int, a.split(",")[2:]))) for a in sys.argv[1:]]
out = []
for fam, dt, (B, T, D) in CASES:
    m = real if fam == "real" else cx
    key = (fam, torch.empty((), dtype=dt).element_size())
    R0, NW0, BD = common.CHUNK_TILES[key]
    g = torch.Generator(device="cuda").manual_seed(0)
    shp = (B, T, D) if fam == "real" else (B, T, D, 2)
    x = torch.randn(*shp, device="cuda", generator=g).to(dt)
    gt = ((0.5 + 0.5 * torch.rand(*shp, device="cuda", generator=g)) if fam == "real" else 0.7 * torch.randn(*shp, device="cuda", generator=g)).to(dt)
    es = x.element_size() * (2 if fam == "complex" else 1)
    E = B * T * D
    fl_f, fl_b = 3 * E * es / bw * 1e3, 5 * E * es / bw * 1e3
    n, _ = common.plan_chunks(fam, dt, B, T, D, x.device, False)
    chains = B * -(-D // BD)
    ref = m.scan_fwd(x, gt, None, None, False)[0].float()
    refb = m.scan_bwd(gt, x, x, None, None, None, False)[0].float()
    res = {}
    for rnd in range(3 if len(sys.argv) > 1 else 2):
        for tile in [(R0, NW0, BD), (16, 8, BD)] + ([] if len(sys.argv) > 1 else [(8, 8, BD)]):
            common.CHUNK_TILES[key] = tile
            o = m.scan_fwd(x, gt, None, None, False)[0].float()
            ob = m.scan_bwd(gt, x, x, None, None, None, False)[0].float()
            e1, e2 = ((o - ref).norm() / ref.norm()).item(), ((ob - refb).norm() / refb.norm()).item()
            assert e1 < 1e-2 and e2 < 1e-2, (tile, e1, e2)
            tf = median_ms(lambda: m.scan_fwd(x, gt, None, None, False), warmup=5, rep=40, graph=True)
            tb = median_ms(lambda: m.scan_bwd(gt, x, x, None, None, None, False), warmup=5, rep=40, graph=True)
            k = f"{tile[0]}x{tile[1]}"
            res.setdefault(k, []).append((tf, tb))
        common.CHUNK_TILES[key] = (R0, NW0, BD)
    line = f"{fam} {str(dt)[6:]} {(B, T, D)} chains {chains} chunks {n}:"
    for k, v in res.items():
        tf, tb = min(a for a, _ in v), min(b for _, b in v)
        line += f"  {k} fwd {tf:.4f} ({tf / fl_f:.2f}) bwd {tb:.4f} ({tb / fl_b:.2f}) |"
    print(line, flush=True)
    out.append({"family": fam, "dtype": str(dt)[6:], "shape": [B, T, D], "chains": chains, "chunks": n,
                "floor_fwd": fl_f, "floor_bwd": fl_b, "ms": res})
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "few_ab.json"), "w"), indent=1)

"""Session 24, call 6: real bf16 forward chunks of (8, 4, 128) / (16, 2, 128) against the rule's (16, 4, 256) with many chains. Call 3 (this script's source): the plain scans' chunk rule with narrow few-chain tiles (now) against session 23's
([16 x 8 warps] at the CHUNK_TILES block, forward below 8 chains, backward below 32), forward and
backward, at chain counts the sweeps did not cover; then the look-back window W with the narrow
tiles at one chain. Interleaved rounds, GPU time (graph replays), outputs checked against the rule's."""
import sys, os, json
sys.path.insert(0, "benchmarks")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import real, complex as cx, common
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
bf, f32 = torch.bfloat16, torch.float32
CASES = [("real", bf, s) for s in [(8, 4096, 2048), (16, 1024, 1024), (32, 1024, 1024), (16, 2048, 1024), (8, 8192, 1024), (16, 4096, 2048)]]
def inputs(fam, dt, B, T, D):
    g = torch.Generator(device="cuda").manual_seed(0)
    shp = (B, T, D) if fam == "real" else (B, T, D, 2)
    x = torch.randn(*shp, device="cuda", generator=g).to(dt)
    gt = ((0.5 + 0.5 * torch.rand(*shp, device="cuda", generator=g)) if fam == "real" else 0.7 * torch.randn(*shp, device="cuda", generator=g)).to(dt)
    do = torch.randn(*shp, device="cuda", generator=g).to(dt)
    es = x.element_size() * (2 if fam == "complex" else 1)
    return x, gt, do, 3 * B * T * D * es / bw * 1e3, 5 * B * T * D * es / bw * 1e3
def run(variants, set_variant, cases, rounds, tag):
    out = []
    for fam, dt, (B, T, D) in cases:
        m = real if fam == "real" else cx
        x, gt, do, fl_f, fl_b = inputs(fam, dt, B, T, D)
        set_variant(variants[0])
        ref = m.scan_fwd(x, gt, None, None, False)[0]
        refb = m.scan_bwd(gt, ref, do, None, None, None, False)[0].float()
        res = {}
        for rnd in range(rounds):
            for v in variants:
                set_variant(v)
                plan = [common.plan_chunks(fam, dt, B, T, D, x.device, False, b) for b in (False, True)]
                o = m.scan_fwd(x, gt, None, None, False)[0].float()
                ob = m.scan_bwd(gt, ref, do, None, None, None, False)[0].float()
                e1, e2 = ((o - ref.float()).norm() / ref.float().norm()).item(), ((ob - refb).norm() / refb.norm()).item()
                assert e1 < 1e-2 and e2 < 1e-2, (v, e1, e2)
                tf = median_ms(lambda: m.scan_fwd(x, gt, None, None, False), rep=40, graph=True)
                tb = median_ms(lambda: m.scan_bwd(gt, ref, do, None, None, None, False), rep=40, graph=True)
                lab = " ".join(f"{n}x[{a.get('R')},{a.get('NW')},{a.get('BD')}]" for n, a in plan)
                res.setdefault(str(v), [lab, []])[1].append((tf, tb))
        print(f"{tag} {fam} {str(dt)[6:]} {(B, T, D)} floor fwd {fl_f:.4f} bwd {fl_b:.4f}", flush=True)
        for k, (lab, v) in res.items():
            tf, tb = min(a for a, _ in v), min(b for _, b in v)
            print(f"   {k:5s} fwd {tf:.4f} ({tf / fl_f:.2f})  bwd {tb:.4f} ({tb / fl_b:.2f})   {lab}", flush=True)
        out.append({"family": fam, "dtype": str(dt)[6:], "shape": [B, T, D], "floor_fwd": fl_f, "floor_bwd": fl_b,
                    "ms": {k: v for k, (lab, v) in res.items()}, "plans": {k: lab for k, (lab, v) in res.items()}})
    return out
CT, FT = dict(common.CHUNK_TILES), dict(common.FWD_CHUNK_TILES)
def set_fwd(v):
    common.CHUNK_TILES.clear(); common.CHUNK_TILES.update(CT)
    common.FWD_CHUNK_TILES.clear(); common.FWD_CHUNK_TILES.update(FT)
    if v != "rule":  # the forward at CHUNK_TILES' (16, 4, 256) or the tile given; the backward keeps its tiles
        common.FWD_CHUNK_TILES.clear()
        if v != "old":
            common.CHUNK_TILES[("real", 2)] = v
res = run(["rule", "old", (16, 2, 128)], set_fwd, CASES, 3, "many")
set_fwd("rule")
json.dump(res, open(os.path.join(os.environ.get("OUT", "."), "many_ab.json"), "w"), indent=1)

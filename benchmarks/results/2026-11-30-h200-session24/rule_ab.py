"""Session 24: the plain scans' chunk rule with narrow few-chain tiles (now) against session 23's
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
NEW = dict(common.FEW_CHAIN_TILES)
OLD = {("real", 2, False): ((16, 8, 256), 8), ("real", 2, True): ((16, 8, 256), 32), ("real", 4, False): ((16, 8, 128), 8),
       ("real", 4, True): ((16, 8, 128), 32), ("complex", 2, False): ((16, 8, 128), 8), ("complex", 2, True): ((16, 8, 128), 32)}
CASES = [("real", bf, s) for s in [(1, 65536, 256), (1, 65536, 1024), (2, 32768, 1024), (2, 16384, 2048), (8, 8192, 512)]] \
    + [("real", f32, s) for s in [(1, 65536, 256), (1, 65536, 1024), (2, 16384, 1024), (4, 16384, 1024)]] \
    + [("complex", bf, s) for s in [(1, 65536, 256), (1, 65536, 512), (2, 16384, 512), (2, 16384, 1024)]]
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
def set_rule(v):
    common.FEW_CHAIN_TILES.clear(); common.FEW_CHAIN_TILES.update(NEW if v == "new" else OLD)
rule = run(["new", "old"], set_rule, CASES, 2, "rule")
set_rule("new")
W0 = common.LOOKBACK_WINDOW
def set_w(v):
    common.LOOKBACK_WINDOW = v
win = run([4, 2, 8], set_w, [("real", bf, (1, 65536, 256)), ("real", bf, (1, 131072, 256)), ("real", bf, (4, 16384, 1024)),
                             ("real", f32, (1, 65536, 256)), ("complex", bf, (1, 65536, 256))], 2, "window")
common.LOOKBACK_WINDOW = W0
json.dump({"rule": rule, "window": win}, open(os.path.join(os.environ.get("OUT", "."), "rule_ab.json"), "w"), indent=1)

"""Session 25, call 2: the loop prototype's tiles (R, warps, BD, stages, rescan) across real-scan shapes
of 64-2048 chains (at 256 channels) against the rule, forward and backward; best of two rounds,
GPU time (graph replays); outputs checked against the rule's."""
import sys, os, json
sys.path.insert(0, "benchmarks"); sys.path.insert(0, "benchmarks/results/2026-11-30-h200-session25")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import real, common
import loop
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
bf, f32 = torch.bfloat16, torch.float32
CAND = {2: [(4, 4, 64, 3, 0), (4, 4, 64, 3, 1), (4, 1, 32, 4, 0), (4, 1, 32, 4, 1), (2, 4, 64, 3, 0), (4, 2, 128, 3, 0),
            (4, 4, 64, 4, 0), (4, 2, 64, 3, 0), (8, 1, 32, 4, 1), (16, 1, 256, 2, 0), (8, 2, 128, 3, 1), (4, 1, 64, 4, 0)],
        4: [(4, 4, 32, 3, 0), (2, 4, 64, 3, 0), (4, 2, 32, 3, 0), (2, 4, 32, 3, 0), (4, 2, 64, 3, 0), (16, 1, 128, 3, 0),
            (8, 1, 128, 3, 0), (4, 4, 32, 3, 1)]}
SHAPES = [(bf, s) for s in [(8, 4096, 2048), (16, 1024, 1024), (32, 1024, 1024), (8, 8192, 1024), (2, 16384, 2048),
                            (16, 4096, 2048), (128, 256, 1024), (64, 512, 1024), (16, 2048, 1024), (4, 4096, 1024),
                            (16, 512, 768), (8, 2048, 512), (64, 1024, 384)]] + \
         [(f32, s) for s in [(8, 4096, 2048), (16, 1024, 1024), (32, 1024, 1024), (8, 8192, 1024), (128, 256, 1024),
                             (4, 4096, 1024)]]

def err(a, b):
    return ((a.float() - b.float()).norm() / b.float().norm()).item()

out = []
for dt, (B, T, D) in SHAPES:
    g0 = torch.Generator(device="cuda").manual_seed(0)
    x = torch.randn(B, T, D, device="cuda", generator=g0).to(dt)
    gt = (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g0)).to(dt)
    do = torch.randn(B, T, D, device="cuda", generator=g0).to(dt)
    fl_f, fl_b = 3 * x.numel() * x.element_size() / bw * 1e3, 5 * x.numel() * x.element_size() / bw * 1e3
    ref, rht = real.scan_fwd(x, gt, None, None, False)
    rdx, rdg, rdh0 = real.scan_bwd(gt, ref, do, None, None, None, False)
    variants = {"rule": (lambda: real.scan_fwd(x, gt, None, None, False), lambda: real.scan_bwd(gt, ref, do, None, None, None, False))}
    for c in CAND[x.element_size()]:
        R, w, BD, st, rs = c
        variants[c] = (lambda R=R, w=w, BD=BD, st=st, rs=rs: loop.fwd(x, gt, R, w, BD, st, rescan=bool(rs)),
                       lambda R=R, w=w, BD=BD, st=st, rs=rs: loop.bwd(gt, ref, do, R, w, BD, st, rescan=bool(rs)))
    res = {}
    for rnd in range(2):
        for k, (f, b) in variants.items():
            try:
                if rnd == 0:
                    o, ht = f(); dx, dg, dh0 = b()
                    e = max(err(o, ref), err(ht, rht), err(dx, rdx), err(dg, rdg), err(dh0, rdh0))
                    assert e < 1e-2, e
                tf = median_ms(f, rep=25, graph=True); tb = median_ms(b, rep=25, graph=True)
                res.setdefault(str(k), []).append((tf, tb))
            except Exception as ex:
                if rnd == 0:
                    print(f"   {str(k):20s} FAILED {type(ex).__name__}: {str(ex)[:200]}", flush=True)
    plans = [common.plan_chunks('real', dt, B, T, D, x.device, False, bb) for bb in (False, True)]
    print(f"real {str(dt)[6:]} {(B, T, D)} floor fwd {fl_f:.4f} bwd {fl_b:.4f}  rule: "
          + " ".join(f"{n}x[{a.get('R', a.get('BT'))},{a.get('NW', a.get('num_warps'))},{a['BD']}]" for n, a in plans), flush=True)
    for k, v in res.items():
        tf, tb = min(a for a, _ in v), min(b for _, b in v)
        print(f"   {k:20s} fwd {tf:.4f} ({tf / fl_f:.2f})  bwd {tb:.4f} ({tb / fl_b:.2f})  fwd+bwd ({(tf + tb) / (fl_f + fl_b):.2f})", flush=True)
    out.append({"dtype": str(dt)[6:], "shape": [B, T, D], "floor_fwd": fl_f, "floor_bwd": fl_b, "ms": res})
    del x, gt, do, ref, rdx, rdg
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "loop_sweep.json"), "w"), indent=1)

"""Session 25, call 4: the complex loop prototype (cloop.py) against the rule, forward and backward, best of
two rounds, GPU time (graph replays); outputs checked against the rule's."""
import sys, os, json
sys.path.insert(0, "benchmarks"); sys.path.insert(0, "benchmarks/results/2026-11-30-h200-session25")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import complex as cx, common
import cloop
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
bf, f32 = torch.bfloat16, torch.float32
CAND = {2: [(4, 4, 32, 3), (4, 2, 32, 3), (2, 4, 32, 3), (2, 4, 64, 3), (4, 2, 64, 3), (4, 1, 16, 4), (4, 4, 16, 3), (4, 4, 32, 4)],
        4: [(4, 4, 16, 3), (4, 2, 16, 3), (2, 4, 32, 3), (4, 2, 32, 3), (2, 4, 16, 3)]}
SHAPES = [(bf, s) for s in [(8, 4096, 1024), (16, 1024, 512), (32, 1024, 1024), (4, 4096, 1024), (64, 512, 1024), (8, 8192, 512)]] + \
         [(f32, s) for s in [(8, 4096, 1024), (16, 1024, 1024)]]
def err(a, b):
    return ((a.float() - b.float()).norm() / b.float().norm()).item()
out = []
for dt, (B, T, D) in SHAPES:
    g0 = torch.Generator(device="cuda").manual_seed(0)
    x = torch.randn(B, T, D, 2, device="cuda", generator=g0).to(dt)
    gt = (0.7 * torch.randn(B, T, D, 2, device="cuda", generator=g0)).to(dt)
    do = torch.randn(B, T, D, 2, device="cuda", generator=g0).to(dt)
    fl_f, fl_b = 3 * x.numel() * x.element_size() / bw * 1e3, 5 * x.numel() * x.element_size() / bw * 1e3
    ref, rht = cx.scan_fwd(x, gt, None, None, False)
    rdx, rdg, rdh0 = cx.scan_bwd(gt, ref, do, None, None, None, False)
    variants = {"rule": (lambda: cx.scan_fwd(x, gt, None, None, False), lambda: cx.scan_bwd(gt, ref, do, None, None, None, False))}
    for c in CAND[x.element_size()]:
        R, w, BD, st = c
        variants[c] = (lambda R=R, w=w, BD=BD, st=st: cloop.fwd(x, gt, R, w, BD, st),
                       lambda R=R, w=w, BD=BD, st=st: cloop.bwd(gt, ref, do, R, w, BD, st))
    res = {}
    for rnd in range(2):
        for k, (f, b) in variants.items():
            try:
                if rnd == 0:
                    o, ht = f(); dx, dg, dh0 = b()
                    e = max(err(o, ref), err(ht, rht), err(dx, rdx), err(dg, rdg), err(dh0, rdh0))
                    assert e < 2e-2, e
                tf = median_ms(f, rep=25, graph=True); tb = median_ms(b, rep=25, graph=True)
                res.setdefault(str(k), []).append((tf, tb))
            except Exception as ex:
                if rnd == 0:
                    print(f"   {str(k):16s} FAILED {type(ex).__name__}: {str(ex)[:200]}", flush=True)
    plans = [common.plan_chunks('complex', dt, B, T, D, x.device, False, bb) for bb in (False, True)]
    print(f"complex {str(dt)[6:]} {(B, T, D)} floor fwd {fl_f:.4f} bwd {fl_b:.4f}  rule: "
          + " ".join(f"{n}x[{a.get('R', a.get('BT'))},{a.get('NW', a.get('num_warps'))},{a['BD']}]" for n, a in plans), flush=True)
    for k, v in res.items():
        tf, tb = min(a for a, _ in v), min(b for _, b in v)
        print(f"   {k:16s} fwd {tf:.4f} ({tf / fl_f:.2f})  bwd {tb:.4f} ({tb / fl_b:.2f})  fwd+bwd ({(tf + tb) / (fl_f + fl_b):.2f})", flush=True)
    out.append({"dtype": str(dt)[6:], "shape": [B, T, D], "floor_fwd": fl_f, "floor_bwd": fl_b, "ms": res})
    del x, gt, do, ref, rdx, rdg
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "cloop_ab.json"), "w"), indent=1)

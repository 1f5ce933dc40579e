"""Session 25, call 1: the real scan unsplit over time with narrow channel blocks (loop.py: chunk-style
tiles in a software-pipelined loop, no look-back; "U": real.py's unsplit kernel with narrow, tall
tiles) against the rule (look-back chunks), forward and backward, best of two rounds, GPU time
(graph replays); outputs checked against the rule's."""
import sys, os, json
sys.path.insert(0, "benchmarks"); sys.path.insert(0, "benchmarks/results/2026-11-30-h200-session25")
import torch, triton
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import real, common
import loop
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
bf, f32 = torch.bfloat16, torch.float32
CAND = {2: [("L", 4, 4, 32, 3), ("L", 4, 2, 32, 3), ("L", 4, 1, 32, 4), ("L", 2, 2, 32, 4), ("L", 4, 4, 64, 3),
            ("L", 2, 4, 64, 3), ("L", 4, 4, 16, 3), ("L", 4, 2, 128, 3), ("L", 2, 4, 256, 3), ("L", 4, 1, 16, 4),
            ("U", 64, 4, 32, 3), ("U", 32, 1, 32, 4), ("U", 64, 1, 16, 4), ("U", 64, 4, 64, 3)],
        4: [("L", 4, 4, 16, 3), ("L", 4, 2, 32, 3), ("L", 2, 4, 32, 3), ("L", 4, 1, 16, 4), ("L", 2, 4, 64, 3),
            ("L", 4, 4, 32, 3), ("U", 32, 1, 16, 4), ("U", 64, 4, 32, 3)]}
SHAPES = [(bf, (8, 4096, 2048)), (bf, (4, 16384, 1024)), (bf, (16, 1024, 1024)), (bf, (1, 65536, 256)),
          (bf, (32, 1024, 1024)), (f32, (8, 4096, 2048)), (f32, (4, 16384, 1024))]
if len(sys.argv) > 1:
    SHAPES = SHAPES[:int(sys.argv[1])]

def u_fwd(x, g, BT, warps, BD, st):
    B, T, D = x.shape
    o = torch.empty_like(x); ht = torch.empty(B, D, device=x.device, dtype=torch.float32)
    real._fwd_kernel[(B * triton.cdiv(D, BD),)](x, g, o, None, ht, None, T=T, D=D, s_b=x.stride(0), s_t=x.stride(1),
        BT=BT, BD=BD, REVERSE=False, HAS_H0=False, VARLEN=False, STAGES=st, num_warps=warps, num_stages=1)
    return o, ht

def u_bwd(g, o, do, BT, warps, BD, st):
    B, T, D = g.shape
    dx, dg = torch.empty_like(g), torch.empty_like(g); dh0 = torch.empty(B, D, device=g.device, dtype=torch.float32)
    real._bwd_kernel[(B * triton.cdiv(D, BD),)](g, o, do, None, None, dx, dg, dh0, None, T=T, D=D, s_b=g.stride(0),
        s_t=g.stride(1), BT=BT, BD=BD, REVERSE=False, HAS_H0=False, HAS_DHT=False, VARLEN=False, STAGES=st,
        num_warps=warps, num_stages=1)
    return dx, dg, dh0

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
        kind, a, w, BD, st = c
        if kind == "L":
            variants[c] = (lambda a=a, w=w, BD=BD, st=st: loop.fwd(x, gt, a, w, BD, st),
                           lambda a=a, w=w, BD=BD, st=st: loop.bwd(gt, ref, do, a, w, BD, st))
        else:
            variants[c] = (lambda a=a, w=w, BD=BD, st=st: u_fwd(x, gt, a, w, BD, st),
                           lambda a=a, w=w, BD=BD, st=st: u_bwd(gt, ref, do, a, w, BD, st))
    res = {}
    for rnd in range(2):
        for k, (f, b) in variants.items():
            try:
                if rnd == 0:
                    o, ht = f(); dx, dg, dh0 = b()
                    e = max(err(o, ref), err(ht, rht), err(dx, rdx), err(dg, rdg), err(dh0, rdh0))
                    assert e < 1e-2, e
                tf = median_ms(f, rep=30, graph=True); tb = median_ms(b, rep=30, graph=True)
                res.setdefault(str(k), []).append((tf, tb))
            except Exception as ex:
                if rnd == 0:
                    print(f"   {str(k):24s} FAILED {type(ex).__name__}: {str(ex)[:200]}", flush=True)
    print(f"real {str(dt)[6:]} {(B, T, D)} floor fwd {fl_f:.4f} bwd {fl_b:.4f}  (rule plans: "
          f"{[common.plan_chunks('real', dt, B, T, D, x.device, False, bb) for bb in (False, True)]})", flush=True)
    for k, v in res.items():
        tf, tb = min(a for a, _ in v), min(b for _, b in v)
        print(f"   {k:24s} fwd {tf:.4f} ({tf / fl_f:.2f})  bwd {tb:.4f} ({tb / fl_b:.2f})  fwd+bwd ({(tf + tb) / (fl_f + fl_b):.2f})", flush=True)
    out.append({"dtype": str(dt)[6:], "shape": [B, T, D], "floor_fwd": fl_f, "floor_bwd": fl_b, "ms": res})
    del x, gt, do, ref, rdx, rdg
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "loop_ab.json"), "w"), indent=1)

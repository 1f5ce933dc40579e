"""Fused HGRU: the current launch (two-level split / register chunks) vs look-back chunks of L steps
streamed twice one row per turn (complex._hgru_*_stream_kernel), L x STAGES x BD.
GPU time (graph replays), best of interleaved rounds; errors against the current launch."""
import sys, os, json
sys.path.insert(0, "benchmarks")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import complex as cx, common
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
bf, f32 = torch.bfloat16, torch.float32
CASES = [(bf, (8, 4096, 1024)), (bf, (16, 1024, 1024)), (bf, (4, 16384, 1024)), (bf, (2, 32768, 512)),
         (bf, (1, 65536, 256)), (bf, (32, 1024, 1024)), (bf, (16, 512, 768)), (f32, (8, 4096, 1024)),
         (f32, (1, 65536, 256))]
VARIANTS = [(L, S, 0) for L in (32, 64, 128, 256) for S in (4, 8)] + [(64, 12, 0), (64, 8, 64), (128, 8, 64)]
if os.environ.get("VARIANTS"):
    VARIANTS = [tuple(map(int, v.split(","))) for v in os.environ["VARIANTS"].split()]
ROUNDS = int(os.environ.get("ROUNDS", 2))
tile0 = cx._stream_tile
out = []
for dt, (B, T, D) in CASES:
    g = torch.Generator(device="cuda").manual_seed(0)
    r = lambda *s: torch.randn(*s, device="cuda", generator=g).to(dt)
    c, f = r(B, T, 2 * D), r(B, T, D)
    th, lb = torch.rand(D, device="cuda", generator=g), 0.5 * torch.rand(D, device="cuda", generator=g)
    E, es = B * T * D, torch.empty((), dtype=dt).element_size()
    fl_f, fl_b = 5 * E * es / bw * 1e3, 10 * E * es / bw * 1e3
    h, _ = cx.hgru_fwd(c, f, th, lb, None, None, False, True)
    dh = r(B, T, 2 * D)
    base = (lambda: cx.hgru_fwd(c, f, th, lb, None, None, False, True),
            lambda: cx.hgru_bwd(c, f, th, lb, h, dh, None, None, None, False, True))
    want_f, want_b = base[0](), base[1]()
    res, errs = {}, {}
    names = ["now"] + [f"L{v[0]} S{v[1]}" + (f" BD{v[2]}" if v[2] else "") for v in VARIANTS]
    for rnd in range(ROUNDS):
        for name, v in zip(names, [None] + VARIANTS):
            if v is None:
                fw, bwf = base
            else:
                L, S, bd = v
                if L * 2 > T and T > 64:
                    continue
                if bd:
                    cx._stream_tile = lambda dtype, L, st, bd=bd: dict(tile0(dtype, L, st), BD=bd)
                fw = lambda L=L, S=S: cx.hgru_fwd_stream(c, f, th, lb, None, False, True, L, S)
                bwf = lambda L=L, S=S: cx.hgru_bwd_stream(c, f, th, lb, h, dh, None, None, False, True, L, S)
            if rnd == 0:
                e1 = max(((a.float() - b.float()).norm() / b.float().norm()).item() for a, b in zip(fw(), want_f))
                e2 = max(((a.float() - b.float()).norm() / b.float().norm()).item() for a, b in zip(bwf(), want_b))
                errs[name] = max(e1, e2)
            tf, tb = median_ms(fw, rep=40, graph=True), median_ms(bwf, rep=40, graph=True)
            cx._stream_tile = tile0
            p = res.get(name, (9e9, 9e9))
            res[name] = (min(p[0], tf), min(p[1], tb))
    plan = common.plan_fused_fwd(dt, B, T, D, torch.device("cuda"), False)
    print(f"{str(dt)[6:]} {(B, T, D)} now: fwd {'chunks' if plan[0] > 1 else 'two-level %d' % plan[2][0]} floors {fl_f:.4f} / {fl_b - fl_f:.4f}", flush=True)
    for n in names:
        if n in res:
            print(f"   {n:14s} fwd {res[n][0]:.4f} ({res[n][0] / fl_f:.2f}x)  bwd {res[n][1]:.4f} ({res[n][1] / (fl_b - fl_f):.2f}x)  err {errs[n]:.0e}", flush=True)
    out.append({"dtype": str(dt)[6:], "shape": [B, T, D], "floor_fwd_ms": fl_f, "floor_bwd_ms": fl_b - fl_f,
                "ms": res, "err": errs})
json.dump({"env": environment(), "copy_GBps": bw / 1e9, "rows": out}, open(os.path.join(os.environ.get("OUT", "."), "stream_ab.json"), "w"), indent=1)

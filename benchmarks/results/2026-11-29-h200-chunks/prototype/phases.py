"""Prototype of the chunk kernel (chunk.py, forward only; its final form is hgru/ops/triton/real.py)
timed with the look-back (MODE 0), without it (MODE 1: chunks independent, wrong results, the
cost of the tile alone) and without the cross-warp shift (MODE 2), and its phases stamped with
%globaltimer. phases.txt: chunk.py with RESCAN=False (the rescan came after that run);
phases_3d_tile.txt: an earlier chunk.py loading [R, NW, BD] tiles directly, which Triton 3.6
laid out with warps along R (the scan crossed warps through shared memory; ncu_3d_tile.txt).
    PYTHONPATH=. python benchmarks/results/2026-11-29-h200-chunks/prototype/phases.py"""
import os
import sys
import torch
import triton
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, "benchmarks")
from timing import copy_bandwidth, median_ms  # noqa: E402
import hgru  # noqa: E402
import chunk  # noqa: E402


def run(x, g, R, NW, BD, W=4, MODE=0, st=None, RESCAN=False):
    B, T, D = x.shape
    ns, nc = triton.cdiv(T, R * NW), B * triton.cdiv(D, BD)
    o = torch.empty_like(x)
    ht = torch.empty(B, D, device=x.device, dtype=torch.float32)
    rec = torch.empty(3, ns, B, D, device=x.device, dtype=torch.float32)
    flag = torch.zeros(ns * nc, device=x.device, dtype=torch.int32)
    chunk._fwd_chunk[(ns * nc,)](x, g, o, None, ht, rec, flag, T, D, x.stride(0), x.stride(1), ns, ns * B * D,
                                 R=R, NW=NW, BD=BD, REVERSE=False, HAS_H0=False, W=W, num_warps=NW, MODE=MODE,
                                 STAMP=st is not None, p_st=st, RESCAN=RESCAN)
    return o, ht


bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
CFG = [(8, 4, 256), (8, 2, 256), (4, 4, 256), (4, 8, 256), (8, 8, 256), (2, 8, 256), (8, 4, 128), (8, 8, 128),
       (4, 8, 128), (4, 16, 128)]
for dt, shape in [(torch.bfloat16, (8, 4096, 2048)), (torch.bfloat16, (4, 16384, 1024))]:
    x = torch.randn(shape, device="cuda").to(dt)
    g = (0.5 + 0.5 * torch.rand(shape, device="cuda")).to(dt)
    floor = 3 * x.numel() * x.element_size() / bw * 1e3
    with torch.no_grad():
        ref = hgru.real_scan(x, g)[0].float()
        t_cur = median_ms(lambda: hgru.real_scan(x, g), graph=True)
        print(f"{shape} floor {floor:.4f} current {t_cur:.4f} ({t_cur/floor:.2f})", flush=True)
        for R, NW, BD in CFG:
            oc, _ = run(x, g, R, NW, BD)
            err = ((oc.float() - ref).abs().max() / ref.abs().max()).item()
            ts = [median_ms(lambda: run(x, g, R, NW, BD, MODE=m), graph=True) for m in (0, 1, 2)]
            print(f"  R={R} NW={NW} BD={BD} err {err:.1e} | full {ts[0]:.4f} ({ts[0]/floor:.2f}) no-lookback "
                  f"{ts[1]:.4f} ({ts[1]/floor:.2f}) no-gather {ts[2]:.4f} ({ts[2]/floor:.2f})", flush=True)
            if shape[0] == 8 and (R, NW, BD) in ((8, 4, 256), (4, 4, 256), (8, 8, 128)):
                n = triton.cdiv(shape[1], R * NW) * shape[0] * triton.cdiv(shape[2], BD)
                st = torch.zeros(n, 8, dtype=torch.int64, device="cuda")
                for _ in range(3):
                    run(x, g, R, NW, BD, st=st)
                torch.cuda.synchronize()
                s = st.cpu().double()
                s[:, :5] -= s[:, 0].min()
                q = lambda v: " ".join(f"{v.quantile(p).item()/1e3:.2f}" for p in (0.1, 0.5, 0.9, 0.99))  # noqa: E731
                print("    phase us p10 p50 p90 p99: load+agg+pub", q(s[1:, 1] - s[1:, 0]), "| lookback",
                      q(s[1:, 2] - s[1:, 1]), "| incl pub", q(s[1:-1, 3] - s[1:-1, 2]), "| to end",
                      q(s[1:-1, 4] - s[1:-1, 3]), "| life", q(s[:, 4] - s[:, 0]), flush=True)
                total, mid = s[:, 4].max(), s[:, 4].max() / 2
                alive = ((s[:, 0] <= mid) & (s[:, 4] >= mid)).sum().item()
                order = (s[1:, 0] >= s[:-1, 0]).float().mean().item()
                print(f"    kernel span {total.item()/1e3:.1f} us, alive at mid {alive}, start monotone in pid "
                      f"{order:.3f}, SMs used {len(set(s[:, 5].tolist()))}", flush=True)

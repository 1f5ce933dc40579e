"""A/B: the fused kernels of the repository against those of cx_base (a copy of an earlier commit's complex.py)."""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch
from triton.testing import do_bench
from hgru.ops.triton import common, complex as cx
import cx_base as base
def ms(fn): return do_bench(fn, warmup=30, rep=300, return_mode="median")
for dt, shapes in ((torch.bfloat16, ((8, 4096, 1024), (128, 256, 1024), (32, 1024, 1024), (16, 512, 768), (1, 65536, 256))),
                   (torch.float32, ((8, 4096, 1024), (128, 256, 1024)))):
    for B, T, D in shapes:
        c = torch.randn(B, T, 2 * D, device="cuda", dtype=dt)
        f = torch.randn(B, T, D, device="cuda", dtype=dt)
        theta, lb = torch.rand(D, device="cuda"), torch.full((D,), 0.5, device="cuda")
        floor = B * T * D * 5 * c.element_size() / 4.25e12 * 1e3
        row = []
        for mod in (base, cx):
            h, _ = mod.hgru_fwd(c, f, theta, lb, None, None, False, True)
            dh = torch.randn_like(h)
            tf = ms(lambda: mod.hgru_fwd(c, f, theta, lb, None, None, False, True))
            tb = ms(lambda: mod.hgru_bwd(c, f, theta, lb, h, dh, None, None, None, False, True))
            row.append(f"fwd {tf:.3f} ({tf / floor:.2f}x) bwd {tb:.3f} ({tb / (2 * floor):.2f}x)")
        hb, _ = base.hgru_fwd(c, f, theta, lb, None, None, False, True)
        hn, _ = cx.hgru_fwd(c, f, theta, lb, None, None, False, True)
        n_split, L, _ = common.plan("hgru", dt, B, T, D, c.device, False)
        print(f"{str(dt)[6:]:8s} {B},{T},{D} splits {n_split}x{L}: before {row[0]} | now {row[1]} | max |diff| {(hb.float() - hn.float()).abs().max().item():.1e}", flush=True)

"""norm_gate block sweep at the layer's shape: fwd / fwd+bwd time vs floor."""
import sys, os, torch, itertools
sys.path.insert(0, "benchmarks")
from timing import copy_bandwidth, median_ms
import hgru
from hgru.ops.triton import norm
bw = copy_bandwidth()
print(f"bw {bw/1e9:.0f} GB/s")
for dtype in (torch.bfloat16, torch.float32):
    M, N = 32768, 2048
    s = dtype.itemsize
    h = torch.randn(M, N, device="cuda", dtype=dtype); g = torch.randn_like(h)
    w = torch.ones(N, device="cuda"); b = torch.zeros(N, device="cuda")
    hl, gl = h.clone().requires_grad_(), g.clone().requires_grad_()
    dz = torch.randn_like(h)
    f_fwd, f_all = 3 * M * N * s / bw * 1e3, 8 * M * N * s / bw * 1e3
    for el, pt, pps in itertools.product((2048, 4096, 8192), (8, 16, 32), (2, 4, 8)):
        norm.ELEMENTS, norm.PER_THREAD, norm.PROGRAMS_PER_SM = el, pt, pps
        norm._programs.cache_clear()
        if pps != 4 and (el, pt) != (4096, 16):
            continue
        def fwd():
            with torch.no_grad():
                hgru.ops.norm_gate(h, g, w, b)
        def all_():
            hgru.ops.norm_gate(hl, gl, w, b).backward(dz)
        try:
            tf = median_ms(fwd, graph=True); ta = median_ms(all_, grad_to_none=[hl, gl], graph=True)
        except Exception as e:
            print(el, pt, pps, "failed", repr(e)[:100]); continue
        print(f"{str(dtype)[6:]:9s} ELEMENTS {el:5d} PER_THREAD {pt:2d} PPS {pps} fwd {tf:.3f} ms ({tf/f_fwd:.2f}x) fwd+bwd {ta:.3f} ({ta/f_all:.2f}x) bwd~{ta-tf:.3f} ({(ta-tf)/(f_all-f_fwd):.2f}x)", flush=True)

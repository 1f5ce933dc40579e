"""norm_gate backward (row statistics saved by the forward): block rows x warps x programs per SM,
at (32768, 2048), bf16 and fp32; GPU time of the backward launcher against its floor (5 E s)."""
import sys, itertools, torch, triton
sys.path.insert(0, "benchmarks")
from timing import copy_bandwidth, median_ms
from hgru.ops.triton import norm
bw = copy_bandwidth()
M, N = 32768, 2048
orig = norm._block
for dtype in (torch.bfloat16, torch.float32):
    h = torch.randn(M, N, device="cuda", dtype=dtype); g = torch.randn_like(h); dz = torch.randn_like(h)
    w = torch.ones(N, device="cuda"); b = torch.zeros(N, device="cuda")
    _, st = norm.norm_gate_fwd(h, g, w, b, 1e-5, True, dtype)
    floor = 5 * M * N * dtype.itemsize / bw * 1e3
    res = []
    for BM, W, P in itertools.product((1, 2, 4), (4, 8, 16), (2, 4)):
        norm._block = lambda n, way, BM=BM, W=W: dict(BM=BM, BN=triton.next_power_of_2(n), num_warps=W)
        norm.PROGRAMS_PER_SM = P; norm._programs.cache_clear()
        try:
            t = median_ms(lambda: norm.norm_gate_bwd(h, g, w, b, st, dz, True), graph=True)
        except Exception as e:
            print(BM, W, P, "failed", repr(e)[:80]); continue
        res.append((round(t, 4), BM, W, P))
        print(f"{str(dtype)[6:]:9s} BM {BM} warps {W:2d} PPS {P} bwd {t:.3f} ms ({t / floor:.2f}x)", flush=True)
    print("best (ms, BM, warps, PPS)", dtype, sorted(res)[:3], f"floor {floor:.3f}", flush=True)
norm._block = orig

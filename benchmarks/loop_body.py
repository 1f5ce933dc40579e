# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Where the v1 kernels' time goes: v1's loop (one program per row x channel block x time slice,
tiles of BT rows) with bodies of increasing work, real scan shape (8, 4096, 2048) (CUDA).

    python benchmarks/loop_body.py runs/loop_body.json

Bodies: stream (store x * g), cumsum of x (g unused), the tile scan without carry, and the v1
body (tile scan + carry). Slices are independent (no carry between them), i.e. what a perfect
carry propagation would allow. "vec False" passes the channel stride at run time, so Triton cannot
vectorise the channel loads. Results and their reading: benchmarks/NOTES.md.
"""
import json
import os
import sys

import torch
import triton
import triton.language as tl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import copy_bandwidth, environment, median_ms, require_cuda, table  # noqa: E402

from hgru.ops.triton.real import _combine  # noqa: E402  (v1's combine, the body measured)


@triton.jit(do_not_specialize=["s_d"])
def k_loop(p_x, p_g, p_o, T, D, s_b, s_t, s_d, L, BT: tl.constexpr, BD: tl.constexpr, MODE: tl.constexpr,
           VEC: tl.constexpr):
    i_d, i_b, i_s = tl.program_id(0), tl.program_id(1), tl.program_id(2)
    o_d = i_d * BD + tl.arange(0, BD)
    m_d = o_d < D
    lo = i_s * L
    hi = tl.minimum(lo + L, T)
    base = i_b.to(tl.int64) * s_b
    o_r = tl.arange(0, BT)
    last = (o_r == BT - 1)[:, None]
    b_h = tl.zeros([BD], dtype=tl.float32)
    for k in range(tl.cdiv(hi - lo, BT)):
        o_t = lo + k * BT + o_r
        m = (o_t < hi)[:, None] & m_d[None, :]
        if VEC:
            offs = base + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
        else:
            offs = base + o_t.to(tl.int64)[:, None] * s_t + (o_d * s_d)[None, :]
        b_x = tl.load(p_x + offs, mask=m, other=0.).to(tl.float32)
        b_g = tl.load(p_g + offs, mask=m, other=1.).to(tl.float32)
        if MODE == 0:
            y = b_x * b_g
        elif MODE == 1:
            y = tl.cumsum(b_x, 0)
        elif MODE == 2:
            _, y = tl.associative_scan((b_g, b_x), 0, _combine)
        else:
            a, y = tl.associative_scan((b_g, b_x), 0, _combine)
            y = y + a * b_h[None, :]
            b_h = tl.sum(tl.where(last, y, 0.), 0)
        tl.store(p_o + offs, y.to(p_o.dtype.element_ty), mask=m)


MODES = {0: "stream x*g", 1: "cumsum x", 2: "tile scan", 3: "scan+carry (v1 body)"}


def main():
    require_cuda()
    print(environment(), flush=True)
    bw = copy_bandwidth()
    print(f"copy bandwidth {bw / 1e9:.0f} GB/s", flush=True)
    B, T, D = 8, 4096, 2048
    rows = []
    plan = [("bf16", m, t, s, True) for m in MODES for t in [(16, 64, 2), (8, 64, 2), (32, 64, 4), (64, 64, 4), (16, 128, 4), (16, 16, 1)] for s in (1, 4, 16)]
    plan += [("fp32", m, (16, 64, 2), s, True) for m in MODES for s in (1, 4, 16)]
    plan += [("bf16", m, t, s, False) for m in (0, 3) for t in [(8, 32, 1), (16, 64, 2), (32, 64, 2)] for s in (1, 16)]
    for dt, mode, (bt, bd, w), ns, vec in plan:
        dtype = {"bf16": torch.bfloat16, "fp32": torch.float32}[dt]
        x = torch.randn(B, T, D, device="cuda", dtype=dtype)
        g = torch.rand(B, T, D, device="cuda", dtype=dtype)
        o = torch.empty_like(x)
        L = triton.cdiv(T, ns)
        grid = (triton.cdiv(D, bd), B, ns)
        fn = lambda: k_loop[grid](x, g, o, T, D, x.stride(0), x.stride(1), 1, L, BT=bt, BD=bd, MODE=mode, VEC=vec, num_warps=w)
        try:
            ms = median_ms(fn, warmup=5, rep=20)
            floor = 3 * x.numel() * x.element_size() / bw * 1e3
            r = {"dtype": dt, "body": MODES[mode], "tile BT,BD,w": f"{bt},{bd},{w}", "vec": vec, "splits": ns,
                 "programs": grid[0] * grid[1] * grid[2], "ms": f"{ms:.3f}", "x floor": f"{ms / floor:.2f}"}
        except Exception as e:
            r = {"dtype": dt, "body": MODES[mode], "tile BT,BD,w": f"{bt},{bd},{w}", "vec": vec, "splits": ns, "ms": f"ERR {type(e).__name__}"}
        print(r, flush=True)
        rows.append(r)
    print(table(rows, list(rows[0])))
    if len(sys.argv) > 1:
        json.dump({"env": environment(), "copy_GBps": bw / 1e9, "rows": rows}, open(sys.argv[1], "w"), indent=1)


if __name__ == "__main__":
    main()

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""LayerNorm times an activated gate, ``z = LN(h) * act(g)``, forward and backward in one pass
each (rows of ``N`` channels; float32 arithmetic whatever the input and output dtypes); without a
gate (``g`` None), the LayerNorm alone.

The forward reads h and g and writes z and each row's mean and 1 / std; the backward reads h, g,
dz and those, writes dh and dg and per-program partial sums of the weight and bias gradients.
"""
from __future__ import annotations

import torch
import triton
import triton.language as tl

from . import common

# Measured on an H200 (NOTES.md, "The output gating", "The norm-gate backward's reductions"):
# BLOCKS gives (elements per block, elements per thread) by (kind, input element size): a block
# is rows x channels padded to a power of two, the elements per thread set the warps. "short" is
# the backward of 2-byte rows of at most SHORT_ROW channels, which sums the weight and bias
# gradients in block-shaped accumulators (2-3x faster there; slower for bf16 rows of 2048 channels
# and fp32 rows of 384). The backward runs PROGRAMS_PER_SM programs per SM, each summing its rows'
# gradients, with BWD_STAGES (per input element size) blocks' loads in flight: its loop's software
# pipeline copies the next blocks' h, g and dz into shared memory ahead of use (NOTES.md, "The
# fused passes' software pipeline": 3 stages 8% faster in bf16, fp32 fastest without).
BLOCKS = {("fwd", 2): (4096, 32), ("fwd", 4): (2048, 16), ("bwd", 2): (4096, 16), ("bwd", 4): (4096, 16),
          ("short", 2): (2048, 16)}
SHORT_ROW = 1024
PROGRAMS_PER_SM = {"bwd": 2, "short": 3}
BWD_STAGES = {2: 3, 4: 1}
MAX_N = 16384


@triton.jit
def _act(b_g, SILU: tl.constexpr):
    """(act(g), act'(g))."""
    if SILU:
        s = tl.sigmoid(b_g)
        return b_g * s, s * (1 + b_g * (1 - s))
    return b_g, tl.full(b_g.shape, 1.0, tl.float32)


@triton.jit
def _affine(p_w, p_b, o_n, m_n, HAS_W: tl.constexpr, HAS_B: tl.constexpr):
    b_w = tl.load(p_w + o_n, mask=m_n, other=0.).to(tl.float32) if HAS_W else tl.full(o_n.shape, 1.0, tl.float32)
    b_b = tl.load(p_b + o_n, mask=m_n, other=0.).to(tl.float32) if HAS_B else tl.zeros(o_n.shape, tl.float32)
    return b_w, b_b


@triton.jit
def _norm_fwd_kernel(p_h, p_g, p_w, p_b, p_z, p_st, M, N, eps, BM: tl.constexpr, BN: tl.constexpr,
                     HAS_G: tl.constexpr, HAS_W: tl.constexpr, HAS_B: tl.constexpr, SILU: tl.constexpr):
    o_m = (tl.program_id(0) * BM + tl.arange(0, BM)).to(tl.int64)
    o_n = tl.arange(0, BN)
    m_n = o_n < N
    m = (o_m < M)[:, None] & m_n[None, :]
    offs = o_m[:, None] * N + o_n[None, :]
    b_w, b_b = _affine(p_w, p_b, o_n, m_n, HAS_W, HAS_B)
    b_h = tl.load(p_h + offs, mask=m, other=0.).to(tl.float32)
    mean = tl.sum(b_h, 1) / N
    b_c = tl.where(m, b_h - mean[:, None], 0.)
    rstd = tl.rsqrt(tl.sum(b_c * b_c, 1) / N + eps)
    tl.store(p_st + o_m, mean, mask=o_m < M)
    tl.store(p_st + M + o_m, rstd, mask=o_m < M)
    b_z = b_c * rstd[:, None] * b_w[None, :] + b_b[None, :]
    if HAS_G:
        b_z *= _act(tl.load(p_g + offs, mask=m, other=0.).to(tl.float32), SILU)[0]
    tl.store(p_z + offs, b_z.to(p_z.dtype.element_ty), mask=m)


@triton.jit
def _add2(a1, b1, a2, b2):
    return a1 + a2, b1 + b2


@triton.jit
def _norm_bwd_kernel(p_h, p_g, p_w, p_b, p_st, p_dz, p_dh, p_dg, p_dw, p_db, M, N, BM: tl.constexpr,
                     BN: tl.constexpr, HAS_G: tl.constexpr, HAS_W: tl.constexpr, HAS_B: tl.constexpr,
                     SILU: tl.constexpr, STAGES: tl.constexpr, ROW_SUMS: tl.constexpr):
    """Each program takes row blocks pid, pid + P, ...; writes its sums of the weight and bias
    gradients over them to row pid of p_dw, p_db [P, N]. With ROW_SUMS the sums build up in
    [BM, BN] accumulators, reduced over rows once at the end (reduced per block, the cross-warp
    reductions held bf16 rows of 1024 channels at 2.7x the floor: NOTES.md)."""
    pid, P = tl.program_id(0), tl.num_programs(0)
    o_n = tl.arange(0, BN)
    m_n = o_n < N
    b_w, b_b = _affine(p_w, p_b, o_n, m_n, HAS_W, HAS_B)
    S: tl.constexpr = BM if ROW_SUMS else 1
    b_dw = tl.zeros([S, BN], tl.float32)
    b_db = tl.zeros([S, BN], tl.float32)
    for blk in tl.range(pid, tl.cdiv(M, BM), P, num_stages=STAGES):
        o_m = (blk * BM + tl.arange(0, BM)).to(tl.int64)
        m = (o_m < M)[:, None] & m_n[None, :]
        offs = o_m[:, None] * N + o_n[None, :]
        mean = tl.load(p_st + o_m, mask=o_m < M, other=0.)
        rstd = tl.load(p_st + M + o_m, mask=o_m < M, other=0.)
        b_x = tl.where(m, tl.load(p_h + offs, mask=m, other=0.).to(tl.float32) - mean[:, None], 0.) * rstd[:, None]
        b_dy = tl.load(p_dz + offs, mask=m, other=0.).to(tl.float32)
        if HAS_G:
            b_a, b_da = _act(tl.load(p_g + offs, mask=m, other=0.).to(tl.float32), SILU)
            tl.store(p_dg + offs, (b_dy * (b_x * b_w[None, :] + b_b[None, :]) * b_da).to(p_dg.dtype.element_ty), mask=m)
            b_dy *= b_a
        if ROW_SUMS:
            b_dw += b_dy * b_x
            b_db += b_dy
        else:
            b_dw += tl.sum(b_dy * b_x, 0, keep_dims=True)
            b_db += tl.sum(b_dy, 0, keep_dims=True)
        b_dx = b_dy * b_w[None, :]
        c1, c2 = tl.reduce((b_dx * b_x, b_dx), 1, _add2)  # both row sums in one reduction
        b_dh = (b_dx - b_x * (c1 / N)[:, None] - (c2 / N)[:, None]) * rstd[:, None]
        tl.store(p_dh + offs, b_dh.to(p_dh.dtype.element_ty), mask=m)
    tl.store(p_dw + pid * N + o_n, tl.sum(b_dw, 0), mask=m_n)
    tl.store(p_db + pid * N + o_n, tl.sum(b_db, 0), mask=m_n)


def _block(N: int, kind: str, size: int) -> dict:
    """[BM, BN] block (BN the channels padded to a power of two) and warps of ``kind`` ("fwd",
    "bwd", "short") for inputs of ``size``-byte elements, from BLOCKS."""
    if N > MAX_N:
        raise ValueError(f"the Triton norm_gate kernel takes rows of at most {MAX_N} channels, got {N}; "
                         "pass backend='torch'")
    elements, per_thread = BLOCKS[kind, size]
    BN = 1 << (N - 1).bit_length()
    BM = max(1, elements // BN)
    if common.INTERPRET:
        BM = min(BM, 4)
    return dict(BM=BM, BN=BN, num_warps=max(1, min(16, BM * BN // (32 * per_thread))))


def _rows(h, g):
    N = h.shape[-1]
    return h.reshape(-1, N).contiguous(), None if g is None else g.reshape(-1, N).contiguous()


def norm_gate_fwd(h, g, w, b, eps: float, silu: bool, out_dtype: torch.dtype):
    """h, g [..., N] (g may be None) -> z [..., N] in ``out_dtype``, and the rows' (mean, 1 / std)
    [2, rows] float32."""
    h2, g2 = _rows(h, g)
    M, N = h2.shape
    z = torch.empty(M, N, device=h.device, dtype=out_dtype)
    stats = torch.empty(2, M, device=h.device, dtype=torch.float32)
    blk = _block(N, "fwd", h2.element_size())
    _norm_fwd_kernel[(common.cdiv(M, blk["BM"]),)](h2, g2, w, b, z, stats, M, N, eps, HAS_G=g is not None,
                                                    HAS_W=w is not None, HAS_B=b is not None, SILU=silu, **blk)
    return z.view(h.shape), stats


def norm_gate_bwd(h, g, w, b, stats, dz, silu: bool):
    """Returns dh like h, dg like g (an empty tensor when g is None) and [dw, db] [2, N] float32 (one
    tensor: the outputs of a custom op may not alias each other, and two views of one sum would)."""
    h2, g2 = _rows(h, g)
    dz2 = dz.reshape(h2.shape).contiguous()
    M, N = h2.shape
    size = h2.element_size()
    kind = "short" if size == 2 and N <= SHORT_ROW else "bwd"
    blk = _block(N, kind, size)
    n_blocks = common.cdiv(M, blk["BM"])
    P = min(n_blocks, 4 if h.device.type != "cuda" else PROGRAMS_PER_SM[kind] * common._sm_count(h.device.index))
    dh = torch.empty_like(h2)
    dg = h.new_empty(0) if g is None else torch.empty_like(g2)
    dwb = torch.empty(2, P, N, device=h.device, dtype=torch.float32)  # the programs' partial sums
    dw, db = dwb
    _norm_bwd_kernel[(P,)](h2, g2, w, b, stats, dz2, dh, dg, dw, db, M, N, HAS_G=g is not None,
                           HAS_W=w is not None, HAS_B=b is not None, SILU=silu, STAGES=BWD_STAGES[size],
                           ROW_SUMS=kind == "short", **blk)
    return dh.view(h.shape), dg if g is None else dg.view(g.shape), dwb.sum(1)  # one launch for both

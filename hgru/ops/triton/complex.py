# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Triton kernels of the complex recurrence h_t = gamma_t * h_{t-1} + u_t, plain and fused.

Plain (``FUSED=False``): ``x`` and ``g`` are [B, T, D, 2] (real, imag interleaved, the
``torch.view_as_real`` layout); ``o`` likewise; states [N, D, 2].

Fused HGRU (``FUSED=True``): the kernel reads the raw input projection ``c`` [B, T, 2D] (pairs
interleaved, as the official ``(e k) -> e k`` split), the lambda logits ``f`` [B, T, D], theta
[D] and the lower bound [D], forms lam = lb + (1 - lb) sigmoid(f), gamma = lam e^{i theta},
u = (1 - lam) act(c) in registers, scans, and writes ``h`` [B, T, 2D] as cat[Re h, Im h], the
layout the HGRU's LayerNorm reads. States are [N, 2D] in that layout. The backward recomputes
the gating from c and f and also returns d theta and d lb as per-program partial sums.

The plain scan is tiled and split in time as ``real.py``'s scans (one program per row and channel
block, or chunks of one [R * NW, 2 BD] tile passing carries by look-back). The fused kernels
step one time row per loop turn (``_hgru_*_rows``; their tile has BT = 1), with STAGES rows'
loads in flight through the loop's software pipeline, and split time in two levels: a first
launch (AGG) writes each split's aggregate, the second folds the aggregates of the splits before
it, then scans. Where that measured slower (``common.plan_fused_fwd``), the fused forward runs in
look-back chunks instead (``_hgru_fwd_chunk_kernel``: the plain chunks' carry with the gates
formed in registers, twice, from the narrow inputs). The backward runs the adjoint
a_t = do_t + conj(gamma_{t+1}) a_{t+1}, dx = a, dg_t = a_t conj(h_{t-1}).
"""
from __future__ import annotations

import torch
import triton
import triton.language as tl

from . import common
from .real import _carry_in, _chunk, _cmul, _last, _widen


@triton.jit
def _combine(ar1, ai1, xr1, xi1, ar2, ai2, xr2, xi2):
    return (ar2 * ar1 - ai2 * ai1, ar2 * ai1 + ai2 * ar1,
            ar2 * xr1 - ai2 * xi1 + xr2, ar2 * xi1 + ai2 * xr1 + xi2)


@triton.jit
def _load_pairs(p, offs, mask):
    """Load interleaved (re, im) pairs at element offsets ``offs`` of the real parts."""
    o2 = tl.expand_dims(offs, -1) + tl.arange(0, 2)
    return tl.split(tl.load(p + o2, mask=tl.expand_dims(mask, -1), other=0.).to(tl.float32))


@triton.jit
def _load_tile(p, offs, mask):
    """(re, im) [R, C] from interleaved pairs at flat offsets ``offs`` [R, 2C] (one contiguous,
    vectorised load; an [R, C, 2] load would move one pair per instruction)."""
    v = tl.load(p + offs, mask=mask, other=0.).to(tl.float32)
    return tl.split(tl.reshape(v, (v.shape[0], v.shape[1] // 2, 2)))


@triton.jit
def _store_tile(p, offs, mask, re, im):
    tl.store(p + offs, tl.reshape(tl.join(re, im), (re.shape[0], 2 * re.shape[1])).to(p.dtype.element_ty),
             mask=mask)


@triton.jit
def _store_pairs(p, offs, mask, re, im):
    o2 = tl.expand_dims(offs, -1) + tl.arange(0, 2)
    tl.store(p + o2, tl.join(re, im).to(p.dtype.element_ty), mask=tl.expand_dims(mask, -1))


@triton.jit
def _load_state(p, offs, mask, D, FUSED: tl.constexpr):
    if FUSED:
        return tl.load(p + offs, mask=mask, other=0.), tl.load(p + offs + D, mask=mask, other=0.)
    return _load_pairs(p, offs, mask)


@triton.jit
def _store_state(p, offs, mask, D, re, im, FUSED: tl.constexpr):
    if FUSED:
        tl.store(p + offs, re, mask=mask)
        tl.store(p + offs + D, im, mask=mask)
    else:
        _store_pairs(p, offs, mask, re, im)


# Inline PTX cannot run in Triton's interpreter, which takes tl.sigmoid instead (the GPU tests
# check the PTX path).
_FAST_SIGMOID: tl.constexpr = tl.constexpr(not common.INTERPRET)


@triton.jit
def _sigmoid(x, TANH: tl.constexpr = False):
    """1 / (1 + e^-x) by the approximate ex2 and rcp instructions (flushing denormals): 4
    instructions where tl.sigmoid's full-range exp and division take about 12 (NOTES.md). TANH
    (inputs of 2 bytes): 0.5 + 0.5 tanh(x / 2) by the one approximate tanh instruction, half the
    special-function work (absolute error below 2.5e-4, under the inputs' own rounding of 2^-9
    relative); the interpreter, which cannot run inline PTX, keeps tl.sigmoid."""
    if _FAST_SIGMOID:
        if TANH:
            t = tl.inline_asm_elementwise("tanh.approx.f32 $0, $1;", "=f,f", [x * 0.5], dtype=tl.float32,
                                          is_pure=True, pack=1)
            return 0.5 * t + 0.5
        e = tl.inline_asm_elementwise("ex2.approx.ftz.f32 $0, $1;", "=f,f", [x * -1.4426950408889634],
                                      dtype=tl.float32, is_pure=True, pack=1)
        return tl.inline_asm_elementwise("rcp.approx.ftz.f32 $0, $1;", "=f,f", [1. + e], dtype=tl.float32,
                                         is_pure=True, pack=1)
    return tl.sigmoid(x)


@triton.jit
def _lambda(b_f, b_lb, TANH: tl.constexpr = False):
    s = _sigmoid(b_f, TANH)
    return b_lb + (1 - b_lb) * s, s


@triton.jit
def _pairs(v):
    """(re, im) [BD] float32 of one row of interleaved pairs [2 BD] (loaded in one contiguous,
    vectorised load)."""
    v = v.to(tl.float32)
    return tl.split(tl.reshape(v, (v.shape[0] // 2, 2)))


@triton.jit
def _store_row(p, o_c, m_c, re, im):
    tl.store(p + o_c, tl.reshape(tl.join(re, im), (2 * re.shape[0],)).to(p.dtype.element_ty), mask=m_c)


@triton.jit
def _store_aggregate(p_agg, s_agg, i_b, i_s, NSPLIT, D, o_d, m_d, b_pr, b_pi, b_hr, b_hi):
    """Two-level first pass: split i_s's aggregate (gate product, state from zero)."""
    o_a = (i_b * NSPLIT + i_s) * 2 * D + o_d * 2
    _store_pairs(p_agg, o_a, m_d, b_pr, b_pi)
    _store_pairs(p_agg + s_agg, o_a, m_d, b_hr, b_hi)


@triton.jit
def _fold_aggregates(p_agg, s_agg, i_b, i_s, NSPLIT, D, o_d, m_d, b_hr, b_hi, FROM_END: tl.constexpr,
                     STAGES: tl.constexpr):
    """Two-level second pass: the state (b_hr, b_hi) carried through the aggregates of the splits
    scanned before split i_s (those after it when FROM_END), in scan order, STAGES loads in flight."""
    n_pre = NSPLIT - 1 - i_s if FROM_END else i_s
    for jj in tl.range(n_pre, num_stages=STAGES):
        j = NSPLIT - 1 - jj if FROM_END else jj
        o_a = (i_b * NSPLIT + j) * 2 * D + o_d * 2
        b_ar, b_ai = _load_pairs(p_agg, o_a, m_d)
        b_br, b_bi = _load_pairs(p_agg + s_agg, o_a, m_d)
        b_hr, b_hi = _cmul(b_ar, b_ai, b_hr, b_hi)
        b_hr += b_br
        b_hi += b_bi
    return b_hr, b_hi


@triton.jit
def _fused_consts(p_th, p_lb, o_d, m_d):
    """The fused kernels' per-channel constants theta, cos theta, sin theta and the lower bound [BD]."""
    b_th = tl.load(p_th + o_d, mask=m_d, other=0.)
    return b_th, tl.cos(b_th), tl.sin(b_th), tl.load(p_lb + o_d, mask=m_d, other=0.)


@triton.jit
def _fused_split(p_th, p_lb, o_d, m_d, i_s, L, n):
    """The fused kernels' time split [lo, hi) and their per-channel constants (``_fused_consts``)."""
    lo = i_s * L
    b_th, b_cos, b_sin, b_lb = _fused_consts(p_th, p_lb, o_d, m_d)
    return lo, tl.minimum(lo + L, n), b_th, b_cos, b_sin, b_lb


@triton.jit
def _program():
    """(channel block, row, time split) of a program of the (channel block, row, split) grid."""
    return tl.program_id(0), tl.program_id(1), tl.program_id(2)


@triton.jit
def _fwd_pass(p_x, p_g, p_o, T, o_d, m_d, o_c, m_c, b_hr, b_hi, s_xt, s_gt, s_ot, BT: tl.constexpr,
              REVERSE: tl.constexpr, STAGES: tl.constexpr):
    """The plain scan over steps [0, T) in [BT, BD] tiles from state (b_hr, b_hi), writing o;
    returns the final state."""
    o_r = tl.arange(0, BT)
    row_out = (o_r == BT - 1)[:, None]
    for k in tl.range(tl.cdiv(T, BT), num_stages=STAGES):
        o_t = ((T - 1 - k * BT - o_r) if REVERSE else (k * BT + o_r)).to(tl.int64)
        m_t = (o_t >= 0) & (o_t < T)
        m = m_t[:, None] & m_d[None, :]
        m2 = m_t[:, None] & m_c[None, :]
        b_xr, b_xi = _load_tile(p_x, o_t[:, None] * s_xt + o_c[None, :], m2)
        b_gr, b_gi = _load_tile(p_g, o_t[:, None] * s_gt + o_c[None, :], m2)
        b_gr = tl.where(m, b_gr, 1.)
        b_gi = tl.where(m, b_gi, 0.)
        # scan the tile from a zero state, then add the carry (h = B + A * carry)
        b_gr, b_gi, b_xr, b_xi = tl.associative_scan((b_gr, b_gi, b_xr, b_xi), 0, _combine)
        b_xr += b_gr * b_hr[None, :] - b_gi * b_hi[None, :]
        b_xi += b_gr * b_hi[None, :] + b_gi * b_hr[None, :]
        _store_tile(p_o, o_t[:, None] * s_ot + o_c[None, :], m2, b_xr, b_xi)
        b_hr, b_hi = _last(b_xr, row_out), _last(b_xi, row_out)
    return b_hr, b_hi


@triton.jit
def _hgru_fwd_rows(p_c, p_f, p_h, lo, hi, o_d, m_d, o_c, m_c, b_hr, b_hi, b_cos, b_sin, b_lb, s_ct, s_ft, s_ht,
                   D, REVERSE: tl.constexpr, SILU: tl.constexpr, AGG: tl.constexpr, STAGES: tl.constexpr):
    """The fused forward over steps [lo, hi), one time step per turn, from state (b_hr, b_hi):
    u = (1 - lam) act(c), h = lam e^{i theta} h + u, h written unless AGG. The loop's software
    pipeline keeps STAGES steps' c and f in flight (copied into shared memory ahead of use: the
    passes are bound by load latency). Returns (product of the lam, final state)."""
    S: tl.constexpr = -1 if REVERSE else 1
    t = ((hi - 1) if REVERSE else lo).to(tl.int64)
    p_c += t * s_ct
    p_f += t * s_ft
    p_h += t * s_ht
    b_lp = tl.full(b_hr.shape, 1., tl.float32)
    TANH: tl.constexpr = p_c.dtype.element_ty.primitive_bitwidth < 32  # 2-byte inputs
    for _ in tl.range(hi - lo, num_stages=STAGES):
        b_cr, b_ci = _pairs(tl.load(p_c + o_c, mask=m_c, other=0.))
        b_lam, _ = _lambda(tl.load(p_f + o_d, mask=m_d, other=0.).to(tl.float32), b_lb, TANH)
        if SILU:
            b_cr *= _sigmoid(b_cr, TANH)
            b_ci *= _sigmoid(b_ci, TANH)
        b_gr, b_gi = b_lam * b_cos, b_lam * b_sin
        b_hr, b_hi = b_gr * b_hr - b_gi * b_hi + (1 - b_lam) * b_cr, b_gr * b_hi + b_gi * b_hr + (1 - b_lam) * b_ci
        if AGG:
            b_lp *= b_lam
        else:
            tl.store(p_h + o_d, b_hr.to(p_h.dtype.element_ty), mask=m_d)
            tl.store(p_h + D + o_d, b_hi.to(p_h.dtype.element_ty), mask=m_d)
        p_c += S * s_ct
        p_f += S * s_ft
        p_h += S * s_ht
    return b_lp, b_hr, b_hi


@triton.jit
def _fwd_kernel(p_x, p_g, p_o, p_h0, p_ht, p_agg, p_cu, p_th, p_lb, T, D, s_xb, s_xt, s_gb, s_gt,
                s_ob, s_ot, L, NSPLIT, s_agg, BT: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr,
                HAS_H0: tl.constexpr, VARLEN: tl.constexpr, SPLIT: tl.constexpr, AGG: tl.constexpr,
                FUSED: tl.constexpr, SILU: tl.constexpr, STAGES: tl.constexpr):
    i_d, i_b, i_s = _program()
    o_d = i_d * BD + tl.arange(0, BD)
    m_d = o_d < D
    o_c = i_d * 2 * BD + tl.arange(0, 2 * BD)  # element offsets of the block's (re, im) pairs
    m_c = o_c < 2 * D
    OD: tl.constexpr = 1 if FUSED else 2  # channel stride of the states
    if VARLEN:
        bos = tl.load(p_cu + i_b).to(tl.int64)
        n = tl.load(p_cu + i_b + 1).to(tl.int64) - bos
        p_x += bos * s_xt
        p_g += bos * s_gt
        p_o += bos * s_ot
    else:
        n = T
        p_x += i_b.to(tl.int64) * s_xb
        p_g += i_b.to(tl.int64) * s_gb
        p_o += i_b.to(tl.int64) * s_ob
    o_st = i_b * 2 * D + o_d * OD
    b_hr = tl.zeros([BD], dtype=tl.float32)
    b_hi = tl.zeros([BD], dtype=tl.float32)
    if FUSED:
        lo, hi, b_th, b_cos, b_sin, b_lb = _fused_split(p_th, p_lb, o_d, m_d, i_s, L, n)
        if AGG:
            b_lp, b_hr, b_hi = _hgru_fwd_rows(p_x, p_g, p_o, lo, hi, o_d, m_d, o_c, m_c, b_hr, b_hi, b_cos, b_sin,
                                              b_lb, s_xt, s_gt, s_ot, D, REVERSE, SILU, True, STAGES)
            b_ph = (hi - lo).to(tl.float32) * b_th  # the gates' product: prod(lam) e^{i (hi - lo) theta}
            _store_aggregate(p_agg, s_agg, i_b, i_s, NSPLIT, D, o_d, m_d, b_lp * tl.cos(b_ph), b_lp * tl.sin(b_ph),
                             b_hr, b_hi)
        else:
            if HAS_H0:
                b_hr, b_hi = _load_state(p_h0, o_st, m_d, D, True)
            if SPLIT:
                b_hr, b_hi = _fold_aggregates(p_agg, s_agg, i_b, i_s, NSPLIT, D, o_d, m_d, b_hr, b_hi, REVERSE, STAGES)
            _, b_hr, b_hi = _hgru_fwd_rows(p_x, p_g, p_o, lo, hi, o_d, m_d, o_c, m_c, b_hr, b_hi, b_cos, b_sin,
                                           b_lb, s_xt, s_gt, s_ot, D, REVERSE, SILU, False, STAGES)
            _store_state(p_ht, o_st, m_d & ((lo == 0) if REVERSE else (hi == n)), D, b_hr, b_hi, True)
    else:
        if HAS_H0:
            b_hr, b_hi = _load_state(p_h0, o_st, m_d, D, False)
        b_hr, b_hi = _fwd_pass(p_x, p_g, p_o, n, o_d, m_d, o_c, m_c, b_hr, b_hi, s_xt, s_gt, s_ot, BT, REVERSE,
                               STAGES)
        _store_state(p_ht, o_st, m_d, D, b_hr, b_hi, False)


@triton.jit
def _bwd_pass(p_g, p_o, p_do, p_dx, p_dg, T, o_d, m_d, o_c, m_c, b_cr, b_ci, b_h0r, b_h0i, s_xt, s_gt, s_ot,
              BT: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr, STAGES: tl.constexpr):
    """The plain scan's adjoint over steps [0, T) in [BT, BD] tiles from state (b_cr, b_ci),
    writing dx, dg; returns the final adjoint state."""
    S: tl.constexpr = -1 if REVERSE else 1  # the forward's time step; the adjoint runs against it
    o_r = tl.arange(0, BT)
    row_out = (o_r == BT - 1)[:, None]
    for k in tl.range(tl.cdiv(T, BT), num_stages=STAGES):
        o_t = ((k * BT + o_r) if REVERSE else (T - 1 - k * BT - o_r)).to(tl.int64)
        m_t = (o_t >= 0) & (o_t < T)
        m2 = m_t[:, None] & m_c[None, :]
        m_tn = m_t & (o_t + S >= 0) & (o_t + S < T)
        m_n = m_tn[:, None] & m_d[None, :]
        o_g = o_t[:, None] * s_gt + o_c[None, :]
        o_o = o_t[:, None] * s_ot + o_c[None, :]
        b_gr, b_gi = _load_tile(p_g, o_g + S * s_gt, m_tn[:, None] & m_c[None, :])
        b_dr, b_di = _load_tile(p_do, o_o, m2)
        b_gr = tl.where(m_n, b_gr, 1.)
        b_gi = tl.where(m_n, -b_gi, 0.)
        b_gr, b_gi, b_dr, b_di = tl.associative_scan((b_gr, b_gi, b_dr, b_di), 0, _combine)
        b_dr += b_gr * b_cr[None, :] - b_gi * b_ci[None, :]
        b_di += b_gr * b_ci[None, :] + b_gi * b_cr[None, :]
        edge = ((o_t - S < 0) | (o_t - S >= T))[:, None]
        b_hr, b_hi = _load_tile(p_o, o_o - S * s_ot, m2 & ~edge)
        if HAS_H0:
            b_hr = tl.where(edge, b_h0r[None, :], b_hr)
            b_hi = tl.where(edge, b_h0i[None, :], b_hi)
        _store_tile(p_dx, o_t[:, None] * s_xt + o_c[None, :], m2, b_dr, b_di)
        _store_tile(p_dg, o_g, m2, b_dr * b_hr + b_di * b_hi, b_di * b_hr - b_dr * b_hi)  # a conj(h_prev)
        b_cr, b_ci = _last(b_dr, row_out), _last(b_di, row_out)
    return b_cr, b_ci


@triton.jit
def _hgru_bwd_rows(p_c, p_f, p_h, p_dh, p_dc, p_df, n, lo, hi, o_d, m_d, o_c, m_c, b_ar, b_ai, b_h0r, b_h0i, b_cos,
                   b_sin, b_lb, s_ct, s_ft, s_ht, D, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                   SILU: tl.constexpr, AGG: tl.constexpr, STAGES: tl.constexpr):
    """The fused backward over steps [lo, hi), one step per turn against the forward's direction,
    from the adjoint (b_ar, b_ai): a_t = dh_t + conj(gamma_{t+S}) a_{t+S} (gamma = 1 past the
    sequence), and unless AGG dc, df and the d theta, d lb partial sums. Each step's lam is the next
    step's gate, carried; STAGES steps' loads in flight (as in ``_hgru_fwd_rows``). Returns (product
    of the next gates' moduli, adjoint, the last step's gate (re, im), d theta, d lb)."""
    S: tl.constexpr = -1 if REVERSE else 1  # the forward's time step
    t = (lo if REVERSE else hi - 1).to(tl.int64)
    inside = (t + S >= 0) & (t + S < n)
    TANH: tl.constexpr = p_c.dtype.element_ty.primitive_bitwidth < 32  # 2-byte inputs
    b_lam, _ = _lambda(tl.load(p_f + (t + S) * s_ft + o_d, mask=m_d & inside, other=0.).to(tl.float32), b_lb, TANH)
    b_gr = tl.where(inside, b_lam * b_cos, 1.)
    b_gi = tl.where(inside, b_lam * b_sin, 0.)
    b_mod = tl.where(inside, b_lam, 1.)
    b_lp = tl.full(b_ar.shape, 1., tl.float32)
    b_dth = tl.zeros(b_ar.shape, dtype=tl.float32)
    b_dlb = tl.zeros(b_ar.shape, dtype=tl.float32)
    p_c += t * s_ct
    p_dc += t * s_ct
    p_f += t * s_ft
    p_df += t * s_ft
    p_dh += t * s_ht
    p_h += (t - S) * s_ht  # h_{t - S}, the state the step read
    for _ in tl.range(hi - lo, num_stages=STAGES):
        b_dr = tl.load(p_dh + o_d, mask=m_d, other=0.).to(tl.float32)
        b_di = tl.load(p_dh + D + o_d, mask=m_d, other=0.).to(tl.float32)
        b_ar, b_ai = b_dr + b_gr * b_ar + b_gi * b_ai, b_di + b_gr * b_ai - b_gi * b_ar
        b_lam, b_s = _lambda(tl.load(p_f + o_d, mask=m_d, other=0.).to(tl.float32), b_lb, TANH)
        if AGG:
            b_lp *= b_mod
            b_mod = b_lam
        else:
            edge = (t - S < 0) | (t - S >= n)
            b_hr = tl.load(p_h + o_d, mask=m_d & ~edge, other=0.).to(tl.float32)
            b_hi = tl.load(p_h + D + o_d, mask=m_d & ~edge, other=0.).to(tl.float32)
            if HAS_H0:
                b_hr = tl.where(edge, b_h0r, b_hr)
                b_hi = tl.where(edge, b_h0i, b_hi)
            # dgamma = a * conj(h_prev)
            b_ggr = b_ar * b_hr + b_ai * b_hi
            b_ggi = b_ai * b_hr - b_ar * b_hi
            b_xr, b_xi = _pairs(tl.load(p_c + o_c, mask=m_c, other=0.))
            if SILU:
                b_sr, b_si = _sigmoid(b_xr, TANH), _sigmoid(b_xi, TANH)
                b_ur, b_ui = b_xr * b_sr, b_xi * b_si
                b_jr, b_ji = b_sr * (1 + b_xr * (1 - b_sr)), b_si * (1 + b_xi * (1 - b_si))
            else:
                b_ur, b_ui, b_jr, b_ji = b_xr, b_xi, 1., 1.
            b_dlam = b_ggr * b_cos + b_ggi * b_sin - b_ar * b_ur - b_ai * b_ui
            b_dth += b_lam * (b_ggi * b_cos - b_ggr * b_sin)
            b_dlb += b_dlam * (1 - b_s)
            _store_row(p_dc, o_c, m_c, (1 - b_lam) * b_ar * b_jr, (1 - b_lam) * b_ai * b_ji)
            tl.store(p_df + o_d, (b_dlam * (1 - b_lb) * b_s * (1 - b_s)).to(p_df.dtype.element_ty), mask=m_d)
        b_gr, b_gi = b_lam * b_cos, b_lam * b_sin
        t -= S
        p_c -= S * s_ct
        p_dc -= S * s_ct
        p_f -= S * s_ft
        p_df -= S * s_ft
        p_dh -= S * s_ht
        p_h -= S * s_ht
    return b_lp, b_ar, b_ai, b_gr, b_gi, b_dth, b_dlb


@triton.jit
def _bwd_kernel(p_x, p_g, p_o, p_do, p_dht, p_h0, p_dx, p_dg, p_dh0, p_dth, p_dlb, p_agg, p_cu, p_th,
                p_lb, T, D, s_xb, s_xt, s_gb, s_gt, s_ob, s_ot, L, NSPLIT, s_agg, BT: tl.constexpr,
                BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr, HAS_DHT: tl.constexpr,
                VARLEN: tl.constexpr, SPLIT: tl.constexpr, AGG: tl.constexpr, FUSED: tl.constexpr,
                SILU: tl.constexpr, STAGES: tl.constexpr):
    i_d, i_b, i_s = _program()
    o_d = i_d * BD + tl.arange(0, BD)
    m_d = o_d < D
    o_c = i_d * 2 * BD + tl.arange(0, 2 * BD)
    m_c = o_c < 2 * D
    OD: tl.constexpr = 1 if FUSED else 2
    if VARLEN:
        bos = tl.load(p_cu + i_b).to(tl.int64)
        n = tl.load(p_cu + i_b + 1).to(tl.int64) - bos
        xb, gb, ob = bos * s_xt, bos * s_gt, bos * s_ot
    else:
        n = T
        xb, gb, ob = i_b.to(tl.int64) * s_xb, i_b.to(tl.int64) * s_gb, i_b.to(tl.int64) * s_ob
    if FUSED:
        p_x += xb
    p_dx += xb
    p_g += gb
    p_dg += gb
    p_o += ob
    p_do += ob
    o_st = i_b * 2 * D + o_d * OD
    b_cr = tl.zeros([BD], dtype=tl.float32)
    b_ci = tl.zeros([BD], dtype=tl.float32)
    b_h0r = b_cr
    b_h0i = b_cr
    if FUSED:
        lo, hi, b_th, b_cos, b_sin, b_lb = _fused_split(p_th, p_lb, o_d, m_d, i_s, L, n)
        if AGG:
            b_lp, b_cr, b_ci, _, _, _, _ = _hgru_bwd_rows(
                p_x, p_g, p_o, p_do, p_dx, p_dg, n, lo, hi, o_d, m_d, o_c, m_c, b_cr, b_ci, b_h0r, b_h0i, b_cos,
                b_sin, b_lb, s_xt, s_gt, s_ot, D, REVERSE, False, SILU, True, STAGES)
            # the conjugate gates' product: prod(lam) e^{-i m theta} over the m steps inside the sequence
            m = hi - lo - ((hi == n) if not REVERSE else (lo == 0)).to(tl.int32)
            b_ph = m.to(tl.float32) * b_th
            _store_aggregate(p_agg, s_agg, i_b, i_s, NSPLIT, D, o_d, m_d, b_lp * tl.cos(b_ph), -b_lp * tl.sin(b_ph),
                             b_cr, b_ci)
        else:
            if HAS_DHT:
                b_cr, b_ci = _load_state(p_dht, o_st, m_d, D, True)
            if SPLIT:
                b_cr, b_ci = _fold_aggregates(p_agg, s_agg, i_b, i_s, NSPLIT, D, o_d, m_d, b_cr, b_ci, not REVERSE,
                                                STAGES)
            if HAS_H0:
                b_h0r, b_h0i = _load_state(p_h0, o_st, m_d, D, True)
            _, b_cr, b_ci, b_gr, b_gi, b_dth, b_dlb = _hgru_bwd_rows(
                p_x, p_g, p_o, p_do, p_dx, p_dg, n, lo, hi, o_d, m_d, o_c, m_c, b_cr, b_ci, b_h0r, b_h0i, b_cos,
                b_sin, b_lb, s_xt, s_gt, s_ot, D, REVERSE, HAS_H0, SILU, False, STAGES)
            o_p = (i_b * NSPLIT + i_s) * D + o_d
            tl.store(p_dth + o_p, b_dth, mask=m_d)
            tl.store(p_dlb + o_p, b_dlb, mask=m_d)
            # dh0 = conj(gamma at the sequence's first step) a, in the split that holds that step
            b_hr, b_hi = _cmul(b_gr, -b_gi, b_cr, b_ci)
            _store_state(p_dh0, o_st, m_d & ((hi == n) if REVERSE else (lo == 0)), D, b_hr, b_hi, True)
    else:
        if HAS_DHT:
            b_cr, b_ci = _load_state(p_dht, o_st, m_d, D, False)
        if HAS_H0:
            b_h0r, b_h0i = _load_state(p_h0, o_st, m_d, D, False)
        b_cr, b_ci = _bwd_pass(p_g, p_o, p_do, p_dx, p_dg, n, o_d, m_d, o_c, m_c, b_cr, b_ci, b_h0r, b_h0i, s_xt,
                               s_gt, s_ot, BT, REVERSE, HAS_H0, STAGES)
        b_gr, b_gi = _load_pairs(p_g, (n - 1 if REVERSE else 0) * s_gt + o_d * 2, m_d)
        b_hr, b_hi = _cmul(b_gr, -b_gi, b_cr, b_ci)
        _store_state(p_dh0, o_st, m_d, D, b_hr, b_hi, False)


@triton.jit
def _split3(v, R: tl.constexpr, NW: tl.constexpr):
    """(re, im) [R, NW, BD] float32 of an [R * NW, 2 BD] tile of interleaved pairs."""
    re, im = tl.split(tl.reshape(v, (v.shape[0], v.shape[1] // 2, 2)))
    return tl.reshape(re, [R, NW, re.shape[1]]), tl.reshape(im, [R, NW, re.shape[1]])


@triton.jit
def _chunk_carry(g_r, g_i, x_r, x_i, b_hr, b_hi, p_flag, p_rec, s_rec, s_j, j, c, NC, NSPLIT, m_d,
                 W: tl.constexpr):
    """real.py's ``_chunk_scan`` up to the rescan, for complex states: from a chunk's gates and
    inputs (re, im) [R, NW, BD] float32 (group w holding steps w R .. w R + R - 1) and the state
    before the chain (b_hr, b_hi; used by chunk 0), publish the aggregate, fold the predecessors'
    records, publish the inclusive state. Returns the states entering each warp's steps (re, im)
    [NW, BD] and the chunk's final state."""
    R: tl.constexpr = g_r.shape[0]
    NW: tl.constexpr = g_r.shape[1]
    g_r, g_i, x_r, x_i = tl.associative_scan((g_r, g_i, x_r, x_i), 0, _combine)
    last_r = (tl.arange(0, R) == R - 1)[:, None, None]
    w_gr, w_gi, w_xr, w_xi = tl.associative_scan(
        (tl.sum(tl.where(last_r, g_r, 0.), 0), tl.sum(tl.where(last_r, g_i, 0.), 0),
         tl.sum(tl.where(last_r, x_r, 0.), 0), tl.sum(tl.where(last_r, x_i, 0.), 0)), 0, _combine)
    o_w = tl.arange(0, NW)
    last_w = (o_w == NW - 1)[:, None]
    b_ar, b_ai, b_br, b_bi = _last(w_gr, last_w), _last(w_gi, last_w), _last(w_xr, last_w), _last(w_xi, last_w)
    s_rec = s_rec.to(tl.int64)
    pid = j * NC + c
    if j > 0:
        tl.store(p_rec + j * s_j, b_ar, mask=m_d)
        tl.store(p_rec + s_rec + j * s_j, b_ai, mask=m_d)
        tl.store(p_rec + 2 * s_rec + j * s_j, b_br, mask=m_d)
        tl.store(p_rec + 3 * s_rec + j * s_j, b_bi, mask=m_d)
        tl.debug_barrier()
        tl.atomic_xchg(p_flag + pid, 1, sem="release", scope="gpu")
        b_hr, b_hi = _carry_in(p_flag, p_rec, s_rec, s_j, j, c, NC, m_d, W, True)
    u_r, u_i = _cmul(b_ar, b_ai, b_hr, b_hi)
    b_er, b_ei = b_br + u_r, b_bi + u_i
    if j < NSPLIT - 1:
        tl.store(p_rec + 4 * s_rec + j * s_j, b_er, mask=m_d)
        tl.store(p_rec + 5 * s_rec + j * s_j, b_ei, mask=m_d)
        tl.debug_barrier()
        tl.atomic_xchg(p_flag + pid, 2, sem="release", scope="gpu")
    # the state after each warp's steps, then the state entering them
    e_r, e_i = _cmul(w_gr, w_gi, b_hr[None, :], b_hi[None, :])
    idx = tl.maximum(o_w - 1, 0)[:, None] + tl.zeros(e_r.shape, tl.int32)
    first_w = (o_w == 0)[:, None]
    e_r = tl.where(first_w, b_hr[None, :], tl.gather(e_r + w_xr, idx, 0))
    e_i = tl.where(first_w, b_hi[None, :], tl.gather(e_i + w_xi, idx, 0))
    return e_r, e_i, b_er, b_ei


@triton.jit
def _chunk_rescan(g_r, g_i, x_r, x_i, e_r, e_i):
    """The states (re, im) [R * NW, BD] of a chunk's steps from each warp's entering state (e_r,
    e_i) [NW, BD], gates and inputs [R, NW, BD] as in ``_chunk_carry``."""
    R: tl.constexpr = g_r.shape[0]
    NW: tl.constexpr = g_r.shape[1]
    BD: tl.constexpr = g_r.shape[2]
    first_r = (tl.arange(0, R) == 0)[:, None, None]
    u_r, u_i = _cmul(g_r, g_i, e_r[None, :, :], e_i[None, :, :])
    x_r = tl.where(first_r, x_r + u_r, x_r)
    x_i = tl.where(first_r, x_i + u_i, x_i)
    _, _, x_r, x_i = tl.associative_scan((g_r, g_i, x_r, x_i), 0, _combine)
    return tl.reshape(x_r, [R * NW, BD]), tl.reshape(x_i, [R * NW, BD])


@triton.jit
def _chunk_scan(g_in, x_in, b_hr, b_hi, p_flag, p_rec, s_rec, s_j, j, c, NC, NSPLIT, m_d, R: tl.constexpr,
                NW: tl.constexpr, CONJ: tl.constexpr, W: tl.constexpr):
    """real.py's ``_chunk_scan`` for complex states, on [R * NW, 2 BD] tiles of interleaved pairs
    (gates conjugated if CONJ); returns the states (re, im) [R * NW, BD] and the final state."""
    g_r, g_i = _split3(g_in.to(tl.float32), R, NW)
    x_r, x_i = _split3(x_in.to(tl.float32), R, NW)
    e_r, e_i, b_er, b_ei = _chunk_carry(g_r, g_i if not CONJ else -g_i, x_r, x_i, b_hr, b_hi, p_flag, p_rec, s_rec,
                                        s_j, j, c, NC, NSPLIT, m_d, W)
    # scan again from the inputs (kept narrow in registers through the look-back, not the scans)
    g_r, g_i = _split3(_widen(g_in), R, NW)
    x_r, x_i = _split3(_widen(x_in), R, NW)
    o_r, o_i = _chunk_rescan(g_r, g_i if not CONJ else -g_i, x_r, x_i, e_r, e_i)
    return o_r, o_i, b_er, b_ei


@triton.jit
def _fwd_chunk_kernel(p_x, p_g, p_o, p_h0, p_ht, p_rec, p_flag, T, D, s_b, s_t, NSPLIT, s_rec, R: tl.constexpr,
                      NW: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                      W: tl.constexpr):
    """The plain complex scan in time chunks of one tile, as real.py's ``_fwd_chunk_kernel``;
    x, g, o [B, T, D, 2] with unit pair stride (s_b, s_t count elements)."""
    c, j, nc, i_b, o_d, m_d, u, base, s_j = _chunk(T, D, s_b, s_t, NSPLIT, R, NW, BD)
    o_c = (c % tl.cdiv(D, BD)) * 2 * BD + tl.arange(0, 2 * BD)
    o_t = (T - 1 - u) if REVERSE else u
    m = (u < T)[:, None] & (o_c < 2 * D)[None, :]
    offs = base + o_t.to(tl.int64)[:, None] * s_t + o_c[None, :]
    one = (tl.arange(0, 2 * BD) % 2 == 0).to(tl.float32)[None, :]  # (1, 0) pairs: masked gates
    x_in = tl.load(p_x + offs, mask=m, other=0.)
    g_in = tl.load(p_g + offs, mask=m, other=one)
    o_st = i_b * 2 * D + o_d * 2
    b_hr = tl.zeros([BD], dtype=tl.float32)
    b_hi = tl.zeros([BD], dtype=tl.float32)
    if HAS_H0:
        b_hr, b_hi = _load_pairs(p_h0, o_st, m_d)
    b_or, b_oi, b_er, b_ei = _chunk_scan(g_in, x_in, b_hr, b_hi, p_flag, p_rec + i_b * D + o_d, s_rec, s_j, j, c,
                                         nc, NSPLIT, m_d, R, NW, False, W)
    _store_tile(p_o, offs, m, b_or, b_oi)
    _store_pairs(p_ht, o_st, m_d & (j == NSPLIT - 1), b_er, b_ei)


@triton.jit
def _hgru_inputs(c_in, f_in, b_lb, R: tl.constexpr, NW: tl.constexpr, SILU: tl.constexpr, WIDEN: tl.constexpr):
    """lam and u = (1 - lam) act(c) (re, im), each [R, NW, BD] float32, of a fused chunk: c_in
    [R * NW, 2 BD] pairs, f_in [R * NW, BD] in the layout of c_in's split, the lower bound [BD].
    WIDEN converts narrow inputs by their bits (``real._widen``), so that a second conversion is
    not merged with the first."""
    c = _widen(c_in) if WIDEN else c_in.to(tl.float32)
    f = _widen(f_in) if WIDEN else f_in.to(tl.float32)
    x_r, x_i = _split3(c, R, NW)
    TANH: tl.constexpr = c_in.dtype.primitive_bitwidth < 32  # 2-byte inputs
    lam, _ = _lambda(tl.reshape(f, [R, NW, f.shape[1]]), b_lb[None, None, :], TANH)
    if SILU:
        x_r *= _sigmoid(x_r, TANH)
        x_i *= _sigmoid(x_i, TANH)
    return lam, (1 - lam) * x_r, (1 - lam) * x_i


@triton.jit
def _hgru_fwd_chunk_kernel(p_c, p_f, p_h, p_h0, p_ht, p_th, p_lb, p_rec, p_flag, T, D, s_cb, s_ct, s_fb, s_ft,
                           NSPLIT, s_rec, R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr,
                           REVERSE: tl.constexpr, HAS_H0: tl.constexpr, SILU: tl.constexpr, W: tl.constexpr):
    """The fused HGRU forward in time chunks of one tile, carries passed by look-back as in
    ``_fwd_chunk_kernel``: c [B, T, 2D] pairs and h [B, T, 2D] = cat[Re, Im] share strides (s_cb,
    s_ct), f [B, T, D] (s_fb, s_ft)."""
    c, j, nc, i_b, o_d, m_d, u, _, s_j = _chunk(T, D, 0, 0, NSPLIT, R, NW, BD)
    o_c = (c % tl.cdiv(D, BD)) * 2 * BD + tl.arange(0, 2 * BD)
    # each thread holds Q = BD / 32 channels of c's pairs (one 16-byte load); f and h are accessed
    # through offsets contiguous in runs of Q only, which give them the split pairs' layout (no shuffles)
    Q: tl.constexpr = BD // 32 if BD >= 32 else 1
    o_q = (c % tl.cdiv(D, BD)) * BD + tl.arange(0, BD) // Q * Q + tl.arange(0, BD) % Q
    o_t = ((T - 1 - u) if REVERSE else u).to(tl.int64)
    m_t = u < T
    m = m_t[:, None] & m_d[None, :]
    i_b64 = i_b.to(tl.int64)
    o_h = i_b64 * s_cb + o_t * s_ct
    c_in = tl.load(p_c + o_h[:, None] + o_c[None, :], mask=m_t[:, None] & (o_c < 2 * D)[None, :], other=0.)
    f_in = tl.load(p_f + (i_b64 * s_fb + o_t * s_ft)[:, None] + o_q[None, :], mask=m, other=0.)
    _, b_cos, b_sin, b_lb = _fused_consts(p_th, p_lb, o_d, m_d)
    b_cos, b_sin = b_cos[None, None, :], b_sin[None, None, :]
    o_st = i_b * 2 * D + o_d
    b_hr = tl.zeros([BD], dtype=tl.float32)
    b_hi = tl.zeros([BD], dtype=tl.float32)
    if HAS_H0:
        b_hr, b_hi = _load_state(p_h0, o_st, m_d, D, True)
    lam, x_r, x_i = _hgru_inputs(c_in, f_in, b_lb, R, NW, SILU, False)
    pad = tl.reshape(m_t, [R, NW])[:, :, None] == 0  # steps past T (last chunk): identity gates
    e_r, e_i, b_er, b_ei = _chunk_carry(tl.where(pad, 1., lam * b_cos), tl.where(pad, 0., lam * b_sin), x_r, x_i,
                                        b_hr, b_hi, p_flag, p_rec + i_b * D + o_d, s_rec, s_j, j, c, nc, NSPLIT,
                                        m_d, W)
    # the gates again from the narrow inputs (kept in registers through the look-back, not the gates)
    lam, x_r, x_i = _hgru_inputs(c_in, f_in, b_lb, R, NW, SILU, True)
    h_r, h_i = _chunk_rescan(lam * b_cos, lam * b_sin, x_r, x_i, e_r, e_i)
    p_h += o_h[:, None] + o_q[None, :]
    tl.store(p_h, h_r.to(p_h.dtype.element_ty), mask=m)
    tl.store(p_h + D, h_i.to(p_h.dtype.element_ty), mask=m)
    _store_state(p_ht, o_st, m_d & (j == NSPLIT - 1), D, b_er, b_ei, True)


@triton.jit
def _bwd_chunk_kernel(p_g, p_o, p_do, p_dht, p_h0, p_dx, p_dg, p_dh0, p_rec, p_flag, T, D, s_b, s_t, NSPLIT,
                      s_rec, R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr,
                      HAS_H0: tl.constexpr, HAS_DHT: tl.constexpr, W: tl.constexpr):
    """The adjoint of the plain complex scan in time chunks of one tile (real.py's
    ``_bwd_chunk_kernel``): a_t = do_t + conj(g_{t+1}) a_{t+1}, dx = a, dg_t = a_t conj(h_{t-1})."""
    c, j, nc, i_b, o_d, m_d, u, base, s_j = _chunk(T, D, s_b, s_t, NSPLIT, R, NW, BD)
    o_c = (c % tl.cdiv(D, BD)) * 2 * BD + tl.arange(0, 2 * BD)
    S: tl.constexpr = -1 if REVERSE else 1  # the forward's time step
    o_t = u if REVERSE else (T - 1 - u)
    m_t = u < T
    m = m_t[:, None] & (o_c < 2 * D)[None, :]
    offs = base + o_t.to(tl.int64)[:, None] * s_t + o_c[None, :]
    m_n = m & ((o_t + S >= 0) & (o_t + S < T))[:, None]
    edge = ((o_t - S < 0) | (o_t - S >= T))[:, None]
    one = (tl.arange(0, 2 * BD) % 2 == 0).to(tl.float32)[None, :]
    gn_in = tl.load(p_g + offs + S * s_t, mask=m_n, other=one)
    do_in = tl.load(p_do + offs, mask=m, other=0.)
    hp_in = tl.load(p_o + offs - S * s_t, mask=m & ~edge, other=0.)
    o_st = i_b * 2 * D + o_d * 2
    b_cr = tl.zeros([BD], dtype=tl.float32)
    b_ci = tl.zeros([BD], dtype=tl.float32)
    if HAS_DHT:
        b_cr, b_ci = _load_pairs(p_dht, o_st, m_d)
    b_ar, b_ai, b_er, b_ei = _chunk_scan(gn_in, do_in, b_cr, b_ci, p_flag, p_rec + i_b * D + o_d, s_rec, s_j, j,
                                         c, nc, NSPLIT, m_d, R, NW, True, W)
    b_hr, b_hi = tl.split(tl.reshape(_widen(hp_in), (R * NW, BD, 2)))
    if HAS_H0:
        h0r, h0i = _load_pairs(p_h0, o_st, m_d)
        b_hr = tl.where(edge, h0r[None, :], b_hr)
        b_hi = tl.where(edge, h0i[None, :], b_hi)
    _store_tile(p_dx, offs, m, b_ar, b_ai)
    _store_tile(p_dg, offs, m, b_ar * b_hr + b_ai * b_hi, b_ai * b_hr - b_ar * b_hi)  # a conj(h_prev)
    if j == NSPLIT - 1:
        g0r, g0i = _load_pairs(p_g, base + (T - 1 if REVERSE else 0) * s_t + o_d * 2, m_d)
        d_r, d_i = _cmul(g0r, -g0i, b_er, b_ei)
        _store_pairs(p_dh0, o_st, m_d, d_r, d_i)


def _dense(*ts):
    """Contiguous copies unless every tensor already has a unit-stride (pairs: (.., 2, 1)) inner layout."""
    return tuple(t if t.stride(-1) == 1 and (t.dim() < 4 or t.stride(-2) == 2) else t.contiguous() for t in ts)


def _empty_like(t):
    out = torch.empty_like(t)
    return out if out.stride() == t.stride() else None


def _launch(kernel, args, plan, rows, T, D, device, varlen, **flags):
    """One program per (channel block, row, time split); with splits, two launches (the first
    writes each split's aggregate)."""
    n_split, L, tile = plan
    grid = common.grid(D, tile["BD"], rows, n_split)
    agg = torch.empty(2, rows, n_split, D, 2, device=device, dtype=torch.float32) if n_split > 1 else None
    tail = dict(T=T, D=D, L=L, NSPLIT=n_split, s_agg=rows * n_split * D * 2, VARLEN=varlen, SPLIT=n_split > 1,
                **flags, **tile)
    if n_split > 1:
        kernel[grid](*args(agg), **tail, AGG=True)
    kernel[grid](*args(agg), **tail, AGG=False)


def _strides(x, g, o):
    return dict(s_xb=x.stride(0), s_xt=x.stride(1), s_gb=g.stride(0), s_gt=g.stride(1),
                s_ob=o.stride(0), s_ot=o.stride(1))


def _rows(B, cu_seqlens):
    return B if cu_seqlens is None else cu_seqlens.numel() - 1


def scan_fwd(x, g, h0, cu_seqlens, reverse: bool):
    """x, g: [B, T, D, 2] -> (o like x, final state [N, D, 2] float32)."""
    x, g = _dense(x, g)
    o = _empty_like(x)
    if o is None:
        x = x.contiguous()
        o = torch.empty_like(x)
    B, T, D, _ = x.shape
    rows = _rows(B, cu_seqlens)
    ht = torch.empty(rows, D, 2, device=x.device, dtype=torch.float32)
    h0 = None if h0 is None else h0.float().contiguous()
    n_split, tile = common.plan_chunks("complex", x.dtype, rows, T, D, x.device, cu_seqlens is not None)
    if n_split > 1:
        if g.stride() != x.stride():
            x, g, o = x.contiguous(), g.contiguous(), torch.empty(x.shape, device=x.device, dtype=x.dtype)
        common.launch_chunks(_fwd_chunk_kernel, (x, g, o, h0, ht), 6, n_split, tile, rows, T, D, x.device,
                             s_b=x.stride(0), s_t=x.stride(1), REVERSE=reverse, HAS_H0=h0 is not None)
        return o, ht
    _launch(_fwd_kernel, lambda agg: (x, g, o, h0, ht, agg, cu_seqlens, None, None), (1, T, tile), rows, T, D,
            x.device, cu_seqlens is not None, **_strides(x, g, o), REVERSE=reverse, HAS_H0=h0 is not None,
            FUSED=False, SILU=False)
    return o, ht


def scan_bwd(g, o, do, dht, h0, cu_seqlens, reverse: bool):
    """Returns (dx, dg) like g and dh0 [N, D, 2] float32."""
    g, o, do = _dense(g, o, do)
    if do.stride() != o.stride():
        do = do.contiguous() if o.is_contiguous() else torch.empty_like(o).copy_(do)
    dg = _empty_like(g)
    if dg is None:
        g = g.contiguous()
        dg = torch.empty_like(g)
    dx = torch.empty_like(g)
    B, T, D, _ = g.shape
    rows = _rows(B, cu_seqlens)
    dh0 = torch.zeros(rows, D, 2, device=g.device, dtype=torch.float32)
    h0 = None if h0 is None else h0.float().contiguous()
    dht = None if dht is None else dht.float().contiguous()
    flags = dict(REVERSE=reverse, HAS_H0=h0 is not None, HAS_DHT=dht is not None)
    n_split, tile = common.plan_chunks("complex", g.dtype, rows, T, D, g.device, cu_seqlens is not None, True)
    if n_split > 1:
        if not g.stride() == o.stride() == dx.stride() == dg.stride():
            g, o, do = g.contiguous(), o.contiguous(), do.contiguous()
            dx, dg = torch.empty_like(g), torch.empty_like(g)
        common.launch_chunks(_bwd_chunk_kernel, (g, o, do, dht, h0, dx, dg, dh0), 6, n_split, tile, rows, T, D,
                             g.device, s_b=g.stride(0), s_t=g.stride(1), **flags)
        return dx, dg, dh0
    _launch(_bwd_kernel, lambda agg: (None, g, o, do, dht, h0, dx, dg, dh0, None, None, agg, cu_seqlens, None, None),
            (1, T, tile), rows, T, D, g.device, cu_seqlens is not None, **_strides(dx, g, o), FUSED=False, SILU=False,
            **flags)
    return dx, dg, dh0


def hgru_fwd(c, f, theta, lb, h0, cu_seqlens, reverse: bool, silu: bool):
    """c [B, T, 2D], f [B, T, D], theta/lb [D] -> (h [B, T, 2D] cat[Re, Im], state [N, 2D] fp32)."""
    c, f = _dense(c, f)
    h = _empty_like(c)  # written in c's layout: (n, b, .) inputs give (n, b, .) outputs
    if h is None:
        c = c.contiguous()
        h = torch.empty_like(c)
    B, T, D = f.shape
    rows = _rows(B, cu_seqlens)
    ht = torch.empty(rows, 2 * D, device=c.device, dtype=torch.float32)
    h0 = None if h0 is None else h0.float().contiguous()
    theta, lb = theta.float().contiguous(), lb.float().contiguous()
    n_chunk, tile, plan = common.plan_fused_fwd(c.dtype, rows, T, D, c.device, cu_seqlens is not None)
    if n_chunk > 1:
        common.launch_chunks(_hgru_fwd_chunk_kernel, (c, f, h, h0, ht, theta, lb), 6, n_chunk, tile, rows, T, D,
                             c.device, s_cb=c.stride(0), s_ct=c.stride(1), s_fb=f.stride(0), s_ft=f.stride(1),
                             REVERSE=reverse, HAS_H0=h0 is not None, SILU=silu)
        return h, ht
    _launch(_fwd_kernel, lambda agg: (c, f, h, h0, ht, agg, cu_seqlens, theta, lb), plan, rows, T, D, c.device,
            cu_seqlens is not None, **_strides(c, f, h), REVERSE=reverse, HAS_H0=h0 is not None,
            FUSED=True, SILU=silu)
    return h, ht


def hgru_bwd(c, f, theta, lb, h, dh, dht, h0, cu_seqlens, reverse: bool, silu: bool):
    """Returns dc like c, df like f, dtheta [D], dlb [D] (float32) and dh0 [N, 2D] float32."""
    c, f, h, dh = _dense(c, f, h, dh)
    if dh.stride() != h.stride():
        dh = dh.contiguous() if h.is_contiguous() else torch.empty_like(h).copy_(dh)
    dc, df = _empty_like(c), _empty_like(f)
    if dc is None or df is None:
        c, f = c.contiguous(), f.contiguous()
        dc, df = torch.empty_like(c), torch.empty_like(f)
    B, T, D = f.shape
    rows = _rows(B, cu_seqlens)
    plan = common.plan("hgru", c.dtype, rows, T, D, c.device, cu_seqlens is not None)
    n_split = plan[0]
    dth = torch.empty(rows * n_split, D, device=c.device, dtype=torch.float32)
    dlb = torch.empty_like(dth)
    dh0 = torch.zeros(rows, 2 * D, device=c.device, dtype=torch.float32)
    h0 = None if h0 is None else h0.float().contiguous()
    dht = None if dht is None else dht.float().contiguous()
    theta, lb = theta.float().contiguous(), lb.float().contiguous()
    _launch(_bwd_kernel,
            lambda agg: (c, f, h, dh, dht, h0, dc, df, dh0, dth, dlb, agg, cu_seqlens, theta, lb),
            plan, rows, T, D, c.device, cu_seqlens is not None, **_strides(c, f, h), REVERSE=reverse,
            HAS_H0=h0 is not None, HAS_DHT=dht is not None, FUSED=True, SILU=silu)
    return dc, df, dth.sum(0), dlb.sum(0), dh0

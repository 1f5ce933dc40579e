# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Triton kernels of the real recurrence h_t = g_t * h_{t-1} + x_t on the native [B, T, D] layout.

One program owns a block of BD channels of one sequence (and one time split) and walks time in
tiles of BT rows, each tile's rows ordered in the direction of the scan (a reverse scan loads
them in reverse: Triton lowers ``associative_scan(reverse=True)`` with warp shuffles even where
the rows lie in one thread). Each tile is scanned from a zero state with
``tl.associative_scan`` and the carry from the previous tiles is added afterwards (h = B + A * carry), so only a [BD] FMA per
tile waits on the previous tile. The state is float32 whatever the input.
The backward is the same scan run the other way over the gate shifted by one step:
a_t = do_t + g_{t+1} a_{t+1}; dx = a; dg_t = a_t h_{t-1}; dh0 = g_1 a_1.
"""
from __future__ import annotations

import torch
import triton
import triton.language as tl

from . import common


@triton.jit
def _combine(a1, x1, a2, x2):
    return a1 * a2, x1 * a2 + x2


@triton.jit
def _fwd_kernel(p_x, p_g, p_o, p_h0, p_ht, p_agg, p_cu, T, D, s_b, s_t, L, NSPLIT, s_agg,
                BT: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                VARLEN: tl.constexpr, SPLIT: tl.constexpr, AGG: tl.constexpr):
    i_d, i_b, i_s = tl.program_id(0), tl.program_id(1), tl.program_id(2)
    o_d = i_d * BD + tl.arange(0, BD)
    m_d = o_d < D
    if VARLEN:
        bos = tl.load(p_cu + i_b).to(tl.int64)
        n = tl.load(p_cu + i_b + 1).to(tl.int64) - bos
        base = bos * s_t
    else:
        n = T
        base = i_b.to(tl.int64) * s_b
    lo = i_s * L
    hi = tl.minimum(lo + L, n)
    b_h = tl.zeros([BD], dtype=tl.float32)
    if HAS_H0 and not AGG:
        b_h = tl.load(p_h0 + i_b * D + o_d, mask=m_d, other=0.)
    if SPLIT and not AGG:
        n_pre = NSPLIT - 1 - i_s if REVERSE else i_s
        for jj in range(n_pre):
            j = NSPLIT - 1 - jj if REVERSE else jj
            p_a = p_agg + (i_b * NSPLIT + j) * D + o_d
            b_h = tl.load(p_a, mask=m_d, other=1.) * b_h + tl.load(p_a + s_agg, mask=m_d, other=0.)
    o_r = tl.arange(0, BT)
    row_out = (o_r == BT - 1)[:, None]
    b_a = tl.full([BD], 1., dtype=tl.float32)
    for k in range(tl.cdiv(hi - lo, BT)):
        o_t = (hi - 1 - k * BT - o_r) if REVERSE else (lo + k * BT + o_r)
        m = ((o_t >= lo) & (o_t < hi))[:, None] & m_d[None, :]
        offs = base + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
        b_x = tl.load(p_x + offs, mask=m, other=0.).to(tl.float32)
        b_g = tl.load(p_g + offs, mask=m, other=1.).to(tl.float32)
        # scan the tile from a zero state, then add the carry: the scan never waits on it
        b_g, b_x = tl.associative_scan((b_g, b_x), 0, _combine)
        b_gl = tl.sum(tl.where(row_out, b_g, 0.), 0)
        b_xl = tl.sum(tl.where(row_out, b_x, 0.), 0)
        if AGG:
            b_a *= b_gl
        else:
            tl.store(p_o + offs, (b_x + b_g * b_h[None, :]).to(p_o.dtype.element_ty), mask=m)
        b_h = b_xl + b_gl * b_h
    if AGG:
        p_a = p_agg + (i_b * NSPLIT + i_s) * D + o_d
        tl.store(p_a, b_a, mask=m_d)
        tl.store(p_a + s_agg, b_h, mask=m_d)
    else:
        tl.store(p_ht + i_b * D + o_d, b_h, mask=m_d & ((lo == 0) if REVERSE else (hi == n)))


@triton.jit
def _bwd_kernel(p_g, p_o, p_do, p_dht, p_h0, p_dx, p_dg, p_dh0, p_agg, p_cu, T, D, s_b, s_t, L, NSPLIT,
                s_agg, BT: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                HAS_DHT: tl.constexpr, VARLEN: tl.constexpr, SPLIT: tl.constexpr, AGG: tl.constexpr):
    # The adjoint runs against the forward direction; S is the forward's time step.
    S: tl.constexpr = -1 if REVERSE else 1
    i_d, i_b, i_s = tl.program_id(0), tl.program_id(1), tl.program_id(2)
    o_d = i_d * BD + tl.arange(0, BD)
    m_d = o_d < D
    if VARLEN:
        bos = tl.load(p_cu + i_b).to(tl.int64)
        n = tl.load(p_cu + i_b + 1).to(tl.int64) - bos
        base = bos * s_t
    else:
        n = T
        base = i_b.to(tl.int64) * s_b
    lo = i_s * L
    hi = tl.minimum(lo + L, n)
    b_c = tl.zeros([BD], dtype=tl.float32)
    if HAS_DHT and not AGG:
        b_c = tl.load(p_dht + i_b * D + o_d, mask=m_d, other=0.)
    if SPLIT and not AGG:
        n_pre = i_s if REVERSE else NSPLIT - 1 - i_s
        for jj in range(n_pre):
            j = jj if REVERSE else NSPLIT - 1 - jj
            p_a = p_agg + (i_b * NSPLIT + j) * D + o_d
            b_c = tl.load(p_a, mask=m_d, other=1.) * b_c + tl.load(p_a + s_agg, mask=m_d, other=0.)
    o_r = tl.arange(0, BT)
    row_out = (o_r == BT - 1)[:, None]
    if HAS_H0 and not AGG:
        b_h0 = tl.load(p_h0 + i_b * D + o_d, mask=m_d, other=0.)
    b_a = tl.full([BD], 1., dtype=tl.float32)
    for k in range(tl.cdiv(hi - lo, BT)):
        o_t = (lo + k * BT + o_r) if REVERSE else (hi - 1 - k * BT - o_r)
        m_t = (o_t >= lo) & (o_t < hi)
        m = m_t[:, None] & m_d[None, :]
        offs = base + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
        m_n = (m_t & (o_t + S >= 0) & (o_t + S < n))[:, None] & m_d[None, :]
        b_gn = tl.load(p_g + offs + S * s_t, mask=m_n, other=1.).to(tl.float32)
        b_do = tl.load(p_do + offs, mask=m, other=0.).to(tl.float32)
        b_gn, b_do = tl.associative_scan((b_gn, b_do), 0, _combine)
        b_gl = tl.sum(tl.where(row_out, b_gn, 0.), 0)
        b_dl = tl.sum(tl.where(row_out, b_do, 0.), 0)
        if AGG:
            b_a *= b_gl
        else:
            b_do += b_gn * b_c[None, :]
            edge = ((o_t - S < 0) | (o_t - S >= n))[:, None]
            b_hp = tl.load(p_o + offs - S * s_t, mask=m & ~edge, other=0.).to(tl.float32)
            if HAS_H0:
                b_hp = tl.where(edge, b_h0[None, :], b_hp)
            tl.store(p_dx + offs, b_do.to(p_dx.dtype.element_ty), mask=m)
            tl.store(p_dg + offs, (b_do * b_hp).to(p_dg.dtype.element_ty), mask=m)
        b_c = b_dl + b_gl * b_c
    if AGG:
        p_a = p_agg + (i_b * NSPLIT + i_s) * D + o_d
        tl.store(p_a, b_a, mask=m_d)
        tl.store(p_a + s_agg, b_c, mask=m_d)
    else:
        t0 = n - 1 if REVERSE else 0
        b_g0 = tl.load(p_g + base + t0 * s_t + o_d, mask=m_d, other=0.).to(tl.float32)
        tl.store(p_dh0 + i_b * D + o_d, b_g0 * b_c, mask=m_d & ((hi == n) if REVERSE else (lo == 0)))


def _same_layout(*ts):
    """The tensors as they are if they share strides with a unit channel stride, else contiguous."""
    if all(t.stride() == ts[0].stride() for t in ts) and ts[0].stride(-1) == 1:
        return ts
    return tuple(t.contiguous() for t in ts)


def _launch(kernel, args, rows, T, D, dtype, device, varlen, **flags):
    n_split, L, tile = common.plan("real", dtype, rows, T, D, device, varlen)
    agg = torch.empty(2, rows, n_split, D, device=device, dtype=torch.float32) if n_split > 1 else None
    g = common.grid(D, tile["BD"], rows, n_split)
    tail = dict(T=T, D=D, L=L, NSPLIT=n_split, s_agg=rows * n_split * D, VARLEN=varlen,
                SPLIT=n_split > 1, **flags, **tile)
    if n_split > 1:
        kernel[g](*args(agg), **tail, AGG=True)
    kernel[g](*args(agg), **tail, AGG=False)


def scan_fwd(x, g, h0, cu_seqlens, reverse: bool):
    """x, g: [B, T, D] -> (o [B, T, D] like x, final state [N, D] float32)."""
    x, g = _same_layout(x, g)
    o = torch.empty_like(x)
    if o.stride() != x.stride():
        x, g = x.contiguous(), g.contiguous()
    B, T, D = x.shape
    rows = B if cu_seqlens is None else cu_seqlens.numel() - 1
    ht = torch.empty(rows, D, device=x.device, dtype=torch.float32)
    h0 = None if h0 is None else h0.float().contiguous()
    _launch(_fwd_kernel, lambda agg: (x, g, o, h0, ht, agg, cu_seqlens), rows, T, D, x.dtype, x.device,
            cu_seqlens is not None, s_b=x.stride(0), s_t=x.stride(1), REVERSE=reverse, HAS_H0=h0 is not None)
    return o, ht


def scan_bwd(g, o, do, dht, h0, cu_seqlens, reverse: bool):
    """Returns (dx, dg) like g and dh0 [N, D] float32."""
    g, o, do = _same_layout(g, o, do)
    B, T, D = g.shape
    rows = B if cu_seqlens is None else cu_seqlens.numel() - 1
    dx, dg = torch.empty_like(g), torch.empty_like(g)
    if dx.stride() != g.stride():
        g, o, do = g.contiguous(), o.contiguous(), do.contiguous()
    dh0 = torch.zeros(rows, D, device=g.device, dtype=torch.float32)
    h0 = None if h0 is None else h0.float().contiguous()
    dht = None if dht is None else dht.float().contiguous()
    _launch(_bwd_kernel, lambda agg: (g, o, do, dht, h0, dx, dg, dh0, agg, cu_seqlens), rows, T, D, g.dtype, g.device,
            cu_seqlens is not None, s_b=g.stride(0), s_t=g.stride(1), REVERSE=reverse,
            HAS_H0=h0 is not None, HAS_DHT=dht is not None)
    return dx, dg, dh0

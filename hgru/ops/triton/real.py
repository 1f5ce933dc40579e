# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Triton kernels of the real recurrence h_t = g_t * h_{t-1} + x_t on the native [B, T, D] layout.

Single pass with decoupled look-back (see ``common.py``). The state is float32 whatever the
input dtype. The backward is the same scan run the other way over the gate shifted by one step:
a_t = do_t + g_{t+1} a_{t+1}; dx = a; dg_t = a_t h_{t-1}; dh0 = g_1 a_1.
"""
from __future__ import annotations

import torch
import triton
import triton.language as tl

from . import common
from .common import last_row, look_back, ticket


@triton.jit
def _combine(a1, x1, a2, x2):
    return a1 * a2, x1 * a2 + x2


@triton.jit(do_not_specialize=["s_d"])
def _fwd_kernel(p_x, p_g, p_o, p_h0, p_ht, p_ws, p_flag, p_cu, p_tiles, rows, T, D, s_b, s_t, s_d,
                BT: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                VARLEN: tl.constexpr, WALK: tl.constexpr):
    i_row, i_c, i_d, NC = ticket(p_flag, p_tiles, rows, T, D, BT, BD, VARLEN)
    if VARLEN:
        bos = tl.load(p_cu + i_row).to(tl.int64)
        n = tl.load(p_cu + i_row + 1).to(tl.int64) - bos
        base = bos * s_t
    else:
        n = T
        base = i_row.to(tl.int64) * s_b
    # tile rows in scan order: row r is step t1 + DIR * r (a reverse scan walks time backwards)
    DIR: tl.constexpr = -1 if REVERSE else 1
    t1 = n - 1 - i_c * BT if REVERSE else i_c * BT
    o_r = tl.arange(0, BT)
    o_t = t1 + DIR * o_r
    o_d = i_d * BD + tl.arange(0, BD)
    m_d = o_d < D
    m = ((o_t >= 0) & (o_t < n))[:, None] & m_d[None, :]
    offs = (DIR * o_r)[:, None] * s_t + (o_d * s_d)[None, :]
    base += t1 * s_t
    b_x = tl.load(p_x + base + offs, mask=m, other=0.).to(tl.float32)
    b_g = tl.load(p_g + base + offs, mask=m, other=1.).to(tl.float32)
    b_a, b_b = tl.associative_scan((b_g, b_x), 0, _combine)
    b_h = tl.zeros([BD], dtype=tl.float32)
    if HAS_H0:
        b_h = tl.load(p_h0 + i_row * D + o_d, mask=m_d, other=0.)
    z = tl.zeros([BD], dtype=tl.float32)
    b_h, _ = look_back(p_ws, p_flag, i_row, i_c, i_d, NC, D, rows, last_row(b_a), z,
                       last_row(b_b), z, b_h, z, BD, False, WALK)
    b_b += b_a * b_h[None, :]
    tl.store(p_o + base + offs, b_b.to(p_o.dtype.element_ty), mask=m)
    if (i_c + 1) * BT >= n:  # the tile holding the last step
        tl.store(p_ht + i_row * D + o_d, last_row(b_b), mask=m_d)


@triton.jit(do_not_specialize=["s_d"])
def _bwd_kernel(p_g, p_o, p_do, p_dht, p_h0, p_dx, p_dg, p_dh0, p_ws, p_flag, p_cu, p_tiles, rows, T, D,
                s_b, s_t, s_d, BT: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                HAS_DHT: tl.constexpr, VARLEN: tl.constexpr, WALK: tl.constexpr):
    S: tl.constexpr = -1 if REVERSE else 1  # the forward's time step; the adjoint runs against it
    i_row, i_c, i_d, NC = ticket(p_flag, p_tiles, rows, T, D, BT, BD, VARLEN)
    if VARLEN:
        bos = tl.load(p_cu + i_row).to(tl.int64)
        n = tl.load(p_cu + i_row + 1).to(tl.int64) - bos
        base = bos * s_t
    else:
        n = T
        base = i_row.to(tl.int64) * s_b
    t1 = i_c * BT if REVERSE else n - 1 - i_c * BT  # tile rows in the adjoint's scan order
    o_r = tl.arange(0, BT)
    o_t = t1 - S * o_r
    o_d = i_d * BD + tl.arange(0, BD)
    m_d = o_d < D
    m_t = (o_t >= 0) & (o_t < n)
    m = m_t[:, None] & m_d[None, :]
    offs = (-S * o_r)[:, None] * s_t + (o_d * s_d)[None, :]
    base += t1 * s_t
    m_n = (m_t & (o_t + S >= 0) & (o_t + S < n))[:, None] & m_d[None, :]
    b_gn = tl.load(p_g + base + S * s_t + offs, mask=m_n, other=1.).to(tl.float32)
    b_do = tl.load(p_do + base + offs, mask=m, other=0.).to(tl.float32)
    b_a, b_b = tl.associative_scan((b_gn, b_do), 0, _combine)
    b_c = tl.zeros([BD], dtype=tl.float32)
    if HAS_DHT:
        b_c = tl.load(p_dht + i_row * D + o_d, mask=m_d, other=0.)
    z = tl.zeros([BD], dtype=tl.float32)
    b_c, _ = look_back(p_ws, p_flag, i_row, i_c, i_d, NC, D, rows, last_row(b_a), z,
                       last_row(b_b), z, b_c, z, BD, False, WALK)
    b_b += b_a * b_c[None, :]
    edge = ((o_t - S < 0) | (o_t - S >= n))[:, None]
    b_hp = tl.load(p_o + base - S * s_t + offs, mask=m & ~edge, other=0.).to(tl.float32)
    if HAS_H0:
        b_hp = tl.where(edge, tl.load(p_h0 + i_row * D + o_d, mask=m_d, other=0.)[None, :], b_hp)
    tl.store(p_dx + base + offs, b_b.to(p_dx.dtype.element_ty), mask=m)
    tl.store(p_dg + base + offs, (b_b * b_hp).to(p_dg.dtype.element_ty), mask=m)
    if (i_c + 1) * BT >= n:  # the tile holding the first step: dh0 = g_1 a_1
        t_e = n - 1 if REVERSE else 0
        b_ge = tl.load(p_g + base + (t_e - t1) * s_t + o_d * s_d, mask=m_d, other=0.).to(tl.float32)
        tl.store(p_dh0 + i_row * D + o_d, b_ge * last_row(b_b), mask=m_d)


_KEY = ["D", "REVERSE", "VARLEN"]
_fwd = common.tuned(_fwd_kernel, _KEY)
_bwd = common.tuned(_bwd_kernel, _KEY)


def _same_layout(*ts):
    """The tensors as they are if they share strides with a unit channel stride, else contiguous."""
    if all(t.stride() == ts[0].stride() for t in ts) and ts[0].stride(-1) == 1:
        return ts
    return tuple(t.contiguous() for t in ts)


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
    common.launch(_fwd, lambda ws, flag, tiles: (x, g, o, h0, ht, ws, flag, cu_seqlens, tiles), rows, T, D, x.device,
            cu_seqlens, s_b=x.stride(0), s_t=x.stride(1), s_d=1, REVERSE=reverse, HAS_H0=h0 is not None)
    return o, ht


def scan_bwd(g, o, do, dht, h0, cu_seqlens, reverse: bool):
    """Returns (dx, dg) like g and dh0 [N, D] float32."""
    g, o, do = _same_layout(g, o, do)
    B, T, D = g.shape
    rows = B if cu_seqlens is None else cu_seqlens.numel() - 1
    dx, dg = torch.empty_like(g), torch.empty_like(g)
    if dx.stride() != g.stride():
        g, o, do = g.contiguous(), o.contiguous(), do.contiguous()
    dh0 = torch.empty(rows, D, device=g.device, dtype=torch.float32)
    h0 = None if h0 is None else h0.float().contiguous()
    dht = None if dht is None else dht.float().contiguous()
    common.launch(_bwd, lambda ws, flag, tiles: (g, o, do, dht, h0, dx, dg, dh0, ws, flag, cu_seqlens, tiles), rows,
            T, D, g.device, cu_seqlens, s_b=g.stride(0), s_t=g.stride(1), s_d=1, REVERSE=reverse,
            HAS_H0=h0 is not None, HAS_DHT=dht is not None)
    return dx, dg, dh0

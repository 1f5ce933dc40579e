# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Triton kernels of the complex recurrence h_t = gamma_t * h_{t-1} + u_t, plain and fused.

Plain (``FUSED=False``): ``x`` and ``g`` are [B, T, D, 2] (real, imag interleaved, the
``torch.view_as_real`` layout); ``o`` likewise; states [N, D, 2].

Fused HGRU (``FUSED=True``): the kernel reads the raw input projection ``c`` [B, T, 2D] (pairs
interleaved, as the official ``(e k) -> e k`` split), the lambda logits ``f`` [B, T, D], theta
[D] and the lower bound [D], forms lam = lb + (1 - lb) sigmoid(f), gamma = lam e^{i theta},
u = (1 - lam) act(c) in registers, scans, and writes ``h`` [B, T, 2D] as cat[Re h, Im h], the
layout the HGRU's LayerNorm reads. States are [N, 2D] in that layout. The backward recomputes
the gating from c and f and returns d theta and d lb as per-tile partial sums.

Single pass with decoupled look-back, as ``real.py`` (see ``common.py``); the backward runs the
adjoint a_t = do_t + conj(gamma_{t+1}) a_{t+1}, dx = a, dg_t = a_t conj(h_{t-1}).
"""
from __future__ import annotations

import torch
import triton
import triton.language as tl

from . import common
from .common import last_row, look_back, ticket


@triton.jit
def _combine(ar1, ai1, xr1, xi1, ar2, ai2, xr2, xi2):
    return (ar2 * ar1 - ai2 * ai1, ar2 * ai1 + ai2 * ar1,
            ar2 * xr1 - ai2 * xi1 + xr2, ar2 * xi1 + ai2 * xr1 + xi2)


@triton.jit
def _load_pairs(p, offs, mask):
    """(re, im) of the interleaved pairs whose real parts sit at element offsets ``offs``."""
    o2 = tl.expand_dims(offs, -1) + tl.arange(0, 2)
    return tl.split(tl.load(p + o2, mask=tl.expand_dims(mask, -1), other=0.).to(tl.float32))


@triton.jit
def _store_pairs(p, offs, mask, re, im):
    o2 = tl.expand_dims(offs, -1) + tl.arange(0, 2)
    tl.store(p + o2, tl.join(re, im).to(p.dtype.element_ty), mask=tl.expand_dims(mask, -1))


@triton.jit
def _load_h(p, offs, mask, D, FUSED: tl.constexpr):
    """A tile or row of h (or dh, h0, ...): cat[Re, Im] halves when fused, else pairs."""
    if FUSED:
        return (tl.load(p + offs, mask=mask, other=0.).to(tl.float32),
                tl.load(p + offs + D, mask=mask, other=0.).to(tl.float32))
    return _load_pairs(p, offs, mask)


@triton.jit
def _store_h(p, offs, mask, re, im, D, FUSED: tl.constexpr):
    if FUSED:
        tl.store(p + offs, re.to(p.dtype.element_ty), mask=mask)
        tl.store(p + offs + D, im.to(p.dtype.element_ty), mask=mask)
    else:
        _store_pairs(p, offs, mask, re, im)


@triton.jit
def _gate(p_g, offs, mask, b_cos, b_sin, b_lb, FUSED: tl.constexpr):
    """gamma (re, im) at ``offs``, and for the fused op lam and sigmoid(f); (1, 0) where masked."""
    if FUSED:
        b_s = tl.sigmoid(tl.load(p_g + offs, mask=mask, other=0.).to(tl.float32))
        b_lam = b_lb + (1 - b_lb) * b_s
        b_gr, b_gi = b_lam * b_cos, b_lam * b_sin
    else:
        b_gr, b_gi = _load_pairs(p_g, offs, mask)
        b_lam, b_s = b_gr, b_gi
    return tl.where(mask, b_gr, 1.), tl.where(mask, b_gi, 0.), b_lam, b_s


@triton.jit
def _start(p_cu, i_row, T, VARLEN: tl.constexpr):
    """(first packed time index, length) of this row's sequence."""
    if VARLEN:
        bos = tl.load(p_cu + i_row).to(tl.int64)
        return bos, tl.load(p_cu + i_row + 1).to(tl.int64) - bos
    return (i_row * 0).to(tl.int64), T


@triton.jit(do_not_specialize=["s_d", "s_u"])
def _fwd_kernel(p_x, p_g, p_o, p_h0, p_ht, p_ws, p_flag, p_cu, p_tiles, p_th, p_lb, rows, T, D,
                s_xb, s_xt, s_gb, s_gt, s_ob, s_ot, s_d, s_u, BT: tl.constexpr, BD: tl.constexpr,
                REVERSE: tl.constexpr, HAS_H0: tl.constexpr, VARLEN: tl.constexpr, FUSED: tl.constexpr,
                SILU: tl.constexpr, WALK: tl.constexpr):
    i_row, i_c, i_d, NC = ticket(p_flag, p_tiles, rows, T, D, BT, BD, VARLEN)
    bos, n = _start(p_cu, i_row, T, VARLEN)
    # tile rows in scan order: row r is step t1 + DIR * r (a reverse scan walks time backwards)
    DIR: tl.constexpr = -1 if REVERSE else 1
    t1 = n - 1 - i_c * BT if REVERSE else i_c * BT
    o_r = tl.arange(0, BT)
    o_t = t1 + DIR * o_r
    o_d = i_d * BD + tl.arange(0, BD)
    m_d = o_d < D
    m = ((o_t >= 0) & (o_t < n))[:, None] & m_d[None, :]
    row = i_row.to(tl.int64) * (1 - VARLEN)
    p_x += row * s_xb + (bos + t1) * s_xt
    p_g += row * s_gb + (bos + t1) * s_gt
    p_o += row * s_ob + (bos + t1) * s_ot
    o_x = (DIR * o_r)[:, None] * s_xt + (o_d * s_d)[None, :]
    o_g = (DIR * o_r)[:, None] * s_gt + (o_d * (s_u if FUSED else s_d))[None, :]
    o_o = (DIR * o_r)[:, None] * s_ot + (o_d * (s_u if FUSED else s_d))[None, :]
    b_xr, b_xi = _load_pairs(p_x, o_x, m)
    b_cos, b_sin, b_lb = b_xr, b_xr, b_xr  # placeholders unless fused
    if FUSED:
        b_th = tl.load(p_th + o_d, mask=m_d, other=0.)
        b_cos, b_sin = tl.cos(b_th)[None, :], tl.sin(b_th)[None, :]
        b_lb = tl.load(p_lb + o_d, mask=m_d, other=0.)[None, :]
    b_gr, b_gi, b_lam, b_s = _gate(p_g, o_g, m, b_cos, b_sin, b_lb, FUSED)
    if FUSED:
        if SILU:
            b_xr *= tl.sigmoid(b_xr)
            b_xi *= tl.sigmoid(b_xi)
        b_xr *= 1 - b_lam
        b_xi *= 1 - b_lam
    b_ar, b_ai, b_br, b_bi = tl.associative_scan((b_gr, b_gi, b_xr, b_xi), 0, _combine)
    o_s = i_row * 2 * D + o_d * (1 if FUSED else 2)
    b_hr = tl.zeros([BD], dtype=tl.float32)
    b_hi = tl.zeros([BD], dtype=tl.float32)
    if HAS_H0:
        b_hr, b_hi = _load_h(p_h0, o_s, m_d, D, FUSED)
    b_hr, b_hi = look_back(p_ws, p_flag, i_row, i_c, i_d, NC, D, rows, last_row(b_ar),
                           last_row(b_ai), last_row(b_br), last_row(b_bi),
                           b_hr, b_hi, BD, True, WALK)
    b_br += b_ar * b_hr[None, :] - b_ai * b_hi[None, :]
    b_bi += b_ar * b_hi[None, :] + b_ai * b_hr[None, :]
    _store_h(p_o, o_o, m, b_br, b_bi, D, FUSED)
    if (i_c + 1) * BT >= n:  # the tile holding the last step
        b_hr, b_hi = last_row(b_br), last_row(b_bi)
        if FUSED:
            tl.store(p_ht + o_s, b_hr, mask=m_d)
            tl.store(p_ht + o_s + D, b_hi, mask=m_d)
        else:
            _store_pairs(p_ht, o_s, m_d, b_hr, b_hi)


@triton.jit(do_not_specialize=["s_d", "s_u"])
def _bwd_kernel(p_x, p_g, p_o, p_do, p_dht, p_h0, p_dx, p_dg, p_dh0, p_dth, p_dlb, p_ws, p_flag, p_cu,
                p_tiles, p_th, p_lb, rows, T, D, s_xb, s_xt, s_gb, s_gt, s_ob, s_ot, s_d, s_u,
                BT: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                HAS_DHT: tl.constexpr, VARLEN: tl.constexpr, FUSED: tl.constexpr, SILU: tl.constexpr,
                WALK: tl.constexpr):
    S: tl.constexpr = -1 if REVERSE else 1  # the forward's time step; the adjoint runs against it
    i_row, i_c, i_d, NC = ticket(p_flag, p_tiles, rows, T, D, BT, BD, VARLEN)
    bos, n = _start(p_cu, i_row, T, VARLEN)
    t1 = i_c * BT if REVERSE else n - 1 - i_c * BT  # tile rows in the adjoint's scan order
    o_r = tl.arange(0, BT)
    o_t = t1 - S * o_r
    o_d = i_d * BD + tl.arange(0, BD)
    m_d = o_d < D
    m_t = (o_t >= 0) & (o_t < n)
    m = m_t[:, None] & m_d[None, :]
    m_n = (m_t & (o_t + S >= 0) & (o_t + S < n))[:, None] & m_d[None, :]
    row = i_row.to(tl.int64) * (1 - VARLEN)
    x0, g0, o0 = row * s_xb + (bos + t1) * s_xt, row * s_gb + (bos + t1) * s_gt, row * s_ob + (bos + t1) * s_ot
    p_dx += x0
    p_dg += g0
    p_g += g0
    p_o += o0
    p_do += o0
    o_x = (-S * o_r)[:, None] * s_xt + (o_d * s_d)[None, :]
    o_g = (-S * o_r)[:, None] * s_gt + (o_d * (s_u if FUSED else s_d))[None, :]
    o_o = (-S * o_r)[:, None] * s_ot + (o_d * (s_u if FUSED else s_d))[None, :]
    b_cos = o_d.to(tl.float32)[None, :]  # placeholders unless fused
    b_sin, b_lb = b_cos, b_cos
    if FUSED:
        b_th = tl.load(p_th + o_d, mask=m_d, other=0.)
        b_cos, b_sin = tl.cos(b_th)[None, :], tl.sin(b_th)[None, :]
        b_lb = tl.load(p_lb + o_d, mask=m_d, other=0.)[None, :]
    b_gr, b_gi, b_lamn, b_sn = _gate(p_g + S * s_gt, o_g, m_n, b_cos, b_sin, b_lb, FUSED)
    b_dr, b_di = _load_h(p_do, o_o, m, D, FUSED)
    b_ar, b_ai, b_br, b_bi = tl.associative_scan((b_gr, -b_gi, b_dr, b_di), 0, _combine)
    o_s = i_row * 2 * D + o_d * (1 if FUSED else 2)
    b_cr = tl.zeros([BD], dtype=tl.float32)
    b_ci = tl.zeros([BD], dtype=tl.float32)
    if HAS_DHT:
        b_cr, b_ci = _load_h(p_dht, o_s, m_d, D, FUSED)
    b_cr, b_ci = look_back(p_ws, p_flag, i_row, i_c, i_d, NC, D, rows, last_row(b_ar),
                           last_row(b_ai), last_row(b_br), last_row(b_bi),
                           b_cr, b_ci, BD, True, WALK)
    b_dr = b_br + b_ar * b_cr[None, :] - b_ai * b_ci[None, :]  # a, the adjoint state
    b_di = b_bi + b_ar * b_ci[None, :] + b_ai * b_cr[None, :]
    edge = ((o_t - S < 0) | (o_t - S >= n))[:, None]
    b_hr, b_hi = _load_h(p_o - S * s_ot, o_o, m & ~edge, D, FUSED)
    if HAS_H0:
        b_h0r, b_h0i = _load_h(p_h0, o_s, m_d, D, FUSED)
        b_hr = tl.where(edge, b_h0r[None, :], b_hr)
        b_hi = tl.where(edge, b_h0i[None, :], b_hi)
    b_ggr = b_dr * b_hr + b_di * b_hi  # d gamma = a conj(h_prev)
    b_ggi = b_di * b_hr - b_dr * b_hi
    if FUSED:
        b_xr, b_xi = _load_pairs(p_x + x0, o_x, m)
        b_gr, b_gi, b_lam, b_s = _gate(p_g, o_g, m, b_cos, b_sin, b_lb, FUSED)
        b_jr = b_xr * 0 + 1.  # d act / dc
        b_ji = b_jr
        if SILU:
            b_sr, b_si = tl.sigmoid(b_xr), tl.sigmoid(b_xi)
            b_jr, b_ji = b_sr * (1 + b_xr * (1 - b_sr)), b_si * (1 + b_xi * (1 - b_si))
            b_xr *= b_sr
            b_xi *= b_si
        b_dlam = b_ggr * b_cos + b_ggi * b_sin - b_dr * b_xr - b_di * b_xi
        o_p = (i_row * NC + i_c) * D + o_d
        tl.store(p_dth + o_p, tl.sum(tl.where(m, b_lam * (b_ggi * b_cos - b_ggr * b_sin), 0.), 0), mask=m_d)
        tl.store(p_dlb + o_p, tl.sum(tl.where(m, b_dlam * (1 - b_s), 0.), 0), mask=m_d)
        _store_pairs(p_dx, o_x, m, (1 - b_lam) * b_dr * b_jr, (1 - b_lam) * b_di * b_ji)
        tl.store(p_dg + o_g, (b_dlam * (1 - b_lb) * b_s * (1 - b_s)).to(p_dg.dtype.element_ty), mask=m)
    else:
        _store_pairs(p_dx, o_x, m, b_dr, b_di)
        _store_pairs(p_dg, o_g, m, b_ggr, b_ggi)
    if (i_c + 1) * BT >= n:  # the tile holding the first step: dh0 = conj(g_1) a_1
        t_e = n - 1 if REVERSE else 0
        o_e = (t_e - t1) * s_gt + o_d * (s_u if FUSED else s_d)
        b_er, b_ei, b_el, b_es = _gate(p_g, o_e, m_d, tl.reshape(b_cos, [BD]), tl.reshape(b_sin, [BD]),
                                 tl.reshape(b_lb, [BD]), FUSED)
        e_ar, e_ai = last_row(b_dr), last_row(b_di)
        e_hr, e_hi = b_er * e_ar + b_ei * e_ai, b_er * e_ai - b_ei * e_ar
        if FUSED:
            tl.store(p_dh0 + o_s, e_hr, mask=m_d)
            tl.store(p_dh0 + o_s + D, e_hi, mask=m_d)
        else:
            _store_pairs(p_dh0, o_s, m_d, e_hr, e_hi)


_KEY = ["D", "REVERSE", "VARLEN", "FUSED"]
_fwd = common.tuned(_fwd_kernel, _KEY)
_bwd = common.tuned(_bwd_kernel, _KEY)


def _dense(*ts):
    """Contiguous copies unless every tensor already has a unit-stride (pairs: (.., 2, 1)) inner layout."""
    return tuple(t if t.stride(-1) == 1 and (t.dim() < 4 or t.stride(-2) == 2) else t.contiguous() for t in ts)


def _empty_like(t):
    out = torch.empty_like(t)
    return out if out.stride() == t.stride() else None


def _strides(x, g, o, fused):
    return dict(s_xb=x.stride(0), s_xt=x.stride(1), s_gb=g.stride(0), s_gt=g.stride(1), s_ob=o.stride(0),
                s_ot=o.stride(1), s_d=2, s_u=1, FUSED=fused)


def _rows(B, cu_seqlens):
    return B if cu_seqlens is None else cu_seqlens.numel() - 1


def _max_tiles(T, cu_seqlens):
    if cu_seqlens is None:
        return triton.cdiv(T, common.smallest_tile()[0])
    bt = common.tile_args(varlen=True)["BT"]
    return int(((cu_seqlens[1:] - cu_seqlens[:-1] + bt - 1) // bt).max())


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
    common.launch(_fwd, lambda ws, flag, tiles: (x, g, o, h0, ht, ws, flag, cu_seqlens, tiles, None, None), rows, T, D,
            x.device, cu_seqlens, **_strides(x, g, o, False), REVERSE=reverse, HAS_H0=h0 is not None, SILU=False)
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
    dh0 = torch.empty(rows, D, 2, device=g.device, dtype=torch.float32)
    h0 = None if h0 is None else h0.float().contiguous()
    dht = None if dht is None else dht.float().contiguous()
    common.launch(_bwd, lambda ws, flag, tiles: (None, g, o, do, dht, h0, dx, dg, dh0, None, None, ws, flag, cu_seqlens,
                                           tiles, None, None),
            rows, T, D, g.device, cu_seqlens, **_strides(dx, g, o, False), REVERSE=reverse,
            HAS_H0=h0 is not None, HAS_DHT=dht is not None, SILU=False)
    return dx, dg, dh0


def hgru_fwd(c, f, theta, lb, h0, cu_seqlens, reverse: bool, silu: bool):
    """c [B, T, 2D], f [B, T, D], theta/lb [D] -> (h [B, T, 2D] cat[Re, Im] like c, state [N, 2D] fp32)."""
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
    common.launch(_fwd, lambda ws, flag, tiles: (c, f, h, h0, ht, ws, flag, cu_seqlens, tiles, theta, lb), rows, T, D,
            c.device, cu_seqlens, **_strides(c, f, h, True), REVERSE=reverse, HAS_H0=h0 is not None, SILU=silu)
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
    partial = torch.zeros(2, rows * _max_tiles(T, cu_seqlens), D, device=c.device, dtype=torch.float32)
    dh0 = torch.empty(rows, 2 * D, device=c.device, dtype=torch.float32)
    h0 = None if h0 is None else h0.float().contiguous()
    dht = None if dht is None else dht.float().contiguous()
    theta, lb = theta.float().contiguous(), lb.float().contiguous()
    common.launch(_bwd, lambda ws, flag, tiles: (c, f, h, dh, dht, h0, dc, df, dh0, partial[0], partial[1], ws, flag,
                                           cu_seqlens, tiles, theta, lb),
            rows, T, D, c.device, cu_seqlens, **_strides(c, f, h, True), REVERSE=reverse,
            HAS_H0=h0 is not None, HAS_DHT=dht is not None, SILU=silu)
    return dc, df, partial[0].sum(0), partial[1].sum(0), dh0

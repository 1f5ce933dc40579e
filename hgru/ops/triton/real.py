# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Triton kernels of the real recurrence h_t = g_t * h_{t-1} + x_t on the native [B, T, D] layout.

One program owns a block of BD channels of one sequence (a chain) and one chunk of its time
steps (all of them unless time is split), and walks the chunk in tiles of BT rows, each tile's
rows ordered in the direction of the scan (a reverse scan loads them in reverse: Triton lowers
``associative_scan(reverse=True)`` with warp shuffles even where the rows lie in one thread).
Each tile is scanned from a zero state with ``tl.associative_scan`` and the carry from the
previous tiles is added afterwards (h = B + A * carry), so only a [BD] FMA per tile waits on the
previous tile. The state is float32 whatever the input.

Time splits pass their carries in one pass by decoupled look-back: the grid is 1-D with the chunk
slowest, so a chunk's predecessors were launched before it (a program waits only for programs of
lower index, which relies on the GPU starting a 1-D grid's programs in index order); each chunk
scans itself for its aggregate (A, B), publishes it, folds its predecessors' records back to the
nearest published inclusive state, publishes its own, and scans its steps again (a reread of
what it just read, from the caches) writing the outputs.

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
def _last(v, row):
    return tl.sum(tl.where(row, v, 0.), 0)


@triton.jit
def _lookback(p_flag, p_rec, s_rec, s_j, j, c, NC, NJ, m_d, b_h, b_a, b_b, W: tl.constexpr):
    """Carry-in of chunk j (in scan order) of chain c, whose aggregate is (b_a, b_b); b_h for
    chunk 0. Records [3 (A, B, inclusive state), NJ, rows * D] at p_rec (this chain's channels),
    statuses [NJ, NC] at p_flag (1: aggregate published, 2: inclusive state published). The chunk
    publishes its aggregate, folds its predecessors' records W at a time back to the nearest
    inclusive state (spinning while one is unpublished), then publishes its own."""
    s_rec = s_rec.to(tl.int64)  # 3-6 planes of chunks x rows x D records can pass 2**31 elements
    s_j = s_j.to(tl.int64)
    if j > 0:
        tl.store(p_rec + j * s_j, b_a, mask=m_d)
        tl.store(p_rec + s_rec + j * s_j, b_b, mask=m_d)
        tl.debug_barrier()
        tl.atomic_xchg(p_flag + j * NC + c, 1, sem="release", scope="gpu")
        o_w = tl.arange(0, W)
        acc_a = tl.full(b_h.shape, 1., tl.float32)
        acc_b = tl.zeros(b_h.shape, tl.float32)
        p = j - 1
        while p >= 0:
            q = p - (W - 1) + o_w  # the window in time order; rows before chunk 0 count as inclusive
            # plain volatile reads (no acquire: that would invalidate the SM's L1, which holds the
            # tiles to reread); the values are read after the statuses, from L2 (volatile)
            f = tl.load(p_flag + q * NC + c, mask=q >= 0, other=2, volatile=True)
            tl.debug_barrier()
            r_inc = tl.max(tl.where(f == 2, o_w, -1), 0)
            if tl.min(tl.where(o_w > r_inc, f, 2), 0) >= 1:
                m_q = (o_w > r_inc)[:, None] & m_d[None, :]
                o_q = q.to(tl.int64)[:, None] * s_j
                w_a = tl.load(p_rec[None, :] + o_q, mask=m_q, other=1., volatile=True)
                w_b = tl.load(p_rec[None, :] + s_rec + o_q, mask=m_q, other=0., volatile=True)
                if r_inc >= 0:  # an inclusive state is a record with A = 0
                    inc = tl.load(p_rec + 2 * s_rec + (p - (W - 1) + r_inc) * s_j, mask=m_d, volatile=True)
                    at = (o_w == r_inc)[:, None]
                    w_a = tl.where(at, 0., w_a)
                    w_b = tl.where(at, inc[None, :], w_b)
                    p = -1
                else:
                    p -= W
                w_a, w_b = tl.associative_scan((w_a, w_b), 0, _combine)
                last = (o_w == W - 1)[:, None]
                t_a, t_b = _last(w_a, last), _last(w_b, last)
                acc_b += acc_a * t_b
                acc_a *= t_a
        b_h = acc_b
    if j < NJ - 1:
        tl.store(p_rec + 2 * s_rec + j * s_j, b_b + b_a * b_h, mask=m_d)
        tl.debug_barrier()
        tl.atomic_xchg(p_flag + j * NC + c, 2, sem="release", scope="gpu")
    return b_h


@triton.jit
def _locate(p_cu, T, D, s_b, s_t, L, NSPLIT, BD: tl.constexpr, VARLEN: tl.constexpr, SCAN_REVERSED: tl.constexpr):
    """This program's (row, chain, chunk in scan order, number of chains, channels, channel mask,
    row's base offset, row's length, first and end step). The grid is 1-D with the chunk slowest,
    so a chunk's predecessors were launched before it."""
    pid = tl.program_id(0)
    nc = tl.num_programs(0) // NSPLIT
    j, c = pid // nc, pid % nc
    ndb = tl.cdiv(D, BD)
    i_b = c // ndb
    o_d = (c % ndb) * BD + tl.arange(0, BD)
    if VARLEN:
        bos = tl.load(p_cu + i_b).to(tl.int64)
        n = tl.load(p_cu + i_b + 1).to(tl.int64) - bos
        base = bos * s_t
    else:
        n = T
        base = i_b.to(tl.int64) * s_b
    lo = ((NSPLIT - 1 - j) if SCAN_REVERSED else j) * L
    return i_b, c, j, nc, o_d, o_d < D, base, n, lo, tl.minimum(lo + L, n)


@triton.jit
def _fwd_pass(p_x, p_g, p_o, base, lo, hi, s_t, o_d, m_d, b_h, BT: tl.constexpr, REVERSE: tl.constexpr,
              AGG: tl.constexpr):
    """Scan steps [lo, hi) from state b_h, writing o unless AGG; returns (product of g, final state)."""
    o_r = tl.arange(0, BT)
    row_out = (o_r == BT - 1)[:, None]
    b_a = tl.full(b_h.shape, 1., dtype=tl.float32)
    for k in range(tl.cdiv(hi - lo, BT)):
        o_t = (hi - 1 - k * BT - o_r) if REVERSE else (lo + k * BT + o_r)
        m = ((o_t >= lo) & (o_t < hi))[:, None] & m_d[None, :]
        offs = base + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
        b_x = tl.load(p_x + offs, mask=m, other=0.).to(tl.float32)
        b_g = tl.load(p_g + offs, mask=m, other=1.).to(tl.float32)
        # scan the tile from a zero state, then add the carry: the scan never waits on it
        b_g, b_x = tl.associative_scan((b_g, b_x), 0, _combine)
        b_gl = _last(b_g, row_out)
        if AGG:
            b_a *= b_gl
        else:
            tl.store(p_o + offs, (b_x + b_g * b_h[None, :]).to(p_o.dtype.element_ty), mask=m)
        b_h = _last(b_x, row_out) + b_gl * b_h
    return b_a, b_h


@triton.jit
def _fwd_kernel(p_x, p_g, p_o, p_h0, p_ht, p_rec, p_flag, p_cu, T, D, s_b, s_t, L, NSPLIT, s_rec,
                BT: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                VARLEN: tl.constexpr, LOOKBACK: tl.constexpr, W: tl.constexpr):
    i_b, i_c, i_j, n_c, o_d, m_d, base, n, lo, hi = _locate(p_cu, T, D, s_b, s_t, L, NSPLIT, BD, VARLEN,
                                                            REVERSE)
    b_h = tl.zeros([BD], dtype=tl.float32)
    if HAS_H0:
        b_h = tl.load(p_h0 + i_b * D + o_d, mask=m_d, other=0.)
    if LOOKBACK:  # the chunk's aggregate, the carry-in, then the chunk again (from the caches)
        b_a, b_b = _fwd_pass(p_x, p_g, p_o, base, lo, hi, s_t, o_d, m_d, tl.zeros([BD], dtype=tl.float32),
                             BT, REVERSE, True)
        b_h = _lookback(p_flag, p_rec + i_b * D + o_d, s_rec, n_c // tl.cdiv(D, BD) * D, i_j, i_c, n_c,
                        NSPLIT, m_d, b_h, b_a, b_b, W)
    _, b_h = _fwd_pass(p_x, p_g, p_o, base, lo, hi, s_t, o_d, m_d, b_h, BT, REVERSE, False)
    tl.store(p_ht + i_b * D + o_d, b_h, mask=m_d & ((lo == 0) if REVERSE else (hi == n)))


@triton.jit
def _bwd_pass(p_g, p_o, p_do, p_dx, p_dg, base, n, lo, hi, s_t, o_d, m_d, b_c, b_h0, BT: tl.constexpr,
              REVERSE: tl.constexpr, HAS_H0: tl.constexpr, AGG: tl.constexpr):
    """The adjoint over steps [lo, hi) from state b_c, writing dx, dg unless AGG; returns (product
    of the shifted gates, final adjoint state)."""
    S: tl.constexpr = -1 if REVERSE else 1  # the forward's time step
    o_r = tl.arange(0, BT)
    row_out = (o_r == BT - 1)[:, None]
    b_a = tl.full(b_c.shape, 1., dtype=tl.float32)
    for k in range(tl.cdiv(hi - lo, BT)):
        o_t = (lo + k * BT + o_r) if REVERSE else (hi - 1 - k * BT - o_r)
        m_t = (o_t >= lo) & (o_t < hi)
        m = m_t[:, None] & m_d[None, :]
        offs = base + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
        m_n = (m_t & (o_t + S >= 0) & (o_t + S < n))[:, None] & m_d[None, :]
        b_gn = tl.load(p_g + offs + S * s_t, mask=m_n, other=1.).to(tl.float32)
        b_do = tl.load(p_do + offs, mask=m, other=0.).to(tl.float32)
        b_gn, b_do = tl.associative_scan((b_gn, b_do), 0, _combine)
        b_gl = _last(b_gn, row_out)
        b_dl = _last(b_do, row_out)
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
    return b_a, b_c


@triton.jit
def _bwd_kernel(p_g, p_o, p_do, p_dht, p_h0, p_dx, p_dg, p_dh0, p_rec, p_flag, p_cu, T, D, s_b, s_t, L,
                NSPLIT, s_rec, BT: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                HAS_DHT: tl.constexpr, VARLEN: tl.constexpr, LOOKBACK: tl.constexpr, W: tl.constexpr):
    # The adjoint runs against the forward direction.
    i_b, i_c, i_j, n_c, o_d, m_d, base, n, lo, hi = _locate(p_cu, T, D, s_b, s_t, L, NSPLIT, BD, VARLEN,
                                                            not REVERSE)
    b_c = tl.zeros([BD], dtype=tl.float32)
    b_h0 = b_c
    if HAS_DHT:
        b_c = tl.load(p_dht + i_b * D + o_d, mask=m_d, other=0.)
    if HAS_H0:
        b_h0 = tl.load(p_h0 + i_b * D + o_d, mask=m_d, other=0.)
    if LOOKBACK:
        b_a, b_b = _bwd_pass(p_g, p_o, p_do, p_dx, p_dg, base, n, lo, hi, s_t, o_d, m_d,
                             tl.zeros([BD], dtype=tl.float32), b_h0, BT, REVERSE, False, True)
        b_c = _lookback(p_flag, p_rec + i_b * D + o_d, s_rec, n_c // tl.cdiv(D, BD) * D, i_j, i_c, n_c,
                        NSPLIT, m_d, b_c, b_a, b_b, W)
    _, b_c = _bwd_pass(p_g, p_o, p_do, p_dx, p_dg, base, n, lo, hi, s_t, o_d, m_d, b_c, b_h0, BT, REVERSE,
                       HAS_H0, False)
    t0 = n - 1 if REVERSE else 0
    b_g0 = tl.load(p_g + base + t0 * s_t + o_d, mask=m_d, other=0.).to(tl.float32)
    tl.store(p_dh0 + i_b * D + o_d, b_g0 * b_c, mask=m_d & ((hi == n) if REVERSE else (lo == 0)))


def _same_layout(*ts):
    """The tensors as they are if they share strides with a unit channel stride, else contiguous."""
    if all(t.stride() == ts[0].stride() for t in ts) and ts[0].stride(-1) == 1:
        return ts
    return tuple(t.contiguous() for t in ts)


def _launch(kernel, args, rows, T, D, dtype, device, varlen, **flags):
    n_split, L, tile, lookback = common.plan("real", dtype, rows, T, D, device, varlen)
    programs = n_split * rows * triton.cdiv(D, tile["BD"])
    rec = flag = None
    if lookback:  # records [3 (A, B, inclusive state), chunk, row, D] and a status per program
        rec = torch.empty(3, n_split, rows, D, device=device, dtype=torch.float32)
        flag = torch.zeros(programs, device=device, dtype=torch.int32)
    kernel[(programs,)](*args(rec, flag), T=T, D=D, L=L, NSPLIT=n_split, s_rec=n_split * rows * D, VARLEN=varlen,
                        LOOKBACK=lookback, W=common.LOOKBACK_WINDOW, **flags, **tile)


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
    _launch(_fwd_kernel, lambda rec, flag: (x, g, o, h0, ht, rec, flag, cu_seqlens), rows, T, D, x.dtype, x.device,
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
    _launch(_bwd_kernel, lambda rec, flag: (g, o, do, dht, h0, dx, dg, dh0, rec, flag, cu_seqlens), rows, T, D,
            g.dtype, g.device,
            cu_seqlens is not None, s_b=g.stride(0), s_t=g.stride(1), REVERSE=reverse,
            HAS_H0=h0 is not None, HAS_DHT=dht is not None)
    return dx, dg, dh0

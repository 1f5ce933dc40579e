# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Triton kernels of the real recurrence h_t = g_t * h_{t-1} + x_t on the native [B, T, D] layout.

Unsplit (``_fwd_kernel``, ``_bwd_kernel``): one program owns a block of BD channels of one
sequence (a chain) and walks all its steps in tiles of R * NW rows, through a software-pipelined
loop (``tl.range(num_stages=STAGES)``: the next tiles' loads are copied into shared memory ahead
of use). Group w of threads holds steps w R .. w R + R - 1 of a tile in its registers (a group is
a warp, or with rows narrower than a warp's loads one of the rows of time a warp spans:
common._loop_plan); each group scans its steps, the groups' aggregates are scanned across groups,
and each group scans its steps again from the state entering it (``_tile_scan``), so only a [BD]
FMA per tile waits on the previous tile. Narrow channel blocks give many chains, each with loads
in flight: the tiles are chosen by the number of (sequence, channel) pairs (common.LOOP_TILES).
The state is float32 whatever the input.

Split in time (``_fwd_chunk_kernel``, ``_bwd_chunk_kernel``), when chains are too few to fill the
GPU: one program per chunk of R * NW steps of a chain, one [R * NW, BD] tile loaded at once and
held in registers, laid out as the unsplit loop's tiles (common._chunk_plan). Carries pass in the same
launch by decoupled look-back: the grid is 1-D with the chunk slowest, so a chunk's predecessors
were launched before it (a program waits only for programs of lower index, which relies on the
GPU starting a 1-D grid's programs in index order); each chunk publishes its aggregate (A, B),
folds its predecessors' records back to the nearest published inclusive state, publishes its own,
and scans its inputs (kept in registers) again from each group's entering state (``_chunk_scan``).

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
def _locate(p_cu, T, D, s_b, s_t, BD: tl.constexpr, VARLEN: tl.constexpr):
    """This program's (row, channels, channel mask, row's base offset, row's length): one program
    per (row, channel block), the whole sequence."""
    ndb = tl.cdiv(D, BD)
    i_b = tl.program_id(0) // ndb
    o_d = (tl.program_id(0) % ndb) * BD + tl.arange(0, BD)
    if VARLEN:
        bos = tl.load(p_cu + i_b).to(tl.int64)
        n = tl.load(p_cu + i_b + 1).to(tl.int64) - bos
        base = bos * s_t
    else:
        n = T
        base = i_b.to(tl.int64) * s_b
    return i_b, o_d, o_d < D, base, n


@triton.jit
def _widen(v):
    """v as float32; bfloat16 by moving its bits, a conversion the compiler does not merge with an
    earlier ``.to(float32)`` of the same value (so the narrow input stays live, not the wide one)."""
    if v.dtype == tl.bfloat16:
        return (v.to(tl.int16, bitcast=True).to(tl.int32) << 16).to(tl.float32, bitcast=True)
    return v.to(tl.float32)


@triton.jit
def _rows(R: tl.constexpr, NW: tl.constexpr):
    """The scan-order step, within a [R * NW, BD] tile, of each tile row: row i holds step (i % NW) * R
    + i // NW. The default 2-D layout puts row i in warp i % NW (with rows of BD channels narrower
    than a warp's 512 bytes of loads, lanes = 512 / row bytes rows of time per warp, row i in warp
    (i // lanes) % warps: NW is then warps x lanes groups), so reshaped to [R, NW, BD] each group
    holds R consecutive steps in its threads' registers (loading [R, NW, BD] directly, Triton 3.6 laid
    the warps along R: NOTES.md)."""
    o_i = tl.arange(0, R * NW)
    return (o_i % NW) * R + o_i // NW


@triton.jit
def _group_scan(g_in, x_in):
    """The running aggregates (A, B) [NW, BD] of a [R, NW, BD] tile's groups: steps 0 .. w R + R - 1
    for group w (each group's R steps scanned in its threads' registers, then across groups)."""
    R: tl.constexpr = g_in.shape[0]
    b_g, b_x = tl.associative_scan((g_in.to(tl.float32), x_in.to(tl.float32)), 0, _combine)
    last_r = (tl.arange(0, R) == R - 1)[:, None, None]
    return tl.associative_scan((tl.sum(tl.where(last_r, b_g, 0.), 0), tl.sum(tl.where(last_r, b_x, 0.), 0)), 0,
                               _combine)


@triton.jit
def _rescan(g_in, x_in, w_g, w_x, b_h):
    """The states [R, NW, BD] float32 of a [R, NW, BD] tile entered with state b_h [BD], from its
    groups' running aggregates (w_g, w_x) [NW, BD]: each group scanned again from the narrow inputs
    (kept narrow in registers, not the first scan's values) from the state entering it."""
    R: tl.constexpr = g_in.shape[0]
    o_w = tl.arange(0, g_in.shape[1])
    e = w_x + w_g * b_h[None, :]  # the state after each group's steps, then the state entering them
    e = tl.gather(e, tl.maximum(o_w - 1, 0)[:, None] + tl.zeros(e.shape, tl.int32), 0)
    e = tl.where((o_w == 0)[:, None], b_h[None, :], e)
    b_g, b_x = _widen(g_in), _widen(x_in)
    b_x = tl.where((tl.arange(0, R) == 0)[:, None, None], b_x + b_g * e[None, :, :], b_x)
    _, b_x = tl.associative_scan((b_g, b_x), 0, _combine)
    return b_x


@triton.jit
def _tile_scan(g_in, x_in, b_h):
    """Scan a [R, NW, BD] tile of gates g_in and inputs x_in from state b_h [BD]: (states [R, NW, BD]
    float32, the state after the tile [BD])."""
    w_g, w_x = _group_scan(g_in, x_in)
    last_w = (tl.arange(0, g_in.shape[1]) == g_in.shape[1] - 1)[:, None]
    return _rescan(g_in, x_in, w_g, w_x, b_h), _last(w_x, last_w) + _last(w_g, last_w) * b_h


@triton.jit
def _fwd_kernel(p_x, p_g, p_o, p_h0, p_ht, p_cu, T, D, s_b, s_t, R: tl.constexpr, NW: tl.constexpr,
                BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr, VARLEN: tl.constexpr,
                STAGES: tl.constexpr):
    i_b, o_d, m_d, base, n = _locate(p_cu, T, D, s_b, s_t, BD, VARLEN)
    u0 = _rows(R, NW)
    b_h = tl.zeros([BD], dtype=tl.float32)
    if HAS_H0:
        b_h = tl.load(p_h0 + i_b * D + o_d, mask=m_d, other=0.)
    for k in tl.range(tl.cdiv(n, R * NW), num_stages=STAGES):
        u = k * R * NW + u0
        o_t = (n - 1 - u) if REVERSE else u
        m = (u < n)[:, None] & m_d[None, :]
        offs = base + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
        x_in = tl.reshape(tl.load(p_x + offs, mask=m, other=0.), [R, NW, BD])
        g_in = tl.reshape(tl.load(p_g + offs, mask=m, other=1.), [R, NW, BD])
        b_o, b_h = _tile_scan(g_in, x_in, b_h)
        tl.store(p_o + offs, tl.reshape(b_o, [R * NW, BD]).to(p_o.dtype.element_ty), mask=m)
    tl.store(p_ht + i_b * D + o_d, b_h, mask=m_d)


@triton.jit
def _bwd_kernel(p_g, p_o, p_do, p_dht, p_h0, p_dx, p_dg, p_dh0, p_cu, T, D, s_b, s_t, R: tl.constexpr,
                NW: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                HAS_DHT: tl.constexpr, VARLEN: tl.constexpr, STAGES: tl.constexpr):
    # The adjoint runs against the forward direction: scan-order step u is time n - 1 - u forwards.
    i_b, o_d, m_d, base, n = _locate(p_cu, T, D, s_b, s_t, BD, VARLEN)
    u0 = _rows(R, NW)
    S: tl.constexpr = -1 if REVERSE else 1  # the forward's time step
    b_c = tl.zeros([BD], dtype=tl.float32)
    b_h0 = b_c
    if HAS_DHT:
        b_c = tl.load(p_dht + i_b * D + o_d, mask=m_d, other=0.)
    if HAS_H0:
        b_h0 = tl.load(p_h0 + i_b * D + o_d, mask=m_d, other=0.)
    for k in tl.range(tl.cdiv(n, R * NW), num_stages=STAGES):
        u = k * R * NW + u0
        o_t = u if REVERSE else (n - 1 - u)
        m_t = u < n
        m = m_t[:, None] & m_d[None, :]
        offs = base + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
        m_n = (m_t & (o_t + S >= 0) & (o_t + S < n))[:, None] & m_d[None, :]
        edge = ((o_t - S < 0) | (o_t - S >= n))[:, None]
        gn_in = tl.reshape(tl.load(p_g + offs + S * s_t, mask=m_n, other=1.), [R, NW, BD])
        do_in = tl.reshape(tl.load(p_do + offs, mask=m, other=0.), [R, NW, BD])
        b_hp = tl.load(p_o + offs - S * s_t, mask=m & ~edge, other=0.).to(tl.float32)
        if HAS_H0:
            b_hp = tl.where(edge, b_h0[None, :], b_hp)
        b_a, b_c = _tile_scan(gn_in, do_in, b_c)
        b_a = tl.reshape(b_a, [R * NW, BD])
        tl.store(p_dx + offs, b_a.to(p_dx.dtype.element_ty), mask=m)
        tl.store(p_dg + offs, (b_a * b_hp).to(p_dg.dtype.element_ty), mask=m)
    b_g0 = tl.load(p_g + base + (n - 1 if REVERSE else 0) * s_t + o_d, mask=m_d, other=0.).to(tl.float32)
    tl.store(p_dh0 + i_b * D + o_d, b_g0 * b_c, mask=m_d)


@triton.jit
def _chunk(T, D, s_b, s_t, NSPLIT, R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr):
    """This program's (chain, chunk j in scan order, number of chains, row, channels, channel mask,
    [R * NW] scan-order steps u of its tile rows (``_rows``), row base offset, records' chunk stride)."""
    pid = tl.program_id(0)
    nc = tl.num_programs(0) // NSPLIT
    j, c = pid // nc, pid % nc
    ndb = tl.cdiv(D, BD)
    i_b = c // ndb
    o_d = (c % ndb) * BD + tl.arange(0, BD)
    u = j * R * NW + _rows(R, NW)
    return c, j, nc, i_b, o_d, o_d < D, u, i_b.to(tl.int64) * s_b, (nc // ndb).to(tl.int64) * D


@triton.jit
def _cmul(ar, ai, br, bi):
    return ar * br - ai * bi, ar * bi + ai * br


@triton.jit
def _carry_in(p_flag, p_r, s_rec, s_j, j, c, NC, m_d, W: tl.constexpr, CPLX: tl.constexpr = False):
    """The state entering chunk j of chain c, folded from its predecessors' records back to the
    nearest inclusive state: W statuses read at once, then the ready records together. Records at
    p_r (this chain's channels): A, B, inclusive state, planes s_rec apart (CPLX: each as re, im
    planes), chunks s_j apart. Returns the state (re, im; im zero for real states). No barrier or
    cross-warp step inside the loop: each warp runs it on its own and may spin a different number
    of turns (all reach the same state up to rounding)."""
    K: tl.constexpr = 2 if CPLX else 1  # planes per quantity
    acc_ar = tl.full(m_d.shape, 1., tl.float32)
    acc_ai = tl.zeros(m_d.shape, tl.float32)
    acc_br = tl.zeros(m_d.shape, tl.float32)
    acc_bi = tl.zeros(m_d.shape, tl.float32)
    p = j - 1
    while p >= 0:
        go = p >= 0
        n = 0
        for i in tl.static_range(W):
            q = p - i
            # plain volatile reads: an acquire would invalidate the SM's L1 (NOTES.md); a record
            # is read after its status, in program order, and written before it with a release
            f = tl.load(p_flag + q * NC + c, mask=q >= 0, other=0, volatile=True)
            take = go & (f >= 1)
            inc = take & (f == 2)  # an inclusive state folds as a record with A = 0
            o = q.to(tl.int64) * s_j
            m_a = m_d & take & (f == 1)
            o_b = o + tl.where(inc, 2 * K, K) * s_rec
            a_r = tl.where(inc, 0., tl.load(p_r + o, mask=m_a, other=1., volatile=True))
            b_r = tl.load(p_r + o_b, mask=m_d & take, other=0., volatile=True)
            if CPLX:
                a_i = tl.where(inc, 0., tl.load(p_r + o + s_rec, mask=m_a, other=0., volatile=True))
                b_i = tl.load(p_r + o_b + s_rec, mask=m_d & take, other=0., volatile=True)
                u_r, u_i = _cmul(acc_ar, acc_ai, b_r, b_i)
                acc_br += u_r
                acc_bi += u_i
                acc_ar, acc_ai = _cmul(acc_ar, acc_ai, a_r, a_i)
            else:
                acc_br += acc_ar * b_r
                acc_ar *= a_r
            n += take.to(tl.int32)
            go = take & (f == 1)
            p = tl.where(inc, -1 - W, p)
        p -= n
    return acc_br, acc_bi


@triton.jit
def _chunk_scan(g_in, x_in, b_h, p_flag, p_rec, s_rec, s_j, j, c, NC, NSPLIT, m_d, W: tl.constexpr):
    """Scan a chunk's [R, NW, BD] tile of gates g_in and inputs x_in (warp w holds steps w R ..
    w R + R - 1) from the chain's state before it: publish the chunk's aggregate (A, B), fold the
    predecessors' records into the state entering it (b_h for chunk 0), publish the inclusive
    state, then scan the tile again from each warp's entering state. Records [3 (A, B, inclusive
    state), NSPLIT, rows x D] at p_rec (this chain's channels; planes s_rec, chunks s_j apart), statuses [NSPLIT,
    NC] at p_flag (1: aggregate published, 2: inclusive state). Returns (states [R, NW, BD] float32,
    final state)."""
    NW: tl.constexpr = g_in.shape[1]
    w_g, w_x = _group_scan(g_in, x_in)
    o_w = tl.arange(0, NW)
    last_w = (o_w == NW - 1)[:, None]
    b_a, b_b = _last(w_g, last_w), _last(w_x, last_w)
    s_rec = s_rec.to(tl.int64)  # 3 planes of chunks x rows x D can pass 2**31 elements
    pid = j * NC + c
    if j > 0:
        tl.store(p_rec + j * s_j, b_a, mask=m_d)
        tl.store(p_rec + s_rec + j * s_j, b_b, mask=m_d)
        tl.debug_barrier()
        tl.atomic_xchg(p_flag + pid, 1, sem="release", scope="gpu")
        b_h, _ = _carry_in(p_flag, p_rec, s_rec, s_j, j, c, NC, m_d, W)
    b_e = b_b + b_a * b_h
    if j < NSPLIT - 1:
        tl.store(p_rec + 2 * s_rec + j * s_j, b_e, mask=m_d)
        tl.debug_barrier()
        tl.atomic_xchg(p_flag + pid, 2, sem="release", scope="gpu")
    return _rescan(g_in, x_in, w_g, w_x, b_h), b_e


@triton.jit
def _fwd_chunk_kernel(p_x, p_g, p_o, p_h0, p_ht, p_rec, p_flag, T, D, s_b, s_t, NSPLIT, s_rec, R: tl.constexpr,
                      NW: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                      W: tl.constexpr):
    c, j, nc, i_b, o_d, m_d, u, base, s_j = _chunk(T, D, s_b, s_t, NSPLIT, R, NW, BD)
    o_t = (T - 1 - u) if REVERSE else u
    m = (u < T)[:, None] & m_d[None, :]
    offs = base + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
    x_in = tl.reshape(tl.load(p_x + offs, mask=m, other=0.), [R, NW, BD])
    g_in = tl.reshape(tl.load(p_g + offs, mask=m, other=1.), [R, NW, BD])
    b_h = tl.zeros([BD], dtype=tl.float32)
    if HAS_H0:
        b_h = tl.load(p_h0 + i_b * D + o_d, mask=m_d, other=0.)
    b_o, b_e = _chunk_scan(g_in, x_in, b_h, p_flag, p_rec + i_b * D + o_d, s_rec, s_j, j, c, nc, NSPLIT, m_d, W)
    tl.store(p_o + offs, tl.reshape(b_o, [R * NW, BD]).to(p_o.dtype.element_ty), mask=m)
    tl.store(p_ht + i_b * D + o_d, b_e, mask=m_d & (j == NSPLIT - 1))


@triton.jit
def _bwd_chunk_kernel(p_g, p_o, p_do, p_dht, p_h0, p_dx, p_dg, p_dh0, p_rec, p_flag, T, D, s_b, s_t, NSPLIT,
                      s_rec, R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr,
                      HAS_H0: tl.constexpr, HAS_DHT: tl.constexpr, W: tl.constexpr):
    # The adjoint runs against the forward direction: scan-order step u is time T - 1 - u forwards.
    c, j, nc, i_b, o_d, m_d, u, base, s_j = _chunk(T, D, s_b, s_t, NSPLIT, R, NW, BD)
    S: tl.constexpr = -1 if REVERSE else 1  # the forward's time step
    o_t = u if REVERSE else (T - 1 - u)
    m_t = u < T
    m = m_t[:, None] & m_d[None, :]
    offs = base + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
    m_n = (m_t & (o_t + S >= 0) & (o_t + S < T))[:, None] & m_d[None, :]
    edge = ((o_t - S < 0) | (o_t - S >= T))[:, None]
    gn_in = tl.reshape(tl.load(p_g + offs + S * s_t, mask=m_n, other=1.), [R, NW, BD])
    do_in = tl.reshape(tl.load(p_do + offs, mask=m, other=0.), [R, NW, BD])
    hp_in = tl.load(p_o + offs - S * s_t, mask=m & ~edge, other=0.)
    b_c = tl.zeros([BD], dtype=tl.float32)
    if HAS_DHT:
        b_c = tl.load(p_dht + i_b * D + o_d, mask=m_d, other=0.)
    b_a, b_e = _chunk_scan(gn_in, do_in, b_c, p_flag, p_rec + i_b * D + o_d, s_rec, s_j, j, c, nc, NSPLIT, m_d, W)
    b_a = tl.reshape(b_a, [R * NW, BD])
    b_hp = _widen(hp_in)
    if HAS_H0:
        b_hp = tl.where(edge, tl.load(p_h0 + i_b * D + o_d, mask=m_d, other=0.)[None, :], b_hp)
    tl.store(p_dx + offs, b_a.to(p_dx.dtype.element_ty), mask=m)
    tl.store(p_dg + offs, (b_a * b_hp).to(p_dg.dtype.element_ty), mask=m)
    if j == NSPLIT - 1:
        b_g0 = tl.load(p_g + base + (T - 1 if REVERSE else 0) * s_t + o_d, mask=m_d, other=0.).to(tl.float32)
        tl.store(p_dh0 + i_b * D + o_d, b_g0 * b_e, mask=m_d)


def _same_layout(*ts):
    """The tensors as they are if they share strides with a unit channel stride, else contiguous."""
    if all(t.stride() == ts[0].stride() for t in ts) and ts[0].stride(-1) == 1:
        return ts
    return tuple(t.contiguous() for t in ts)


def _launch(kernel, chunk_kernel, args, rows, T, D, dtype, device, varlen, backward, **flags):
    n_split, tile = common.plan_chunks("real", dtype, rows, T, D, device, varlen, backward)
    if n_split == 1:
        kernel[(rows * common.cdiv(D, tile["BD"]),)](*args, T=T, D=D, VARLEN=varlen, **flags, **tile)
        return
    common.launch_chunks(chunk_kernel, args[:-1], 3, n_split, tile, rows, T, D, device, **flags)


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
    _launch(_fwd_kernel, _fwd_chunk_kernel, (x, g, o, h0, ht, cu_seqlens), rows, T, D, x.dtype, x.device,
            cu_seqlens is not None, False, s_b=x.stride(0), s_t=x.stride(1), REVERSE=reverse, HAS_H0=h0 is not None)
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
    _launch(_bwd_kernel, _bwd_chunk_kernel, (g, o, do, dht, h0, dx, dg, dh0, cu_seqlens), rows, T, D,
            g.dtype, g.device, cu_seqlens is not None, True, s_b=g.stride(0), s_t=g.stride(1), REVERSE=reverse,
            HAS_H0=h0 is not None, HAS_DHT=dht is not None)
    return dx, dg, dh0

"""Session 25 prototype: the real scan unsplit over time with narrow channel blocks, each program a
chain walking its chunk tiles [R * NW, BD] (group w of NW holding R consecutive steps in-thread, as
the chunk kernels) through a software-pipelined loop (tl.range(num_stages)), no look-back."""
import triton
import triton.language as tl
from hgru.ops.triton.real import _combine, _last, _widen


@triton.jit
def _tile_scan(g_in, x_in, b_h, RESCAN: tl.constexpr):
    """Scan a [R, NW, BD] tile (group w: steps w R .. w R + R - 1) from state b_h [BD]:
    (states [R, NW, BD] float32, final state [BD])."""
    R: tl.constexpr = g_in.shape[0]
    NW: tl.constexpr = g_in.shape[1]
    b_g, b_x = tl.associative_scan((g_in.to(tl.float32), x_in.to(tl.float32)), 0, _combine)
    last_r = (tl.arange(0, R) == R - 1)[:, None, None]
    w_g, w_x = tl.associative_scan((tl.sum(tl.where(last_r, b_g, 0.), 0), tl.sum(tl.where(last_r, b_x, 0.), 0)),
                                   0, _combine)
    o_w = tl.arange(0, NW)
    e = w_x + w_g * b_h[None, :]
    b_e = _last(e, (o_w == NW - 1)[:, None])
    e = tl.gather(e, tl.maximum(o_w - 1, 0)[:, None] + tl.zeros(e.shape, tl.int32), 0)
    e = tl.where((o_w == 0)[:, None], b_h[None, :], e)
    if RESCAN:  # scan again from the narrow inputs (fewer registers than keeping b_g)
        b_g, b_x = _widen(g_in), _widen(x_in)
        b_x = tl.where((tl.arange(0, R) == 0)[:, None, None], b_x + b_g * e[None, :, :], b_x)
        _, b_x = tl.associative_scan((b_g, b_x), 0, _combine)
        return b_x, b_e
    return b_x + b_g * e[None, :, :], b_e


@triton.jit
def _where(T, D, s_b, R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr):
    c = tl.program_id(0)
    ndb = tl.cdiv(D, BD)
    i_b = c // ndb
    o_d = (c % ndb) * BD + tl.arange(0, BD)
    o_i = tl.arange(0, R * NW)
    return i_b, o_d, o_d < D, i_b.to(tl.int64) * s_b, (o_i % NW) * R + o_i // NW


@triton.jit
def _fwd_loop_kernel(p_x, p_g, p_o, p_h0, p_ht, T, D, s_b, s_t, R: tl.constexpr, NW: tl.constexpr,
                     BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr, STAGES: tl.constexpr, RESCAN: tl.constexpr):
    i_b, o_d, m_d, base, u0 = _where(T, D, s_b, R, NW, BD)
    b_h = tl.zeros([BD], dtype=tl.float32)
    if HAS_H0:
        b_h = tl.load(p_h0 + i_b * D + o_d, mask=m_d, other=0.)
    for k in tl.range(tl.cdiv(T, R * NW), num_stages=STAGES):
        u = k * R * NW + u0
        o_t = (T - 1 - u) if REVERSE else u
        m = (u < T)[:, None] & m_d[None, :]
        offs = base + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
        x_in = tl.reshape(tl.load(p_x + offs, mask=m, other=0.), [R, NW, BD])
        g_in = tl.reshape(tl.load(p_g + offs, mask=m, other=1.), [R, NW, BD])
        b_o, b_h = _tile_scan(g_in, x_in, b_h, RESCAN)
        tl.store(p_o + offs, tl.reshape(b_o, [R * NW, BD]).to(p_o.dtype.element_ty), mask=m)
    tl.store(p_ht + i_b * D + o_d, b_h, mask=m_d)


@triton.jit
def _bwd_loop_kernel(p_g, p_o, p_do, p_dht, p_h0, p_dx, p_dg, p_dh0, T, D, s_b, s_t, R: tl.constexpr,
                     NW: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                     HAS_DHT: tl.constexpr, STAGES: tl.constexpr, RESCAN: tl.constexpr):
    i_b, o_d, m_d, base, u0 = _where(T, D, s_b, R, NW, BD)
    S: tl.constexpr = -1 if REVERSE else 1
    b_c = tl.zeros([BD], dtype=tl.float32)
    b_h0 = b_c
    if HAS_DHT:
        b_c = tl.load(p_dht + i_b * D + o_d, mask=m_d, other=0.)
    if HAS_H0:
        b_h0 = tl.load(p_h0 + i_b * D + o_d, mask=m_d, other=0.)
    for k in tl.range(tl.cdiv(T, R * NW), num_stages=STAGES):
        u = k * R * NW + u0
        o_t = u if REVERSE else (T - 1 - u)
        m_t = u < T
        m = m_t[:, None] & m_d[None, :]
        offs = base + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
        m_n = (m_t & (o_t + S >= 0) & (o_t + S < T))[:, None] & m_d[None, :]
        edge = ((o_t - S < 0) | (o_t - S >= T))[:, None]
        gn_in = tl.reshape(tl.load(p_g + offs + S * s_t, mask=m_n, other=1.), [R, NW, BD])
        do_in = tl.reshape(tl.load(p_do + offs, mask=m, other=0.), [R, NW, BD])
        b_hp = tl.load(p_o + offs - S * s_t, mask=m & ~edge, other=0.).to(tl.float32)
        if HAS_H0:
            b_hp = tl.where(edge, b_h0[None, :], b_hp)
        b_a, b_c = _tile_scan(gn_in, do_in, b_c, RESCAN)
        b_a = tl.reshape(b_a, [R * NW, BD])
        tl.store(p_dx + offs, b_a.to(p_dx.dtype.element_ty), mask=m)
        tl.store(p_dg + offs, (b_a * b_hp).to(p_dg.dtype.element_ty), mask=m)
    b_g0 = tl.load(p_g + base + (T - 1 if REVERSE else 0) * s_t + o_d, mask=m_d, other=0.).to(tl.float32)
    tl.store(p_dh0 + i_b * D + o_d, b_g0 * b_c, mask=m_d)


def lanes(BD, itemsize):
    return max(1, 512 // (BD * itemsize))


def fwd(x, g, R, warps, BD, stages, reverse=False, rescan=False):
    import torch
    B, T, D = x.shape
    o = torch.empty_like(x)
    ht = torch.empty(B, D, device=x.device, dtype=torch.float32)
    G = warps * lanes(BD, x.element_size())
    _fwd_loop_kernel[(B * triton.cdiv(D, BD),)](x, g, o, None, ht, T, D, x.stride(0), x.stride(1), R=R, NW=G, BD=BD,
                                               REVERSE=reverse, HAS_H0=False, STAGES=stages, RESCAN=rescan, num_warps=warps,
                                               num_stages=1)
    return o, ht


def bwd(g, o, do, R, warps, BD, stages, reverse=False, rescan=False):
    import torch
    B, T, D = g.shape
    dx, dg = torch.empty_like(g), torch.empty_like(g)
    dh0 = torch.empty(B, D, device=g.device, dtype=torch.float32)
    G = warps * lanes(BD, g.element_size())
    _bwd_loop_kernel[(B * triton.cdiv(D, BD),)](g, o, do, None, None, dx, dg, dh0, T, D, g.stride(0), g.stride(1),
                                               R=R, NW=G, BD=BD, REVERSE=reverse, HAS_H0=False, HAS_DHT=False,
                                               STAGES=stages, RESCAN=rescan, num_warps=warps, num_stages=1)
    return dx, dg, dh0

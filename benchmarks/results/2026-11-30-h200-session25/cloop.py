"""Session 25 prototype: the plain complex scan unsplit over time in chunk-style tiles through a
software-pipelined loop (as real.py's loop kernels), narrow channel blocks, no look-back."""
import triton
import triton.language as tl
from hgru.ops.triton.complex import _combine, _split3, _chunk_rescan, _store_tile, _load_pairs, _store_pairs
from hgru.ops.triton.real import _cmul, _last, _widen, _rows


@triton.jit
def _ctile(g_in, x_in, b_hr, b_hi, R: tl.constexpr, NW: tl.constexpr, CONJ: tl.constexpr):
    g_r, g_i = _split3(g_in.to(tl.float32), R, NW)
    x_r, x_i = _split3(x_in.to(tl.float32), R, NW)
    if CONJ:
        g_i = -g_i
    g_r, g_i, x_r, x_i = tl.associative_scan((g_r, g_i, x_r, x_i), 0, _combine)
    last_r = (tl.arange(0, R) == R - 1)[:, None, None]
    w_gr, w_gi, w_xr, w_xi = tl.associative_scan(
        (tl.sum(tl.where(last_r, g_r, 0.), 0), tl.sum(tl.where(last_r, g_i, 0.), 0),
         tl.sum(tl.where(last_r, x_r, 0.), 0), tl.sum(tl.where(last_r, x_i, 0.), 0)), 0, _combine)
    o_w = tl.arange(0, NW)
    last_w = (o_w == NW - 1)[:, None]
    e_r, e_i = _cmul(w_gr, w_gi, b_hr[None, :], b_hi[None, :])
    e_r += w_xr
    e_i += w_xi
    n_r, n_i = _last(e_r, last_w), _last(e_i, last_w)
    idx = tl.maximum(o_w - 1, 0)[:, None] + tl.zeros(e_r.shape, tl.int32)
    first_w = (o_w == 0)[:, None]
    e_r = tl.where(first_w, b_hr[None, :], tl.gather(e_r, idx, 0))
    e_i = tl.where(first_w, b_hi[None, :], tl.gather(e_i, idx, 0))
    g_r, g_i = _split3(_widen(g_in), R, NW)
    x_r, x_i = _split3(_widen(x_in), R, NW)
    if CONJ:
        g_i = -g_i
    o_r, o_i = _chunk_rescan(g_r, g_i, x_r, x_i, e_r, e_i)
    return o_r, o_i, n_r, n_i


@triton.jit
def _fwd_loop_kernel(p_x, p_g, p_o, p_h0, p_ht, T, D, s_b, s_t, R: tl.constexpr, NW: tl.constexpr,
                     BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr, STAGES: tl.constexpr):
    c = tl.program_id(0)
    ndb = tl.cdiv(D, BD)
    i_b = c // ndb
    o_d = (c % ndb) * BD + tl.arange(0, BD)
    m_d = o_d < D
    o_c = (c % ndb) * 2 * BD + tl.arange(0, 2 * BD)
    base = i_b.to(tl.int64) * s_b
    u0 = _rows(R, NW)
    one = (tl.arange(0, 2 * BD) % 2 == 0).to(tl.float32)[None, :]
    o_st = i_b * 2 * D + o_d * 2
    b_hr = tl.zeros([BD], dtype=tl.float32)
    b_hi = tl.zeros([BD], dtype=tl.float32)
    if HAS_H0:
        b_hr, b_hi = _load_pairs(p_h0, o_st, m_d)
    for k in tl.range(tl.cdiv(T, R * NW), num_stages=STAGES):
        u = k * R * NW + u0
        o_t = (T - 1 - u) if REVERSE else u
        m = (u < T)[:, None] & (o_c < 2 * D)[None, :]
        offs = base + o_t.to(tl.int64)[:, None] * s_t + o_c[None, :]
        x_in = tl.load(p_x + offs, mask=m, other=0.)
        g_in = tl.load(p_g + offs, mask=m, other=one)
        o_r, o_i, b_hr, b_hi = _ctile(g_in, x_in, b_hr, b_hi, R, NW, False)
        _store_tile(p_o, offs, m, o_r, o_i)
    _store_pairs(p_ht, o_st, m_d, b_hr, b_hi)


@triton.jit
def _bwd_loop_kernel(p_g, p_o, p_do, p_dht, p_h0, p_dx, p_dg, p_dh0, T, D, s_b, s_t, R: tl.constexpr,
                     NW: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                     HAS_DHT: tl.constexpr, STAGES: tl.constexpr):
    c = tl.program_id(0)
    ndb = tl.cdiv(D, BD)
    i_b = c // ndb
    o_d = (c % ndb) * BD + tl.arange(0, BD)
    m_d = o_d < D
    o_c = (c % ndb) * 2 * BD + tl.arange(0, 2 * BD)
    base = i_b.to(tl.int64) * s_b
    u0 = _rows(R, NW)
    S: tl.constexpr = -1 if REVERSE else 1
    one = (tl.arange(0, 2 * BD) % 2 == 0).to(tl.float32)[None, :]
    o_st = i_b * 2 * D + o_d * 2
    b_cr = tl.zeros([BD], dtype=tl.float32)
    b_ci = tl.zeros([BD], dtype=tl.float32)
    h0r = b_cr
    h0i = b_cr
    if HAS_DHT:
        b_cr, b_ci = _load_pairs(p_dht, o_st, m_d)
    if HAS_H0:
        h0r, h0i = _load_pairs(p_h0, o_st, m_d)
    for k in tl.range(tl.cdiv(T, R * NW), num_stages=STAGES):
        u = k * R * NW + u0
        o_t = u if REVERSE else (T - 1 - u)
        m_t = u < T
        m = m_t[:, None] & (o_c < 2 * D)[None, :]
        offs = base + o_t.to(tl.int64)[:, None] * s_t + o_c[None, :]
        m_n = m & ((o_t + S >= 0) & (o_t + S < T))[:, None]
        edge = ((o_t - S < 0) | (o_t - S >= T))[:, None]
        gn_in = tl.load(p_g + offs + S * s_t, mask=m_n, other=one)
        do_in = tl.load(p_do + offs, mask=m, other=0.)
        hp_in = tl.load(p_o + offs - S * s_t, mask=m & ~edge, other=0.)
        b_ar, b_ai, b_cr, b_ci = _ctile(gn_in, do_in, b_cr, b_ci, R, NW, True)
        b_hr, b_hi = tl.split(tl.reshape(hp_in.to(tl.float32), (R * NW, BD, 2)))
        if HAS_H0:
            b_hr = tl.where(edge, h0r[None, :], b_hr)
            b_hi = tl.where(edge, h0i[None, :], b_hi)
        _store_tile(p_dx, offs, m, b_ar, b_ai)
        _store_tile(p_dg, offs, m, b_ar * b_hr + b_ai * b_hi, b_ai * b_hr - b_ar * b_hi)
    g0r, g0i = _load_pairs(p_g, base + (T - 1 if REVERSE else 0) * s_t + o_d * 2, m_d)
    d_r, d_i = _cmul(g0r, -g0i, b_cr, b_ci)
    _store_pairs(p_dh0, o_st, m_d, d_r, d_i)


def lanes(BD, itemsize):
    return max(1, 512 // (2 * BD * itemsize))


def fwd(x, g, R, warps, BD, stages, reverse=False):
    import torch
    B, T, D, _ = x.shape
    o = torch.empty_like(x)
    ht = torch.empty(B, D, 2, device=x.device, dtype=torch.float32)
    G = warps * lanes(BD, x.element_size())
    _fwd_loop_kernel[(B * triton.cdiv(D, BD),)](x, g, o, None, ht, T, D, x.stride(0), x.stride(1), R=R, NW=G, BD=BD,
                                               REVERSE=reverse, HAS_H0=False, STAGES=stages, num_warps=warps,
                                               num_stages=1)
    return o, ht


def bwd(g, o, do, R, warps, BD, stages, reverse=False):
    import torch
    B, T, D, _ = g.shape
    dx, dg = torch.empty_like(g), torch.empty_like(g)
    dh0 = torch.empty(B, D, 2, device=g.device, dtype=torch.float32)
    G = warps * lanes(BD, g.element_size())
    _bwd_loop_kernel[(B * triton.cdiv(D, BD),)](g, o, do, None, None, dx, dg, dh0, T, D, g.stride(0), g.stride(1),
                                               R=R, NW=G, BD=BD, REVERSE=reverse, HAS_H0=False, HAS_DHT=False,
                                               STAGES=stages, num_warps=warps, num_stages=1)
    return dx, dg, dh0

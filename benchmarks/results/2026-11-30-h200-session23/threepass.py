"""Prototype (session 23): the real forward for few chains in three launches, no look-back: (1) every
chunk's aggregate (A, B); (2) per (chain, few channels) one associative scan over all chunks'
aggregates: the state entering every chunk; (3) every chunk scanned from its entering state, launched
last chunk first, so the chunks read last by (1) are read again while still in L2. Traffic: x and g
twice (10 bytes per element for 6: 1.67x the floor, less the L2 hits)."""
import torch
import triton
import triton.language as tl
from hgru.ops.triton import common
from hgru.ops.triton.real import _combine, _last, _widen


@triton.jit
def _tile(p_x, p_g, j, c, T, D, s_b, s_t, R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr):
    ndb = tl.cdiv(D, BD)
    i_b = c // ndb
    o_d = (c % ndb) * BD + tl.arange(0, BD)
    m_d = o_d < D
    o_i = tl.arange(0, R * NW)
    u = j * R * NW + (o_i % NW) * R + o_i // NW
    m = (u < T)[:, None] & m_d[None, :]
    offs = i_b.to(tl.int64) * s_b + u.to(tl.int64)[:, None] * s_t + o_d[None, :]
    x_in = tl.reshape(tl.load(p_x + offs, mask=m, other=0.), [R, NW, BD])
    g_in = tl.reshape(tl.load(p_g + offs, mask=m, other=1.), [R, NW, BD])
    return i_b, o_d, m_d, offs, m, x_in, g_in


@triton.jit
def _warp_aggs(g_in, x_in, R: tl.constexpr):
    b_g, b_x = tl.associative_scan((g_in.to(tl.float32), x_in.to(tl.float32)), 0, _combine)
    last_r = (tl.arange(0, R) == R - 1)[:, None, None]
    return tl.associative_scan((tl.sum(tl.where(last_r, b_g, 0.), 0), tl.sum(tl.where(last_r, b_x, 0.), 0)), 0,
                               _combine)


@triton.jit
def _agg_kernel(p_x, p_g, p_rec, T, D, s_b, s_t, s_rec, R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr):
    pid = tl.program_id(0)
    nc = tl.num_programs(0) // tl.cdiv(T, R * NW)
    j, c = pid // nc, pid % nc
    i_b, o_d, m_d, offs, m, x_in, g_in = _tile(p_x, p_g, j, c, T, D, s_b, s_t, R, NW, BD)
    w_g, w_x = _warp_aggs(g_in, x_in, R)
    last_w = (tl.arange(0, NW) == NW - 1)[:, None]
    rows = nc // tl.cdiv(D, BD)
    o = (j * rows + i_b).to(tl.int64) * D + o_d
    tl.store(p_rec + o, _last(w_g, last_w), mask=m_d)
    tl.store(p_rec + s_rec + o, _last(w_x, last_w), mask=m_d)


@triton.jit
def _prefix_kernel(p_rec, NSPLIT, ROWS, D, s_rec, NS: tl.constexpr, BC: tl.constexpr):
    """One (row, BC channels): the inclusive state after every chunk, from the chunks' (A, B)."""
    ndc = tl.cdiv(D, BC)
    i_b = tl.program_id(0) // ndc
    o_d = (tl.program_id(0) % ndc) * BC + tl.arange(0, BC)
    o_j = tl.arange(0, NS)
    m = (o_j < NSPLIT)[:, None] & (o_d < D)[None, :]
    o = (o_j[:, None] * ROWS + i_b).to(tl.int64) * D + o_d[None, :]
    b_a = tl.load(p_rec + o, mask=m, other=1.)
    b_b = tl.load(p_rec + s_rec + o, mask=m, other=0.)
    _, b_b = tl.associative_scan((b_a, b_b), 0, _combine)
    tl.store(p_rec + 2 * s_rec + o, b_b, mask=m)


@triton.jit
def _out_kernel(p_x, p_g, p_o, p_ht, p_rec, T, D, s_b, s_t, s_rec, NSPLIT, R: tl.constexpr, NW: tl.constexpr,
                BD: tl.constexpr):
    pid = tl.program_id(0)
    nc = tl.num_programs(0) // NSPLIT
    j, c = NSPLIT - 1 - pid // nc, pid % nc  # last chunk first: (1) read it last
    i_b, o_d, m_d, offs, m, x_in, g_in = _tile(p_x, p_g, j, c, T, D, s_b, s_t, R, NW, BD)
    rows = nc // tl.cdiv(D, BD)
    b_h = tl.load(p_rec + 2 * s_rec + ((j - 1) * rows + i_b).to(tl.int64) * D + o_d, mask=m_d & (j > 0), other=0.)
    w_g, w_x = _warp_aggs(g_in, x_in, R)
    o_w = tl.arange(0, NW)
    e = w_x + w_g * b_h[None, :]
    b_e = _last(e, (o_w == NW - 1)[:, None])
    e = tl.gather(e, tl.maximum(o_w - 1, 0)[:, None] + tl.zeros(e.shape, tl.int32), 0)
    e = tl.where((o_w == 0)[:, None], b_h[None, :], e)
    b_g, b_x = _widen(g_in), _widen(x_in)
    b_x = tl.where((tl.arange(0, R) == 0)[:, None, None], b_x + b_g * e[None, :, :], b_x)
    _, b_x = tl.associative_scan((b_g, b_x), 0, _combine)
    tl.store(p_o + offs, tl.reshape(b_x, [R * NW, BD]).to(p_o.dtype.element_ty), mask=m)
    tl.store(p_ht + i_b * D + o_d, b_e, mask=m_d & (j == NSPLIT - 1))


def scan_fwd(x, g, tile=None, bc=None, prefix_warps=4):
    """x, g: [B, T, D] contiguous -> (o, ht)."""
    B, T, D = x.shape
    o = torch.empty_like(x)
    ht = torch.empty(B, D, device=x.device, dtype=torch.float32)
    R, NW, BD = tile or common.CHUNK_TILES[("real", x.element_size())]
    n_split = common.cdiv(T, R * NW)
    nc = B * common.cdiv(D, BD)
    rec = torch.empty(3, n_split, B, D, device=x.device, dtype=torch.float32)
    s_rec = n_split * B * D
    _agg_kernel[(n_split * nc,)](x, g, rec, T, D, x.stride(0), x.stride(1), s_rec, R=R, NW=NW, BD=BD, num_warps=NW,
                                 num_stages=1)
    ns = triton.next_power_of_2(n_split)
    bc = bc or max(1, min(32, 4096 // ns))
    _prefix_kernel[(B * common.cdiv(D, bc),)](rec, n_split, B, D, s_rec, NS=ns, BC=bc, num_warps=prefix_warps,
                                             num_stages=1)
    _out_kernel[(n_split * nc,)](x, g, o, ht, rec, T, D, x.stride(0), x.stride(1), s_rec, n_split, R=R, NW=NW, BD=BD,
                                 num_warps=NW, num_stages=1)
    return o, ht

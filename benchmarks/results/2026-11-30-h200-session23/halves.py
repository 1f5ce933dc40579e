"""Prototype (session 23): the real chunk forward with each warp's R steps loaded and rescanned in two
halves, the first half's outputs stored before the second half is rescanned, so fewer values are live
at once (the current kernel: 252 registers at (16, 4, 256), two programs per SM). Same look-back."""
import torch
import triton
import triton.language as tl
from hgru.ops.triton import common
from hgru.ops.triton.real import _combine, _last, _widen, _carry_in


@triton.jit
def _agg(g, x, R: tl.constexpr):
    """Per warp: the (A, B) of its rows of a [R, NW, BD] tile scanned from zero."""
    b_g, b_x = tl.associative_scan((g.to(tl.float32), x.to(tl.float32)), 0, _combine)
    last_r = (tl.arange(0, R) == R - 1)[:, None, None]
    return tl.sum(tl.where(last_r, b_g, 0.), 0), tl.sum(tl.where(last_r, b_x, 0.), 0)


@triton.jit
def _rescan(g, x, e, R: tl.constexpr):
    """The [R, NW, BD] outputs from each warp's entering state e [NW, BD], and the state after them."""
    b_g, b_x = _widen(g), _widen(x)
    b_x = tl.where((tl.arange(0, R) == 0)[:, None, None], b_x + b_g * e[None, :, :], b_x)
    _, b_x = tl.associative_scan((b_g, b_x), 0, _combine)
    return b_x, tl.sum(tl.where((tl.arange(0, R) == R - 1)[:, None, None], b_x, 0.), 0)


@triton.jit
def _fwd_halves_kernel(p_x, p_g, p_o, p_ht, p_rec, p_flag, T, D, s_b, s_t, NSPLIT, s_rec,
                       R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr, W: tl.constexpr):
    H: tl.constexpr = R // 2
    pid = tl.program_id(0)
    nc = tl.num_programs(0) // NSPLIT
    j, c = pid // nc, pid % nc
    ndb = tl.cdiv(D, BD)
    i_b = c // ndb
    o_d = (c % ndb) * BD + tl.arange(0, BD)
    m_d = o_d < D
    o_i = tl.arange(0, H * NW)
    u0 = j * R * NW + (o_i % NW) * R + o_i // NW  # warp w's steps w R .. w R + H - 1
    u1 = u0 + H
    base = i_b.to(tl.int64) * s_b
    offs0 = base + u0.to(tl.int64)[:, None] * s_t + o_d[None, :]
    offs1 = base + u1.to(tl.int64)[:, None] * s_t + o_d[None, :]
    m0 = (u0 < T)[:, None] & m_d[None, :]
    m1 = (u1 < T)[:, None] & m_d[None, :]
    x0 = tl.reshape(tl.load(p_x + offs0, mask=m0, other=0.), [H, NW, BD])
    g0 = tl.reshape(tl.load(p_g + offs0, mask=m0, other=1.), [H, NW, BD])
    x1 = tl.reshape(tl.load(p_x + offs1, mask=m1, other=0.), [H, NW, BD])
    g1 = tl.reshape(tl.load(p_g + offs1, mask=m1, other=1.), [H, NW, BD])
    a0, b0 = _agg(g0, x0, H)
    a1, b1 = _agg(g1, x1, H)
    w_g, w_x = tl.associative_scan((a0 * a1, b0 * a1 + b1), 0, _combine)  # per warp, through warp w
    o_w = tl.arange(0, NW)
    last_w = (o_w == NW - 1)[:, None]
    b_a, b_b = _last(w_g, last_w), _last(w_x, last_w)
    s_r = s_rec.to(tl.int64)
    s_j = (nc // ndb).to(tl.int64) * D
    p_r = p_rec + i_b * D + o_d
    b_h = tl.zeros([BD], dtype=tl.float32)
    if j > 0:
        tl.store(p_r + j * s_j, b_a, mask=m_d)
        tl.store(p_r + s_r + j * s_j, b_b, mask=m_d)
        tl.debug_barrier()
        tl.atomic_xchg(p_flag + pid, 1, sem="release", scope="gpu")
        b_h, _ = _carry_in(p_flag, p_r, s_r, s_j, j, c, nc, m_d, W)
    b_e = b_b + b_a * b_h
    if j < NSPLIT - 1:
        tl.store(p_r + 2 * s_r + j * s_j, b_e, mask=m_d)
        tl.debug_barrier()
        tl.atomic_xchg(p_flag + pid, 2, sem="release", scope="gpu")
    e = w_x + w_g * b_h[None, :]
    e = tl.gather(e, tl.maximum(o_w - 1, 0)[:, None] + tl.zeros(e.shape, tl.int32), 0)
    e = tl.where((o_w == 0)[:, None], b_h[None, :], e)
    o0, e = _rescan(g0, x0, e, H)
    tl.store(p_o + offs0, tl.reshape(o0, [H * NW, BD]).to(p_o.dtype.element_ty), mask=m0)
    o1, _ = _rescan(g1, x1, e, H)
    tl.store(p_o + offs1, tl.reshape(o1, [H * NW, BD]).to(p_o.dtype.element_ty), mask=m1)
    tl.store(p_ht + i_b * D + o_d, b_e, mask=m_d & (j == NSPLIT - 1))


def scan_fwd(x, g, tile=None):
    """x, g: [B, T, D] contiguous -> (o, ht)."""
    B, T, D = x.shape
    o = torch.empty_like(x)
    ht = torch.empty(B, D, device=x.device, dtype=torch.float32)
    R, NW, BD = tile or common.CHUNK_TILES[("real", x.element_size())]
    n_split = common.cdiv(T, R * NW)
    nc = B * common.cdiv(D, BD)
    rec = torch.empty(3, n_split, B, D, device=x.device, dtype=torch.float32)
    flag = torch.zeros(n_split * nc, device=x.device, dtype=torch.int32)
    _fwd_halves_kernel[(n_split * nc,)](x, g, o, ht, rec, flag, T=T, D=D, s_b=x.stride(0), s_t=x.stride(1),
                                        NSPLIT=n_split, s_rec=n_split * B * D, R=R, NW=NW, BD=BD,
                                        W=common.LOOKBACK_WINDOW, num_warps=NW, num_stages=1)
    return o, ht

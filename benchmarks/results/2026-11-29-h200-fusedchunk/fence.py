"""Timing probe (not correct code): the real chunk forward with its two publishes' release fences
made relaxed (SEM=0), also without the CTA barrier before them (SEM=-1), against the shipped one."""
import torch
import triton
import triton.language as tl
from hgru.ops.triton import common
from hgru.ops.triton.real import _carry_in, _chunk, _combine, _last, _widen


@triton.jit
def _publish(p_flag, pid, v, SEM: tl.constexpr):
    if SEM >= 0:
        tl.debug_barrier()
    if SEM == 1:
        tl.atomic_xchg(p_flag + pid, v, sem="release", scope="gpu")
    else:
        tl.atomic_xchg(p_flag + pid, v, sem="relaxed", scope="gpu")


@triton.jit
def _fwd_probe_kernel(p_x, p_g, p_o, p_h0, p_ht, p_rec, p_flag, T, D, s_b, s_t, NSPLIT, s_rec, R: tl.constexpr,
                      NW: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr, HAS_H0: tl.constexpr,
                      W: tl.constexpr, SEM: tl.constexpr):
    c, j, nc, i_b, o_d, m_d, u, base, s_j = _chunk(T, D, s_b, s_t, NSPLIT, R, NW, BD)
    o_t = (T - 1 - u) if REVERSE else u
    m = (u < T)[:, None] & m_d[None, :]
    offs = base + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
    x_in = tl.reshape(tl.load(p_x + offs, mask=m, other=0.), [R, NW, BD])
    g_in = tl.reshape(tl.load(p_g + offs, mask=m, other=1.), [R, NW, BD])
    b_h = tl.zeros([BD], dtype=tl.float32)
    p_rec += i_b * D + o_d
    b_g, b_x = tl.associative_scan((g_in.to(tl.float32), x_in.to(tl.float32)), 0, _combine)
    last_r = (tl.arange(0, R) == R - 1)[:, None, None]
    w_g, w_x = tl.associative_scan((tl.sum(tl.where(last_r, b_g, 0.), 0), tl.sum(tl.where(last_r, b_x, 0.), 0)),
                                   0, _combine)
    o_w = tl.arange(0, NW)
    last_w = (o_w == NW - 1)[:, None]
    b_a, b_b = _last(w_g, last_w), _last(w_x, last_w)
    s_rec = s_rec.to(tl.int64)
    pid = j * nc + c
    if j > 0:
        tl.store(p_rec + j * s_j, b_a, mask=m_d)
        tl.store(p_rec + s_rec + j * s_j, b_b, mask=m_d)
        _publish(p_flag, pid, 1, SEM)
        b_h, _ = _carry_in(p_flag, p_rec, s_rec, s_j, j, c, nc, m_d, W)
    b_e = b_b + b_a * b_h
    if j < NSPLIT - 1:
        tl.store(p_rec + 2 * s_rec + j * s_j, b_e, mask=m_d)
        _publish(p_flag, pid, 2, SEM)
    e = w_x + w_g * b_h[None, :]
    e = tl.gather(e, tl.maximum(o_w - 1, 0)[:, None] + tl.zeros(e.shape, tl.int32), 0)
    e = tl.where((o_w == 0)[:, None], b_h[None, :], e)
    b_g, b_x = _widen(g_in), _widen(x_in)
    b_x = tl.where((tl.arange(0, R) == 0)[:, None, None], b_x + b_g * e[None, :, :], b_x)
    _, b_x = tl.associative_scan((b_g, b_x), 0, _combine)
    tl.store(p_o + offs, tl.reshape(b_x, [R * NW, BD]).to(p_o.dtype.element_ty), mask=m)
    tl.store(p_ht + i_b * D + o_d, b_e, mask=m_d & (j == NSPLIT - 1))


def scan_fwd(x, g, sem, tile=None):
    B, T, D = x.shape
    o = torch.empty_like(x)
    ht = torch.empty(B, D, device=x.device, dtype=torch.float32)
    tile = tile or common.CHUNK_TILES[("real", x.element_size())]
    R, NW, BD = tile
    n_split = common.cdiv(T, R * NW)
    common.launch_chunks(_fwd_probe_kernel, (x, g, o, None, ht), 3, n_split,
                         dict(R=R, NW=NW, BD=BD, num_warps=NW, num_stages=1), B, T, D, x.device,
                         s_b=x.stride(0), s_t=x.stride(1), REVERSE=False, HAS_H0=False, SEM=sem)
    return o, ht

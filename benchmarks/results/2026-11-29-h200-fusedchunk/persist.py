"""Prototype: the real chunk forward as persistent programs taking chunks in order from a counter,
loading the next chunk's tile before scanning the current one (its loads in flight through the
look-back)."""
import torch
import triton
import triton.language as tl
from hgru.ops.triton import common
from hgru.ops.triton.real import _chunk_scan


@triton.jit
def _tile_load(p_x, p_g, pid, total, NC, T, D, s_b, s_t, ndb, R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr,
               REVERSE: tl.constexpr):
    j, c = pid // NC, pid % NC
    i_b = c // ndb
    o_d = (c % ndb) * BD + tl.arange(0, BD)
    o_i = tl.arange(0, R * NW)
    u = j * R * NW + (o_i % NW) * R + o_i // NW
    o_t = (T - 1 - u) if REVERSE else u
    m = ((u < T) & (pid < total))[:, None] & (o_d < D)[None, :]
    offs = i_b.to(tl.int64) * s_b + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
    return tl.load(p_x + offs, mask=m, other=0.), tl.load(p_g + offs, mask=m, other=1.)


@triton.jit
def _fwd_persist_kernel(p_x, p_g, p_o, p_h0, p_ht, p_rec, p_flag, T, D, s_b, s_t, NSPLIT, s_rec, NC,
                        R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr,
                        HAS_H0: tl.constexpr, W: tl.constexpr):
    ndb = tl.cdiv(D, BD)
    total = NSPLIT * NC
    p_ctr = p_flag + total
    s_j = (NC // ndb).to(tl.int64) * D
    pid = tl.atomic_add(p_ctr, 1, sem="relaxed")
    x_n, g_n = _tile_load(p_x, p_g, pid, total, NC, T, D, s_b, s_t, ndb, R, NW, BD, REVERSE)
    while pid < total:
        nxt = tl.atomic_add(p_ctr, 1, sem="relaxed")
        x_in, g_in = x_n, g_n
        x_n, g_n = _tile_load(p_x, p_g, nxt, total, NC, T, D, s_b, s_t, ndb, R, NW, BD, REVERSE)
        j, c = pid // NC, pid % NC
        i_b = c // ndb
        o_d = (c % ndb) * BD + tl.arange(0, BD)
        m_d = o_d < D
        o_i = tl.arange(0, R * NW)
        u = j * R * NW + (o_i % NW) * R + o_i // NW
        o_t = (T - 1 - u) if REVERSE else u
        m = (u < T)[:, None] & m_d[None, :]
        offs = i_b.to(tl.int64) * s_b + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
        b_h = tl.zeros([BD], dtype=tl.float32)
        if HAS_H0:
            b_h = tl.load(p_h0 + i_b * D + o_d, mask=m_d, other=0.)
        b_o, b_e = _chunk_scan(tl.reshape(g_in, [R, NW, BD]), tl.reshape(x_in, [R, NW, BD]), b_h, p_flag,
                               p_rec + i_b * D + o_d, s_rec, s_j, j, c, NC, NSPLIT, m_d, W)
        tl.store(p_o + offs, tl.reshape(b_o, [R * NW, BD]).to(p_o.dtype.element_ty), mask=m)
        tl.store(p_ht + i_b * D + o_d, b_e, mask=m_d & (j == NSPLIT - 1))
        pid = nxt


def scan_fwd(x, g, h0=None, reverse=False, tile=None, per_sm=2):
    B, T, D = x.shape
    o = torch.empty_like(x)
    ht = torch.empty(B, D, device=x.device, dtype=torch.float32)
    R, NW, BD = tile or common.CHUNK_TILES[("real", x.element_size())]
    n_split = common.cdiv(T, R * NW)
    nc = B * common.cdiv(D, BD)
    total = n_split * nc
    rec = torch.empty(3, n_split, B, D, device=x.device, dtype=torch.float32)
    flag = torch.zeros(total + 1, device=x.device, dtype=torch.int32)
    sms = torch.cuda.get_device_properties(x.device).multi_processor_count if x.is_cuda else 1
    grid = (min(total, sms * per_sm),)
    _fwd_persist_kernel[grid](x, g, o, h0, ht, rec, flag, T=T, D=D, s_b=x.stride(0), s_t=x.stride(1), NSPLIT=n_split,
                              s_rec=n_split * B * D, NC=nc, R=R, NW=NW, BD=BD, REVERSE=reverse,
                              HAS_H0=h0 is not None, W=common.LOOKBACK_WINDOW, num_warps=NW, num_stages=1)
    return o, ht

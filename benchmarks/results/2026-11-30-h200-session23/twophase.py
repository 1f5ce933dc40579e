"""Prototype (session 23): the real chunk forward with each chunk's two halves in different programs.

One launch, a 1-D grid in blocks of 2 NC programs (NC chains): block b holds the "aggregate" programs
of chunk row b (load the tile, scan it, publish the chunk's (A, B), exit: never wait) and then the
"output" programs of chunk row b - LAG (load the same tile again, fold the predecessors' records into
the carry by look-back, publish the inclusive state, scan from the carry, store h). An output program
waits only on programs of lower index (aggregates LAG rows earlier, inclusive states of earlier
output programs), so the chunk's second read should come from L2 (it was read LAG rows of programs
before) and its look-back should find the aggregates already published.
"""
import torch
import triton
import triton.language as tl
from hgru.ops.triton import common
from hgru.ops.triton.real import _combine, _last, _widen, _carry_in


@triton.jit
def _fwd_2ph_kernel(p_x, p_g, p_o, p_ht, p_rec, p_flag, T, D, s_b, s_t, NSPLIT, s_rec, NC, LAG,
                    R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr, W: tl.constexpr):
    pid = tl.program_id(0)
    blk = pid // (2 * NC)
    r = pid % (2 * NC)
    out = r >= NC
    c = r % NC
    j = tl.where(out, blk - LAG, blk)
    if (j >= 0) & (j < NSPLIT):
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
        s_j = (NC // ndb).to(tl.int64) * D
        s_r = s_rec.to(tl.int64)
        p_r = p_rec + i_b * D + o_d
        t = j * NC + c
        b_g, b_x = tl.associative_scan((g_in.to(tl.float32), x_in.to(tl.float32)), 0, _combine)
        last_r = (tl.arange(0, R) == R - 1)[:, None, None]
        w_g, w_x = tl.associative_scan((tl.sum(tl.where(last_r, b_g, 0.), 0), tl.sum(tl.where(last_r, b_x, 0.), 0)),
                                       0, _combine)
        o_w = tl.arange(0, NW)
        last_w = (o_w == NW - 1)[:, None]
        b_a, b_b = _last(w_g, last_w), _last(w_x, last_w)
        if not out:
            if j > 0:  # the aggregate (A, B)
                tl.store(p_r + j * s_j, b_a, mask=m_d)
                tl.store(p_r + s_r + j * s_j, b_b, mask=m_d)
                tl.debug_barrier()
                tl.atomic_max(p_flag + t, 1, sem="release", scope="gpu")
            else:  # chunk 0: its inclusive state (no initial state here)
                tl.store(p_r + 2 * s_r, b_b, mask=m_d)
                tl.debug_barrier()
                tl.atomic_max(p_flag + t, 2, sem="release", scope="gpu")
        else:
            b_h = tl.zeros([BD], dtype=tl.float32)
            if j > 0:
                b_h, _ = _carry_in(p_flag, p_r, s_r, s_j, j, c, NC, m_d, W)
            b_e = b_b + b_a * b_h
            if (j > 0) & (j < NSPLIT - 1):
                tl.store(p_r + 2 * s_r + j * s_j, b_e, mask=m_d)
                tl.debug_barrier()
                tl.atomic_max(p_flag + t, 2, sem="release", scope="gpu")
            e = w_x + w_g * b_h[None, :]
            e = tl.gather(e, tl.maximum(o_w - 1, 0)[:, None] + tl.zeros(e.shape, tl.int32), 0)
            e = tl.where((o_w == 0)[:, None], b_h[None, :], e)
            b_g, b_x = _widen(g_in), _widen(x_in)
            b_x = tl.where((tl.arange(0, R) == 0)[:, None, None], b_x + b_g * e[None, :, :], b_x)
            _, b_x = tl.associative_scan((b_g, b_x), 0, _combine)
            tl.store(p_o + offs, tl.reshape(b_x, [R * NW, BD]).to(p_o.dtype.element_ty), mask=m)
            tl.store(p_ht + i_b * D + o_d, b_e, mask=m_d & (j == NSPLIT - 1))


def scan_fwd(x, g, tile=None, lag=2):
    """x, g: [B, T, D] contiguous -> (o, ht). ``lag``: chunk rows between a chunk's two programs."""
    B, T, D = x.shape
    o = torch.empty_like(x)
    ht = torch.empty(B, D, device=x.device, dtype=torch.float32)
    R, NW, BD = tile or common.CHUNK_TILES[("real", x.element_size())]
    n_split = common.cdiv(T, R * NW)
    nc = B * common.cdiv(D, BD)
    rec = torch.empty(3, n_split, B, D, device=x.device, dtype=torch.float32)
    flag = torch.zeros(n_split * nc, device=x.device, dtype=torch.int32)
    grid = ((n_split + lag) * 2 * nc,)
    _fwd_2ph_kernel[grid](x, g, o, ht, rec, flag, T=T, D=D, s_b=x.stride(0), s_t=x.stride(1), NSPLIT=n_split,
                          s_rec=n_split * B * D, NC=nc, LAG=lag, R=R, NW=NW, BD=BD, W=common.LOOKBACK_WINDOW,
                          num_warps=NW, num_stages=1)
    return o, ht

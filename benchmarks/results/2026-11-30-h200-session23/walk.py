"""Diagnostic (session 23): the real chunk forward (as hgru/ops/triton/real.py's, 16 x NW chunks) with
each program's phases stamped by %globaltimer and its look-back's turns (windows read, spins
included) and folded records counted, to see where a program's life goes with one chain against
many. Records per program: t0 start, t1 aggregate published, t2 carry in, t3 end (ns), turns, folded."""
import torch
import triton
import triton.language as tl
from hgru.ops.triton import common
from hgru.ops.triton.real import _combine, _last, _widen, _chunk, _cmul


@triton.jit
def _now(dep):
    return tl.inline_asm_elementwise("mov.u64 $0, %globaltimer;", "=l,r", [dep], dtype=tl.int64, is_pure=False, pack=1)


@triton.jit
def _carry_in_counted(p_flag, p_r, s_rec, s_j, j, c, NC, m_d, W: tl.constexpr, CPLX: tl.constexpr = False):
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
    turns = 0
    folded = 0
    while p >= 0:
        turns += 1
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
            folded += take.to(tl.int32)
            go = take & (f == 1)
            p = tl.where(inc, -1 - W, p)
        p -= n
    return acc_br, acc_bi, turns, folded




@triton.jit
def _fwd_walk_kernel(p_x, p_g, p_o, p_ht, p_rec, p_flag, p_stat, T, D, s_b, s_t, NSPLIT, s_rec, R: tl.constexpr,
                     NW: tl.constexpr, BD: tl.constexpr, W: tl.constexpr):
    one = tl.zeros([1], tl.int32)
    t0 = _now(one)
    c, j, nc, i_b, o_d, m_d, u, base, s_j = _chunk(T, D, s_b, s_t, NSPLIT, R, NW, BD)
    m = (u < T)[:, None] & m_d[None, :]
    offs = base + u.to(tl.int64)[:, None] * s_t + o_d[None, :]
    x_in = tl.reshape(tl.load(p_x + offs, mask=m, other=0.), [R, NW, BD])
    g_in = tl.reshape(tl.load(p_g + offs, mask=m, other=1.), [R, NW, BD])
    p_r = p_rec + i_b * D + o_d
    b_g, b_x = tl.associative_scan((g_in.to(tl.float32), x_in.to(tl.float32)), 0, _combine)
    last_r = (tl.arange(0, R) == R - 1)[:, None, None]
    w_g, w_x = tl.associative_scan((tl.sum(tl.where(last_r, b_g, 0.), 0), tl.sum(tl.where(last_r, b_x, 0.), 0)),
                                   0, _combine)
    o_w = tl.arange(0, NW)
    last_w = (o_w == NW - 1)[:, None]
    b_a, b_b = _last(w_g, last_w), _last(w_x, last_w)
    s_r = s_rec.to(tl.int64)
    pid = j * nc + c
    b_h = tl.zeros([BD], dtype=tl.float32)
    turns = 0
    folded = 0
    if j > 0:
        tl.store(p_r + j * s_j, b_a, mask=m_d)
        tl.store(p_r + s_r + j * s_j, b_b, mask=m_d)
        tl.debug_barrier()
        tl.atomic_xchg(p_flag + pid, 1, sem="release", scope="gpu")
    t1 = _now(one)
    if j > 0:
        b_h, _, turns, folded = _carry_in_counted(p_flag, p_r, s_r, s_j, j, c, nc, m_d, W)
    t2 = _now(one + tl.max(b_h, 0).to(tl.int32) * 0)
    b_e = b_b + b_a * b_h
    if j < NSPLIT - 1:
        tl.store(p_r + 2 * s_r + j * s_j, b_e, mask=m_d)
        tl.debug_barrier()
        tl.atomic_xchg(p_flag + pid, 2, sem="release", scope="gpu")
    e = w_x + w_g * b_h[None, :]
    e = tl.gather(e, tl.maximum(o_w - 1, 0)[:, None] + tl.zeros(e.shape, tl.int32), 0)
    e = tl.where((o_w == 0)[:, None], b_h[None, :], e)
    b_g, b_x = _widen(g_in), _widen(x_in)
    b_x = tl.where((tl.arange(0, R) == 0)[:, None, None], b_x + b_g * e[None, :, :], b_x)
    _, b_x = tl.associative_scan((b_g, b_x), 0, _combine)
    tl.store(p_o + offs, tl.reshape(b_x, [R * NW, BD]).to(p_o.dtype.element_ty), mask=m)
    tl.store(p_ht + i_b * D + o_d, b_e, mask=m_d & (j == NSPLIT - 1))
    t3 = _now(one)
    q = p_stat + tl.program_id(0).to(tl.int64) * 6 + tl.arange(0, 1)
    tl.store(q, t0)
    tl.store(q + 1, t1)
    tl.store(q + 2, t2)
    tl.store(q + 3, t3)
    tl.store(q + 4, (one + turns).to(tl.int64))
    tl.store(q + 5, (one + folded).to(tl.int64))


def scan_fwd(x, g, tile):
    """x, g: [B, T, D] contiguous -> (o, ht, stats [programs, 6] int64)."""
    B, T, D = x.shape
    o = torch.empty_like(x)
    ht = torch.empty(B, D, device=x.device, dtype=torch.float32)
    R, NW, BD = tile
    n_split = common.cdiv(T, R * NW)
    nc = B * common.cdiv(D, BD)
    rec = torch.empty(3, n_split, B, D, device=x.device, dtype=torch.float32)
    flag = torch.zeros(n_split * nc, device=x.device, dtype=torch.int32)
    stat = torch.zeros(n_split * nc, 6, device=x.device, dtype=torch.int64)
    _fwd_walk_kernel[(n_split * nc,)](x, g, o, ht, rec, flag, stat, T=T, D=D, s_b=x.stride(0), s_t=x.stride(1),
                                      NSPLIT=n_split, s_rec=n_split * B * D, R=R, NW=NW, BD=BD,
                                      W=common.LOOKBACK_WINDOW, num_warps=NW, num_stages=1)
    return o, ht, stat

"""Experiment: look-back chunks as [R, NW, BD] tiles, warps along time, data held in registers."""
import triton
import triton.language as tl


@triton.jit
def _combine(a1, x1, a2, x2):
    return a1 * a2, x1 * a2 + x2


@triton.jit
def _widen(v):
    """v as float32, for bfloat16 by moving its bits (a conversion the compiler does not merge with
    an earlier .to(float32) of the same value, so the narrow input stays live instead)."""
    if v.dtype == tl.bfloat16:
        return (v.to(tl.int16, bitcast=True).to(tl.int32) << 16).to(tl.float32, bitcast=True)
    return v.to(tl.float32)


@triton.jit
def _now(dep):
    return tl.inline_asm_elementwise("mov.u64 $0, %globaltimer;", "=l,r", [dep], dtype=tl.int64, is_pure=False, pack=1)


@triton.jit
def _smid(dep):
    return tl.inline_asm_elementwise("mov.u32 $0, %smid;", "=r,r", [dep], dtype=tl.int32, is_pure=False, pack=1).to(tl.int64)


@triton.jit
def _carry_in(p_flag, p_rec, s_rec, s_j, j, c, NC, m_d, W: tl.constexpr):
    """State entering chunk j folded from its predecessors' records: flags read W at a time as
    scalars, then the ready records' [BD] vectors at once; no barriers or cross-warp steps inside
    (each warp may spin a different number of turns)."""
    acc_a = tl.full(m_d.shape, 1., tl.float32)
    acc_b = tl.zeros(m_d.shape, tl.float32)
    p = j - 1
    while p >= 0:
        go = p >= 0
        n = 0
        for i in tl.static_range(W):
            q = p - i
            f = tl.load(p_flag + q * NC + c, mask=q >= 0, other=0, volatile=True)
            take = go & (f >= 1)
            inc = take & (f == 2)
            o = q.to(tl.int64) * s_j
            a = tl.load(p_rec + o, mask=m_d & take & (f == 1), other=1., volatile=True)
            b = tl.load(p_rec + o + tl.where(inc, 2, 1) * s_rec, mask=m_d & take, other=0., volatile=True)
            a = tl.where(inc, 0., a)
            acc_b += acc_a * b
            acc_a *= a
            n += take.to(tl.int32)
            p = tl.where(inc, -1 - W, p)
            go = take & (f == 1)
        p -= n
    return acc_a, acc_b, p


@triton.jit
def _fwd_chunk(p_x, p_g, p_o, p_h0, p_ht, p_rec, p_flag, T, D, s_b, s_t, NSPLIT, s_rec,
               R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr, REVERSE: tl.constexpr,
               HAS_H0: tl.constexpr, W: tl.constexpr, MODE: tl.constexpr = 0,
               STAMP: tl.constexpr = False, p_st=None, RESCAN: tl.constexpr = True):
    pid = tl.program_id(0)
    if STAMP:
        tl.store(p_st + pid * 8, _now(pid))
        tl.store(p_st + pid * 8 + 5, _smid(pid))
    nc = tl.num_programs(0) // NSPLIT
    j, c = pid // nc, pid % nc
    ndb = tl.cdiv(D, BD)
    i_b = c // ndb
    o_d = (c % ndb) * BD + tl.arange(0, BD)
    m_d = o_d < D
    L: tl.constexpr = R * NW
    lo = ((NSPLIT - 1 - j) if REVERSE else j) * L
    o_w = tl.arange(0, NW)
    # tile row i holds step (i % NW) * R + i // NW: a [L, BD] tile puts row i in warp i % NW, so
    # reshaped to [R, NW, BD] each warp holds R consecutive steps in its threads' registers
    o_i = tl.arange(0, L)
    o_s = (o_i % NW) * R + o_i // NW
    o_t = (lo + L - 1 - o_s) if REVERSE else (lo + o_s)
    m = (o_t < T)[:, None] & m_d[None, :]
    offs = i_b.to(tl.int64) * s_b + o_t.to(tl.int64)[:, None] * s_t + o_d[None, :]
    x_in = tl.reshape(tl.load(p_x + offs, mask=m, other=0.), [R, NW, BD])
    g_in = tl.reshape(tl.load(p_g + offs, mask=m, other=1.), [R, NW, BD])
    b_g, b_x = tl.associative_scan((g_in.to(tl.float32), x_in.to(tl.float32)), 0, _combine)  # each warp's R steps
    lr = (tl.arange(0, R) == R - 1)[:, None, None]
    r_g = tl.sum(tl.where(lr, b_g, 0.), 0)
    r_x = tl.sum(tl.where(lr, b_x, 0.), 0)
    w_g, w_x = tl.associative_scan((r_g, r_x), 0, _combine)  # blocks 0..w of the chunk
    last = (o_w == NW - 1)[:, None]
    b_a = tl.sum(tl.where(last, w_g, 0.), 0)
    b_b = tl.sum(tl.where(last, w_x, 0.), 0)
    b_h = tl.zeros([BD], dtype=tl.float32)
    if HAS_H0:
        b_h = tl.load(p_h0 + i_b * D + o_d, mask=m_d, other=0.)
    p_r = p_rec + i_b * D + o_d
    s_j = (nc // ndb * D).to(tl.int64)
    if (j > 0) and (MODE == 0):
        tl.store(p_r + j * s_j, b_a, mask=m_d)
        tl.store(p_r + s_rec + j * s_j, b_b, mask=m_d)
        tl.debug_barrier()
        old = tl.atomic_xchg(p_flag + pid, 1, sem="release", scope="gpu")
        if STAMP:
            tl.store(p_st + pid * 8 + 1, _now(old))
        acc_a, acc_b, p = _carry_in(p_flag, p_r, s_rec, s_j, j, c, nc, m_d, W)
        b_h = acc_b
        if STAMP:
            tl.store(p_st + pid * 8 + 2, _now(p))
    b_e = b_b + b_a * b_h
    if (j < NSPLIT - 1) and (MODE == 0):
        tl.store(p_r + 2 * s_rec + j * s_j, b_e, mask=m_d)
        tl.debug_barrier()
        old = tl.atomic_xchg(p_flag + pid, 2, sem="release", scope="gpu")
        if STAMP:
            tl.store(p_st + pid * 8 + 3, _now(old))
    else:
        tl.store(p_ht + i_b * D + o_d, b_e, mask=m_d)
    e = w_x + w_g * b_h[None, :]                              # state after each block
    if MODE == 2:
        e = b_h[None, :] + tl.zeros([NW, BD], tl.float32)
    else:
        e = tl.gather(e, tl.maximum(o_w - 1, 0)[:, None] + tl.zeros([NW, BD], tl.int32), 0)
    e = tl.where((o_w == 0)[:, None], b_h[None, :], e)        # state entering each block
    if RESCAN:  # scan the inputs again from the state entering each block: keeps them, not the scans, live
        b_g = _widen(g_in)
        b_x = _widen(x_in)
        b_x = tl.where((tl.arange(0, R) == 0)[:, None, None], b_x + b_g * e[None, :, :], b_x)
        _, b_x = tl.associative_scan((b_g, b_x), 0, _combine)
    else:
        b_x += b_g * e[None, :, :]
    if STAMP:
        tl.store(p_st + pid * 8 + 4, _now(pid))
    tl.store(p_o + offs, tl.reshape(b_x, [L, BD]).to(p_o.dtype.element_ty), mask=m)

"""Prototype (session 23): the real chunk forward as persistent programs with a static stride, each
looping over its chunks in a software-pipelined ``tl.range`` so the next chunk's tile is copied into
shared memory (cp.async) while the current one scans and looks back. Session 16 found Triton does not
pipeline a loop holding the look-back's ``while``; here the look-back is a static window of W
predecessors whose waits are spin loops in inline PTX (the last one waits for an inclusive state), so
the loop body has no ``while``. Grid = programs that are resident at once (a program waits only on
chunks of lower index, held by programs already running), so it must not exceed the occupancy."""
import torch
import triton
import triton.language as tl
from hgru.ops.triton import common
from hgru.ops.triton.real import _combine, _last, _widen


@triton.jit
def _spin(p, need, at_least):
    """Per element: if need != 0, spin until the int32 at address p (int64) is >= at_least; returns it
    (0 where not needed). An acquire load: reads after it see what was written before its release."""
    return tl.inline_asm_elementwise(
        asm="""{
        .reg .pred %p<2>;
        .reg .s32 %v;
        mov.s32 %v, 0;
        setp.eq.s32 %p0, $2, 0;
        @%p0 bra DONE;
        WAIT:
        ld.acquire.gpu.global.s32 %v, [$1];
        setp.lt.s32 %p1, %v, $3;
        @%p1 bra WAIT;
        DONE:
        mov.s32 $0, %v;
        }""",
        constraints="=r,l,r,r", args=[p, need, at_least], dtype=tl.int32, is_pure=False, pack=1)


@triton.jit
def _arrive_spin(p_self, n, p, need, at_least):
    """_arrive(p_self, n) (skipped where n is 0), then _spin(p, need, at_least), in one asm block so no
    compiler pass can move the publish after the wait. Run once per thread ([1] tensors)."""
    return tl.inline_asm_elementwise(
        asm="""{
        .reg .pred %p<3>;
        .reg .s32 %v;
        .reg .u32 %l;
        bar.warp.sync -1;
        mov.u32 %l, %laneid;
        setp.eq.u32 %p0, %l, 0;
        setp.ne.and.s32 %p2, $2, 0, %p0;
        @%p2 red.release.gpu.global.add.s32 [$1], $2;
        mov.s32 %v, 0;
        setp.eq.s32 %p0, $4, 0;
        @%p0 bra DONE;
        WAIT:
        ld.acquire.gpu.global.s32 %v, [$3];
        setp.lt.s32 %p1, %v, $5;
        @%p1 bra WAIT;
        DONE:
        mov.s32 $0, %v;
        }""",
        constraints="=r,l,r,l,r,r", args=[p_self, n, p, need, at_least], dtype=tl.int32, is_pure=False, pack=1)


@triton.jit
def _spin_relaxed(p, need, at_least):
    return tl.inline_asm_elementwise(
        asm="""{
        .reg .pred %p<2>;
        .reg .s32 %v;
        mov.s32 %v, 0;
        setp.eq.s32 %p0, $2, 0;
        @%p0 bra DONE;
        WAIT:
        ld.relaxed.gpu.global.s32 %v, [$1];
        setp.lt.s32 %p1, %v, $3;
        @%p1 bra WAIT;
        DONE:
        mov.s32 $0, %v;
        }""",
        constraints="=r,l,r,r", args=[p, need, at_least], dtype=tl.int32, is_pure=False, pack=1)


@triton.jit
def _arrive_relaxed(p, one, n):
    return tl.inline_asm_elementwise(
        asm="""{
        .reg .pred %p0;
        .reg .u32 %l;
        bar.warp.sync -1;
        mov.u32 %l, %laneid;
        setp.eq.u32 %p0, %l, 0;
        @%p0 red.relaxed.gpu.global.add.s32 [$1], $3;
        mov.b32 $0, $2;
        }""",
        constraints="=r,l,r,r", args=[p, one, n], dtype=tl.int32, is_pure=False, pack=1)


@triton.jit
def _ldf(base, off, m, need):
    """Per element: the float32 at address base + 4 off (base int64, off int32) by a relaxed gpu-scope
    load where m and need are both nonzero, else 0. Declared pure: layout passes copy an op into each
    layout a user wants and leave impure copies behind; ``need`` comes from the spin's result, so the
    load cannot move above it."""
    return tl.inline_asm_elementwise(
        asm="""{
        .reg .pred %p0, %p1;
        .reg .u64 %a;
        mov.b32 $0, 0;
        setp.ne.s32 %p0, $3, 0;
        setp.ne.and.s32 %p1, $4, 0, %p0;
        mad.wide.s32 %a, $2, 4, $1;
        @%p1 ld.relaxed.gpu.global.f32 $0, [%a];
        }""",
        constraints="=r,l,r,r,r", args=[base, off, m, need], dtype=tl.float32, is_pure=True, pack=1)


@triton.jit
def _arrive(p, one, n):
    """Lane 0 of each warp adds n to the int32 at address p (int64) with release semantics, after the
    warp's lanes synchronise (their earlier stores ordered before it). ``one``: a tensor holding one
    element per thread."""
    return tl.inline_asm_elementwise(
        asm="""{
        .reg .pred %p0;
        .reg .u32 %l;
        bar.warp.sync -1;
        mov.u32 %l, %laneid;
        setp.eq.u32 %p0, %l, 0;
        setp.ne.and.s32 %p0, $3, 0, %p0;
        @%p0 red.release.gpu.global.add.s32 [$1], $3;
        mov.b32 $0, $2;
        }""",
        constraints="=r,l,r,r", args=[p, one, n], dtype=tl.int32, is_pure=False, pack=1)


@triton.jit
def _wait(p, need, thr, INTERP: tl.constexpr, FENCE: tl.constexpr = 1):
    """Status at p (an int32 pointer, scalar) once >= thr, or 0 where need is 0."""
    if INTERP:  # programs run one after another: a predecessor has finished
        return tl.load(p) * need
    if FENCE:
        return tl.sum(_spin(p.to(tl.int64, bitcast=True) + tl.zeros([1], tl.int64), need + tl.zeros([1], tl.int32),
                            thr + tl.zeros([1], tl.int32)), 0)
    return tl.sum(_spin_relaxed(p.to(tl.int64, bitcast=True) + tl.zeros([1], tl.int64), need + tl.zeros([1], tl.int32),
                                thr + tl.zeros([1], tl.int32)), 0)


@triton.jit
def _publish_wait(p_self, n, p, need, thr, NW: tl.constexpr, INTERP: tl.constexpr):
    """Each warp adds n to the status at p_self (none where n is 0), then _wait(p, need, thr)."""
    if INTERP:
        tl.atomic_add(p_self, n * NW)
        return tl.load(p) * need
    z64 = tl.zeros([1], tl.int64)
    z = tl.zeros([1], tl.int32)
    return tl.sum(_arrive_spin(p_self.to(tl.int64, bitcast=True) + z64, n + z, p.to(tl.int64, bitcast=True) + z64,
                               need + z, thr + z), 0)


@triton.jit
def _read(p, off, m, need, INTERP: tl.constexpr):
    """float32 at p + off ([BD]) where m and need, else 0."""
    if INTERP:
        return tl.load(p + off, mask=(m != 0) & (need != 0), other=0.)
    return _ldf(p.to(tl.int64, bitcast=True), off, m, need)


@triton.jit
def _publish(p, n, NW: tl.constexpr, INTERP: tl.constexpr, FENCE: tl.constexpr = 1):
    """Each warp adds n to the status at p after its earlier stores."""
    if INTERP:
        tl.atomic_add(p, n * NW)
    elif FENCE:
        _arrive(p.to(tl.int64, bitcast=True) + tl.zeros([32 * NW], tl.int64), tl.arange(0, 32 * NW),
                n + tl.zeros([32 * NW], tl.int32))
    else:
        _arrive_relaxed(p.to(tl.int64, bitcast=True) + tl.zeros([32 * NW], tl.int64), tl.arange(0, 32 * NW),
                        n + tl.zeros([32 * NW], tl.int32))


@triton.jit
def _fwd_pipe_kernel(p_x, p_g, p_o, p_ht, p_rec, p_flag, T, D, s_b, s_t, NSPLIT, s_rec, NC,
                     R: tl.constexpr, NW: tl.constexpr, BD: tl.constexpr, W: tl.constexpr, STAGES: tl.constexpr, INTERP: tl.constexpr,
                     FENCE: tl.constexpr = 1):
    pid = tl.program_id(0)
    P = tl.num_programs(0)
    total = NSPLIT * NC
    ndb = tl.cdiv(D, BD)
    s_j = (NC // ndb).to(tl.int64) * D
    s_rec = s_rec.to(tl.int64)
    o_i = tl.arange(0, R * NW)
    o_bd = tl.arange(0, BD)
    o_w = tl.arange(0, NW)
    last_r = (tl.arange(0, R) == R - 1)[:, None, None]
    last_w = (o_w == NW - 1)[:, None]
    n_mine = tl.cdiv(total - pid, P)
    for k in tl.range(0, n_mine, num_stages=STAGES):
        t = pid + k * P
        j = t // NC
        c = t % NC
        i_b = c // ndb
        o_d = (c % ndb) * BD + o_bd
        m_d = o_d < D
        u = j * R * NW + (o_i % NW) * R + o_i // NW
        m = (u < T)[:, None] & m_d[None, :]
        offs = i_b.to(tl.int64) * s_b + u.to(tl.int64)[:, None] * s_t + o_d[None, :]
        x_in = tl.reshape(tl.load(p_x + offs, mask=m, other=0.), [R, NW, BD])
        g_in = tl.reshape(tl.load(p_g + offs, mask=m, other=1.), [R, NW, BD])
        p_r0 = p_rec + i_b * D
        p_r = p_r0 + o_d
        o_lb = (c % ndb) * BD + tl.arange(0, BD)  # the look-back's own channel vector (one layout for its loads)
        m_i = (o_lb < D).to(tl.int32)
        b_g, b_x = tl.associative_scan((g_in.to(tl.float32), x_in.to(tl.float32)), 0, _combine)
        w_g, w_x = tl.associative_scan((tl.sum(tl.where(last_r, b_g, 0.), 0), tl.sum(tl.where(last_r, b_x, 0.), 0)),
                                       0, _combine)
        b_a, b_b = _last(w_g, last_w), _last(w_x, last_w)
        # publish the aggregate (chunks after the first), then wait on the nearest predecessor: one asm
        # block, unconditional (a pipelined loop moved an `if` holding the publish after the look-back)
        tl.store(p_r + j * s_j, b_a, mask=m_d & (j > 0))
        tl.store(p_r + s_rec + j * s_j, b_b, mask=m_d & (j > 0))
        # the state entering chunk j: fold predecessors back to an inclusive state (chunk 0's is one)
        acc_a = tl.full([BD], 1., tl.float32)
        acc_b = tl.zeros([BD], tl.float32)
        go = (j > 0).to(tl.int32)
        for i in tl.static_range(W):
            q = j - 1 - i
            need = go * (q >= 0).to(tl.int32)
            # a chunk's status counts its warps' arrivals: NW once its aggregate is out, 2 NW with its
            # inclusive state (chunk 0 adds 2 per warp: never an aggregate). The last window waits for one.
            last = (q == 0) | (i == W - 1)
            thr = NW + NW * last.to(tl.int32)
            if i == 0:
                f = _publish_wait(p_flag + t, (j > 0).to(tl.int32), p_flag + q * NC + c, need, thr, NW, INTERP)
            else:
                f = _wait(p_flag + q * NC + c, need, thr, INTERP, FENCE)
            take = need != 0
            inc = take & (f == 2 * NW)
            agg = take & (f >= NW) & (f < 2 * NW)
            o = q.to(tl.int64) * s_j
            a_r = tl.where(agg, _read(p_r0 + o, o_lb, m_i, agg.to(tl.int32), INTERP), tl.where(inc, 0., 1.))
            b_r = _read(p_r0 + o + tl.where(inc, 2, 1) * s_rec, o_lb, m_i, take.to(tl.int32), INTERP)
            acc_b += acc_a * b_r
            acc_a *= a_r
            go = agg.to(tl.int32)
        # every use of the carry goes through one [1, BD] value (else layout passes copy the look-back)
        h2 = acc_b[None, :]
        e = w_x + w_g * h2  # the state after each warp's steps
        b_e = tl.sum(tl.where(last_w, e, 0.), 0)
        tl.store(p_r0 + 2 * s_rec + j * s_j + o_d, b_e, mask=m_d & (j < NSPLIT - 1))
        _publish(p_flag + t, (j < NSPLIT - 1).to(tl.int32) * (1 + (j == 0).to(tl.int32)), NW, INTERP, FENCE)
        e = tl.gather(e, tl.maximum(o_w - 1, 0)[:, None] + tl.zeros(e.shape, tl.int32), 0)
        e = tl.where((o_w == 0)[:, None], h2, e)
        b_g, b_x = _widen(g_in), _widen(x_in)
        b_x = tl.where((tl.arange(0, R) == 0)[:, None, None], b_x + b_g * e[None, :, :], b_x)
        _, b_x = tl.associative_scan((b_g, b_x), 0, _combine)
        tl.store(p_o + offs, tl.reshape(b_x, [R * NW, BD]).to(p_o.dtype.element_ty), mask=m)
        tl.store(p_ht + i_b * D + o_d, b_e, mask=m_d & (j == NSPLIT - 1))


_OCC = {}


def occupancy(kernel, warps: int) -> int:
    """Programs of ``kernel`` (compiled) resident per SM on this GPU, from its registers and shared memory."""
    props = torch.cuda.get_device_properties(0)
    regs = -(-kernel.n_regs // 8) * 8 * 32 * warps
    smem = kernel.metadata.shared
    by_regs = 65536 // max(regs, 1)
    per_sm = getattr(props, "shared_memory_per_multiprocessor", 228 * 1024)
    by_smem = per_sm // (smem + 1024)
    return min(by_regs, by_smem, 64 // warps, 32)


def scan_fwd(x, g, tile=None, per_sm=None, stages=2, info=None, fence=1):
    """x, g: [B, T, D] contiguous -> (o, ht). per_sm None: the occupancy."""
    B, T, D = x.shape
    o = torch.empty_like(x)
    ht = torch.empty(B, D, device=x.device, dtype=torch.float32)
    R, NW, BD = tile or common.CHUNK_TILES[("real", x.element_size())]
    n_split = common.cdiv(T, R * NW)
    nc = B * common.cdiv(D, BD)
    total = n_split * nc
    rec = torch.empty(3, n_split, B, D, device=x.device, dtype=torch.float32)
    flag = torch.zeros(total, device=x.device, dtype=torch.int32)
    key = (tile, stages, x.dtype, fence)
    args = (x, g, o, ht, rec, flag)
    kw = dict(T=T, D=D, s_b=x.stride(0), s_t=x.stride(1), NSPLIT=n_split, s_rec=n_split * B * D, NC=nc, R=R, NW=NW,
              BD=BD, W=common.LOOKBACK_WINDOW, STAGES=stages, INTERP=common.INTERPRET, FENCE=fence, num_warps=NW,
              num_stages=1)
    if common.INTERPRET:  # per_sm: the number of programs (programs run one after another)
        _fwd_pipe_kernel[(min(total, per_sm or total),)](*args, **kw)
        return o, ht
    if key not in _OCC:
        k = _fwd_pipe_kernel.warmup(*args, grid=(1,), **kw)
        k._init_handles()
        _OCC[key] = (occupancy(k, NW), k.n_regs, k.metadata.shared, k.n_spills)
    occ = _OCC[key][0]
    if info is not None:
        info.update(occ=occ, regs=_OCC[key][1], smem=_OCC[key][2], spills=_OCC[key][3])
    per_sm = occ if per_sm is None else min(per_sm, occ)
    sms = torch.cuda.get_device_properties(x.device).multi_processor_count
    _fwd_pipe_kernel[(min(total, sms * per_sm),)](*args, **kw)
    return o, ht

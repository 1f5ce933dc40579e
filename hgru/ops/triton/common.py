# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""What the Triton kernels share: the single-pass chunked scan machinery and launch settings.

Every kernel is a single-pass scan with decoupled look-back. One program owns one tile of BT
time steps x BD channels of one sequence. It scans its tile from a zero state, publishes the
tile's aggregate (A, B) (``h_end = A h_start + B``) to a workspace, then walks back over the
preceding tiles of its sequence until it meets one that has published its inclusive prefix,
composing aggregates on the way. Programs take their tile from a ticket counter in
(sequence, tile, channel block) order, so every predecessor a program waits for was started
earlier: no deadlock, whatever order the GPU schedules programs in. Each input is read once and
each output written once; the workspace adds O(B T D / BT) traffic.

Lanes own channels and each thread holds all BT rows of its channels, so the tile scan runs
sequentially in registers without shuffles or barriers. Tiles are loaded in scan order (time
descending for a reverse scan), so ``tl.associative_scan`` always runs forward: Triton lowers
reverse scans with warp shuffles even when the axis sits inside a thread. The channel stride is passed at run
time (``s_d``, never specialised) so that Triton lays lanes along channels, not along time.
"""
from __future__ import annotations

import os

import triton
import triton.language as tl

INTERPRET = os.environ.get("TRITON_INTERPRET") == "1"
# HGRU_AUTOTUNE=0 launches GPU_TILES[0] instead of autotuning (tests: fewer compiles).
AUTOTUNE = os.environ.get("HGRU_AUTOTUNE", "1") != "0"

# Tiles tried by the autotuner on a GPU: (BT rows, BD channels, warps); BD = 32 * warps keeps
# warps along channels. Chosen from the sweep in benchmarks/NOTES.md.
GPU_TILES = [(32, 32, 1), (16, 32, 1), (32, 64, 2), (16, 64, 2), (32, 128, 4), (64, 32, 1)]
INTERPRET_TILE = (16, 16, 1)
# Tests set this to make every tile but the first publish only its aggregate, so that the
# look-back composes aggregates all the way to tile 0 (the interpreter runs programs in order,
# so it would otherwise always find the predecessor's inclusive prefix at once).
FULL_WALK = False
VARLEN_TILE = (32, 32, 1)  # packed sequences use one tile: the tile table depends on BT


def configs():
    return [triton.Config({"BT": bt, "BD": bd}, num_warps=w, num_stages=1) for bt, bd, w in GPU_TILES]


def tuned(kernel, key):
    """The kernel autotuned over GPU_TILES, or plain (tile passed by ``tile_args``)."""
    if AUTOTUNE and not INTERPRET:
        return triton.autotune(configs=configs(), key=key, reset_to_zero=["p_flag"])(kernel)
    return kernel


def tile_args(varlen: bool = False):
    """Launch arguments when not autotuning: (BT, BD, num_warps)."""
    bt, bd, w = INTERPRET_TILE if INTERPRET else VARLEN_TILE if varlen else GPU_TILES[0]
    return dict(BT=bt, BD=bd, num_warps=w)


def plain(kernel):
    """The jitted function under an autotuner (packed sequences launch it with a fixed tile)."""
    return kernel.fn if isinstance(kernel, triton.runtime.Autotuner) else kernel


def smallest_tile():
    tiles = [INTERPRET_TILE] if INTERPRET else GPU_TILES + [VARLEN_TILE]
    return min(t[0] for t in tiles), min(t[1] for t in tiles)


@triton.jit
def _last(a, b):
    return b


@triton.jit
def last_row(x):
    """The last row of a [BT, BD] tile whose rows sit in each thread (an in-order reduction)."""
    return tl.reduce(x, 0, _last)


@triton.jit
def ticket(p_flag, p_tiles, rows, T, D, BT: tl.constexpr, BD: tl.constexpr, VARLEN: tl.constexpr):
    """This program's (row, tile, channel block, tiles per row) in (row, tile, block) order."""
    tick = tl.atomic_add(p_flag, 1)
    ND = tl.cdiv(D, BD)
    i_d = tick % ND
    if VARLEN:
        i_row = tl.load(p_tiles + 2 * (tick // ND))
        i_c = tl.load(p_tiles + 2 * (tick // ND) + 1)
        NC = tl.load(p_tiles + 2 * (tl.num_programs(0) // ND))  # the table ends with the max tiles per row
    else:
        NC = tl.cdiv(T, BT)
        i_c = (tick // ND) % NC
        i_row = tick // (ND * NC)
    return i_row, i_c, i_d, NC


@triton.jit
def look_back(p_ws, p_flag, i_row, i_c, i_d, NC, D, rows, a_r, a_i, b_r, b_i, h_r, h_i,
              BD: tl.constexpr, CPLX: tl.constexpr, WALK: tl.constexpr):
    """Publish the tile aggregate (a, b), find the carry h entering the tile, publish b + a h.

    Workspace p_ws: slots [6, rows, NC, D] (A re, A im, B re, B im, inclusive re, im);
    flags after the ticket: [rows, NC, ND], 0 = nothing yet, 1 = aggregate, 2 = inclusive.
    (h_r, h_i) is the state entering tile 0 (the initial state); returned for tile 0.
    """
    ND = tl.cdiv(D, BD)
    s_ws = rows * NC * D
    o_d = i_d * BD + tl.arange(0, BD)
    m_d = o_d < D
    o_w = (i_row * NC + i_c) * D + o_d
    p_f = p_flag + 1 + (i_row * NC + i_c) * ND + i_d
    if i_c > 0:
        tl.store(p_ws + o_w, a_r, mask=m_d)
        tl.store(p_ws + 2 * s_ws + o_w, b_r, mask=m_d)
        if CPLX:
            tl.store(p_ws + s_ws + o_w, a_i, mask=m_d)
            tl.store(p_ws + 3 * s_ws + o_w, b_i, mask=m_d)
        tl.debug_barrier()
        tl.atomic_xchg(p_f, 1, sem="release")
        # carry = acc_a * (prefix of tile j) + acc_b, walking j back from i_c - 1
        acc_ar = tl.full([BD], 1., dtype=tl.float32)
        acc_ai = tl.zeros([BD], dtype=tl.float32)
        h_r = tl.zeros([BD], dtype=tl.float32)
        h_i = tl.zeros([BD], dtype=tl.float32)
        j = i_c - 1
        while j >= 0:
            f = tl.atomic_add(p_f - (i_c - j) * ND, 0, sem="acquire")
            while f == 0:
                f = tl.atomic_add(p_f - (i_c - j) * ND, 0, sem="acquire")
            o_j = o_w - (i_c - j) * D
            k = tl.where(f == 2, 4, 2)  # the inclusive prefix, or the tile's own B
            v_r = tl.load(p_ws + k * s_ws + o_j, mask=m_d, other=0., cache_modifier=".cg")
            h_r += acc_ar * v_r
            if CPLX:
                v_i = tl.load(p_ws + (k + 1) * s_ws + o_j, mask=m_d, other=0., cache_modifier=".cg")
                h_r -= acc_ai * v_i
                h_i += acc_ar * v_i + acc_ai * v_r
            if f == 2:
                j = -1
            else:
                g_r = tl.load(p_ws + o_j, mask=m_d, other=1., cache_modifier=".cg")
                if CPLX:
                    g_i = tl.load(p_ws + s_ws + o_j, mask=m_d, other=0., cache_modifier=".cg")
                    acc_ar, acc_ai = acc_ar * g_r - acc_ai * g_i, acc_ar * g_i + acc_ai * g_r
                else:
                    acc_ar *= g_r
                j -= 1
    if CPLX:
        tl.store(p_ws + 4 * s_ws + o_w, b_r + a_r * h_r - a_i * h_i, mask=m_d)
        tl.store(p_ws + 5 * s_ws + o_w, b_i + a_r * h_i + a_i * h_r, mask=m_d)
    else:
        tl.store(p_ws + 4 * s_ws + o_w, b_r + a_r * h_r, mask=m_d)
    if not WALK or i_c == 0:
        tl.debug_barrier()
        tl.atomic_xchg(p_f, 2, sem="release")
    return h_r, h_i


def workspace(rows: int, T: int, D: int, device, varlen_tiles=None):
    """Flags (ticket first) and the look-back workspace, sized for the smallest tile."""
    import torch
    bt, bd = smallest_tile()
    NC = triton.cdiv(T, bt) if varlen_tiles is None else varlen_tiles
    flags = torch.zeros(1 + rows * NC * triton.cdiv(D, bd), device=device, dtype=torch.int32)
    ws = torch.empty(6, rows, NC, D, device=device, dtype=torch.float32)
    return flags, ws


def varlen_tiles(cu_seqlens, BT: int):
    """Table of (sequence, tile) pairs for packed sequences, ended by the max tiles per sequence."""
    import torch
    lens = (cu_seqlens[1:] - cu_seqlens[:-1]).long()
    n_tiles = (lens + BT - 1) // BT
    seq = torch.repeat_interleave(torch.arange(len(lens), device=lens.device), n_tiles)
    start = torch.cumsum(n_tiles, 0) - n_tiles
    idx = torch.arange(len(seq), device=lens.device) - torch.repeat_interleave(start, n_tiles)
    table = torch.stack([seq, idx], 1).reshape(-1)
    nc = int(n_tiles.max())
    return torch.cat([table, table.new_tensor([nc])]).to(torch.int32), len(seq), nc


def grid(rows: int, T: int, D: int, n_varlen_tiles=None):
    if n_varlen_tiles is not None:
        return lambda meta: (n_varlen_tiles * triton.cdiv(D, meta["BD"]),)
    return lambda meta: (rows * triton.cdiv(T, meta["BT"]) * triton.cdiv(D, meta["BD"]),)


def launch(kernel, args, rows, T, D, device, cu_seqlens, **flags):
    """Launch a scan kernel with a fresh workspace: autotuned (or GPU_TILES[0]) for dense rows, a
    fixed tile for packed sequences. ``args(ws, flags, tile_table)`` gives the leading arguments."""
    flags["WALK"] = FULL_WALK
    if cu_seqlens is None:
        flag, ws = workspace(rows, T, D, device)
        tile = {} if AUTOTUNE and not INTERPRET else tile_args()
        kernel[grid(rows, T, D)](*args(ws, flag, None), rows, T, D, **flags, VARLEN=False, **tile)
        return
    tile = tile_args(varlen=True)
    tiles, n_tiles, nc = varlen_tiles(cu_seqlens, tile["BT"])
    flag, ws = workspace(rows, T, D, device, varlen_tiles=nc)
    plain(kernel)[grid(rows, T, D, n_tiles)(tile)](*args(ws, flag, tiles), rows, T, D, **flags, VARLEN=True, **tile)

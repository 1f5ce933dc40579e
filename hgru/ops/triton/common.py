# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Launch settings shared by the Triton kernels: tile configs, time splitting, the interpreter."""
from __future__ import annotations

import functools
import os

import torch

INTERPRET = os.environ.get("TRITON_INTERPRET") == "1"

# Default launch per kernel family and input element size in bytes: (BT rows of time, BD channels,
# warps, programs per SM to split time to). A warp's 16-byte vector loads cover 512 bytes of a
# row, so when BD x element size (x 2 for the interleaved pairs of "complex") = 512 x warps, every
# thread holds whole columns of the tile and the tile scan runs in registers without shuffles.
# Measured by benchmarks/sweep_tiles.py on an H200 (NOTES.md, v4).
# The fused HGRU kernels step one row of time per loop turn (BT = 1, required): a one-row step
# needs no tile scan, no last-row extraction and no layout shuffles (compiled for sm_90: 39
# instructions per element forward instead of 79 with [4, 128] tiles, 78 instead of 148 backward,
# a third to a quarter of the registers); their loops keep LOOP_STAGES rows in flight in shared
# memory, so 8 (bf16) or 16 (fp32) one-warp programs per SM hide the latency (NOTES.md).
# The real scans take LOOP_TILES instead.
TILES = {("complex", 2): (4, 128, 1, 16), ("complex", 4): (4, 64, 1, 16), ("hgru", 2): (1, 128, 1, 8),
         ("hgru", 4): (1, 64, 1, 16)}
# Time is split only when the (row, channel-block) programs' tiles hold fewer than SPLIT_BELOW_KB
# of input per multiprocessor (one tile's loads are what a program has in flight; with more, one
# pass streams at 1.0-1.6x the floor and a split only adds its second read), then into enough
# splits for the tile's programs per SM, of at least MIN_SPLIT_LEN steps and at most MAX_SPLITS
# (each program folds its predecessors' aggregates one by one).
SPLIT_BELOW_KB = 24
# Tiles (the fused kernels: rows) of time each program's loop keeps in flight, per (family, input
# element size): the stages of the loop's software pipeline (``tl.range(num_stages=...)``: the next
# tiles' loads are copied into shared memory ahead of use, costing no registers). For the plain
# scans' unsplit loops and the fused one-row passes (and their fold of the aggregates); measured on
# an H200 with the programs per SM of TILES (NOTES.md, "The fused passes' software pipeline").
LOOP_STAGES = {("complex", 2): 3, ("complex", 4): 3, ("hgru", 2): 8, ("hgru", 4): 6}
LOADED = {"complex": 4, "hgru": 3}  # input values read per (time step, channel)
MIN_SPLIT_LEN = {"real": 64, "complex": 64, "hgru": 16}
MAX_SPLITS = 256
INTERPRET_TILE = (16, 16)  # at most BT rows, BD channels in the interpreter
# The real scans' unsplit loops (real.py): one program per (sequence, block of BD channels) walking
# all of time in tiles of R steps x warps x lanes groups (lanes: rows of time per warp, as in
# ``_chunk_plan``), STAGES - 1 tiles' loads in flight through the loop's software pipeline. Per
# (input element size, backward): tiles (R, warps, BD, STAGES), each taken from this many (sequence,
# channel) pairs (counted per 132 multiprocessors) on. With fewer pairs than the first entry's,
# time is split into look-back chunks where it is long enough (CHUNK_TILES; at least 4 chunks of
# MIN_SPLIT_LEN). Measured on an H200 against the chunks and each other at 13 bf16 and 6 fp32
# shapes of 4,096-131,072 pairs (NOTES.md, session 25): narrow blocks, so a few hundred programs
# each with 16-48 KB of loads in flight; bf16 (8, 4096, 2048) forward 1.26x -> 1.10x the floor
# (bench_scan.py), forward + backward 1.26x -> 1.10x.
LOOP_TILES = {(2, False): ((8192, (4, 4, 64, 4)), (12288, (8, 1, 32, 4)), (16384, (4, 4, 64, 3)),
                          (32768, (8, 2, 128, 3))),
              (2, True): ((8192, (4, 4, 64, 4)), (12288, (4, 1, 32, 4)), (16384, (4, 2, 64, 3)),
                          (32768, (4, 2, 128, 3))),
              (4, False): ((8192, (4, 4, 32, 3)), (16384, (2, 4, 32, 3)), (32768, (4, 2, 64, 3))),
              (4, True): ((4096, (4, 4, 32, 3)), (8192, (4, 2, 32, 3)), (16384, (4, 2, 64, 3)))}
# The plain scans (real.py, complex.py) split time into chunks of one tile each, passing carries
# by look-back: (R steps per thread, NW warps, BD channels) per (family, input element size); a
# chunk is R * NW * lanes steps (lanes: rows of time per warp, 1 for rows of 512 bytes, see
# ``_chunk_plan``). Measured by sweep_tiles.py (NOTES.md, chunks). The fused HGRU kernels
# split time in two levels, except the forward where chunks measured faster (``plan_fused_fwd``).
CHUNK_TILES = {("real", 2): (16, 4, 256), ("real", 4): (16, 4, 128), ("complex", 2): (16, 4, 128),
               ("complex", 4): (16, 4, 64), ("hgru", 2): (16, 4, 128), ("hgru", 4): (16, 4, 64)}
# With few chains side by side, narrower channel blocks: rows of 128 (256) bytes, so each warp's
# 16-byte loads span 4 (2) rows of time (``lanes`` in _chunk_plan), 4 (2) times as many chains,
# each with fewer chunks in flight to look back over. (tile, used below this many chains as counted
# at CHUNK_TILES' channel block) per (family, input element size, backward); measured on an H200
# against the tiles of the time (NOTES.md, session 24): real bf16 1 chain forward 2.33x -> 2.01x,
# backward 1.95x -> 1.78x; the other keys keep CHUNK_TILES.
FEW_CHAIN_TILES = {("real", 2, False): ((16, 4, 64), 32), ("real", 2, True): ((16, 2, 64), 32),
                   ("real", 4, False): ((16, 4, 32), 64), ("real", 4, True): ((16, 2, 32), 32),
                   ("complex", 2, False): ((16, 4, 32), 8), ("complex", 2, True): ((16, 4, 64), 16)}
INTERPRET_CHUNK = (2, 2, 16)
# predecessors' statuses read at once per look-back turn: 4 measured fastest with CHUNK_TILES (8 and
# 16 slower; 2 up to 7% slower for real bf16 with many chains), 2 with FEW_CHAIN_TILES (0-4% faster
# than 4: NOTES.md, session 24)
LOOKBACK_WINDOW = 4
FEW_CHAIN_WINDOW = 2

# Tests set this to force the time-split paths on small inputs; sweeps set FORCE_SPLITS and
# FORCE_CHUNK (look-back chunks of this length, split or not by the rule). For the chunked scans
# both give the chunk length: the largest power of two at most this long.
FORCE_SPLIT_LEN: int | None = None
FORCE_SPLITS: int | None = None
FORCE_CHUNK: int | None = None


def cdiv(a: int, b: int) -> int:
    """ceil(a / b) in plain Python (``triton.cdiv`` called from Python costs ~5 us per call)."""
    return -(-a // b)


def tile(family: str, dtype: torch.dtype) -> tuple[dict, int, float, int]:
    """Launch arguments (BT, BD, num_warps, STAGES) of ``family``'s kernels for inputs of ``dtype``,
    the programs per SM that time splitting aims at, the KB of input one tile loads and the
    shortest time split."""
    bt, bd, w, per_sm = TILES[family, dtype.itemsize]
    if family == "hgru" and bt != 1:
        raise ValueError(f"the fused HGRU kernels step one time row per turn: their tile needs BT = 1, got {bt}")
    if INTERPRET:
        bt, bd = min(bt, INTERPRET_TILE[0]), INTERPRET_TILE[1]
    kb = bt * bd * dtype.itemsize * LOADED[family] / 1024
    return (dict(BT=bt, BD=bd, num_warps=w, num_stages=1, STAGES=LOOP_STAGES[family, dtype.itemsize]), per_sm, kb,
            MIN_SPLIT_LEN[family])


@functools.lru_cache(maxsize=None)
def _sm_count(index: int) -> int:
    return torch.cuda.get_device_properties(index).multi_processor_count


def split_plan(n_rows: int, T: int, D: int, launch: tuple, device: torch.device, varlen: bool) -> tuple[int, int]:
    """(number of time splits, split length) for ``launch`` = ``tile(...)``. One split unless the
    (row, channel-block) grid holds too little in flight (SPLIT_BELOW_KB): then time is cut into enough
    splits scanned in two passes (the first writes each split's aggregate, the second folds the
    aggregates of the splits before it, then scans). The first pass re-reads the inputs."""
    if varlen:
        return 1, T
    forced = _forced_split(T)
    if forced is not None:
        return forced
    if device.type != "cuda":
        return 1, T
    args, per_sm, kb, min_len = launch
    return plan_splits(n_rows * cdiv(D, args["BD"]), T, per_sm, kb, _sms(device), min_len)


def _forced_split(T: int) -> tuple[int, int] | None:
    """The (number of splits, split length) that FORCE_SPLIT_LEN or FORCE_SPLITS set, else None."""
    if FORCE_SPLIT_LEN is not None:
        return cdiv(T, FORCE_SPLIT_LEN), FORCE_SPLIT_LEN
    if FORCE_SPLITS is not None:
        L = cdiv(T, FORCE_SPLITS)
        return cdiv(T, L), L
    return None


def _sms(device: torch.device) -> int:
    return _sm_count(device.index if device.index is not None else torch.cuda.current_device())


def plan_splits(programs: int, T: int, per_sm: int, tile_kb: float, sms: int, min_len: int) -> tuple[int, int]:
    """split_plan's rule for ``programs`` (row, channel-block) programs whose tiles load
    ``tile_kb`` each, on ``sms`` multiprocessors, splitting to ``per_sm`` programs per multiprocessor
    in splits of at least ``min_len`` steps (a multiple of it)."""
    if programs * tile_kb >= SPLIT_BELOW_KB * sms:
        return 1, T
    want = min(per_sm * sms // programs, T // min_len, MAX_SPLITS)  # one wave: at most per_sm programs per SM
    # two or three splits lost to none wherever measured (NOTES.md): the second read costs more
    if want < 4:
        return 1, T
    L = cdiv(cdiv(T, want), min_len) * min_len
    return cdiv(T, L), L


def plan(family: str, dtype: torch.dtype, n_rows: int, T: int, D: int, device: torch.device,
         varlen: bool) -> tuple[int, int, dict]:
    """(number of time splits, split length, launch arguments) of the fused HGRU kernels, which
    split time in two levels."""
    launch = tile(family, dtype)
    n, L = split_plan(n_rows, T, D, launch, device, varlen)
    return n, L, launch[0]


def launch_chunks(kernel, args: tuple, planes: int, n_split: int, tile: dict, rows: int, T: int, D: int,
                  device: torch.device, **flags) -> None:
    """Launch a plain scan's chunk kernel (real.py, complex.py): one program per (chunk, chain) on a
    1-D grid, with records [planes, chunk, row, D] float32 (A, B, inclusive state; for complex
    states each as re, im) and a zeroed status word per program appended to ``args``."""
    programs = n_split * rows * cdiv(D, tile["BD"])
    rec = torch.empty(planes, n_split, rows, D, device=device, dtype=torch.float32)
    flag = torch.zeros(programs, device=device, dtype=torch.int32)
    kernel[(programs,)](*args, rec, flag, T=T, D=D, NSPLIT=n_split, s_rec=n_split * rows * D, **flags, **tile)


def plan_fused_fwd(dtype: torch.dtype, n_rows: int, T: int, D: int, device: torch.device,
                   varlen: bool) -> tuple[int, dict | None, tuple[int, int, dict]]:
    """(number of time chunks, launch arguments, the two-level plan ``plan``) of the fused HGRU
    forward: its look-back chunks, or (1, None, ...) for the two-level split. Where ``plan`` splits,
    chunks measured faster on an H200 for 4-byte inputs (fp32 (8, 4096, 1024): 0.235 ms against
    0.268, (16, 1024, 1024): 0.121 against 0.139) and where the split count reaches MAX_SPLITS
    (few long chains: bf16 (1, 65536, 256) 0.125 against 0.133 ms); for 2-byte inputs elsewhere
    11-22% slower ((8, 4096, 1024) 0.190 against 0.158 ms, (2, 32768, 512) 0.210 against 0.173).
    NOTES.md: "The fused forward in look-back chunks", "The fused passes' software pipeline"."""
    two_level = plan("hgru", dtype, n_rows, T, D, device, varlen)
    n = two_level[0]
    if FORCE_CHUNK is None and (n == 1 or (dtype.itemsize < 4 and n < MAX_SPLITS)):
        return 1, None, two_level
    return (*_chunk_plan("hgru", dtype, n > 1, two_level[2], n_rows, T, D, varlen, False), two_level)


def grid(n_d: int, BD: int, n_rows: int, n_split: int):
    return (cdiv(n_d, BD), n_rows, n_split)


def plan_chunks(family: str, dtype: torch.dtype, n_rows: int, T: int, D: int, device: torch.device,
                varlen: bool, backward: bool = False) -> tuple[int, dict]:
    """(number of time chunks, launch arguments) of the plain scans: one program per (row, channel
    block) over all of time (real: ``_loop_plan``; complex: ``tile``) unless time is split (real: too
    few (row, channel) pairs for LOOP_TILES; complex: ``split_plan``), then chunks of one
    [R * NW * lanes, BD] tile each (``CHUNK_TILES``; ``FEW_CHAIN_TILES`` with few chains) passing
    carries by look-back over windows of W chunks; the launch's ``NW`` is the tile's groups of R
    consecutive steps (NW warps x lanes rows of time each)."""
    if family == "real":
        tiles = LOOP_TILES[dtype.itemsize, backward]
        pairs = n_rows * D * 132 / (_sms(device) if device.type == "cuda" else 132)  # per 132 SMs
        forced = _forced_split(T)
        if forced is not None:
            split = forced[0] > 1
        else:
            split = device.type == "cuda" and T >= 4 * MIN_SPLIT_LEN["real"] and pairs < tiles[0][0]
        return _chunk_plan(family, dtype, split, _loop_plan(dtype, tiles, pairs), n_rows, T, D, varlen, backward)
    launch = tile(family, dtype)
    n, _ = split_plan(n_rows, T, D, launch, device, varlen)
    return _chunk_plan(family, dtype, n > 1, launch[0], n_rows, T, D, varlen, backward)


def _lanes(family: str, dtype: torch.dtype, BD: int) -> int:
    """Rows of time a warp's 512 bytes of 16-byte loads span in a tile row of BD channels (pairs for
    "complex"); 1 in the interpreter and for the fused kernels."""
    if INTERPRET or family == "hgru":
        return 1
    return max(1, 512 // (BD * dtype.itemsize * (2 if family == "complex" else 1)))


def _loop_plan(dtype: torch.dtype, tiles: tuple, pairs: float) -> dict:
    """Launch arguments (R, NW groups, BD, STAGES, num_warps) of the real scans' unsplit loops: the
    tile of the last of ``tiles`` (LOOP_TILES' entries) whose pair count ``pairs`` reaches (the
    first's below all: sequences too short, or packed, to split)."""
    if INTERPRET:
        R, NW, BD = INTERPRET_CHUNK
        return dict(R=R, NW=NW, BD=BD, STAGES=1, num_warps=NW, num_stages=1)
    R, warps, BD, stages = [t for lo, t in tiles if pairs >= lo][-1] if pairs >= tiles[0][0] else tiles[0][1]
    return dict(R=R, NW=warps * _lanes("real", dtype, BD), BD=BD, STAGES=stages, num_warps=warps, num_stages=1)


def _chunk_plan(family: str, dtype: torch.dtype, split: bool, unsplit: dict, n_rows: int, T: int, D: int,
                varlen: bool, backward: bool) -> tuple[int, dict]:
    """``plan_chunks`` given whether time is split (``unsplit``: the unsplit launch)."""
    force = FORCE_CHUNK or FORCE_SPLIT_LEN
    if varlen or (not split and force is None):
        return 1, unsplit
    key = (family, dtype.itemsize)
    R, NW, BD = INTERPRET_CHUNK if INTERPRET else CHUNK_TILES[key]
    W = LOOKBACK_WINDOW
    if not INTERPRET:
        chains = n_rows * cdiv(D, BD)
        few = FEW_CHAIN_TILES.get((*key, backward))
        if few is not None and chains < few[1]:
            (R, NW, BD), W = few[0], FEW_CHAIN_WINDOW
    # a tile row narrower than a warp's 512 bytes of 16-byte loads spreads each warp over several
    # rows of time (lane rows): the tile's groups of consecutive steps are then NW x lanes
    G = NW * _lanes(family, dtype, BD)
    if force is not None:
        L = 1 << (force.bit_length() - 1)
        G = min(G, L)
        R = L // G
    while R > 1 and R * G >= T:  # at least two chunks
        R //= 2
    return cdiv(T, R * G), dict(R=R, NW=G, BD=BD, W=W, num_warps=min(NW, G), num_stages=1)

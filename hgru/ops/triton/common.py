# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Launch settings shared by the Triton kernels: tile configs, time splitting, the interpreter."""
from __future__ import annotations

import functools
import os

import torch
import triton

INTERPRET = os.environ.get("TRITON_INTERPRET") == "1"
# The kernels launch GPU_TILES[0]; HGRU_AUTOTUNE=1 autotunes over GPU_TILES instead. Off by default:
# the tiles differ by a few percent (NOTES.md) while autotuning compiles every tile of every kernel
# variant on first use, over a minute of a training run's start (measured on an H200).
AUTOTUNE = os.environ.get("HGRU_AUTOTUNE", "0") == "1"

# Tiles tried by the autotuner on a GPU: (BT rows of time, BD channels, warps, pipeline stages):
# the best five of the sweep in benchmarks/NOTES.md. The interpreter uses one small tile instead.
GPU_TILES = [(16, 64, 2, 1), (16, 16, 1, 1), (8, 64, 2, 1), (64, 64, 4, 1), (8, 128, 4, 1)]
# Time is split only when rows x channel blocks give fewer than SPLIT_BELOW programs per
# multiprocessor, and then into enough splits for PROGRAMS_PER_SM. Measured on an H200 (NOTES.md,
# real bf16): at 3.9 programs/SM (32, 1024, 1024) not splitting is 1.5x faster than 4 splits; at
# 1.9/SM (8, 4096, 2048) 16 splits beat none by 17%, 2 splits lose to none everywhere; at 4
# programs in all (1, 65536, 256) 256 splits are 56x faster than none.
SPLIT_BELOW = 3
PROGRAMS_PER_SM = 32
INTERPRET_TILE = (16, 16)

# Tests set this to force the two-level (time-split) path on small inputs.
FORCE_SPLIT_LEN: int | None = None


def configs():
    return [triton.Config({"BT": bt, "BD": bd}, num_warps=w, num_stages=s) for bt, bd, w, s in GPU_TILES]


def tuned(kernel, key):
    """The kernel autotuned over GPU_TILES, or plain (tile passed by ``tile_args``)."""
    return triton.autotune(configs=configs(), key=key)(kernel) if AUTOTUNE and not INTERPRET else kernel


def tile_args():
    """Launch arguments for a plain kernel: one small tile in the interpreter, GPU_TILES[0] else."""
    if INTERPRET:
        return dict(zip(("BT", "BD"), INTERPRET_TILE))
    if not AUTOTUNE:
        bt, bd, w, s = GPU_TILES[0]
        return dict(BT=bt, BD=bd, num_warps=w, num_stages=s)
    return {}


@functools.lru_cache(maxsize=None)
def _sm_count(index: int) -> int:
    return torch.cuda.get_device_properties(index).multi_processor_count


def split_plan(n_rows: int, T: int, D: int, device: torch.device, varlen: bool) -> tuple[int, int]:
    """(number of time splits, split length). One split unless the (row, channel-block) grid has
    fewer than SPLIT_BELOW programs per multiprocessor: then time is cut into enough
    splits scanned in two passes (the first writes each split's aggregate, the second folds the
    aggregates of the splits before it, then scans). The first pass re-reads the inputs."""
    if varlen:
        return 1, T
    if FORCE_SPLIT_LEN is not None:
        L = FORCE_SPLIT_LEN
        return triton.cdiv(T, L), L
    if device.type != "cuda":
        return 1, T
    return plan_splits(n_rows * triton.cdiv(D, 64), T,
                       _sm_count(device.index if device.index is not None else torch.cuda.current_device()))


def plan_splits(programs: int, T: int, sms: int) -> tuple[int, int]:
    """split_plan's rule for ``programs`` (row, channel-block) programs on ``sms`` multiprocessors."""
    if programs >= SPLIT_BELOW * sms:
        return 1, T
    want = min(triton.cdiv(PROGRAMS_PER_SM * sms, programs), T // 256)
    if want <= 1:
        return 1, T
    L = triton.cdiv(triton.cdiv(T, want), 64) * 64
    return triton.cdiv(T, L), L


def grid(n_d: int, n_rows: int, n_split: int):
    return lambda meta: (triton.cdiv(n_d, meta["BD"]), n_rows, n_split)

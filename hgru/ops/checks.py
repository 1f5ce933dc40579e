# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Input validation, backend choice and the eager/compiled dispatch shared by the public ops.

Shape, dtype and device checks always run. Checks that must read tensor values (NaN gates, a
lower bound outside [0, 1), packed-sequence offsets) need a device synchronisation on a GPU, so
they follow ``HGRU_VALUE_CHECKS``: ``cpu`` (default: CPU tensors only), ``all``, or ``none``.
Offsets in ``cu_seqlens`` are always checked, since wrong ones would read out of bounds.
"""
from __future__ import annotations

import importlib
import os

import torch

FLOATS = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
TRITON_FLOATS = (torch.float16, torch.bfloat16, torch.float32)
BACKENDS = ("auto", "triton", "torch")

try:
    import triton  # noqa: F401  (only whether it imports)
    TRITON_IMPORT_ERROR = None
except Exception as err:  # pragma: no cover - depends on the platform
    TRITON_IMPORT_ERROR = err


def _compiling() -> bool:
    return torch.compiler.is_compiling()


def value_checks_on(t: torch.Tensor) -> bool:
    mode = os.environ.get("HGRU_VALUE_CHECKS", "cpu")
    if mode not in ("cpu", "all", "none"):
        raise ValueError(f"HGRU_VALUE_CHECKS must be 'cpu', 'all' or 'none', got {mode!r}")
    if _compiling() or mode == "none":
        return False
    return mode == "all" or t.device.type == "cpu"


def triton_kernels(name: str):
    """The Triton kernel module ``hgru.ops.triton.<name>``, imported on first use."""
    return importlib.import_module(f"hgru.ops.triton.{name}")


def resolve_backend(backend: str, t: torch.Tensor) -> str:
    """'auto' -> Triton for CUDA tensors, PyTorch otherwise; 'triton' is checked to be runnable."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend == "torch" or (backend == "auto" and t.device.type != "cuda"):
        return "torch"
    if TRITON_IMPORT_ERROR is not None:
        raise RuntimeError(
            f"the Triton kernels need the 'triton' package, which failed to import ({TRITON_IMPORT_ERROR}); "
            "install it (pip install triton, Linux x86_64) or pass backend='torch' for the PyTorch path")
    if t.dtype == torch.float64:
        raise TypeError("the Triton kernels take float16, bfloat16 or float32 inputs; use backend='torch' for float64")
    if t.device.type == "cuda":
        return "triton"
    if t.device.type == "cpu" and triton_kernels("common").INTERPRET:
        return "triton"
    raise RuntimeError(
        f"backend='triton' cannot run on {t.device.type} tensors: the kernels need a CUDA GPU. To run them on "
        "the CPU through the Triton interpreter (slow, for tests) set TRITON_INTERPRET=1 before hgru's kernels "
        "are first used; otherwise pass backend='torch'")


def check_float(name: str, t: torch.Tensor, dtypes=FLOATS) -> None:
    if not torch.is_tensor(t):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if t.dtype not in dtypes:
        raise TypeError(f"{name} must have dtype in {[str(d) for d in dtypes]}, got {t.dtype}")


def check_same(names: str, *ts: torch.Tensor, shape=True) -> None:
    ref = ts[0]
    for t in ts[1:]:
        if shape and t.shape != ref.shape:
            raise ValueError(f"{names} must have the same shape, got {tuple(ref.shape)} and {tuple(t.shape)}")
        if t.dtype != ref.dtype:
            raise TypeError(f"{names} must have the same dtype, got {ref.dtype} and {t.dtype}")
        if t.device != ref.device:
            raise ValueError(f"{names} must be on the same device, got {ref.device} and {t.device}")


def check_nonempty(shape, what: str) -> None:
    if any(s == 0 for s in shape):
        raise ValueError(f"{what} is empty (shape {tuple(shape)}): every batch, time and channel size must be >= 1")


def check_finite(name: str, t: torch.Tensor) -> None:
    if value_checks_on(t) and not bool(torch.isfinite(t).all()):
        bad = (~torch.isfinite(t)).nonzero()[0].tolist()
        raise ValueError(f"{name} contains NaN or inf (first at index {bad}); the recurrence would spread it")


def check_cu_seqlens(cu_seqlens, B: int, T: int, device) -> int:
    """Validates packed-sequence offsets; returns the number of sequences N."""
    if cu_seqlens is None:
        return B
    if not torch.is_tensor(cu_seqlens) or cu_seqlens.dim() != 1 or cu_seqlens.dtype not in (torch.int32, torch.int64):
        raise TypeError("cu_seqlens must be a 1-D int32/int64 tensor of offsets [0, len_0, len_0 + len_1, ..., T]")
    if B != 1:
        raise ValueError(f"with cu_seqlens the sequences are packed along time: the batch size must be 1, got {B}")
    if cu_seqlens.numel() < 2:
        raise ValueError("cu_seqlens needs at least two offsets (one sequence)")
    if cu_seqlens.device != device:
        raise ValueError(f"cu_seqlens must be on the inputs' device {device}, got {cu_seqlens.device}")
    if not _compiling():
        cu = cu_seqlens.tolist()
        if cu[0] != 0 or cu[-1] != T:
            raise ValueError(f"cu_seqlens must start at 0 and end at T={T}, got {cu[0]} ... {cu[-1]}")
        lengths = [b - a for a, b in zip(cu[:-1], cu[1:])]
        if min(lengths) <= 0:
            raise ValueError(f"cu_seqlens holds an empty or negative-length sequence (lengths {lengths})")
    return cu_seqlens.numel() - 1


def check_state(name: str, t, shape, device) -> None:
    if t is None:
        return
    check_float(name, t)
    if tuple(t.shape) != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {tuple(t.shape)}")
    if t.device != device:
        raise ValueError(f"{name} must be on device {device}, got {t.device}")


def state_dtype(dtype: torch.dtype) -> torch.dtype:
    return torch.float64 if dtype == torch.float64 else torch.float32


def lower_bound(lower_bound, D: int, ref: torch.Tensor) -> torch.Tensor:
    """A float or tensor lower bound, checked to lie in [0, 1), as a [D] tensor (floats become
    float32, or float64 beside float64 data)."""
    if isinstance(lower_bound, (int, float)):
        if not 0 <= lower_bound < 1:
            raise ValueError(f"lower_bound must lie in [0, 1), got {lower_bound}")
        return torch.full((D,), float(lower_bound), device=ref.device, dtype=state_dtype(ref.dtype))
    check_float("lower_bound", lower_bound)
    if lower_bound.numel() not in (1, D):
        raise ValueError(f"lower_bound must be a float, a 1-element tensor or have D={D} elements, "
                         f"got shape {tuple(lower_bound.shape)}")
    if lower_bound.device != ref.device:
        raise ValueError(f"lower_bound must be on device {ref.device}, got {lower_bound.device}")
    if value_checks_on(lower_bound) and not bool(((lower_bound >= 0) & (lower_bound < 1)).all()):
        raise ValueError(f"lower_bound must lie in [0, 1), got values in [{lower_bound.min().item():.4g}, "
                         f"{lower_bound.max().item():.4g}]")
    return lower_bound.reshape(-1).expand(D)


def eager_function(name: str, impl, setup, backward):
    """A ``torch.autograd.Function`` running a custom op's implementation, ``setup_context`` and
    backward directly: the eager path of the public ops. A custom op's dispatch costs about 60 us
    per call on the CPU (twice that forward + backward), paid on every layer of every step;
    ``torch.compile`` still sees the custom op (``custom_or_eager``). Gradients of unused outputs
    arrive as None, as in the custom op. ``ctx.eager`` tells ``backward`` to call the backward's
    implementation rather than its custom op (which a compiled backward must trace)."""
    def forward(ctx, *inputs):
        ctx.set_materialize_grads(False)
        ctx.eager = True
        out = impl(*inputs)
        setup(ctx, inputs, out)
        return out
    return type(name, (torch.autograd.Function,), {"forward": staticmethod(forward),
                                                   "backward": staticmethod(backward)})


def custom_or_eager(op, eager):
    """``op`` (a custom op) while torch.compile traces, else the eager Function's ``apply``."""
    return op if _compiling() else eager.apply

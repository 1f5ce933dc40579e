# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The gated linear recurrence h_t = g_t * h_{t-1} + x_t, real and complex.

Both public functions check their inputs, pick a backend (Triton kernels for CUDA tensors, the
vectorised PyTorch path of ``cpu.py`` otherwise) and call one ``torch.library`` custom op with a
registered autograd, so ``torch.compile`` traces through them without a graph break.
"""
from typing import Optional, Tuple

import torch
from torch import Tensor

from . import checks, cpu

__all__ = ["real_scan", "complex_scan"]


def _impl(backend: str, is_complex: bool):
    if backend == "torch":
        return cpu, (is_complex,)
    return checks.triton_kernels("complex" if is_complex else "real"), ()


def _fwd_impl(x, g, h0, cu_seqlens, reverse, is_complex, backend):
    mod, extra = _impl(backend, is_complex)
    return mod.scan_fwd(x, g, h0, cu_seqlens, reverse, *extra)


def _bwd_impl(g, o, do, dht, h0, cu_seqlens, reverse, is_complex, backend):
    mod, extra = _impl(backend, is_complex)
    return mod.scan_bwd(g, o, do, dht, h0, cu_seqlens, reverse, *extra)


@torch.library.custom_op("hgru::scan_fwd", mutates_args=())
def _scan_fwd(x: Tensor, g: Tensor, h0: Optional[Tensor], cu_seqlens: Optional[Tensor], reverse: bool,
              is_complex: bool, backend: str) -> Tuple[Tensor, Tensor]:
    return _fwd_impl(x, g, h0, cu_seqlens, reverse, is_complex, backend)


@_scan_fwd.register_fake
def _(x, g, h0, cu_seqlens, reverse, is_complex, backend):
    rows = x.shape[0] if cu_seqlens is None else cu_seqlens.shape[0] - 1
    state = (rows, x.shape[2], 2) if is_complex else (rows, x.shape[2])
    return torch.empty_like(x), x.new_empty(state, dtype=checks.state_dtype(x.dtype))


@torch.library.custom_op("hgru::scan_bwd", mutates_args=())
def _scan_bwd(g: Tensor, o: Tensor, do: Tensor, dht: Optional[Tensor], h0: Optional[Tensor],
              cu_seqlens: Optional[Tensor], reverse: bool, is_complex: bool,
              backend: str) -> Tuple[Tensor, Tensor, Tensor]:
    return _bwd_impl(g, o, do, dht, h0, cu_seqlens, reverse, is_complex, backend)


@_scan_bwd.register_fake
def _(g, o, do, dht, h0, cu_seqlens, reverse, is_complex, backend):
    rows = g.shape[0] if cu_seqlens is None else cu_seqlens.shape[0] - 1
    state = (rows, g.shape[2], 2) if is_complex else (rows, g.shape[2])
    return torch.empty_like(g), torch.empty_like(g), g.new_empty(state, dtype=checks.state_dtype(g.dtype))


def _setup(ctx, inputs, output):
    x, g, h0, cu_seqlens, reverse, is_complex, backend = inputs
    ctx.save_for_backward(g, output[0], h0, cu_seqlens)
    ctx.opts = (reverse, is_complex, backend)


def _backward(ctx, do, dht):
    g, o, h0, cu_seqlens = ctx.saved_tensors
    do = torch.zeros_like(o) if do is None else do
    bwd = _bwd_impl if getattr(ctx, "eager", False) else _scan_bwd
    dx, dg, dh0 = bwd(g, o, do, dht, h0, cu_seqlens, *ctx.opts)
    return dx, dg, (None if h0 is None else dh0), None, None, None, None


torch.library.register_autograd("hgru::scan_fwd", _backward, setup_context=_setup)
_Eager = checks.eager_function("_ScanEager", _fwd_impl, _setup, _backward)


def _run(x, g, initial_state, output_final_state, reverse, cu_seqlens, backend, is_complex, name):
    """Checks shared by both scans (``x``/``g`` already in the real [B, T, D(, 2)] form)."""
    checks.check_float("x", x)
    checks.check_same("x and g", x, g)
    want = 4 if is_complex else 3
    if x.dim() != want:
        layout = "[B, T, D] complex, or [B, T, D, 2] real (real, imag)" if is_complex else "[B, T, D]"
        raise ValueError(f"{name} takes x and g of shape {layout}, got {tuple(x.shape)}")
    checks.check_nonempty(x.shape, "the input")
    B, T, D = x.shape[:3]
    be = checks.resolve_backend(backend, x)
    N = checks.check_cu_seqlens(cu_seqlens, B, T, x.device)
    checks.check_finite("g", g)
    checks.check_finite("x", x)
    h0 = initial_state
    if h0 is not None:
        checks.check_state("initial_state", h0, (N, D, 2) if is_complex else (N, D), x.device)
        h0 = h0.to(checks.state_dtype(x.dtype))
    o, ht = checks.custom_or_eager(_scan_fwd, _Eager)(x, g, h0, cu_seqlens, reverse, is_complex, be)
    return o, (ht if output_final_state else None)


def real_scan(x: Tensor, g: Tensor, initial_state: Optional[Tensor] = None, output_final_state: bool = False,
              reverse: bool = False, cu_seqlens: Optional[Tensor] = None,
              backend: str = "auto") -> Tuple[Tensor, Optional[Tensor]]:
    """Real gated linear recurrence ``h_t = g_t * h_{t-1} + x_t``, elementwise over channels.

    Args:
        x: input ``[B, T, D]``, float16 / bfloat16 / float32 (float64 on the PyTorch backend).
        g: gate ``[B, T, D]``, same dtype and device as ``x``.
        initial_state: ``h_0`` of shape ``[N, D]`` (``N = B``, or the number of packed sequences);
            any float dtype, used in float32. Zero when omitted.
        output_final_state: also return the state after the last step.
        reverse: run from the last step to the first (``h_t = g_t * h_{t+1} + x_t``), as the
            backward half of the bidirectional layers; ``initial_state`` then enters at the end.
        cu_seqlens: packed variable-length sequences: ``x`` is ``[1, total, D]`` and
            ``cu_seqlens`` the int32/int64 offsets ``[0, l_0, l_0 + l_1, ..., total]``; each
            sequence starts from its own state (row of ``initial_state``, or zero).
        backend: ``"auto"`` (Triton for CUDA tensors, else PyTorch), ``"triton"`` or ``"torch"``.

    Returns:
        ``(o, final_state)``: ``o`` ``[B, T, D]`` in the dtype of ``x``; ``final_state``
        ``[N, D]`` float32 (float64 for float64 inputs), or ``None`` unless requested.
        The state is carried in float32 whatever the input dtype.

    Raises:
        ValueError: mismatched shapes, an empty input, bad ``cu_seqlens``, NaN/inf gates or
            inputs (see :mod:`hgru.ops.checks` for when values are checked).
        TypeError: wrong or mismatched dtypes.
        RuntimeError: ``backend="triton"`` where the kernels cannot run, and why.

    Example:
        >>> x, g = torch.randn(2, 63, 50), torch.rand(2, 63, 50)
        >>> o, h = real_scan(x, g, output_final_state=True)
        >>> o.shape, h.shape
        (torch.Size([2, 63, 50]), torch.Size([2, 50]))
    """
    return _run(x, g, initial_state, output_final_state, reverse, cu_seqlens, backend, False, "real_scan")


def complex_scan(x: Tensor, g: Tensor, initial_state: Optional[Tensor] = None, output_final_state: bool = False,
                 reverse: bool = False, cu_seqlens: Optional[Tensor] = None,
                 backend: str = "auto") -> Tuple[Tensor, Optional[Tensor]]:
    """Complex gated linear recurrence ``h_t = g_t * h_{t-1} + x_t`` (complex products).

    Complex values are given in one of two forms, and the result comes back in the same form:

    * complex tensors ``[B, T, D]`` (complex64, or complex128 on the PyTorch backend), or
    * real tensors ``[B, T, D, 2]`` holding (real, imag) pairs, the ``torch.view_as_real``
      layout, in float16 / bfloat16 / float32 / float64: the only form for half precision.

    Args:
        x, g: input and gate, both in the same form, dtype and device.
        initial_state: ``[N, D]`` complex or ``[N, D, 2]`` real, matching the form of ``x``.
        output_final_state, reverse, cu_seqlens, backend: as in :func:`real_scan`.

    Returns:
        ``(o, final_state)``: ``o`` in the form and dtype of ``x``; the state in float32 pairs
        (complex64 when ``x`` is complex64; float64 / complex128 for double inputs).

    Example:
        >>> x = torch.randn(2, 63, 50, dtype=torch.complex64)
        >>> g = 0.9 * torch.exp(1j * torch.rand(2, 63, 50))
        >>> o, _ = complex_scan(x, g.to(torch.complex64))
        >>> o.dtype
        torch.complex64
    """
    as_complex = torch.is_tensor(x) and x.is_complex()
    if as_complex:
        if not (torch.is_tensor(g) and g.dtype == x.dtype):
            raise TypeError(f"x and g must have the same dtype, got {x.dtype} and {getattr(g, 'dtype', type(g))}")
        if x.dtype not in (torch.complex64, torch.complex128):
            raise TypeError(f"complex inputs must be complex64 or complex128, got {x.dtype}")
        x, g = torch.view_as_real(x), torch.view_as_real(g)
        if initial_state is not None:
            if not initial_state.is_complex():
                raise TypeError("initial_state must be complex when x is complex")
            initial_state = torch.view_as_real(initial_state)
    elif torch.is_tensor(x) and x.dim() >= 1 and x.shape[-1] != 2:
        raise ValueError(f"complex_scan takes complex [B, T, D] tensors or real [B, T, D, 2] pairs; "
                         f"got a real tensor of shape {tuple(x.shape)} whose last dimension is not 2")
    o, ht = _run(x, g, initial_state, output_final_state, reverse, cu_seqlens, backend, True, "complex_scan")
    if as_complex:
        o = torch.view_as_complex(o)
        ht = None if ht is None else torch.view_as_complex(ht)
    return o, ht

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The HGRU output gating, ``LayerNorm(h) * act(g)``, in one op; and the LayerNorm alone.

Every HGRU layer ends with ``out_proj(norm(h) * act(gate(x)))``. Composed from PyTorch ops
under autocast, the LayerNorm runs in float32 on a float32 copy of ``h``, the product is float32
and ``out_proj`` casts it back: 11 reads and writes of activation-sized tensors forward where one
kernel needs 3, and about twice as many backward. On
the Triton backend one kernel reads ``h`` and ``g`` and writes ``z`` (float32 arithmetic, ``z`` in
the dtype the next matmul reads), and one reads ``h``, ``g``, ``dz`` and writes ``dh``, ``dg``.

``layer_norm`` is the same kernels without the gate, for the models' pre-norms: PyTorch's
LayerNorm under autocast writes float32 that the next matmul casts again, and its weight and bias
gradients took 0.27 ms for (65536, 192) rows on an H200 (BENCHMARKS.md, image models).
"""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

from . import checks

__all__ = ["norm_gate", "layer_norm"]

ACTS = ("silu", "identity")


def _fwd_impl(h, g, weight, bias, eps, silu, out_dtype):
    return checks.triton_kernels("norm").norm_gate_fwd(h, g, weight, bias, eps, silu, out_dtype)


def _bwd_impl(h, g, weight, bias, stats, dz, silu):
    return checks.triton_kernels("norm").norm_gate_bwd(h, g, weight, bias, stats, dz, silu)


@torch.library.custom_op("hgru::norm_gate_fwd", mutates_args=())
def _fwd(h: Tensor, g: Optional[Tensor], weight: Optional[Tensor], bias: Optional[Tensor], eps: float, silu: bool,
         out_dtype: torch.dtype) -> Tuple[Tensor, Tensor]:
    return _fwd_impl(h, g, weight, bias, eps, silu, out_dtype)


@_fwd.register_fake
def _(h, g, weight, bias, eps, silu, out_dtype):
    return h.new_empty(h.shape, dtype=out_dtype), h.new_empty(2, h.numel() // h.shape[-1], dtype=torch.float32)


@torch.library.custom_op("hgru::norm_gate_bwd", mutates_args=())
def _bwd(h: Tensor, g: Optional[Tensor], weight: Optional[Tensor], bias: Optional[Tensor], stats: Tensor, dz: Tensor,
         silu: bool) -> Tuple[Tensor, Tensor, Tensor]:
    return _bwd_impl(h, g, weight, bias, stats, dz, silu)


@_bwd.register_fake
def _(h, g, weight, bias, stats, dz, silu):
    N = h.shape[-1]
    return torch.empty_like(h), h.new_empty(0) if g is None else torch.empty_like(g), h.new_empty(2, N, dtype=torch.float32)


def _setup(ctx, inputs, output):
    h, g, weight, bias, eps, silu, _ = inputs
    ctx.save_for_backward(h, g, weight, bias, output[1])
    ctx.silu = silu


def _backward(ctx, dz, dstats):
    h, g, weight, bias, stats = ctx.saved_tensors
    bwd = _bwd_impl if getattr(ctx, "eager", False) else _bwd
    dh, dg, (dw, db) = bwd(h, g, weight, bias, stats, dz, ctx.silu)
    dg = None if g is None else dg
    dw = None if weight is None else dw.to(weight.dtype)
    db = None if bias is None else db.to(bias.dtype)
    return dh, dg, dw, db, None, None, None


torch.library.register_autograd("hgru::norm_gate_fwd", _backward, setup_context=_setup)
_Eager = checks.eager_function("_NormGateEager", _fwd_impl, _setup, _backward)


def _composed(h, g, weight, bias, eps, silu, out_dtype):
    """The same math from PyTorch ops (any device, float64 included); g may be None."""
    wide = torch.float64 if torch.float64 in (h.dtype, getattr(g, "dtype", None)) else torch.float32
    w = None if weight is None else weight.to(wide)
    b = None if bias is None else bias.to(wide)
    z = F.layer_norm(h.to(wide), h.shape[-1:], w, b, eps)
    if g is not None:
        g = g.to(wide)
        z = z * (F.silu(g) if silu else g)
    return z.to(out_dtype)


def norm_gate(h: Tensor, g: Tensor, weight: Optional[Tensor] = None, bias: Optional[Tensor] = None,
              eps: float = 1e-5, act: str = "silu", out_dtype: Optional[torch.dtype] = None,
              backend: str = "auto") -> Tensor:
    """``LayerNorm(h) * act(g)`` over the last dimension, computed in float32.

    Args:
        h: hidden states ``[..., N]`` (float16 / bfloat16 / float32; float64 on torch).
        g: gate pre-activations of the same shape; its dtype may differ from ``h``'s.
        weight, bias: the LayerNorm's affine parameters ``[N]``, or None.
        eps: the LayerNorm's epsilon.
        act: ``"silu"`` (official) or ``"identity"``, applied to ``g``.
        out_dtype: dtype of the result; default: the promoted dtype of ``h`` and ``g``. Under
            autocast, pass the autocast dtype (what the following matmul would cast to).
        backend: ``"auto"``, ``"triton"`` or ``"torch"`` (see :func:`hgru.ops.real_scan`).

    Returns:
        ``z`` ``[..., N]`` in ``out_dtype``. Gradients flow to ``h``, ``g``, ``weight``, ``bias``.

    Example:
        >>> ln = torch.nn.LayerNorm(100)
        >>> z = norm_gate(torch.randn(4, 7, 100), torch.randn(4, 7, 100), ln.weight, ln.bias)
        >>> z.shape
        torch.Size([4, 7, 100])
    """
    if act not in ACTS:
        raise ValueError(f"act must be one of {ACTS}, got {act!r}")
    checks.check_float("h", h)
    checks.check_float("g", g)
    if h.shape != g.shape:
        raise ValueError(f"norm_gate takes h and g of one shape [..., N], got {tuple(h.shape)} and {tuple(g.shape)}")
    if g.device != h.device:
        raise ValueError(f"h and g must be on the same device, got {h.device} and {g.device}")
    out_dtype = torch.promote_types(h.dtype, g.dtype) if out_dtype is None else out_dtype
    return _run("h", h, g, weight, bias, eps, act == "silu", out_dtype, backend)


def layer_norm(x: Tensor, weight: Optional[Tensor] = None, bias: Optional[Tensor] = None, eps: float = 1e-5,
               out_dtype: Optional[torch.dtype] = None, backend: str = "auto") -> Tensor:
    """``LayerNorm(x)`` over the last dimension, computed in float32, written in ``out_dtype``.

    Args:
        x: ``[..., N]`` (float16 / bfloat16 / float32; float64 on torch).
        weight, bias: the affine parameters ``[N]``, or None.
        eps: epsilon.
        out_dtype: dtype of the result; default ``x``'s. Under autocast, pass the autocast dtype
            when a matmul reads the result (it would cast a float32 result again).
        backend: ``"auto"``, ``"triton"`` or ``"torch"`` (see :func:`hgru.ops.real_scan`).

    Returns:
        ``[..., N]`` in ``out_dtype``; gradients flow to ``x``, ``weight``, ``bias``.

    Example:
        >>> ln = torch.nn.LayerNorm(100)
        >>> layer_norm(torch.randn(4, 7, 100), ln.weight, ln.bias).shape
        torch.Size([4, 7, 100])
    """
    checks.check_float("x", x)
    return _run("x", x, None, weight, bias, eps, False, x.dtype if out_dtype is None else out_dtype, backend)


def _run(name, h, g, weight, bias, eps, silu, out_dtype, backend):
    """Checks shared by norm_gate and layer_norm (g None), then the Triton op or the composed one."""
    if h.dim() == 0:
        raise ValueError(f"{name} must have a channel dimension [..., N], got a 0-d tensor")
    checks.check_nonempty(h.shape, name)
    N = h.shape[-1]
    for pname, p in (("weight", weight), ("bias", bias)):
        if p is not None:
            checks.check_float(pname, p)
            if p.shape != (N,) or p.device != h.device:
                raise ValueError(f"{pname} must have shape ({N},) on {h.device}, got {tuple(p.shape)} on {p.device}")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps}")
    # the backend for h and g (one device): float64 in either is refused on Triton
    if checks.resolve_backend(backend, g if g is not None and g.dtype == torch.float64 else h) == "triton":
        if out_dtype not in checks.TRITON_FLOATS:
            raise TypeError(f"out_dtype must be one of {[str(d) for d in checks.TRITON_FLOATS]} on Triton, "
                            f"got {out_dtype}")
        return checks.custom_or_eager(_fwd, _Eager)(h, g, weight, bias, float(eps), silu, out_dtype)[0]
    return _composed(h, g, weight, bias, eps, silu, out_dtype)

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The HGRU token mixer's recurrence with its gating fused in: projections in, hidden states out.

On the Triton backend one kernel reads the input projection, the lambda logits, theta and the
lower bound, forms the gates in registers, scans and writes the hidden states; its backward
recomputes the gates rather than storing them. The PyTorch backend composes the same math from
PyTorch ops and :func:`hgru.ops.complex_scan`.
"""
from typing import Optional, Tuple, Union

import torch
import torch.nn.functional as F
from torch import Tensor

from . import checks
from .scan import _scan_fwd

__all__ = ["hgru_scan"]

ACTS = ("silu", "identity")


def _fwd_impl(c, f, theta, lb, h0, cu_seqlens, reverse, silu):
    return checks.triton_kernels("complex").hgru_fwd(c, f, theta, lb, h0, cu_seqlens, reverse, silu)


def _bwd_impl(c, f, theta, lb, h, dh, dht, h0, cu_seqlens, reverse, silu):
    return checks.triton_kernels("complex").hgru_bwd(c, f, theta, lb, h, dh, dht, h0, cu_seqlens, reverse, silu)


@torch.library.custom_op("hgru::hgru_scan_fwd", mutates_args=())
def _hgru_fwd(c: Tensor, f: Tensor, theta: Tensor, lb: Tensor, h0: Optional[Tensor],
              cu_seqlens: Optional[Tensor], reverse: bool, silu: bool) -> Tuple[Tensor, Tensor]:
    return _fwd_impl(c, f, theta, lb, h0, cu_seqlens, reverse, silu)


@_hgru_fwd.register_fake
def _(c, f, theta, lb, h0, cu_seqlens, reverse, silu):
    B, T, D = f.shape
    rows = B if cu_seqlens is None else cu_seqlens.shape[0] - 1
    return torch.empty_like(c), c.new_empty(rows, 2 * D, dtype=torch.float32)


@torch.library.custom_op("hgru::hgru_scan_bwd", mutates_args=())
def _hgru_bwd(c: Tensor, f: Tensor, theta: Tensor, lb: Tensor, h: Tensor, dh: Tensor, dht: Optional[Tensor],
              h0: Optional[Tensor], cu_seqlens: Optional[Tensor], reverse: bool,
              silu: bool) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    return _bwd_impl(c, f, theta, lb, h, dh, dht, h0, cu_seqlens, reverse, silu)


@_hgru_bwd.register_fake
def _(c, f, theta, lb, h, dh, dht, h0, cu_seqlens, reverse, silu):
    rows = f.shape[0] if cu_seqlens is None else cu_seqlens.shape[0] - 1
    return (torch.empty_like(c), torch.empty_like(f), torch.empty_like(theta), torch.empty_like(lb),
            c.new_empty(rows, 2 * f.shape[2], dtype=torch.float32))


def _setup(ctx, inputs, output):
    c, f, theta, lb, h0, cu_seqlens, reverse, silu = inputs
    ctx.save_for_backward(c, f, theta, lb, output[0], h0, cu_seqlens)
    ctx.opts = (reverse, silu)


def _backward(ctx, dh, dht):
    c, f, theta, lb, h, h0, cu_seqlens = ctx.saved_tensors
    dh = torch.zeros_like(h) if dh is None else dh
    bwd = _bwd_impl if getattr(ctx, "eager", False) else _hgru_bwd
    dc, df, dtheta, dlb, dh0 = bwd(c, f, theta, lb, h, dh, dht, h0, cu_seqlens, *ctx.opts)
    return dc, df, dtheta, dlb, (None if h0 is None else dh0), None, None, None


torch.library.register_autograd("hgru::hgru_scan_fwd", _backward, setup_context=_setup)
_Eager = checks.eager_function("_HgruScanEager", _fwd_impl, _setup, _backward)


def _composed(c, f, theta, lb, h0, cu_seqlens, reverse, silu):
    """The same math from PyTorch ops (any device, float64 included)."""
    B, T, D = f.shape
    wide = checks.state_dtype(c.dtype)
    cw, lam = c.to(wide), lb.to(wide) + (1 - lb.to(wide)) * torch.sigmoid(f.to(wide))
    if silu:
        cw = F.silu(cw)
    u = (1 - lam).unsqueeze(-1) * cw.unflatten(-1, (D, 2))
    th = theta.to(wide)
    gamma = torch.stack([lam * torch.cos(th), lam * torch.sin(th)], -1)
    h0 = None if h0 is None else h0.to(wide).unflatten(-1, (2, D)).transpose(-1, -2)
    o, ht = _scan_fwd(u, gamma, h0, cu_seqlens, reverse, True, "torch")
    return o.transpose(-1, -2).reshape(B, T, 2 * D).to(c.dtype), ht.transpose(-1, -2).reshape(-1, 2 * D)


def hgru_scan(c: Tensor, f: Tensor, theta: Tensor, lower_bound: Union[float, Tensor] = 0.0, act: str = "silu",
              initial_state: Optional[Tensor] = None, output_final_state: bool = False, reverse: bool = False,
              cu_seqlens: Optional[Tensor] = None, backend: str = "auto") -> Tuple[Tensor, Optional[Tensor]]:
    """HGRU gating + complex recurrence in one op (the core of ``Hgru1d``).

    Computes, per channel ``d`` and step ``t`` (paper eq. 3-5 with the official code's layout)::

        lam   = lb + (1 - lb) * sigmoid(f)            # lower-bounded forget gate
        u     = (1 - lam) * act(c_re + i c_im)          # input, c pairs interleaved in c's last dim
        h_t   = lam * exp(i theta) * h_{t-1} + u_t      # complex state, float32

    Args:
        c: input projection ``[B, T, 2D]`` (channel ``2d`` real part, ``2d + 1`` imaginary part).
        f: lambda logits ``[B, T, D]``, same dtype (float16/bfloat16/float32; float64 on torch).
        theta: rotation angles, ``D`` elements (the official parameter has shape ``(1, 1, D)``).
        lower_bound: float in ``[0, 1)``, or a tensor of 1 or ``D`` elements (differentiable).
        act: ``"silu"`` (official) or ``"identity"``: activation applied to ``c``.
        initial_state: ``[N, 2D]`` laid out like a row of the output; zero when omitted.
        output_final_state, reverse, cu_seqlens, backend: as in :func:`hgru.ops.real_scan`.

    Returns:
        ``(h, final_state)``: ``h`` ``[B, T, 2D]`` = ``cat[Re h, Im h]`` in the dtype of ``c``
        (what the HGRU LayerNorm reads); the state ``[N, 2D]`` float32, or ``None``.

    Example:
        >>> c, f, theta = torch.randn(2, 63, 100), torch.randn(2, 63, 50), torch.rand(50)
        >>> h, _ = hgru_scan(c, f, theta, lower_bound=0.5)
        >>> h.shape
        torch.Size([2, 63, 100])
    """
    checks.check_float("c", c)
    checks.check_same("c and f", c, f, shape=False)
    if c.dim() != 3 or f.dim() != 3 or c.shape[:2] != f.shape[:2] or c.shape[2] != 2 * f.shape[2]:
        raise ValueError(f"hgru_scan takes c [B, T, 2D] and f [B, T, D], got {tuple(c.shape)} and {tuple(f.shape)}")
    checks.check_nonempty(f.shape, "the input")
    B, T, D = f.shape
    if act not in ACTS:
        raise ValueError(f"act must be one of {ACTS}, got {act!r}")
    checks.check_float("theta", theta)
    if theta.numel() != D or theta.device != c.device:
        raise ValueError(f"theta must hold D={D} elements on {c.device}, got shape {tuple(theta.shape)} on {theta.device}")
    be = checks.resolve_backend(backend, c)
    N = checks.check_cu_seqlens(cu_seqlens, B, T, c.device)
    checks.check_finite("c", c)
    checks.check_finite("f", f)
    lb = checks.lower_bound(lower_bound, D, c)
    h0 = initial_state
    if h0 is not None:
        checks.check_state("initial_state", h0, (N, 2 * D), c.device)
        h0 = h0.to(checks.state_dtype(c.dtype))
    if be == "triton":
        fwd = checks.custom_or_eager(_hgru_fwd, _Eager)
        h, ht = fwd(c, f, theta.reshape(-1).float(), lb.float(), h0, cu_seqlens, reverse, act == "silu")
    else:
        h, ht = _composed(c, f, theta.reshape(-1), lb, h0, cu_seqlens, reverse, act == "silu")
    return h, (ht if output_final_state else None)

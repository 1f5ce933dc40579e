# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Small helpers shared by the layers: activations by name, input checks, the theta init, the
output gating."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..ops import norm_gate

ACTIVATIONS = {
    "silu": F.silu, "swish": F.silu, "relu": F.relu, "gelu": F.gelu, "elu": F.elu, "sigmoid": torch.sigmoid,
    "identity": lambda x: x, "none": lambda x: x, "None": lambda x: x,
}


def activation(name):
    """The activation called ``name`` (the official configs also use ``None``/``False`` for none)."""
    if name in (None, False):
        name = "none"
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose from {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def fused_act(name) -> str | None:
    """The activation as the fused kernel names it, or None when it must run outside the kernel."""
    if name in ("silu", "swish"):
        return "silu"
    return "identity" if name in (None, False, "identity", "none", "None") else None


def theta_init(embed_dim: int) -> torch.Tensor:
    """Official rotation init 10000^(-2i/d), shaped (1, 1, d) like the official parameter."""
    return (10000 ** (-2 / embed_dim * torch.arange(embed_dim))).reshape(1, 1, -1)


def use_two_rotations(layer: nn.Module, embed_dim: int) -> None:
    """Replace ``layer.theta`` by the official bidirectional pair ``theta_forward``, ``theta_reverse``."""
    del layer.theta
    layer.theta_forward = nn.Parameter(theta_init(embed_dim))
    layer.theta_reverse = nn.Parameter(theta_init(embed_dim))


def check_input(x: torch.Tensor, embed_dim: int, ndim: int, layout: str) -> None:
    if not torch.is_tensor(x) or not x.is_floating_point():
        raise TypeError(f"expected a floating-point tensor {layout}, got {getattr(x, 'dtype', type(x))}")
    if x.dim() != ndim or x.shape[-1] != embed_dim:
        raise ValueError(f"expected input {layout} with d={embed_dim}, got shape {tuple(x.shape)}")
    if x.numel() == 0:
        raise ValueError(f"the input is empty (shape {tuple(x.shape)}); every size must be >= 1")


def autocast_dtype(x: torch.Tensor) -> torch.dtype:
    """The dtype autocast computes ``x``'s matmuls in: the autocast dtype when autocast is on for
    its device (it leaves float64 alone), else ``x``'s."""
    dev = x.device.type
    if torch.is_autocast_enabled(dev) and x.dtype != torch.float64:
        return torch.get_autocast_dtype(dev)
    return x.dtype


def autocast_input(x: torch.Tensor) -> torch.Tensor:
    """``x`` in the autocast dtype when autocast is on for its device, else ``x``: cast once for a
    layer's three projections, each of which would otherwise cast it again (and, backward, cast
    its gradient back before autograd sums the three)."""
    return x.to(autocast_dtype(x))


def gated_out(layer: nn.Module, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """``out_proj(norm(h) * act(gate(x)))``, the end of every HGRU layer, the norm and gate in one op.

    The product comes out in the dtype ``out_proj`` computes in: the autocast dtype under
    autocast (where the composed version made float32 copies and cast back), else the gate's.
    """
    g, act = layer.gate(x), layer.kernel_act
    if act is None:
        g, act = layer.act(g), "identity"
    dev = x.device.type
    out = torch.get_autocast_dtype(dev) if torch.is_autocast_enabled(dev) else g.dtype
    z = norm_gate(h, g, layer.norm.weight, layer.norm.bias, layer.norm.eps, act, out, layer.backend)
    return layer.out_proj(z)

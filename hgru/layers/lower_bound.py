# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Layer-wise lower bounds on the forget gate: the "hierarchical" in HGRN (paper section 3.2)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def layer_lower_bounds(lower_bounds: torch.Tensor, mode: str = "lm") -> torch.Tensor:
    """``(L, d)`` bounds from the ``(L, d)`` parameter: see :class:`LowerBound` for the two modes."""
    p = F.softmax(lower_bounds.float(), dim=0)
    c = torch.cumsum(p, dim=0)
    return c - c[:1] if mode == "lm" else c - p


class LowerBound(nn.Module):
    """Learned, monotonically increasing lower bounds for the forget gates of ``num_layers`` layers.

    ``lower_bounds`` is a ``(num_layers, embed_dim)`` parameter initialised to ones (the official
    name and init). With ``P = softmax(lower_bounds, dim=0)`` over layers, ``forward()`` returns
    the ``(num_layers, embed_dim)`` bounds, each row in ``[0, 1)`` and non-decreasing with depth:

    * ``mode="lm"`` (official language model): ``cumsum(P) - P[0]``, i.e. layer ``k`` gets
      ``P[1] + ... + P[k]``;
    * ``mode="prefix"`` (official image and LRA models): layer ``k`` gets ``P[0] + ... + P[k-1]``.

    Both give layer 0 the bound 0 and layer ``k`` the bound ``k / L`` at initialisation, so upper
    layers start with longer memory.
    """

    MODES = ("lm", "prefix")

    def __init__(self, num_layers: int, embed_dim: int, mode: str = "lm"):
        super().__init__()
        if mode not in self.MODES:
            raise ValueError(f"mode must be one of {self.MODES}, got {mode!r}")
        if num_layers < 1 or embed_dim < 1:
            raise ValueError(f"num_layers and embed_dim must be >= 1, got {num_layers}, {embed_dim}")
        self.mode = mode
        self.lower_bounds = nn.Parameter(torch.ones(num_layers, embed_dim))

    def forward(self) -> torch.Tensor:
        return layer_lower_bounds(self.lower_bounds, self.mode)

    def extra_repr(self) -> str:
        return f"num_layers={self.lower_bounds.shape[0]}, embed_dim={self.lower_bounds.shape[1]}, mode={self.mode!r}"

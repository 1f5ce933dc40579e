# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The GLU channel mixer of the HGRN models: l3(act(l1 x) * l2 x)."""
from __future__ import annotations

from torch import nn

from .common import activation


class GLU(nn.Module):
    """Gated linear unit ``l3(act(l1(x)) * l2(x))`` with the official names ``l1``, ``l2``, ``l3``.

    Args:
        d1: model width. d2: inner width (``2 * d1`` in every HGRN model).
        act_fun: activation on the ``l1`` branch: ``"none"`` in the language model, ``"silu"``
            in the image and LRA models.
        bias: linear biases (official: True).
    """

    def __init__(self, d1: int, d2: int, act_fun="none", bias: bool = True):
        super().__init__()
        self.l1 = nn.Linear(d1, d2, bias=bias)
        self.l2 = nn.Linear(d1, d2, bias=bias)
        self.l3 = nn.Linear(d2, d1, bias=bias)
        self.act = activation(act_fun)

    def forward(self, x):
        return self.l3(self.act(self.l1(x)) * self.l2(x))

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""``Hgru2d``: HGRU over a 2-D grid, scanning along height and along width (LRA image tasks)."""
from __future__ import annotations

from ..ops import hgru_scan
from .common import autocast_input, check_input, use_two_rotations
from .hgru1d import Hgru1d


class Hgru2d(Hgru1d):
    """HGRU on an ``(h, w, b, d)`` grid: one scan down the columns, one along the rows, summed.

    The parameters are those of :class:`Hgru1d` (official names). ``causal=True`` scans each
    axis forward only (official default); ``causal=False`` adds the two reverse scans. With
    ``batch_first`` the input is ``(b, h, w, d)``. Output has the input's shape.
    """

    def _theta(self, reverse):
        return self.theta

    def _axis_scan(self, c, f, lower_bound, act, reverse):
        """Scan along dim 0 of (h, w, b, .) tensors -> (h, w, b, 2d)."""
        H, W, B = f.shape[:3]
        c, f = c.reshape(H, W * B, -1).transpose(0, 1), f.reshape(H, W * B, -1).transpose(0, 1)
        h, _ = hgru_scan(c, f, self._theta(reverse), lower_bound, act, reverse=reverse, backend=self.backend)
        return h.transpose(0, 1).reshape(H, W, B, -1)

    def forward(self, x, lower_bound=0.0):
        """``x`` (h, w, b, d) -> (h, w, b, d)."""
        check_input(x, self.embed_dim, 4, "(b, h, w, d)" if self.batch_first else "(h, w, b, d)")
        if self.batch_first:
            x = x.permute(1, 2, 0, 3)
        x = autocast_input(x)
        c, f = self.input_proj(x), self.lambda_proj(x)
        act = self.kernel_act
        if act is None:
            c, act = self.act(c), "identity"
        ct, ft = c.transpose(0, 1).contiguous(), f.transpose(0, 1).contiguous()  # (w, h, b, .)
        directions = (False,) if self.causal else (False, True)
        h = sum(self._axis_scan(c, f, lower_bound, act, r) for r in directions)
        h = h + sum(self._axis_scan(ct, ft, lower_bound, act, r) for r in directions).transpose(0, 1)
        y = self._out(x, h)
        return y.permute(2, 0, 1, 3) if self.batch_first else y

    def step(self, *args, **kwargs):
        raise RuntimeError("Hgru2d has no step(): a 2-D scan has no single running state")


class BiHgru2d(Hgru2d):
    """Bidirectional :class:`Hgru2d` with one rotation per direction (official ``BiHgru2d``):
    ``theta_forward`` for the forward scans along both axes, ``theta_reverse`` for the reverse ones."""

    def __init__(self, embed_dim: int, act_fun="silu", bias: bool = True, batch_first: bool = False,
                 backend: str = "auto"):
        super().__init__(embed_dim, act_fun, causal=False, bias=bias, batch_first=batch_first, backend=backend)
        use_two_rotations(self, embed_dim)

    def _theta(self, reverse):
        return self.theta_reverse if reverse else self.theta_forward

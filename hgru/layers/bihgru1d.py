# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""``BiHgru1d``: bidirectional HGRU with a separate rotation per direction (the image models)."""
from __future__ import annotations

from .common import autocast_input, check_input, use_two_rotations
from .hgru1d import Hgru1d


class BiHgru1d(Hgru1d):
    """Bidirectional :class:`Hgru1d` whose forward and reverse scans have their own ``theta``.

    Official parameters: ``input_proj``, ``lambda_proj``, ``theta_forward``, ``theta_reverse``
    (each (1, 1, d)), ``gate``, ``out_proj``, ``norm``. The forget gate ``lam`` and the input
    are shared by both directions; ``h = scan(theta_forward) + reverse_scan(theta_reverse)``.
    Input ``(n, b, d)`` (or ``(b, n, d)`` with ``batch_first``), output of the same shape.
    """

    def __init__(self, embed_dim: int, act_fun="silu", bias: bool = True, batch_first: bool = False,
                 backend: str = "auto"):
        super().__init__(embed_dim, act_fun, causal=False, bias=bias, batch_first=batch_first, backend=backend)
        use_two_rotations(self, embed_dim)

    def forward(self, x, lower_bound=0.0):
        """``x`` (n, b, d) -> (n, b, d)."""
        check_input(x, self.embed_dim, 3, "(b, n, d)" if self.batch_first else "(n, b, d)")
        x = autocast_input(x)
        c, f = self.input_proj(x), self.lambda_proj(x)
        h = self._scan(c, f, self.theta_forward, lower_bound)[0]
        h = h + self._scan(c, f, self.theta_reverse, lower_bound, reverse=True)[0]
        return self._out(x, h)

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""``Hgru1d``: the HGRU token mixer with a complex state (the official hgru-pytorch layer)."""
from __future__ import annotations

import torch
from torch import nn

from ..ops import hgru_scan
from ..ops.checks import lower_bound as _as_bound
from .common import activation, autocast_input, check_input, fused_act, gated_out, theta_init


class Hgru1d(nn.Module):
    """Hierarchically gated recurrent unit over a sequence, complex-valued state of width ``d``.

    ``c = act(input_proj(x))`` (pairs real/imag), ``lam = lb + (1 - lb) sigmoid(lambda_proj(x))``,
    ``h_t = lam_t e^{i theta} h_{t-1} + (1 - lam_t) c_t``, then
    ``y = out_proj(LayerNorm(cat[Re h, Im h]) * act(gate(x)))``. Bidirectional
    (``causal=False``): a forward and a reverse scan with the same parameters, summed.

    Parameter names and shapes are the official ones (``input_proj``, ``lambda_proj``,
    ``theta`` (1, 1, d), ``gate``, ``out_proj``, ``norm``), so official state dicts load.

    Args:
        embed_dim: d.
        act_fun: activation of the input and the output gate (official: ``"silu"``).
        causal: forward scan only (language model); ``False`` adds the reverse scan.
        bias: linear biases.
        batch_first: inputs ``(b, n, d)`` instead of the official ``(n, b, d)``.
        backend: ``"auto"``, ``"triton"`` or ``"torch"`` (see :func:`hgru.ops.hgru_scan`).

    Shapes: ``forward(x)`` maps ``(n, b, d)`` (or ``(b, n, d)``) to the same shape. States, for
    ``step`` and ``initial_state``/``output_final_state``, are ``(b, 2d)`` float32,
    ``cat[Re h, Im h]``.
    """

    def __init__(self, embed_dim: int, act_fun="silu", causal: bool = True, bias: bool = True,
                 batch_first: bool = False, backend: str = "auto"):
        super().__init__()
        self.embed_dim, self.causal, self.batch_first, self.backend = embed_dim, causal, batch_first, backend
        self.input_proj = nn.Linear(embed_dim, 2 * embed_dim, bias=bias)
        self.lambda_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.theta = nn.Parameter(theta_init(embed_dim))
        self.gate = nn.Linear(embed_dim, 2 * embed_dim, bias=bias)
        self.out_proj = nn.Linear(2 * embed_dim, embed_dim, bias=bias)
        self.norm = nn.LayerNorm(2 * embed_dim)
        self.act = activation(act_fun)
        self.kernel_act = fused_act(act_fun)

    def _scan(self, c, f, theta, lower_bound, reverse=False, initial_state=None, output_final_state=False):
        """c (.., 2d), f (.., d) in the input layout -> h (.., 2d) in that layout, state."""
        if self.kernel_act is None:
            c, act = self.act(c), "identity"
        else:
            act = self.kernel_act
        if not self.batch_first:
            c, f = c.transpose(0, 1), f.transpose(0, 1)
        h, state = hgru_scan(c, f, theta, lower_bound, act, initial_state, output_final_state, reverse,
                             backend=self.backend)
        return (h if self.batch_first else h.transpose(0, 1)), state

    def _out(self, x, h):
        return gated_out(self, x, h)

    def forward(self, x, lower_bound=0.0, initial_state=None, output_final_state: bool = False):
        """``x`` (n, b, d) -> (n, b, d); with ``output_final_state`` returns ``(y, state)``."""
        check_input(x, self.embed_dim, 3, "(b, n, d)" if self.batch_first else "(n, b, d)")
        x = autocast_input(x)
        c, f = self.input_proj(x), self.lambda_proj(x)
        if not self.causal and (initial_state is not None or output_final_state):
            raise ValueError("a bidirectional Hgru1d has no running state: initial_state and "
                             "output_final_state need causal=True")
        h, state = self._scan(c, f, self.theta, lower_bound, False, initial_state, output_final_state)
        if not self.causal:
            h = h + self._scan(c, f, self.theta, lower_bound, True)[0]
        y = self._out(x, h)
        return (y, state) if output_final_state else y

    def _check_step(self, x):
        if not self.causal:
            raise RuntimeError("step() needs a causal layer: a bidirectional one reads future tokens")
        check_input(x, self.embed_dim, 2, "(b, d)")

    def step(self, x, state=None, lower_bound=0.0):
        """One decoding step: ``x`` (b, d), ``state`` (b, 2d) float32 or None -> ``(y (b, d), state)``.

        Equal to the full forward pass run token by token (the official ``inference`` was broken).
        """
        self._check_step(x)
        d = self.embed_dim
        lb = _as_bound(lower_bound, d, x).float()
        c = self.input_proj(x).float()
        c = self.act(c).unflatten(-1, (d, 2))
        lam = lb + (1 - lb) * torch.sigmoid(self.lambda_proj(x).float())
        theta = self.theta.reshape(-1).float()
        if state is None:
            state = x.new_zeros(x.shape[0], 2 * d, dtype=torch.float32)
        hr, hi = state[:, :d], state[:, d:]
        gr, gi = lam * torch.cos(theta), lam * torch.sin(theta)
        hr, hi = gr * hr - gi * hi + (1 - lam) * c[..., 0], gr * hi + gi * hr + (1 - lam) * c[..., 1]
        state = torch.cat([hr, hi], -1)
        return self._out(x, state.to(x.dtype)), state

    def extra_repr(self) -> str:
        return f"embed_dim={self.embed_dim}, causal={self.causal}, batch_first={self.batch_first}"

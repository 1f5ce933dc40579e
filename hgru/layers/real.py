# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Real-valued HGRU variants: ``HgruReal1d`` and ``HgruReal2d`` (official ``hgrureal*.py``)."""
from __future__ import annotations

import torch
from torch import nn

from ..ops import real_scan
from ..ops.checks import lower_bound as _as_bound
from .common import activation, autocast_input, check_input, fused_act, gated_out


class HgruReal1d(nn.Module):
    """HGRU with a real state of width d: ``h_t = lam_t h_{t-1} + (1 - lam_t) act(input_proj(x_t))``.

    Official parameters: ``input_proj``, ``lambda_proj``, ``gate``, ``out_proj`` (all d -> d)
    and ``norm`` (LayerNorm(d)). The gates are computed and scanned in float32 whatever the
    input dtype. Input ``(n, b, d)`` (``(b, n, d)`` with ``batch_first``); states ``(b, d)`` float32.
    """

    def __init__(self, embed_dim: int, act_fun="silu", causal: bool = True, bias: bool = True,
                 batch_first: bool = False, backend: str = "auto"):
        super().__init__()
        self.embed_dim, self.causal, self.batch_first, self.backend = embed_dim, causal, batch_first, backend
        self.input_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.lambda_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.gate = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.norm = nn.LayerNorm(embed_dim)
        self.act = activation(act_fun)
        self.kernel_act = fused_act(act_fun)

    def _gates(self, x, lower_bound):
        """(u, lam) in float32, in the input's layout."""
        wide = torch.float64 if x.dtype == torch.float64 else torch.float32
        lb = _as_bound(lower_bound, self.embed_dim, x).to(wide)
        lam = lb + (1 - lb) * torch.sigmoid(self.lambda_proj(x).to(wide))
        return (1 - lam) * self.act(self.input_proj(x)).to(wide), lam

    def _scan(self, u, lam, reverse=False, initial_state=None, output_final_state=False, seq_dim=0):
        """Scan along ``seq_dim`` (0: sequence-first, 1: batch-first) of 3-D tensors."""
        if seq_dim == 0:
            u, lam = u.transpose(0, 1), lam.transpose(0, 1)
        h, state = real_scan(u, lam, initial_state, output_final_state, reverse, backend=self.backend)
        return (h.transpose(0, 1) if seq_dim == 0 else h), state

    def _out(self, x, h):
        return gated_out(self, x, h)

    def forward(self, x, lower_bound=0.0, initial_state=None, output_final_state: bool = False):
        """``x`` (n, b, d) -> (n, b, d); with ``output_final_state`` returns ``(y, state)``."""
        check_input(x, self.embed_dim, 3, "(b, n, d)" if self.batch_first else "(n, b, d)")
        if not self.causal and (initial_state is not None or output_final_state):
            raise ValueError("a bidirectional layer has no running state: initial_state and "
                             "output_final_state need causal=True")
        x = autocast_input(x)
        u, lam = self._gates(x, lower_bound)
        seq = 1 if self.batch_first else 0
        h, state = self._scan(u, lam, False, initial_state, output_final_state, seq)
        if not self.causal:
            h = h + self._scan(u, lam, True, seq_dim=seq)[0]
        y = self._out(x, h)
        return (y, state) if output_final_state else y

    def step(self, x, state=None, lower_bound=0.0):
        """One decoding step: ``x`` (b, d), ``state`` (b, d) float32 or None -> ``(y, state)``."""
        if not self.causal:
            raise RuntimeError("step() needs a causal layer: a bidirectional one reads future tokens")
        check_input(x, self.embed_dim, 2, "(b, d)")
        u, lam = self._gates(x, lower_bound)
        state = u if state is None else lam * state + u
        return self._out(x, state), state

    def extra_repr(self) -> str:
        return f"embed_dim={self.embed_dim}, causal={self.causal}, batch_first={self.batch_first}"


class HgruReal2d(HgruReal1d):
    """Real HGRU on an ``(h, w, b, d)`` grid: scans along height and width, summed.

    Official parameters as :class:`HgruReal1d`. The official layer accepted ``causal`` but
    always ran both directions; here ``causal`` is honoured and defaults to ``False``, which is
    the official behaviour. With ``batch_first`` the input is ``(b, h, w, d)``.
    """

    def __init__(self, embed_dim: int, act_fun="silu", causal: bool = False, bias: bool = True,
                 batch_first: bool = False, backend: str = "auto"):
        super().__init__(embed_dim, act_fun, causal, bias, batch_first, backend)

    def forward(self, x, lower_bound=0.0):
        """``x`` (h, w, b, d) -> (h, w, b, d)."""
        check_input(x, self.embed_dim, 4, "(b, h, w, d)" if self.batch_first else "(h, w, b, d)")
        if self.batch_first:
            x = x.permute(1, 2, 0, 3)
        H, W, B, D = x.shape
        x = autocast_input(x)
        u, lam = self._gates(x, lower_bound)
        directions = (False,) if self.causal else (False, True)
        h = sum(self._scan(u.reshape(H, W * B, D), lam.reshape(H, W * B, D), r)[0] for r in directions)
        h = h.reshape(H, W, B, D)
        ut, lamt = u.transpose(0, 1).reshape(W, H * B, D), lam.transpose(0, 1).reshape(W, H * B, D)
        h = h + sum(self._scan(ut, lamt, r)[0] for r in directions).reshape(W, H, B, D).transpose(0, 1)
        y = self._out(x, h)
        return y.permute(2, 0, 1, 3) if self.batch_first else y

    def step(self, *args, **kwargs):
        raise RuntimeError("HgruReal2d has no step(): a 2-D scan has no single running state")

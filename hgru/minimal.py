# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The HGRU token mixer in a few lines, to read against the paper (arXiv 2311.04823, section 3).

Slow (a Python loop over time, complex128) and complete: it loads an ``Hgru1d`` state dict and
the tests check that ``Hgru1d`` computes the same function. Use :class:`hgru.Hgru1d` for work.
"""
import torch
import torch.nn.functional as F
from torch import nn


class MinimalHgru1d(nn.Module):
    def __init__(self, d: int, causal: bool = True, bias: bool = True, act=F.silu):
        super().__init__()
        self.causal, self.act = causal, act  # act: SiLU in the paper
        self.input_proj = nn.Linear(d, 2 * d, bias=bias)  # c_t, as (real, imag) pairs
        self.lambda_proj = nn.Linear(d, d, bias=bias)  # forget-gate logits f_t
        self.theta = nn.Parameter(10000 ** (-2 / d * torch.arange(d)).reshape(1, 1, -1))  # phases
        self.gate = nn.Linear(d, 2 * d, bias=bias)  # output gate g_t
        self.out_proj = nn.Linear(2 * d, d, bias=bias)
        self.norm = nn.LayerNorm(2 * d)

    def forward(self, x, lower_bound=0.0):  # x: (n, b, d)
        c = self.act(self.input_proj(x)).double().unflatten(-1, (-1, 2))
        c = torch.complex(c[..., 0], c[..., 1])
        # eq. 4: forget gate with the layer's lower bound: lam in [lower_bound, 1)
        lam = lower_bound + (1 - lower_bound) * torch.sigmoid(self.lambda_proj(x).double())
        # eq. 5: complex decay lam * exp(i theta), input weighted by 1 - lam (tied forget/input gates)
        decay = lam * torch.exp(1j * self.theta.double())
        inp = (1 - lam) * c
        h = self._scan(decay, inp)
        if not self.causal:  # bidirectional: add the same recurrence run backwards in time
            h = h + self._scan(decay.flip(0), inp.flip(0)).flip(0)
        # eq. 6: output gate and projection, LayerNorm over cat[Re h, Im h]
        o = self.norm(torch.cat([h.real, h.imag], -1).to(x.dtype)) * self.act(self.gate(x))
        return self.out_proj(o)

    @staticmethod
    def _scan(decay, inp):  # h_t = decay_t * h_{t-1} + inp_t, h_0 = 0
        h, out = torch.zeros_like(inp[0]), []
        for t in range(inp.shape[0]):
            h = decay[t] * h + inp[t]
            out.append(h)
        return torch.stack(out)

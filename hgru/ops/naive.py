# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Reference implementations: plain loops over time in float64.

Every public op in :mod:`hgru.ops` has its twin here with the same signature and the same
return value (output in the input dtype, state in float32, or float64 for float64 inputs).
They are slow and exist for tests and for reading against the paper.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["real_scan_ref", "complex_scan_ref", "hgru_scan_ref", "norm_gate_ref"]


def _spans(batch: int, length: int, cu_seqlens):
    """(batch row, start, end) of every sequence."""
    if cu_seqlens is None:
        return [(b, 0, length) for b in range(batch)]
    cu = cu_seqlens.tolist()
    return [(0, cu[i], cu[i + 1]) for i in range(len(cu) - 1)]


def _loop(x, g, h0, reverse, cu_seqlens):
    """h_t = g_t * h_{t-1} + x_t over [B, T, D] tensors of one dtype (real or complex)."""
    B, T, D = x.shape
    o = torch.zeros_like(x)
    spans = _spans(B, T, cu_seqlens)
    ht = torch.zeros(len(spans), D, dtype=x.dtype)
    for n, (b, bos, eos) in enumerate(spans):
        h = h0[n].clone() if h0 is not None else torch.zeros(D, dtype=x.dtype)
        steps = range(eos - 1, bos - 1, -1) if reverse else range(bos, eos)
        for t in steps:
            h = g[b, t] * h + x[b, t]
            o[b, t] = h
        ht[n] = h
    return o, ht


def real_scan_ref(x, g, initial_state=None, output_final_state=False, reverse=False, cu_seqlens=None):
    """Reference of :func:`hgru.ops.real_scan`: a float64 loop over time."""
    wide = torch.float64
    h0 = None if initial_state is None else initial_state.detach().cpu().to(wide)
    o, ht = _loop(x.detach().cpu().to(wide), g.detach().cpu().to(wide), h0, reverse, cu_seqlens)
    state_dtype = torch.float64 if x.dtype == torch.float64 else torch.float32
    o = o.to(x.dtype).to(x.device)
    return o, (ht.to(state_dtype).to(x.device) if output_final_state else None)


def _as_complex128(t):
    t = t.detach().cpu()
    if t.is_complex():
        return t.to(torch.complex128)
    return torch.view_as_complex(t.to(torch.float64).contiguous())


def complex_scan_ref(x, g, initial_state=None, output_final_state=False, reverse=False, cu_seqlens=None):
    """Reference of :func:`hgru.ops.complex_scan`: a complex128 loop over time."""
    h0 = None if initial_state is None else _as_complex128(initial_state)
    o, ht = _loop(_as_complex128(x), _as_complex128(g), h0, reverse, cu_seqlens)
    if x.is_complex():
        o = o.to(x.dtype)
        ht = ht.to(torch.complex128 if x.dtype == torch.complex128 else torch.complex64)
    else:
        o = torch.view_as_real(o).to(x.dtype)
        ht = torch.view_as_real(ht).to(torch.float64 if x.dtype == torch.float64 else torch.float32)
    return o.to(x.device), (ht.to(x.device) if output_final_state else None)


def hgru_gates(c, f, theta, lower_bound=0.0, act="silu"):
    """The HGRU gating, as in the paper: returns complex (u, gamma) of shape [..., D].

    ``c`` [..., 2D] input projection (pairs real, imag interleaved), ``f`` [..., D] lambda logits,
    ``theta`` [D]. ``lam = lb + (1 - lb) * sigmoid(f)``, ``gamma = lam * exp(i theta)``,
    ``u = (1 - lam) * act(c)``. Computed in float64 complex.
    """
    c, f = c.double(), f.double()
    if act == "silu":
        c = F.silu(c)
    elif act != "identity":
        raise ValueError(f"act must be 'silu' or 'identity', got {act!r}")
    lb = torch.as_tensor(lower_bound, dtype=torch.float64, device=f.device)
    lam = lb + (1 - lb) * torch.sigmoid(f)
    c = c.unflatten(-1, (-1, 2))
    u = torch.complex((1 - lam) * c[..., 0], (1 - lam) * c[..., 1])
    theta = theta.double().reshape(-1)
    gamma = torch.complex(lam * torch.cos(theta), lam * torch.sin(theta))
    return u, gamma


def hgru_scan_ref(c, f, theta, lower_bound=0.0, act="silu", initial_state=None,
                  output_final_state=False, reverse=False, cu_seqlens=None):
    """Reference of :func:`hgru.ops.hgru_scan`: gating in float64 then a complex128 loop.

    Returns ``h`` [B, T, 2D] laid out ``cat[Re h, Im h]`` in the dtype of ``c`` and the state
    [N, 2D] in float32 (float64 for float64 input), in the same layout.
    """
    u, gamma = hgru_gates(c.detach().cpu(), f.detach().cpu(), theta.detach().cpu(),
                          lower_bound.detach().cpu() if torch.is_tensor(lower_bound) else lower_bound, act)
    h0 = None
    if initial_state is not None:
        s = initial_state.detach().cpu().double()
        D = s.shape[-1] // 2
        h0 = torch.complex(s[..., :D], s[..., D:])
    o, ht = _loop(u, gamma, h0, reverse, cu_seqlens)
    o = torch.cat([o.real, o.imag], -1).to(c.dtype).to(c.device)
    state_dtype = torch.float64 if c.dtype == torch.float64 else torch.float32
    ht = torch.cat([ht.real, ht.imag], -1).to(state_dtype).to(c.device)
    return o, (ht if output_final_state else None)


def norm_gate_ref(h, g, weight=None, bias=None, eps=1e-5, act="silu", out_dtype=None):
    """Reference of :func:`hgru.ops.norm_gate`: ``LayerNorm(h) * act(g)`` in float64, the mean
    and variance written out."""
    if act not in ("silu", "identity"):
        raise ValueError(f"act must be 'silu' or 'identity', got {act!r}")
    out_dtype = torch.promote_types(h.dtype, g.dtype) if out_dtype is None else out_dtype
    x, gd = h.detach().cpu().double(), g.detach().cpu().double()
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    y = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight.detach().cpu().double()
    if bias is not None:
        y = y + bias.detach().cpu().double()
    a = gd * torch.sigmoid(gd) if act == "silu" else gd
    return (y * a).to(out_dtype).to(h.device)

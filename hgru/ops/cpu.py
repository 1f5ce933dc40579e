# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Vectorised PyTorch path of the gated linear recurrence (used for CPU tensors; runs anywhere).

No Python loop over time: a Hillis-Steele scan takes ceil(log2 T) whole-tensor steps. Packed
sequences are handled by cutting the gate at every sequence start, so the whole packed batch is
one scan. The backward is the same scan run the other way over shifted, conjugated gates:

    a_t = do_t + conj(g_{t+1}) a_{t+1}      (a_T = dh_T)
    dx_t = a_t,  dg_t = a_t conj(h_{t-1}),  dh_0 = conj(g_1) a_1

(written for the forward direction; ``reverse`` mirrors time). Complex values arrive as real
tensors with a trailing dimension of 2 (``torch.view_as_real`` layout) and are computed as
complex numbers; everything is computed in float32 (float64 for float64 inputs).
"""
from __future__ import annotations

import torch

__all__ = ["scan_fwd", "scan_bwd", "doubling_scan"]


def doubling_scan(x: torch.Tensor, g: torch.Tensor, reverse: bool = False) -> torch.Tensor:
    """h_t = g_t * h_{t-1} + x_t along dim 1 from h = 0, in ceil(log2 T) vectorised steps."""
    T = x.shape[1]
    h, a, k = x, g, 1
    while k < T:
        if reverse:
            h = torch.cat([h[:, :-k] + a[:, :-k] * h[:, k:], h[:, -k:]], 1)
            if 2 * k < T:
                a = torch.cat([a[:, :-k] * a[:, k:], a[:, -k:]], 1)
        else:
            h = torch.cat([h[:, :k], h[:, k:] + a[:, k:] * h[:, :-k]], 1)
            if 2 * k < T:
                a = torch.cat([a[:, :k], a[:, k:] * a[:, :-k]], 1)
        k *= 2
    return h.clone() if h is x else h  # T == 1: never hand back the input itself


def _wide(t: torch.Tensor, is_complex: bool) -> torch.Tensor:
    t = t.to(torch.float64 if t.dtype == torch.float64 else torch.float32)
    return torch.view_as_complex(t.contiguous()) if is_complex else t


def _narrow(t: torch.Tensor, dtype: torch.dtype, is_complex: bool) -> torch.Tensor:
    return (torch.view_as_real(t) if is_complex else t).to(dtype).contiguous()


def _edges(T: int, cu_seqlens, device):
    """Time index of each sequence's first and last step: ints, or [N] tensors when packed."""
    if cu_seqlens is None:
        return 0, T - 1
    cu = cu_seqlens.to(device=device, dtype=torch.long)
    return cu[:-1], cu[1:] - 1


def _rows(t, idx):
    """The [N, ...] rows of a [B, T, ...] tensor at time positions ``idx`` (see ``_edges``)."""
    return t[:, idx] if isinstance(idx, int) else t[0, idx]


def _set_rows(t, idx, value):
    if isinstance(idx, int):
        t[:, idx] = value
    else:
        t[0, idx] = value


def scan_fwd(x, g, h0, cu_seqlens, reverse: bool, is_complex: bool):
    """Forward: returns ``o`` like ``x`` and the final state in float32 (float64)."""
    xw, gw = _wide(x, is_complex), _wide(g, is_complex)
    first, last = _edges(x.shape[1], cu_seqlens, x.device)
    start, end = (last, first) if reverse else (first, last)
    if cu_seqlens is not None or h0 is not None:
        gw_cut = gw.clone()
        _set_rows(gw_cut, start, 0)
        if h0 is not None:
            xw = xw.clone()
            h0w = _wide(h0, is_complex).to(xw.dtype)
            _set_rows(xw, start, _rows(xw, start) + _rows(gw, start) * h0w)
        gw = gw_cut
    h = doubling_scan(xw, gw, reverse)
    ht = _rows(h, end).clone()
    return _narrow(h, x.dtype, is_complex), _narrow(ht, ht.real.dtype, is_complex)


def scan_bwd(g, o, do, dht, h0, cu_seqlens, reverse: bool, is_complex: bool):
    """Backward: returns ``(dx, dg, dh0)``; ``dh0`` is float32 (float64) and shaped like a state."""
    gw, ow, dow = _wide(g, is_complex), _wide(o, is_complex), _wide(do, is_complex)
    first, last = _edges(g.shape[1], cu_seqlens, g.device)
    start, end = (last, first) if reverse else (first, last)
    step = -1 if reverse else 1
    gn = torch.roll(gw, -step, dims=1).conj()
    _set_rows(gn, end, 0)
    if dht is not None:
        dow = dow.clone()
        _set_rows(dow, end, _rows(dow, end) + _wide(dht, is_complex).to(dow.dtype))
    a = doubling_scan(dow, gn, not reverse)
    hp = torch.roll(ow, step, dims=1)
    _set_rows(hp, start, 0 if h0 is None else _wide(h0, is_complex).to(hp.dtype))
    dg = a * hp.conj()
    dh0 = _rows(gw, start).conj() * _rows(a, start)
    return (_narrow(a, g.dtype, is_complex), _narrow(dg, g.dtype, is_complex),
            _narrow(dh0, dh0.real.dtype, is_complex))

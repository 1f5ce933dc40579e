# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""``LayerNorm``: ``nn.LayerNorm`` (same parameters, same state dict) on hgru's norm kernels.

For the HGRN models' pre-norms, on an H200 (BENCHMARKS.md, image models): PyTorch's LayerNorm
under autocast writes float32 that the next matmul casts again, and its weight and bias gradients
took 0.27 ms for (65536, 192) rows; with this module the HGRN-T training step's GPU time fell from
42.9 to 30.2 ms (the step captured in a CUDA graph). Run eagerly that step is bound by the host's
Python, and each of these norms costs Triton launches where PyTorch's costs C++ ones: eager steps
measured 5-12% slower there. So the image model uses it with ``--cuda-graphs`` only.
"""
from __future__ import annotations

from torch import nn

from ..ops import layer_norm
from .common import autocast_dtype


class LayerNorm(nn.LayerNorm):
    """``nn.LayerNorm(d)`` over the last dimension, computed in float32. Under autocast the
    result is in the autocast dtype (PyTorch's is float32): for use where a matmul reads it, as
    every HGRN pre-norm's result is read, which would cast it again.

    Args:
        normalized_shape: d.
        eps: epsilon.
        backend: ``"auto"``, ``"triton"`` or ``"torch"`` (see :func:`hgru.ops.layer_norm`).
    """

    def __init__(self, normalized_shape: int, eps: float = 1e-5, backend: str = "auto"):
        super().__init__(normalized_shape, eps)
        if len(self.normalized_shape) != 1:
            raise ValueError(f"LayerNorm normalises the last dimension only, got {self.normalized_shape}")
        self.backend = backend

    def forward(self, x):
        if x.shape[-1:] != self.normalized_shape:
            raise ValueError(f"LayerNorm({self.normalized_shape[0]}) got an input of shape {tuple(x.shape)}")
        return layer_norm(x, self.weight, self.bias, self.eps, autocast_dtype(x), self.backend)

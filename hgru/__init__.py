# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""HGRN: hierarchically gated recurrent layers and their fused recurrence kernels.

Three floors: :mod:`hgru.ops` (pure functions and kernels), :mod:`hgru.layers` (nn.Modules with
the official parameter names), and the models in the fairseq plugin that stand on them.
"""
from .layers import (GLU, BiHgru1d, BiHgru2d, Hgru1d, Hgru2d, HgruReal1d, HgruReal2d, LayerNorm, LowerBound,
                     layer_lower_bounds)
from .ops import complex_scan, hgru_scan, real_scan

__version__ = "0.1.0"
__all__ = ["Hgru1d", "BiHgru1d", "Hgru2d", "BiHgru2d", "HgruReal1d", "HgruReal2d", "LowerBound", "layer_lower_bounds", "GLU",
           "LayerNorm",
           "real_scan", "complex_scan", "hgru_scan", "__version__"]

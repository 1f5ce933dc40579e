# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Pure functions: the gated linear recurrence (real, complex), the fused HGRU op, the output gating and
the LayerNorm alone.

References with the same signatures live in :mod:`hgru.ops.naive`.
"""
from .fused import hgru_scan
from .norm import layer_norm, norm_gate
from .scan import complex_scan, real_scan

__all__ = ["real_scan", "complex_scan", "hgru_scan", "norm_gate", "layer_norm"]

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""HGRN: hierarchically gated recurrent layers and their fused recurrence kernels."""
from .ops import complex_scan, hgru_scan, real_scan

__version__ = "0.1.0"
__all__ = ["real_scan", "complex_scan", "hgru_scan", "__version__"]

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""nn.Modules with the official hgru-pytorch parameter names."""
from .bihgru1d import BiHgru1d
from .glu import GLU
from .hgru1d import Hgru1d
from .hgru2d import BiHgru2d, Hgru2d
from .layer_norm import LayerNorm
from .lower_bound import LowerBound, layer_lower_bounds
from .real import HgruReal1d, HgruReal2d

__all__ = ["Hgru1d", "BiHgru1d", "Hgru2d", "BiHgru2d", "HgruReal1d", "HgruReal2d", "LowerBound", "layer_lower_bounds", "GLU",
           "LayerNorm"]

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
from . import hgrn_lm, hgrn_lra, hgrn_vit  # noqa: F401

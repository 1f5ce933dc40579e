# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
from . import hgrn_lm  # noqa: F401

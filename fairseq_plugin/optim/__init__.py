# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
from . import deit_adamw  # noqa: F401

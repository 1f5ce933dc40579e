# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
from . import classification  # noqa: F401

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Long Range Arena data: one reader per task over the official on-disk formats, the ListOps
generator, and the offline demo data. Readers return numpy arrays and fail with the expected
layout and the command that prepares it."""
from .readers import TASKS, LRAData, read

__all__ = ["TASKS", "LRAData", "read"]

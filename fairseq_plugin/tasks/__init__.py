# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
from . import image_classification, lra  # noqa: F401

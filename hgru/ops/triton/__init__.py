# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Triton kernels (imported lazily by hgru.ops.checks.triton_kernels, never at package import)."""

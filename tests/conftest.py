# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
import os
import sys

import torch

# Without a GPU the Triton kernels run through Triton's CPU interpreter. This must be set before
# the kernels are first imported (hgru imports them lazily, on first use).
if not torch.cuda.is_available():
    os.environ.setdefault("TRITON_INTERPRET", "1")

sys.path.insert(0, os.path.dirname(__file__))

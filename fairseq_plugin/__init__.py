# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""fairseq ``--user-dir`` plugin: importing it registers the HGRN models, tasks, criteria and optimiser,
and stops fairseq's read-ahead threads before the interpreter exits (``loader_threads``)."""
from . import criterions, loader_threads, models, optim, tasks  # noqa: F401

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""fairseq ``--user-dir`` plugin: importing it registers the HGRN models, tasks, criteria and optimiser."""
from . import criterions, models, optim, tasks  # noqa: F401

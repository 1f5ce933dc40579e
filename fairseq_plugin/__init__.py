# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""fairseq ``--user-dir`` plugin: importing it registers the HGRN models and tasks."""
from . import models, tasks  # noqa: F401

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""What the plugin's models share."""
from dataclasses import fields

from fairseq.utils import safe_getattr


def fill_architecture(cfg, config_cls, **sizes):
    """Fill every field of ``config_cls`` the command line left unset (None): from ``sizes`` first,
    then the dataclass default; interpolations (``${task...}``) are left to hydra."""
    for f in fields(config_cls):
        value = sizes.get(f.name, f.default)
        if not f.name.startswith("_") and safe_getattr(cfg, f.name, None) is None and not str(value).startswith("${"):
            setattr(cfg, f.name, value)

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""AdamW without weight decay on biases and norm weights (1-D parameters), as DeiT / timm do."""
from dataclasses import dataclass, field

import torch
from fairseq.dataclass import FairseqDataclass
from fairseq.optim import FairseqOptimizer, register_optimizer
from omegaconf import II


@dataclass
class DeitAdamWConfig(FairseqDataclass):
    adam_betas: str = field(default="(0.9, 0.999)", metadata={"help": "betas"})
    adam_eps: float = field(default=1e-8, metadata={"help": "epsilon"})
    weight_decay: float = field(default=0.05, metadata={"help": "decoupled weight decay (not on 1-D params)"})
    lr: list = II("optimization.lr")


@register_optimizer("deit_adamw", dataclass=DeitAdamWConfig)
class DeitAdamW(FairseqOptimizer):
    def __init__(self, cfg, params):
        super().__init__(cfg)
        params = list(params)
        groups = [{"params": [p for p in params if p.ndim > 1]},
                  {"params": [p for p in params if p.ndim <= 1], "weight_decay": 0.0}]
        self._optimizer = torch.optim.AdamW(groups, **self.optimizer_config)

    @property
    def optimizer_config(self):
        return {"lr": self.cfg.lr[0], "betas": eval(self.cfg.adam_betas), "eps": self.cfg.adam_eps,
                "weight_decay": self.cfg.weight_decay}

    @property
    def supports_flat_params(self):
        return False

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Cross-entropy on soft (mixup / cutmix / smoothed) or hard targets, with top-1 and top-5 accuracy
(image classification and the LRA tasks)."""
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from fairseq import metrics
from fairseq.criterions import FairseqCriterion, register_criterion
from fairseq.dataclass import FairseqDataclass


@dataclass
class ClassificationCriterionConfig(FairseqDataclass):
    """No options: label smoothing and mixup are the task's (they shape the targets)."""


def _percent(correct, total) -> float:
    """100 correct / total to 3 decimals; the counts are Python numbers in one process and tensors once
    fairseq has summed them across processes."""
    return round(100 * float(correct) / max(float(total), 1), 3)


@register_criterion("classification", dataclass=ClassificationCriterionConfig)
class ClassificationCriterion(FairseqCriterion):
    def forward(self, model, sample, reduce=True):
        logits = model(**sample["net_input"]).float()
        target = sample["target"]
        if target.dim() == 2:  # soft targets from mixup / cutmix
            loss = torch.sum(-target * F.log_softmax(logits, -1), -1).sum()
            hard = target.argmax(-1)
        else:
            smoothing = getattr(self.task.cfg, "smoothing", 0.0) if model.training else 0.0
            loss = F.cross_entropy(logits, target, reduction="sum", label_smoothing=smoothing)
            hard = target
        top5 = logits.topk(min(5, logits.shape[-1]), -1).indices
        n = logits.shape[0]
        log = {"loss": loss.data, "ntokens": n, "nsentences": n, "sample_size": n,
               "correct1": (top5[:, 0] == hard).sum().item(), "correct5": (top5 == hard[:, None]).any(-1).sum().item()}
        return loss, n, log

    @staticmethod
    def reduce_metrics(logging_outputs):
        n = sum(log.get("sample_size", 0) for log in logging_outputs)
        metrics.log_scalar("loss", sum(log.get("loss", 0) for log in logging_outputs) / max(n, 1), n, round=4)
        for k in (1, 5):
            metrics.log_scalar(f"_correct{k}", sum(log.get(f"correct{k}", 0) for log in logging_outputs))
            metrics.log_scalar(f"_total{k}", n)
        metrics.log_derived("acc1", lambda m: _percent(m["_correct1"].sum, m["_total1"].sum))
        metrics.log_derived("acc5", lambda m: _percent(m["_correct5"].sum, m["_total5"].sum))

    @staticmethod
    def logging_outputs_can_be_summed():
        return True

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The HGRN model for Long Range Arena (paper section 4.3, the S4-codebase setup of the official runs).

encoder (token embedding or pixel projection, + sinusoidal positions for ``encoder=position``)
-> n_layers x [pre-norm residual bidirectional HGRU, pre-norm residual GLU(SiLU, ratio)]
-> mean pool over the valid positions -> linear classifier. ``mixer=hgru2d`` folds an image's
sequence back into its sqrt(n) x sqrt(n) grid and scans both axes (BiHgru2d). Norms: layer,
batch (BatchNorm over channels), synbatch (SyncBatchNorm when data-parallel). Lower bounds: layer k
gets P[0] + ... + P[k-1]. Retrieval encodes both documents with the same network and classifies
[u, v, u * v, u - v] with a two-layer MLP, as the LRA reference models.
"""
import math
from dataclasses import dataclass, field

import torch
from fairseq.dataclass import FairseqDataclass
from fairseq.models import BaseFairseqModel, register_model, register_model_architecture
from torch import nn

from hgru import GLU, BiHgru1d, BiHgru2d, Hgru1d, Hgru2d, layer_lower_bounds

from .common import fill_architecture


@dataclass
class HgrnLRAConfig(FairseqDataclass):
    n_layers: int = field(default=6, metadata={"help": "number of HGRU + GLU layers"})
    d_model: int = field(default=32, metadata={"help": "model width"})
    norm: str = field(default="batch", metadata={"help": "layer | batch | synbatch"})
    dropout: float = field(default=0.0, metadata={"help": "residual and encoder dropout"})
    glu_ratio: int = field(default=1, metadata={"help": "GLU inner width = ratio x d_model"})
    encoder: str = field(default="position", metadata={"help": "position (sinusoidal) | id (none)"})
    mixer: str = field(default="hgru1d", metadata={"help": "hgru1d | hgru2d (square image sequences)"})
    param_share: bool = field(default=False, metadata={"help": "one theta for both directions (official: False)"})
    kernel_backend: str = field(default="auto", metadata={"help": "hgru scan backend"})


class Norm(nn.Module):
    def __init__(self, kind, d):
        super().__init__()
        if kind not in ("layer", "batch", "synbatch"):
            raise ValueError(f"norm must be layer, batch or synbatch, got {kind!r}")
        self.kind = kind
        self.norm = nn.LayerNorm(d) if kind == "layer" else (nn.SyncBatchNorm(d) if kind == "synbatch"
                                                              and torch.distributed.is_initialized() else nn.BatchNorm1d(d))

    def forward(self, x):  # (B, L, D)
        return self.norm(x) if self.kind == "layer" else self.norm(x.transpose(1, 2)).transpose(1, 2)


class Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg.d_model
        if cfg.mixer == "hgru1d":
            self.mixer = (Hgru1d(d, causal=False, batch_first=True, backend=cfg.kernel_backend) if cfg.param_share
                          else BiHgru1d(d, batch_first=True, backend=cfg.kernel_backend))
        elif cfg.mixer == "hgru2d":
            self.mixer = (Hgru2d(d, causal=False, batch_first=True, backend=cfg.kernel_backend) if cfg.param_share
                          else BiHgru2d(d, batch_first=True, backend=cfg.kernel_backend))
        else:
            raise ValueError(f"mixer must be hgru1d or hgru2d, got {cfg.mixer!r}")
        self.is_2d = cfg.mixer == "hgru2d"
        self.norm1, self.norm2 = Norm(cfg.norm, d), Norm(cfg.norm, d)
        self.glu = GLU(d, cfg.glu_ratio * d, "silu")
        self.dropout = nn.Dropout(cfg.dropout)

    def mix(self, x, lower_bound):
        if not self.is_2d:
            return self.mixer(x, lower_bound)
        B, L, D = x.shape
        side = math.isqrt(L)
        if side * side != L:
            raise ValueError(f"hgru2d needs a square sequence (an image), got length {L}")
        return self.mixer(x.reshape(B, side, side, D), lower_bound).reshape(B, L, D)

    def forward(self, x, lower_bound):
        x = x + self.dropout(self.mix(self.norm1(x), lower_bound))
        return x + self.dropout(self.glu(self.norm2(x)))


def sinusoidal(length, d, device):
    pos = torch.arange(length, device=device, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, d, 2, device=device, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe = torch.zeros(length, d, device=device)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * freq), torch.cos(pos * freq[: d // 2])
    return pe


class HgrnLRA(nn.Module):
    """(B, L) token ids (0 = padding) or (B, L[, C]) pixels 0-255 -> pooled features (B, d)."""

    def __init__(self, cfg, vocab_size, channels):
        super().__init__()
        d = cfg.d_model
        self.embed = nn.Embedding(vocab_size, d, padding_idx=0) if vocab_size else nn.Linear(channels, d)
        self.position = cfg.encoder == "position"
        if cfg.encoder not in ("position", "id"):
            raise ValueError(f"encoder must be position or id, got {cfg.encoder!r}")
        self.dropout = nn.Dropout(cfg.dropout)
        self.layers = nn.ModuleList(Layer(cfg) for _ in range(cfg.n_layers))
        self.lower_bounds = nn.Parameter(torch.ones(cfg.n_layers, d))

    def forward(self, x, lengths=None):
        if isinstance(self.embed, nn.Embedding):
            h = self.embed(x)
        else:
            h = self.embed((x.float() / 255.0 - 0.5).reshape(x.shape[0], x.shape[1], -1))
        if self.position:
            h = h + sinusoidal(h.shape[1], h.shape[2], h.device)
        h = self.dropout(h)
        bounds = layer_lower_bounds(self.lower_bounds, "prefix")
        for k, layer in enumerate(self.layers):
            h = layer(h, bounds[k])
        if lengths is None:
            return h.mean(1)
        mask = (torch.arange(h.shape[1], device=h.device)[None] < lengths.to(h.device)[:, None]).to(h.dtype)
        return (h * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp_min(1)


@register_model("hgrn_lra", dataclass=HgrnLRAConfig)
class HgrnLRAModel(BaseFairseqModel):
    def __init__(self, encoder, head):
        super().__init__()
        self.encoder, self.head = encoder, head

    @classmethod
    def build_model(cls, cfg, task):
        encoder = HgrnLRA(cfg, task.vocab_size, task.channels)
        d = cfg.d_model
        head = (nn.Sequential(nn.Linear(4 * d, d), nn.ReLU(), nn.Linear(d, task.num_classes)) if task.kind == "bytes2"
                else nn.Linear(d, task.num_classes))
        model = cls(encoder, head)
        n = sum(p.numel() for p in model.parameters())
        print(f"[hgrn_lra] {task.cfg.lra_task}: {n:,} parameters, {cfg.n_layers} layers x d={d}, {cfg.mixer}, "
              f"norm {cfg.norm}, encoder {cfg.encoder}", flush=True)
        return model

    def forward(self, src_tokens, src_lengths=None, src_tokens2=None, src_lengths2=None):
        u = self.encoder(src_tokens, src_lengths)
        if src_tokens2 is None:
            return self.head(u)
        v = self.encoder(src_tokens2, src_lengths2)
        return self.head(torch.cat([u, v, u * v, u - v], -1))


@register_model_architecture("hgrn_lra", "hgrn_lra_listops")
def hgrn_lra_listops(cfg):
    """The dataclass defaults: the official ListOps model (6 layers, d=32, GLU x1, synbatch on 2 GPUs)."""
    fill_architecture(cfg, HgrnLRAConfig)

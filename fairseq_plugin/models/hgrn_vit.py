# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""HGRN image classifier (``hgrn1d_vit_tiny`` / ``hgrn1d_vit_small``, paper section 4.2).

A DeiT with attention and MLP replaced: linear patch embedding (no position embedding), pre-norm
blocks ``x + dp(BiHgru1d(LN(x), lb_k))``, ``x + dp(GLU(LN(x)))`` with a SiLU GLU of width 2d, mean
pooling, and a head of a parameter-free RMSNorm and a linear layer. Lower bounds: block k gets
``P[0] + ... + P[k-1]`` with ``P = softmax(lower_bounds, 0)``. Names follow the official code
(``to_patch_embedding``, ``layers.k.token_mixer``, ``feature_mixer``, ``head``, ``lower_bounds``).

Stochastic depth: the official model accepted ``drop_path_rate`` and never used it, i.e. trained
without; here it is wired (linearly increasing over blocks) and defaults to 0, the official
behaviour.

``--cuda-graphs`` (``CUDA_GRAPHS=1 bash script_im.sh``) replays CUDA graphs of the network's
forward and backward in training (``graphs.GraphedNet``) and puts the pre-norms on hgru's LayerNorm
kernels (``hgru_norm``; same parameters): with bf16 autocast on an H200, HGRN-T 5,150 -> 8,170
images/s, HGRN-S 3,790 -> 5,280, losses equal to the eager model's (BENCHMARKS.md).
"""
from dataclasses import dataclass, field

import torch
from fairseq.dataclass import FairseqDataclass
from fairseq.models import BaseFairseqModel, register_model, register_model_architecture
from omegaconf import II
from timm.layers import DropPath
from torch import nn

from hgru import GLU, BiHgru1d, Hgru1d, LayerNorm, layer_lower_bounds

from .common import fill_architecture
from .graphs import GraphedNet


class SimpleRMSNorm(nn.Module):
    """Parameter-free RMS normalisation ``x / (rms(x) + eps)`` (the official head's norm)."""

    def __init__(self, d: int, eps: float = 1e-8):
        super().__init__()
        self.d, self.eps = d, eps

    def forward(self, x):
        return x / (x.norm(2, dim=-1, keepdim=True) * self.d ** -0.5 + self.eps)


class Block(nn.Module):
    def __init__(self, dim, glu_dim, glu_act="silu", drop_path=0.0, param_share=False, backend="auto",
                 hgru_norm=False):
        super().__init__()
        self.token_mixer = (Hgru1d(dim, causal=False, backend=backend) if param_share
                            else BiHgru1d(dim, backend=backend))
        norm = (lambda d: LayerNorm(d, backend=backend)) if hgru_norm else nn.LayerNorm
        self.token_norm = norm(dim)
        self.feature_norm = norm(dim)
        self.feature_mixer = GLU(dim, glu_dim, glu_act)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x, lower_bound):
        x = x + self.drop_path(self.token_mixer(self.token_norm(x), lower_bound))
        return x + self.drop_path(self.feature_mixer(self.feature_norm(x)))


class Hgrn1dVit(nn.Module):
    """Image (B, C, H, W) -> logits (B, classes). The token sequence is (n, b, d) internally."""

    def __init__(self, img_size=224, patch_size=14, in_chans=3, num_classes=1000, embed_dim=192, depth=12,
                 glu_dim=None, glu_act="silu", drop_path_rate=0.0, param_share=False, backend="auto",
                 hgru_norm=False):
        super().__init__()
        if img_size % patch_size:
            raise ValueError(f"image size {img_size} is not a multiple of the patch size {patch_size}")
        self.patch_size, self.img_size = patch_size, img_size
        self.to_patch_embedding = nn.Sequential(nn.Identity(), nn.Linear(in_chans * patch_size**2, embed_dim))
        rates = torch.linspace(0, drop_path_rate, depth).tolist()
        self.layers = nn.ModuleList(Block(embed_dim, glu_dim or 2 * embed_dim, glu_act, r, param_share, backend,
                                          hgru_norm) for r in rates)
        self.head = nn.Sequential(SimpleRMSNorm(embed_dim), nn.Linear(embed_dim, num_classes))
        self.lower_bounds = nn.Parameter(torch.ones(depth, embed_dim))

    def patches(self, img):
        """(B, C, H, W) -> (B, n, p*p*C), patches in row-major order, pixels (p1 p2 c) as officially."""
        B, C, H, W = img.shape
        p = self.patch_size
        if H != self.img_size or W != self.img_size:
            raise ValueError(f"expected {self.img_size}x{self.img_size} images, got {H}x{W}")
        x = img.reshape(B, C, H // p, p, W // p, p).permute(0, 2, 4, 3, 5, 1)
        return x.reshape(B, (H // p) * (W // p), p * p * C)

    def forward(self, img):
        x = self.to_patch_embedding(self.patches(img)).transpose(0, 1)  # (n, b, d)
        bounds = layer_lower_bounds(self.lower_bounds, "prefix")
        for k, block in enumerate(self.layers):
            x = block(x, bounds[k])
        return self.head(x.mean(0))


@dataclass
class HgrnViTConfig(FairseqDataclass):
    embed_dim: int = field(default=192, metadata={"help": "model width d (tiny 192, small 384)"})
    depth: int = field(default=12, metadata={"help": "number of blocks"})
    patch_size: int = field(default=14, metadata={"help": "patch side (224 / 14 = 16 x 16 tokens)"})
    glu_act: str = field(default="silu", metadata={"help": "GLU activation"})
    drop_path_rate: float = field(default=0.0, metadata={"help": "stochastic depth; official: unused (0)"})
    param_share: bool = field(default=False, metadata={"help": "Hgru1d shared by both directions "
                                                                "instead of BiHgru1d (official archs: False)"})
    kernel_backend: str = field(default="auto", metadata={"help": "hgru scan backend"})
    cuda_graphs: bool = field(default=False, metadata={
        "help": "replay CUDA graphs of the network's forward and backward in training (one batch shape; "
                "other calls run eagerly), the pre-norms on hgru's LayerNorm kernels: HGRN-T 1.6x the images/s "
                "on an H200 with mixed precision (BENCHMARKS.md)"})
    img_size: int = II("task.img_size")


@register_model("hgrn_vit", dataclass=HgrnViTConfig)
class HgrnViTModel(BaseFairseqModel):
    def __init__(self, net, cuda_graphs=False):
        super().__init__()
        self.net = net
        self.graphed = GraphedNet(net) if cuda_graphs else None

    @classmethod
    def build_model(cls, cfg, task):
        net = Hgrn1dVit(task.cfg.img_size, cfg.patch_size, task.in_chans, task.num_classes, cfg.embed_dim, cfg.depth,
                        None, cfg.glu_act, cfg.drop_path_rate, cfg.param_share, cfg.kernel_backend, cfg.cuda_graphs)
        n = sum(p.numel() for p in net.parameters())
        print(f"[hgrn_vit] {n:,} parameters ({n / 1e6:.2f}M): d={cfg.embed_dim}, depth={cfg.depth}, patch "
              f"{cfg.patch_size}, {task.cfg.img_size}px, {task.num_classes} classes", flush=True)
        return cls(net, cfg.cuda_graphs)

    def forward(self, image):
        return self.net(image) if self.graphed is None else self.graphed(image)

    def get_targets(self, sample, net_output):
        return sample["target"]


def _architecture(cfg, **sizes):
    fill_architecture(cfg, HgrnViTConfig, **sizes)


@register_model_architecture("hgrn_vit", "hgrn1d_vit_tiny")
def hgrn1d_vit_tiny(cfg):
    """d=192, 12 blocks, patch 14: ~6.1M parameters on ImageNet-1k."""
    _architecture(cfg)


@register_model_architecture("hgrn_vit", "hgrn1d_vit_small")
def hgrn1d_vit_small(cfg):
    """d=384, 12 blocks, patch 14: ~23.7M parameters on ImageNet-1k."""
    _architecture(cfg, embed_dim=384)


@register_model_architecture("hgrn_vit", "hgrn1d_vit_demo")
def hgrn1d_vit_demo(cfg):
    """d=64, 4 blocks, patch 4: for the offline demo on small images."""
    _architecture(cfg, embed_dim=64, depth=4, patch_size=4)

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The HGRN language model (fairseq model ``hgrn_lm``, paper section 4.1).

Pre-norm layers ``x + drop(Hgru1d(LN(x), lb_k))`` then ``x + drop(GLU(LN(x)))``, layer-wise lower
bounds ``cumsum(softmax(lower_bounds)) - row 0``, token embeddings scaled by sqrt(d), no
positional embeddings, a final LayerNorm and the output projection tied to the embeddings.
Parameter names follow the official fairseq-evo model (``decoder.layers.k.self_attn.hgru.*``,
``decoder.lower_bounds``, ``glu.l1/l2/l3``), so its checkpoints' tensors line up.

Incremental decoding keeps one ``(batch, 2d)`` float32 state per layer in fairseq's
``incremental_state``: each new token costs O(1), whatever the length of the prefix.
"""

import logging
import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import torch
from fairseq.dataclass import FairseqDataclass
from fairseq.models import (FairseqIncrementalDecoder, FairseqLanguageModel, register_model,
                            register_model_architecture)
from fairseq.utils import safe_getattr
from omegaconf import II
from torch import Tensor, nn

from hgru import GLU, Hgru1d, layer_lower_bounds

from .common import fill_architecture
from .graphs import GraphedNet

logger = logging.getLogger(__name__)


@dataclass
class HgrnLMConfig(FairseqDataclass):
    decoder_embed_dim: int = field(default=512, metadata={"help": "model width d"})
    decoder_layers: int = field(default=6, metadata={"help": "number of HGRU + GLU layers"})
    dropout: float = field(default=0.1, metadata={"help": "dropout on embeddings and residual branches"})
    glu_multiple: int = field(default=2, metadata={"help": "GLU inner width = multiple x d (official: 2)"})
    glu_act: str = field(default="none", metadata={"help": "GLU activation; the official LM uses none"})
    hgru_act: str = field(default="silu", metadata={"help": "HGRU input/output-gate activation"})
    no_bias: bool = field(default=False, metadata={"help": "drop the biases of the HGRU projections (official: biases)"})
    # Optional: fairseq turns a bool field defaulting to True into a store_false flag, so the official
    # command line's --share-decoder-input-output-embed would have untied the embeddings. Unset (None)
    # means tied, as officially; the flag says the same.
    share_decoder_input_output_embed: Optional[bool] = field(
        default=None, metadata={"help": "tie the output projection to the input embedding (always, as officially)"})
    no_scale_embedding: bool = field(default=False, metadata={"help": "do not scale embeddings by sqrt(d)"})
    kernel_backend: str = field(default="auto", metadata={"help": "hgru scan backend: auto, triton or torch"})
    cuda_graphs: bool = field(default=False, metadata={
        "help": "replay CUDA graphs of the decoder's forward and backward (embedding to final LayerNorm) in "
                "training, for one batch shape; other shapes, evaluation and generation run eagerly"})
    max_target_positions: Optional[int] = II("task.tokens_per_sample")


class HgruModule(nn.Module):
    """Holds the layer's Hgru1d under the official attribute name ``hgru``."""

    def __init__(self, cfg: HgrnLMConfig):
        super().__init__()
        self.hgru = Hgru1d(cfg.decoder_embed_dim, act_fun=cfg.hgru_act, causal=True, bias=not cfg.no_bias,
                           batch_first=True, backend=cfg.kernel_backend)


class HgrnDecoderLayer(nn.Module):
    def __init__(self, cfg: HgrnLMConfig):
        super().__init__()
        d = cfg.decoder_embed_dim
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.self_attn = HgruModule(cfg)
        self.final_layer_norm = nn.LayerNorm(d)
        self.glu = GLU(d, cfg.glu_multiple * d, cfg.glu_act)
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, x, lower_bound, state=None, incremental=False):
        """x (B, T, d). Returns (x, state); the state is computed only when ``incremental``."""
        hgru = self.self_attn.hgru
        h = self.self_attn_layer_norm(x)
        if not incremental:
            h = hgru(h, lower_bound)
        elif x.shape[1] == 1 and state is not None:
            h, state = hgru.step(h[:, 0], state, lower_bound)
            h = h[:, None]
        else:
            h, state = hgru(h, lower_bound, initial_state=state, output_final_state=True)
        x = x + self.dropout(h)
        x = x + self.dropout(self.glu(self.final_layer_norm(x)))
        return x, state


class HgrnDecoder(FairseqIncrementalDecoder):
    def __init__(self, cfg: HgrnLMConfig, dictionary):
        super().__init__(dictionary)
        d = cfg.decoder_embed_dim
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(len(dictionary), d, padding_idx=dictionary.pad())
        nn.init.normal_(self.embed_tokens.weight, mean=0, std=d**-0.5)
        nn.init.zeros_(self.embed_tokens.weight[dictionary.pad()])
        self.embed_scale = 1.0 if cfg.no_scale_embedding else math.sqrt(d)
        self.dropout = nn.Dropout(cfg.dropout)
        self.layers = nn.ModuleList(HgrnDecoderLayer(cfg) for _ in range(cfg.decoder_layers))
        self.lower_bounds = nn.Parameter(torch.ones(cfg.decoder_layers, d))
        self.layer_norm = nn.LayerNorm(d)
        self.output_projection = nn.Linear(d, len(dictionary), bias=False)
        if cfg.share_decoder_input_output_embed:
            self.output_projection.weight = self.embed_tokens.weight
        else:
            nn.init.normal_(self.output_projection.weight, mean=0, std=d**-0.5)
        # the features' forward and backward from CUDA graphs; the output projection stays eager
        self.graphed = GraphedNet(self._features, self) if cfg.cuda_graphs else None

    def forward(self, prev_output_tokens, encoder_out=None, incremental_state=None, features_only=False,
                src_lengths=None, return_all_hiddens=False, **kwargs):
        if self.graphed is not None and incremental_state is None and self.graphed.fits(prev_output_tokens):
            x, extra = self.graphed.replay(prev_output_tokens), {"attn": [None], "inner_states": None}
        else:
            x, extra = self.extract_features(prev_output_tokens, incremental_state=incremental_state)
        return (x if features_only else self.output_layer(x)), extra

    def _features(self, tokens):
        return self.extract_features(tokens)[0]

    def extract_features(self, prev_output_tokens, encoder_out=None, incremental_state=None, **kwargs):
        """(B, T) tokens -> (B, T, d) features. With ``incremental_state``, only the tokens not
        seen before are run, starting from each layer's cached state."""
        cache = self.get_incremental_state(incremental_state, "hgru") if incremental_state is not None else None
        seen = 0 if cache is None else int(cache["seen"].item())
        tokens = prev_output_tokens[:, seen:]
        x = self.dropout(self.embed_scale * self.embed_tokens(tokens))
        bounds = layer_lower_bounds(self.lower_bounds, "lm")
        inner: List[Optional[Tensor]] = [x]
        new_cache: Dict[str, Optional[Tensor]] = {"seen": torch.tensor(prev_output_tokens.shape[1])}
        for k, layer in enumerate(self.layers):
            state = None if cache is None else cache[f"s{k}"]
            x, state = layer(x, bounds[k], state, incremental=incremental_state is not None)
            new_cache[f"s{k}"] = state
            inner.append(x)
        if incremental_state is not None:
            self.set_incremental_state(incremental_state, "hgru", new_cache)
        return self.layer_norm(x), {"attn": [None], "inner_states": inner}

    def output_layer(self, features, **kwargs):
        return self.output_projection(features)

    def max_positions(self):
        return self.cfg.max_target_positions

    def reorder_incremental_state(self, incremental_state, new_order):
        cache = self.get_incremental_state(incremental_state, "hgru")
        if cache is not None:
            for k, v in cache.items():
                if k != "seen" and v is not None:
                    cache[k] = v.index_select(0, new_order)
            self.set_incremental_state(incremental_state, "hgru", cache)


@register_model("hgrn_lm", dataclass=HgrnLMConfig)
class HgrnLanguageModel(FairseqLanguageModel):
    @classmethod
    def build_model(cls, cfg: HgrnLMConfig, task):
        if safe_getattr(cfg, "max_target_positions", None) is None:
            cfg.max_target_positions = safe_getattr(task.cfg or task.args, "tokens_per_sample", None)
        model = cls(HgrnDecoder(cfg, task.target_dictionary))
        n = sum(p.numel() for p in model.parameters())
        logger.info(f"hgrn_lm: {n:,} parameters ({n / 1e6:.1f}M), d={cfg.decoder_embed_dim}, "
                    f"layers={cfg.decoder_layers}, vocabulary {len(task.target_dictionary):,}")
        return model


def _architecture(cfg, **sizes):
    fill_architecture(cfg, HgrnLMConfig, share_decoder_input_output_embed=True, **sizes)


@register_model_architecture("hgrn_lm", "hgrn_lm_base")
def hgrn_lm_base(cfg):
    """The paper's model: d=512, 6 layers, GLU x2 (~46M parameters with the GPT-2 BPE vocabulary)."""
    _architecture(cfg)


@register_model_architecture("hgrn_lm", "hgrn_lm_tiny")
def hgrn_lm_tiny(cfg):
    """A 2-layer, d=128 model for the offline demo and the tests."""
    _architecture(cfg, decoder_embed_dim=128, decoder_layers=2)

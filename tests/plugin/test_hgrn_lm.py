# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The hgrn_lm fairseq model: registration, size, official names, incremental decoding."""
import argparse
import os

import pytest
import torch
from cases import train_against_eager

fairseq = pytest.importorskip("fairseq")
from fairseq import utils  # noqa: E402
from fairseq.data import Dictionary  # noqa: E402
from fairseq.models import ARCH_MODEL_REGISTRY, MODEL_REGISTRY  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
utils.import_user_module(argparse.Namespace(user_dir=os.path.join(ROOT, "fairseq_plugin")))
from fairseq_plugin.models.hgrn_lm import HgrnLanguageModel  # noqa: E402


class _Task:
    def __init__(self, n_words, tokens_per_sample=64):
        d = Dictionary()
        for i in range(n_words):
            d.add_symbol(f"w{i}")
        self.target_dictionary = self.source_dictionary = d
        self.cfg = argparse.Namespace(tokens_per_sample=tokens_per_sample)
        self.args = None


def build(arch, n_words=100, **over):
    args = argparse.Namespace(arch=arch, **over)
    ARCH_MODEL_REGISTRY  # noqa: B018
    from fairseq.models import ARCH_CONFIG_REGISTRY
    ARCH_CONFIG_REGISTRY[arch](args)
    return HgrnLanguageModel.build_model(args, _Task(n_words))


def test_registered():
    assert MODEL_REGISTRY["hgrn_lm"] is HgrnLanguageModel
    assert ARCH_MODEL_REGISTRY["hgrn_lm_base"] is HgrnLanguageModel
    assert ARCH_MODEL_REGISTRY["hgrn_lm_tiny"] is HgrnLanguageModel


def test_base_size_and_official_names():
    # GPT-2 BPE: fairseq's gpt2_bpe/dict.txt holds 50,260 entries; with 4 specials -> 50,264
    model = build("hgrn_lm_base", n_words=50260)
    n = sum(p.numel() for p in model.parameters())
    assert len(model.decoder.dictionary) == 50264
    assert 45.5e6 < n < 46.5e6, n  # paper: ~46M, 25.7M of them the tied embedding
    assert model.decoder.embed_tokens.weight.numel() == 50264 * 512
    keys = set(model.state_dict())
    for k in ["decoder.lower_bounds", "decoder.embed_tokens.weight", "decoder.layer_norm.weight",
              "decoder.layers.5.self_attn.hgru.input_proj.weight", "decoder.layers.5.self_attn.hgru.theta",
              "decoder.layers.0.glu.l3.weight", "decoder.layers.0.self_attn_layer_norm.weight",
              "decoder.layers.0.final_layer_norm.bias"]:
        assert k in keys, k
    assert model.decoder.output_projection.weight is model.decoder.embed_tokens.weight  # tied
    assert tuple(model.decoder.lower_bounds.shape) == (6, 512)


def test_incremental_decoding_equals_full_forward():
    torch.manual_seed(0)
    model = build("hgrn_lm_tiny", n_words=60, decoder_embed_dim=32).eval()
    tokens = torch.randint(4, 64, (3, 17))
    with torch.no_grad():
        full = model(tokens)[0]
        seen = []
        hook = model.decoder.embed_tokens.register_forward_hook(lambda m, i, o: seen.append(i[0].shape[1]))
        state, steps = {}, []
        for t in range(tokens.shape[1]):
            steps.append(model.decoder(tokens[:, : t + 1], incremental_state=state)[0][:, -1])
        hook.remove()
    assert seen == [1] * tokens.shape[1]  # each step embeds only the new token: O(1) per token
    assert torch.allclose(torch.stack(steps, 1), full, atol=1e-5, rtol=1e-4)


def test_incremental_prefill_and_beam_reorder():
    torch.manual_seed(0)
    model = build("hgrn_lm_tiny", n_words=60, decoder_embed_dim=32).eval()
    tokens = torch.randint(4, 64, (3, 12))
    order = torch.tensor([2, 0, 1])
    with torch.no_grad():
        state = {}
        model.decoder(tokens[:, :7], incremental_state=state)  # prefill 7 tokens at once
        model.decoder.reorder_incremental_state_scripting(state, order)  # as beam search does
        reordered = tokens[order]
        out = [model.decoder(reordered[:, : t + 1], incremental_state=state)[0][:, -1] for t in range(7, 12)]
        want = model(reordered)[0][:, 7:]
    assert torch.allclose(torch.stack(out, 1), want, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("flag", [[], ["--share-decoder-input-output-embed"]], ids=["default", "official-flag"])
def test_command_line_keeps_embeddings_tied(flag, tmp_path):
    """Through fairseq's own parser, as script_alm.sh calls it: the official flag must not untie
    (fairseq makes a bool field defaulting to True a store_false flag: that cost 12.9M parameters
    on the demo vocabulary, 25.7M with GPT-2 BPE)."""
    from fairseq import options
    parser = options.get_training_parser()
    args = options.parse_args_and_arch(parser, [str(tmp_path), "--user-dir", os.path.join(ROOT, "fairseq_plugin"),
                                                "--task", "language_modeling", "--arch", "hgrn_lm_base", *flag])
    model = HgrnLanguageModel.build_model(args, _Task(50260))
    assert model.decoder.output_projection.weight is model.decoder.embed_tokens.weight
    assert 45.5e6 < sum(p.numel() for p in model.parameters()) < 46.5e6


def test_command_line_cuda_graphs_flag(tmp_path):
    """--cuda-graphs (what CUDA_GRAPHS=1 bash script_alm.sh passes) reaches the decoder through fairseq's parser."""
    from fairseq import options
    base = [str(tmp_path), "--user-dir", os.path.join(ROOT, "fairseq_plugin"), "--task", "language_modeling",
            "--arch", "hgrn_lm_tiny"]
    for flag, on in (([], False), (["--cuda-graphs"], True)):
        args = options.parse_args_and_arch(options.get_training_parser(), base + flag)
        model = HgrnLanguageModel.build_model(args, _Task(60))
        assert (model.decoder.graphed is not None) == on


def _graph_pair(device):
    torch.manual_seed(0)
    graphed = build("hgrn_lm_tiny", n_words=60, decoder_embed_dim=32, dropout=0.0, cuda_graphs=True).to(device)
    ref = build("hgrn_lm_tiny", n_words=60, decoder_embed_dim=32, dropout=0.0).to(device)
    ref.load_state_dict(graphed.state_dict())
    return graphed, ref


def _loss(model, tokens):
    logits = model(tokens[:, :-1])[0]
    return torch.nn.functional.cross_entropy(logits.float().flatten(0, 1), tokens[:, 1:].flatten())


def _inner_states(model, tokens):
    return len(model(tokens)[1]["inner_states"])


def test_cuda_graphs_option_runs_eagerly_where_no_graph_fits():
    """On CPU tensors --cuda-graphs changes nothing."""
    graphed, ref = _graph_pair("cpu")
    tokens = torch.randint(4, 64, (3, 17))
    assert torch.allclose(_loss(graphed, tokens), _loss(ref, tokens), atol=1e-6)
    assert graphed.decoder.graphed.key is None
    assert _inner_states(graphed, tokens) == 3  # the eager path keeps fairseq's inner states


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA graphs need a GPU")
@pytest.mark.parametrize("amp", [False, True], ids=["fp32", "bf16-autocast"])
def test_cuda_graphs_training_steps_match_eager(amp):
    """Three SGD steps of two accumulated micro-batches with the decoder's features replayed from
    CUDA graphs give the eager model's losses and every gradient (the tied embedding gets its
    gradient from the graphs' embedding lookup and the eager output projection); another batch
    shape and evaluation run eagerly."""
    graphed, ref = _graph_pair("cuda")
    def batch(gen):
        return torch.randint(4, 64, (4, 33), device="cuda", generator=gen)
    tol = train_against_eager(graphed, graphed, ref, batch, _loss, amp, 0.5)
    assert graphed.decoder.graphed.key is not None
    odd = torch.randint(4, 64, (3, 20), device="cuda")  # another shape: eager
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
        assert abs(_loss(graphed, odd).item() - _loss(ref, odd).item()) < tol * 10
        assert _inner_states(graphed, odd) == 3
    graphed.eval()
    with torch.no_grad():  # the training shape in evaluation: eager
        assert _inner_states(graphed, torch.randint(4, 64, (4, 32), device="cuda")) == 3

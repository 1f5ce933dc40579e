# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Print sampled continuations of test-set prompts from a trained language model.

    python scripts/sample_lm.py --data-bin data/data-bin/demo-word --checkpoint checkpoints/.../checkpoint_best.pt

Prompts are the first words of the first paragraphs of the test split; decoding runs through
fairseq's sequence generator, i.e. the model's incremental (O(1) per token) path.
"""
import argparse
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-bin", required=True)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--n", type=int, default=3, help="number of prompts")
    ap.add_argument("--prompt-words", type=int, default=12)
    ap.add_argument("--max-len", type=int, default=40, help="new tokens per continuation")
    ap.add_argument("--topk", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    if not os.path.exists(args.checkpoint):
        sys.exit(f"no checkpoint at {args.checkpoint}: train first (bash script_alm.sh)")
    from fairseq import checkpoint_utils, utils
    from fairseq.sequence_generator import SequenceGenerator

    utils.import_user_module(argparse.Namespace(user_dir=os.path.join(ROOT, "fairseq_plugin")))
    models, cfg, task = checkpoint_utils.load_model_ensemble_and_task([args.checkpoint],
                                                                      arg_overrides={"data": args.data_bin})
    model = models[0].eval().to(args.device)
    vocab = task.target_dictionary
    bpe = None
    gpt2 = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.data_bin))), "gpt2_bpe")
    if len(vocab) > 50000 and os.path.exists(os.path.join(gpt2, "encoder.json")):
        from fairseq.data.encoders.gpt2_bpe_utils import get_encoder
        bpe = get_encoder(os.path.join(gpt2, "encoder.json"), os.path.join(gpt2, "vocab.bpe"))
    raw = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.data_bin))), "raw")
    test = next((os.path.join(d, f) for d, _, fs in os.walk(raw) for f in fs if f.startswith("wiki.test.") and
                 f.endswith((".tokens", ".raw"))), None)
    if test is None:
        sys.exit(f"no test split under {raw}: run scripts/prepare_lm_data.py first")
    with open(test, encoding="utf-8") as f:
        paragraphs = [line.split() for line in f if len(line.split()) > 2 * args.prompt_words
                      and not line.strip().startswith("=")]
    torch.manual_seed(args.seed)
    gen = SequenceGenerator([model], vocab, beam_size=1, max_len_b=args.max_len, min_len=args.max_len // 2,
                            search_strategy=None, temperature=1.0)
    from fairseq import search
    gen.search = search.Sampling(vocab, sampling_topk=args.topk)
    for words in paragraphs[: args.n]:
        prompt = " ".join(words[: args.prompt_words])
        text = " ".join(map(str, bpe.encode(prompt))) if bpe else prompt
        ids = vocab.encode_line(text, add_if_not_exist=False, append_eos=False).long()
        sample = {"net_input": {"src_tokens": ids[None].to(args.device), "src_lengths": torch.tensor([len(ids)])}}
        with torch.no_grad():
            out = gen.generate([model], sample, prefix_tokens=ids[None].to(args.device))[0][0]["tokens"]
        cont = out[len(ids):]
        cont = cont[cont != vocab.eos()]
        words_out = vocab.string(cont)
        if bpe:
            words_out = bpe.decode([int(t) for t in words_out.split() if t.isdigit()])
        print(f"PROMPT: {prompt}\n  ->   {words_out}\n", flush=True)


if __name__ == "__main__":
    main()

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The language-model pipeline on the shipped demo corpus, at its smallest: CPU, a few updates."""
import json
import os
import subprocess
import sys

import pytest
import torch

pytest.importorskip("fairseq")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SMALL = {"DATASET": "demo", "TOKENS_PER_SAMPLE": "64", "MAX_TOKENS": "512", "SEQS_PER_UPDATE": "16",
         "LOG_INTERVAL": "1", "N_SAMPLES": "2", "DEVICE": "cpu", "WARMUP": "4", "DROPOUT": "0"}


def script(env, timeout=900):
    out = subprocess.run(["bash", os.path.join(ROOT, "script_alm.sh")], env={**os.environ, **SMALL, **env},
                         capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out.stdout + out.stderr


def losses(log):
    """{update: loss} from the json records of a training log; each update must be logged once."""
    with open(log) as f:
        recs = [json.loads(line[line.index('{"'):]) for line in f if '{"' in line]
    pairs = [(int(r["num_updates"]), float(r["loss"])) for r in recs if "loss" in r and "num_updates" in r]
    assert len({u for u, _ in pairs}) == len(pairs), f"records written more than once in {log}: {pairs}"
    return dict(pairs)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("lmdata")
    out = subprocess.run([sys.executable, "scripts/prepare_lm_data.py", "--dataset", "demo", "--data-dir", str(d)],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "unigram test perplexity" in out.stdout
    return str(d)


def test_demo_pipeline_end_to_end(data_dir, tmp_path):
    save = tmp_path / "run"
    text = script({"DATA_DIR": data_dir, "SAVE_DIR": str(save), "MAX_UPDATE": "6"})
    assert "test perplexity" in text and "unigram baseline" in text
    for name in ("checkpoint_best.pt", "train.log", "eval_test.log", "samples.txt", "curves.png"):
        assert (save / name).exists(), name
    assert (save / "samples.txt").read_text().count("PROMPT:") == 2
    state = torch.load(save / "checkpoint_best.pt", weights_only=True)  # no pickled objects inside
    assert "decoder.lower_bounds" in state["model"]
    assert "hgrn_lm: " in text and "parameters" in text  # the parameter count is printed


def test_rerun_skips_prepared_data(data_dir):
    out = subprocess.run([sys.executable, "scripts/prepare_lm_data.py", "--dataset", "demo", "--data-dir", data_dir],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "is ready" in out.stdout


def test_resume_continues_with_the_same_loss(data_dir, tmp_path):
    base = [os.path.join(data_dir, "data-bin", "demo-word"), "--user-dir", "fairseq_plugin", "--task",
            "language_modeling", "--arch", "hgrn_lm_tiny", "--tokens-per-sample", "64", "--max-tokens", "512",
            "--optimizer", "adam", "--lr", "1e-3", "--cpu", "--log-format", "json", "--log-interval", "1",
            "--dropout", "0", "--no-epoch-checkpoints", "--save-interval-updates", "3", "--seed", "3"]

    def train(save, n):
        out = subprocess.run(["fairseq-train", *base, "--save-dir", str(save), "--max-update", str(n)],
                             capture_output=True, text=True, cwd=ROOT, timeout=600)
        assert out.returncode == 0, out.stderr[-2000:]
        with open(save / "log.json", "a") as f:
            f.write(out.stdout + out.stderr)
    straight, resumed = tmp_path / "straight", tmp_path / "resumed"
    straight.mkdir()
    resumed.mkdir()
    train(straight, 6)
    train(resumed, 3)  # "interrupted" after update 3
    train(resumed, 6)  # restarts from checkpoint_last.pt
    a, b = losses(straight / "log.json"), losses(resumed / "log.json")
    assert sorted(b) == [1, 2, 3, 4, 5, 6]
    for u in (4, 5, 6):
        assert abs(a[u] - b[u]) < 1e-3, (u, a[u], b[u])


def test_two_gloo_processes_match_one(data_dir, tmp_path):
    """DEVICE=cpu GPUS=2: two processes through fairseq's DDP (gloo) vs one process with twice the
    update frequency: the same sequences per update, so the same losses."""
    one, two = tmp_path / "one", tmp_path / "two"
    script({"DATA_DIR": data_dir, "SAVE_DIR": str(one), "MAX_UPDATE": "4", "GPUS": "1"})
    text = script({"DATA_DIR": data_dir, "SAVE_DIR": str(two), "MAX_UPDATE": "4", "GPUS": "2"})
    assert "launching 2 CPU processes (gloo)" in text
    a, b = losses(one / "train.log"), losses(two / "train.log")
    assert sorted(a) == sorted(b) == [1, 2, 3, 4]
    for u in a:
        assert abs(a[u] - b[u]) < 2e-3 * abs(a[u]), (u, a[u], b[u])


def test_clear_errors(tmp_path):
    out = subprocess.run(["bash", "script_alm.sh"], env={**os.environ, **SMALL, "ARCH": "gpt9000"},
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode != 0 and "unknown ARCH=gpt9000" in out.stderr
    out = subprocess.run(["bash", "script_alm.sh"], env={**os.environ, **SMALL, "DEVICE": "cuda", "GPUS": "4"},
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode != 0 and "CUDA GPU(s) are visible" in out.stderr
    out = subprocess.run(["bash", "script_alm.sh"], env={**os.environ, **SMALL, "CUDA_GRAPHS": "1"},
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode != 0 and "CUDA_GRAPHS=1 needs DEVICE=cuda" in out.stderr
    out = subprocess.run([sys.executable, "scripts/prepare_lm_data.py", "--dataset", "demo", "--vocab", "bpe",
                          "--data-dir", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode != 0 and "no GPT-2 BPE files" in out.stderr


def test_hydra_config_trains(data_dir, tmp_path):
    out = subprocess.run(
        ["fairseq-hydra-train", "--config-dir", "configs/lm", "--config-name", "wikitext103",
         f"task.data={data_dir}/data-bin/demo-word", "common.cpu=true", "optimization.max_update=2",
         "+model.decoder_embed_dim=32", "+model.decoder_layers=1", "task.tokens_per_sample=32",
         "dataset.max_tokens=256", "optimization.update_freq=[1]", f"checkpoint.save_dir={tmp_path}/ck",
         f"hydra.run.dir={tmp_path}/hydra"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert (tmp_path / "ck" / "checkpoint_last.pt").exists()

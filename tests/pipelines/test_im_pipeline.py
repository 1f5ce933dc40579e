# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The image pipeline on the offline digits demo, at its smallest, and checkpoint resume."""
import json
import os
import subprocess

import pytest

pytest.importorskip("fairseq")
pytest.importorskip("timm")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(env, timeout=900):
    out = subprocess.run(["bash", "script_im.sh"], env={**os.environ, "DATASET": "demo", "DEVICE": "cpu", **env},
                         capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    return out.returncode, out.stdout + out.stderr


def updates(log):
    with open(log) as f:
        return [int(json.loads(line[line.index('{"'):])["num_updates"]) for line in f
                if '{"' in line and '"loss"' in line and '"num_updates"' in line]


def test_demo_pipeline_and_resume(tmp_path):
    # 720 of the 1,438 training images per update: two updates per epoch, so the log spans epochs
    # and validations (fairseq's --log-file repeated every record once more per epoch)
    env = {"DATA_DIR": str(tmp_path / "data"), "SAVE_DIR": str(tmp_path / "run"), "MAX_UPDATE": "3",
           "TOTAL_BATCH": "720", "EXTRA_ARGS": "--log-interval 1"}
    rc, text = run(env)
    assert rc == 0, text[-3000:]
    assert "best top-1" in text and "[hgrn_vit] 222,410 parameters" in text
    for name in ("checkpoint_best.pt", "checkpoint_last.pt", "train.log", "curves.png"):
        assert (tmp_path / "run" / name).exists(), name
    rc, text = run({**env, "MAX_UPDATE": "5"})  # continues from checkpoint_last.pt
    assert rc == 0, text[-3000:]
    assert "Loaded checkpoint" in text
    assert updates(tmp_path / "run" / "train.log") == [1, 2, 3, 4, 5]


def test_clear_errors(tmp_path):
    rc, text = run({"ARCH": "resnet50"})
    assert rc != 0 and "unknown ARCH=resnet50" in text
    rc, text = run({"IMG": "30"})
    assert rc != 0 and "not a multiple of the patch size" in text
    rc, text = run({"DATASET": "imagenet", "DATA_DIR": str(tmp_path)})
    assert rc != 0 and "image-net.org" in text
    for value, message in (("yes", "CUDA_GRAPHS must be 0 or 1, got yes"), ("1", "CUDA_GRAPHS=1 needs DEVICE=cuda")):
        rc, text = run({"CUDA_GRAPHS": value, "DEVICE": "cpu", "DATA_DIR": str(tmp_path / "none")})
        assert rc != 0 and message in text
        assert not (tmp_path / "none").exists()  # refused before preparing any data


def test_hydra_demo_config(tmp_path):
    data = subprocess.run(["python", "scripts/prepare_image_data.py", "--dataset", "demo", "--data-dir",
                           str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=300).stdout.split()[-1]
    out = subprocess.run(["fairseq-hydra-train", "--config-dir", "configs/im", "--config-name", "demo",
                          f"task.data={data}", "optimization.max_update=2", f"checkpoint.save_dir={tmp_path}/ck",
                          f"hydra.run.dir={tmp_path}/hydra"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert (tmp_path / "ck" / "checkpoint_last.pt").exists()

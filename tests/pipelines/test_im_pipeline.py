# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The image pipeline on the offline digits demo, at its smallest, and checkpoint resume."""
import json
import os
import shutil
import subprocess

import pytest
from cases import load_script, write_tar

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


def _imagenet_tars(folder):
    """ILSVRC2012's three files in their layouts, for 3 classes: the training tar of per-class tars,
    the validation tar of ILSVRC2012_val_<n>.JPEG and the devkit (meta.mat synsets, one of them not a
    leaf class, and the validation ground truth as ILSVRC2012_IDs). Returns {path in the tree: bytes}."""
    import io
    import numpy as np
    import scipy.io

    wnids = ["n01440764", "n01443537", "n01484850"]
    want, train = {}, {}
    for w in wnids:
        images = {f"{w}_{k}.JPEG": f"{w} {k}".encode() for k in range(2)}
        want.update({f"train/{w}/{name}": data for name, data in images.items()})
        inner = io.BytesIO()
        write_tar(inner, images)
        train[f"{w}.tar"] = inner.getvalue()
    write_tar(folder / "ILSVRC2012_img_train.tar", train)
    truth = [2, 1, 3, 2]
    val = {}
    for i in (3, 1, 4, 2):  # not in name order
        name = f"ILSVRC2012_val_{i:08d}.JPEG"
        val[name] = want[f"val/{wnids[truth[i - 1] - 1]}/{name}"] = f"val {i}".encode()
    write_tar(folder / "ILSVRC2012_img_val.tar", val)
    fields = ("ILSVRC2012_ID", "WNID", "words", "gloss", "num_children", "children", "wordnet_height",
              "num_train_images")
    synsets = np.zeros((4, 1), dtype=[(f, "O") for f in fields])
    for i, (w, children) in enumerate(zip(wnids + ["n00001740"], [0, 0, 0, 2])):
        synsets[i, 0] = (np.array([[i + 1]], np.uint8), np.array([w]), np.array(["x"]), np.array(["x"]),
                         np.array([[children]], np.uint8), np.zeros((1, 0)), np.array([[0]]), np.array([[2]]))
    mat = io.BytesIO()
    scipy.io.savemat(mat, {"synsets": synsets})
    devkit = "ILSVRC2012_devkit_t12/data/"
    write_tar(folder / "ILSVRC2012_devkit_t12.tar.gz", {
        devkit + "meta.mat": mat.getvalue(),
        devkit + "ILSVRC2012_validation_ground_truth.txt": "".join(f"{y}\n" for y in truth).encode()}, "w:gz")
    return want


def test_imagenet_extraction_from_the_tars(tmp_path, monkeypatch, capsys):
    """The ILSVRC2012 tars into train/<wnid>/ and val/<wnid>/ with progress lines; a rerun after a
    crash (a class and an image half written) keeps what was complete and finishes the rest; a class
    folder holding fewer files than its tar is extracted again."""
    prep = load_script("prepare_image_data", monkeypatch)
    monkeypatch.setattr(prep, "IMAGENET", {"classes": 3, "train": 6, "val": 4})
    tars, data = tmp_path / "tars", tmp_path / "data"
    tars.mkdir()
    want = _imagenet_tars(tars)
    out = prep.imagenet(str(data), str(tars))
    tree = lambda: {os.path.relpath(os.path.join(r, f), out): open(os.path.join(r, f), "rb").read()  # noqa: E731
                    for r, _, fs in os.walk(out) for f in fs}
    assert tree() == want
    log = capsys.readouterr().out
    assert "training classes: 3 / 3" in log and "validation images: 4 / 4" in log
    # a crash: one class half extracted, one image half written, one class never reached
    kept = os.path.join(out, "train", "n01440764", "n01440764_0.JPEG")
    os.utime(kept, (0, 0))
    os.rename(os.path.join(out, "train", "n01443537"), os.path.join(out, "train", "n01443537.part"))
    os.remove(os.path.join(out, "train", "n01443537.part", "n01443537_1.JPEG"))
    shutil.rmtree(os.path.join(out, "train", "n01484850"))
    val = os.path.join(out, "val", "n01440764", "ILSVRC2012_val_00000002.JPEG")
    os.rename(val, val + ".part")
    with pytest.raises(SystemExit, match="rerun with --imagenet-tars"):
        prep.imagenet(str(data), None)
    prep.imagenet(str(data), str(tars))
    assert tree() == want and os.stat(kept).st_mtime == 0  # finished; the complete class not extracted again
    # a class left part done in place (the script before 2026-11-29 extracted without .part folders)
    os.remove(os.path.join(out, "train", "n01484850", "n01484850_0.JPEG"))
    capsys.readouterr()
    prep.imagenet(str(data), str(tars))
    assert tree() == want and os.stat(kept).st_mtime == 0
    assert "n01484850 holds 1 of its 2 images" in capsys.readouterr().out


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

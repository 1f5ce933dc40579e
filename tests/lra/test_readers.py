# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The LRA readers on small fixtures in the official formats, malformed ones included, and the
ListOps generator."""
import os
import pickle

import numpy as np
import pytest

import lra
from lra import generate, readers


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def test_listops(tmp_path):
    for s in ("train", "val", "test"):
        write(tmp_path / "listops-1000" / f"basic_{s}.tsv",
              "Source\tTarget\n( ( [MAX 2 ) 9 ] )\t9\n[SM 3 4 [MIN 7 8 ] ]\t4\n")
    d = lra.read("listops", str(tmp_path), "valid")
    assert d.labels.tolist() == [9, 4] and d.lengths.tolist() == [4, 8]
    assert d.inputs.shape == (2, 2000) and readers.LISTOPS_VOCAB[d.inputs[0, 0]] == "[MAX"
    write(tmp_path / "listops-1000" / "basic_train.tsv", "Source\tTarget\n[MAX 2 9 ]\tnine\n")
    with pytest.raises(ValueError, match="basic_train.tsv:2"):
        lra.read("listops", str(tmp_path), "train")
    write(tmp_path / "listops-1000" / "basic_train.tsv", "[MAX 2 9 ]\t9\n")
    with pytest.raises(ValueError, match="header"):
        lra.read("listops", str(tmp_path), "train")
    write(tmp_path / "listops-1000" / "basic_train.tsv", "Source\tTarget\n[MAX 2 [FOO 9 ]\t9\n")
    with pytest.raises(ValueError, match="unknown ListOps tokens"):
        lra.read("listops", str(tmp_path), "train")


def test_missing_data_names_layout_and_command(tmp_path):
    for task in lra.TASKS:
        with pytest.raises(FileNotFoundError, match="prepare_lra_data.py"):
            lra.read(task, str(tmp_path), "train")
    with pytest.raises(ValueError, match="unknown LRA task"):
        lra.read("qa", str(tmp_path), "train")


def test_text_bytes(tmp_path):
    for split in ("train", "test"):
        write(tmp_path / "aclImdb" / split / "pos" / "1_9.txt", "Great film!")
        write(tmp_path / "aclImdb" / split / "neg" / "2_1.txt", "Bad. \u00e9")
    d = lra.read("text", str(tmp_path), "train")
    assert d.labels.tolist() == [0, 1]
    assert d.lengths.tolist() == [len("Bad. \u00e9".encode()), 11]
    assert d.inputs[1, 0] == ord("G") + 1  # bytes shifted by one: 0 is padding


def test_retrieval(tmp_path):
    write(tmp_path / "tsv_data" / "new_aan_pairs.eval.tsv", "1\ta\tb\tfirst doc\tsecond doc\n0.0\tc\td\tx\ty\n")
    d = lra.read("retrieval", str(tmp_path), "valid")
    assert d.labels.tolist() == [1, 0] and d.inputs2.shape == (2, 4000) and d.lengths2.tolist() == [10, 1]
    write(tmp_path / "tsv_data" / "new_aan_pairs.train.tsv", "1\ta\tb\tonly four fields\n")
    with pytest.raises(ValueError, match="expected 5 tab-separated fields"):
        lra.read("retrieval", str(tmp_path), "train")


def test_image_grayscale_and_rgb(tmp_path):
    d = tmp_path / "cifar-10-batches-py"
    os.makedirs(d)
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        with open(d / name, "wb") as f:
            pickle.dump({b"data": rng.integers(0, 256, (10, 3072), dtype=np.uint8), b"labels": list(range(10))}, f)
    train, val = lra.read("image", str(tmp_path), "train"), lra.read("image", str(tmp_path), "valid")
    assert len(train.labels) + len(val.labels) == 50 and len(val.labels) == 5
    test = lra.read("image", str(tmp_path), "test")
    raw = pickle.load(open(d / "test_batch", "rb"))[b"data"].reshape(10, 3, 1024).astype(float)
    assert np.abs(test.inputs - (0.299 * raw[:, 0] + 0.587 * raw[:, 1] + 0.114 * raw[:, 2])).max() <= 0.5
    rgb = lra.read("image", str(tmp_path), "test", rgb=True)
    assert rgb.inputs.shape == (10, 1024, 3)
    with open(d / "test_batch", "wb") as f:
        pickle.dump({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}, f)
    with pytest.raises(ValueError, match=r"\[N, 3072\]"):
        lra.read("image", str(tmp_path), "test")


def test_pathfinder_layout_and_bad_metadata(tmp_path):
    generate.write_pathfinder(str(tmp_path), 32, 30, per_folder=10)
    d = lra.read("pathfinder", str(tmp_path), "train")
    assert d.inputs.shape == (24, 1024) and set(d.labels.tolist()) <= {0, 1}
    meta = tmp_path / "pathfinder32" / "curv_contour_length_14" / "metadata" / "0.npy"
    for other in ("1.npy", "2.npy"):
        os.remove(meta.parent / other)
    write(meta, "imgs/0 sample_0.png 0\n")
    with pytest.raises(ValueError, match="label 0/1"):
        lra.read("pathfinder", str(tmp_path), "train")
    write(meta, "".join(f"imgs/0 sample_{i}.png 0 1 0 0\n" for i in range(9)) + "imgs/0 missing.png 0 1 0 0\n")
    with pytest.raises(FileNotFoundError, match="missing.png"):
        lra.read("pathfinder", str(tmp_path), "train")


def test_listops_generator_follows_the_procedure(tmp_path):
    assert generate.value(("[SM", [7, 8, ("[MAX", [1, 9])])) == 4
    assert generate.value(("[MED", [1, 5, 9, 2])) == 3  # int(median) = int(3.5)
    assert generate.value(("[MIN", [4, ("[MAX", [2, 6])])) == 4
    ex = generate.listops(50, 500, 2000, seed=1)
    assert all(500 <= len(e.split()) <= 2000 for e, _ in ex)
    assert len(set(v for _, v in ex)) > 3
    generate.write_listops(str(tmp_path), {"train": 5, "val": 3, "test": 3}, 20, 60)
    d = lra.read("listops", str(tmp_path), "train")
    assert len(d.labels) == 5 and d.lengths.min() >= 20

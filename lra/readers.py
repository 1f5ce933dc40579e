# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Readers for the six LRA tasks in their published layouts (lra_release/ and aclImdb/).

Every reader returns, per split, an :class:`LRAData`: ``inputs`` int arrays [N, L] (token or
byte ids, 0 = padding, or raw pixels 0-255), optional ``inputs2`` for the second document of
Retrieval, ``lengths`` and ``labels``. Pixel tasks keep pixels as uint8; the model scales them.
"""
import glob
import os
import pickle
from dataclasses import dataclass
from typing import Optional

import numpy as np

PREPARE = "python scripts/prepare_lra_data.py --data-dir {root}"


@dataclass
class LRAData:
    inputs: np.ndarray
    lengths: np.ndarray
    labels: np.ndarray
    inputs2: Optional[np.ndarray] = None
    lengths2: Optional[np.ndarray] = None


def _missing(path, layout, root):
    return FileNotFoundError(f"{path} not found. Expected layout: {layout}. Prepare it with: "
                             f"{PREPARE.format(root=root)} (or --demo for the offline stand-ins)")


def _pad(seqs, max_len, dtype=np.int16):
    out = np.zeros((len(seqs), max_len), dtype=dtype)
    lengths = np.zeros(len(seqs), dtype=np.int64)
    for i, s in enumerate(seqs):
        s = s[:max_len]
        out[i, : len(s)] = s
        lengths[i] = len(s)
    return out, lengths


# ---- ListOps -----------------------------------------------------------------------------------
LISTOPS_VOCAB = ["<pad>", "<unk>", "[MIN", "[MAX", "[MED", "[SM", "]"] + [str(i) for i in range(10)]
LISTOPS_LAYOUT = "{root}/listops-1000/basic_{train,val,test}.tsv, header 'Source<TAB>Target'"


def listops(root, split, max_len=2000):
    path = os.path.join(root, "listops-1000", f"basic_{ {'valid': 'val'}.get(split, split)}.tsv")
    if not os.path.exists(path):
        raise _missing(path, LISTOPS_LAYOUT, root)
    ids = {t: i for i, t in enumerate(LISTOPS_VOCAB)}
    seqs, labels = [], []
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        if header != ["Source", "Target"]:
            raise ValueError(f"{path}: first line must be the header 'Source\\tTarget', got {header}")
        for n, line in enumerate(f, 2):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2 or not parts[1].strip().isdigit() or not 0 <= int(parts[1]) <= 9:
                raise ValueError(f"{path}:{n}: expected '<expression>\\t<label 0-9>', got {line[:80]!r}")
            toks = [t for t in parts[0].replace("(", " ").replace(")", " ").split()]
            bad = [t for t in toks if t not in ids]
            if bad:
                raise ValueError(f"{path}:{n}: unknown ListOps tokens {bad[:5]}")
            seqs.append([ids[t] for t in toks])
            labels.append(int(parts[1]))
    x, lengths = _pad(seqs, max_len, np.int8)
    return LRAData(x, lengths, np.array(labels))


# ---- Text (IMDB, byte level) --------------------------------------------------------------------
TEXT_LAYOUT = "{root}/aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt"


def _bytes(text, max_len):
    return np.frombuffer(text.encode("utf-8")[:max_len], dtype=np.uint8).astype(np.int16) + 1  # 0 = pad


def text(root, split, max_len=4096):
    sub = "train" if split == "train" else "test"  # LRA validates and tests on the test reviews
    seqs, labels = [], []
    for label, polarity in ((0, "neg"), (1, "pos")):
        d = os.path.join(root, "aclImdb", sub, polarity)
        files = sorted(glob.glob(os.path.join(d, "*_*.txt")))
        if not files:
            raise _missing(d, TEXT_LAYOUT, root)
        for p in files:
            with open(p, encoding="utf-8", errors="replace") as f:
                seqs.append(_bytes(f.read(), max_len))
            labels.append(label)
    x, lengths = _pad(seqs, max_len)
    return LRAData(x, lengths, np.array(labels))


# ---- Retrieval (AAN, byte level, two documents) -----------------------------------------------
AAN_LAYOUT = "{root}/tsv_data/new_aan_pairs.{train,eval,test}.tsv, no header: label, id1, id2, text1, text2"


def retrieval(root, split, max_len=4000):
    path = os.path.join(root, "tsv_data", f"new_aan_pairs.{ {'valid': 'eval'}.get(split, split)}.tsv")
    if not os.path.exists(path):
        raise _missing(path, AAN_LAYOUT, root)
    a, b, labels = [], [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5:
                raise ValueError(f"{path}:{n}: expected 5 tab-separated fields (label, id1, id2, text1, text2), "
                                 f"got {len(parts)}")
            try:
                label = int(float(parts[0]))
            except ValueError:
                raise ValueError(f"{path}:{n}: label {parts[0]!r} is not a number") from None
            labels.append(label)
            a.append(_bytes(parts[3], max_len))
            b.append(_bytes(parts[4], max_len))
    x1, l1 = _pad(a, max_len)
    x2, l2 = _pad(b, max_len)
    return LRAData(x1, l1, np.array(labels), x2, l2)


# ---- Image (CIFAR-10 python batches) ------------------------------------------------------------
IMAGE_LAYOUT = "{root}/cifar-10-batches-py/{data_batch_1..5,test_batch}"


def image(root, split, rgb=False, val_fraction=0.1, seed=42):
    d = os.path.join(root, "cifar-10-batches-py")
    names = [f"data_batch_{i}" for i in range(1, 6)] if split != "test" else ["test_batch"]
    xs, ys = [], []
    for name in names:
        p = os.path.join(d, name)
        if not os.path.exists(p):
            raise _missing(p, IMAGE_LAYOUT, root)
        with open(p, "rb") as f:
            batch = pickle.load(f, encoding="bytes")
        data = np.asarray(batch[b"data"], dtype=np.uint8)
        if data.ndim != 2 or data.shape[1] != 3072:
            raise ValueError(f"{p}: expected [N, 3072] uint8 pixels, got {data.shape}")
        xs.append(data)
        ys.append(np.asarray(batch[b"labels"]))
    x, y = np.concatenate(xs).reshape(-1, 3, 1024), np.concatenate(ys)
    if split != "test":  # LRA keeps 10% of the training images for validation
        order = np.random.default_rng(seed).permutation(len(y))
        n_val = int(len(y) * val_fraction)
        keep = order[:n_val] if split == "valid" else order[n_val:]
        x, y = x[keep], y[keep]
    if rgb:
        pixels = x.transpose(0, 2, 1)  # [N, 1024, 3]
    else:  # ITU-R 601 luma, as torchvision's Grayscale
        pixels = np.rint(0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]).astype(np.uint8)
    return LRAData(pixels, np.full(len(y), 1024), y)


# ---- Pathfinder / Path-X -------------------------------------------------------------------------
PATH_LAYOUT = "{root}/pathfinder{res}/curv_contour_length_14/{{imgs/<k>/sample_<i>.png, metadata/<k>.npy}}"


def pathfinder(root, split, resolution=32, seed=42):
    from PIL import Image
    base = os.path.join(root, f"pathfinder{resolution}", "curv_contour_length_14")
    metas = sorted(glob.glob(os.path.join(base, "metadata", "*.npy")), key=lambda p: int(os.path.basename(p)[:-4]))
    if not metas:
        raise _missing(os.path.join(base, "metadata"), PATH_LAYOUT.format(root=root, res=resolution), root)
    paths, labels = [], []
    for m in metas:
        with open(m) as f:
            for n, line in enumerate(f, 1):
                fields = line.split()
                if len(fields) < 4 or fields[3] not in ("0", "1"):
                    raise ValueError(f"{m}:{n}: expected '<imgs/k> <sample_i.png> <...> <label 0/1> ...', "
                                     f"got {line[:80]!r}")
                paths.append(os.path.join(base, fields[0], fields[1]))
                labels.append(int(fields[3]))
    order = np.random.default_rng(seed).permutation(len(labels))  # 80 / 10 / 10, as the S4 codebase
    n_val = n_test = len(labels) // 10
    pick = {"valid": order[:n_val], "test": order[n_val:n_val + n_test], "train": order[n_val + n_test:]}[split]
    x = np.zeros((len(pick), resolution * resolution), dtype=np.uint8)
    for j, i in enumerate(pick):
        if not os.path.exists(paths[i]):
            raise FileNotFoundError(f"{paths[i]} is listed in the metadata but missing")
        img = np.asarray(Image.open(paths[i]).convert("L"))
        if img.shape != (resolution, resolution):
            raise ValueError(f"{paths[i]}: expected {resolution}x{resolution}, got {img.shape}")
        x[j] = img.reshape(-1)
    return LRAData(x, np.full(len(pick), resolution * resolution), np.array(labels)[pick])


# task -> (reader, kind, number of classes, sequence length)
TASKS = {
    "listops": (listops, "tokens", 10, 2000),
    "text": (text, "bytes", 2, 4096),
    "retrieval": (retrieval, "bytes2", 2, 4000),
    "image": (image, "pixels", 10, 1024),
    "pathfinder": (lambda root, split: pathfinder(root, split, 32), "pixels", 2, 1024),
    "pathx": (lambda root, split: pathfinder(root, split, 128), "pixels", 2, 16384),
}


def read(task, root, split, **kw):
    if task not in TASKS:
        raise ValueError(f"unknown LRA task {task!r}; choose from {sorted(TASKS)}")
    if split not in ("train", "valid", "test"):
        raise ValueError(f"split must be train, valid or test, got {split!r}")
    return TASKS[task][0](root, split, **kw)

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Offline stand-ins for every LRA task, written in the official layouts, small enough for a CPU.

ListOps: generated (the published procedure, 20-120 tokens). Text: paragraphs of two Wikipedia
articles from the shipped demo corpus as the two classes, in the aclImdb layout. Retrieval:
paragraph pairs from the same article (1) or different articles (0), in the AAN TSV format.
Image: scikit-learn's 8x8 digits at 32x32 in the CIFAR-10 python-batch format. Pathfinder and
Path-X: the simplified contour generator at 32x32 and 128x128.
"""
import lzma
import os
import pickle
import re

import numpy as np

from . import generate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "data", "demo", "wikitext-demo", "wiki.train.tokens.xz")


def _articles():
    text = lzma.open(CORPUS).read().decode()
    arts, title = {}, None
    for line in text.splitlines():
        m = re.fullmatch(r" = ([^=].*?) = ", line)
        if m:
            title = m.group(1)
            arts[title] = []
        elif title and len(line.split()) > 30 and not line.startswith(" = "):
            arts[title].append(line.strip())
    return {t: ps for t, ps in arts.items() if len(ps) >= 20}


def write_text(root, rng):
    arts = sorted(_articles().items(), key=lambda kv: -len(kv[1]))[:2]
    for label, (_, paras) in zip(("pos", "neg"), arts):
        paras = list(paras)
        rng.shuffle(paras)
        cut = int(len(paras) * 0.75)
        for split, chunk in (("train", paras[:cut]), ("test", paras[cut:])):
            d = os.path.join(root, "aclImdb", split, label)
            os.makedirs(d, exist_ok=True)
            for i, p in enumerate(chunk):
                with open(os.path.join(d, f"{i}_{8 if label == 'pos' else 2}.txt"), "w") as f:
                    f.write(p)


def write_retrieval(root, rng, sizes):
    arts = [ps for ps in _articles().values()]
    d = os.path.join(root, "tsv_data")
    os.makedirs(d, exist_ok=True)
    for split, n in sizes.items():
        with open(os.path.join(d, f"new_aan_pairs.{split}.tsv"), "w") as f:
            for i in range(n):
                label = int(rng.integers(0, 2))
                a = arts[int(rng.integers(len(arts)))]
                b = a if label else arts[int(rng.integers(len(arts)))]
                if not label and b is a:
                    label = 1
                f.write(f"{label}\tdoc{i}a\tdoc{i}b\t{a[int(rng.integers(len(a)))]}\t{b[int(rng.integers(len(b)))]}\n")


def write_image(root):
    from PIL import Image
    from sklearn.datasets import load_digits
    digits = load_digits()
    imgs = np.stack([np.asarray(Image.fromarray((im * 255 / 16).astype(np.uint8)).resize((32, 32), Image.BICUBIC))
                     for im in digits.images])
    rgb = np.repeat(imgs[:, None], 3, 1).reshape(len(imgs), -1)
    d = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(d, exist_ok=True)
    n_test = len(imgs) // 6
    chunks = np.array_split(np.arange(n_test, len(imgs)), 5)
    for name, idx in [("test_batch", np.arange(n_test))] + [(f"data_batch_{i + 1}", c) for i, c in enumerate(chunks)]:
        with open(os.path.join(d, name), "wb") as f:
            pickle.dump({b"data": rgb[idx], b"labels": digits.target[idx].tolist()}, f)
    with open(os.path.join(d, "batches.meta"), "wb") as f:
        pickle.dump({b"label_names": [str(i).encode() for i in range(10)]}, f)


def build(root, seed=0):
    """Write all six demo tasks under ``root``; returns ``root``."""
    if os.path.exists(os.path.join(root, ".done")):
        return root
    rng = np.random.default_rng(seed)
    generate.write_listops(root, {"train": 600, "val": 150, "test": 150}, 20, 120, seed)
    write_text(root, rng)
    write_retrieval(root, rng, {"train": 500, "eval": 120, "test": 120})
    write_image(root)
    generate.write_pathfinder(root, 32, 800, seed)
    generate.write_pathfinder(root, 128, 200, seed + 1)
    open(os.path.join(root, ".done"), "w").write("ok\n")
    return root

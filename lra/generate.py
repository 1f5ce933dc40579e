# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Generators for data in the LRA formats: ListOps (the published procedure) and a small
Pathfinder-like contour task for the offline demo.

ListOps (Nangia and Bowman 2018; LRA: Tay et al. 2021): random expression trees over MIN, MAX,
MED (median) and SM (sum modulo 10) with single-digit leaves, at most ``max_depth`` levels and
``max_args`` arguments per operator; the label is the value (0-9). LRA keeps expressions of 500
to 2000 tokens (rejection sampling here); the demo uses shorter ones. Written in the released format: a header
``Source<TAB>Target`` and one ``<expression><TAB><value>`` line per example.
"""
import os
import random

import numpy as np

OPS = ("[MIN", "[MAX", "[MED", "[SM")


class _TooLong(Exception):
    pass


def _tree(rng, depth, max_depth, max_args, leaf_p, budget):
    """A random tree; raises _TooLong once it exceeds ``budget[0]`` tokens (rejection early)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLong
    if depth >= max_depth or (depth > 0 and rng.random() < leaf_p):
        return rng.randrange(10)
    budget[0] -= 1  # the closing bracket
    return (rng.choice(OPS), [_tree(rng, depth + 1, max_depth, max_args, leaf_p, budget)
                              for _ in range(rng.randint(2, max_args))])


def value(t):
    if isinstance(t, int):
        return t
    op, args = t
    vals = [value(a) for a in args]
    if op == "[MIN":
        return min(vals)
    if op == "[MAX":
        return max(vals)
    if op == "[MED":
        return int(np.median(vals))
    return sum(vals) % 10


def tokens(t):
    if isinstance(t, int):
        return [str(t)]
    op, args = t
    return [op] + [tok for a in args for tok in tokens(a)] + ["]"]


def listops(n, min_len, max_len, seed, max_depth=10, max_args=10, leaf_p=0.8):
    """n (expression string, value) pairs with token counts in [min_len, max_len], by rejection.
    ``leaf_p``: probability that an argument is a digit rather than a sub-expression."""
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        try:
            t = _tree(rng, 0, max_depth, max_args, leaf_p, [max_len])
        except _TooLong:
            continue
        toks = tokens(t)
        if min_len <= len(toks) <= max_len:
            out.append((" ".join(toks), value(t)))
    return out


def write_listops(root, sizes, min_len, max_len, seed=0):
    d = os.path.join(root, "listops-1000")
    os.makedirs(d, exist_ok=True)
    for i, (split, n) in enumerate(sizes.items()):
        with open(os.path.join(d, f"basic_{split}.tsv"), "w") as f:
            f.write("Source\tTarget\n")
            for expr, val in listops(n, min_len, max_len, seed + i):
                f.write(f"{expr}\t{val}\n")


def write_pathfinder(root, resolution, n, seed=0, n_snakes=3, per_folder=100):
    """A simplified Pathfinder: dashed random curves; two markers on the ends of one curve (label 1)
    or of two different curves (label 0). Layout and metadata as the released pathfinder data."""
    from PIL import Image, ImageDraw
    rng = np.random.default_rng(seed)
    base = os.path.join(root, f"pathfinder{resolution}", "curv_contour_length_14")
    scale = resolution / 32
    for k in range((n + per_folder - 1) // per_folder):
        os.makedirs(os.path.join(base, "imgs", str(k)), exist_ok=True)
        os.makedirs(os.path.join(base, "metadata"), exist_ok=True)
        lines = []
        for i in range(k * per_folder, min(n, (k + 1) * per_folder)):
            img = Image.new("L", (resolution, resolution), 0)
            draw = ImageDraw.Draw(img)
            ends = []
            for _ in range(n_snakes):
                p = rng.uniform(4, 28, 2) * scale
                angle = rng.uniform(0, 2 * np.pi)
                pts = [p.copy()]
                for _ in range(int(rng.integers(8, 14))):
                    angle += rng.normal(0, 0.5)
                    p = np.clip(p + 2.2 * scale * np.array([np.cos(angle), np.sin(angle)]), 1, resolution - 2)
                    pts.append(p.copy())
                for j in range(0, len(pts) - 1, 2):  # dashes
                    draw.line([tuple(pts[j]), tuple(pts[j + 1])], fill=255, width=max(1, int(scale)))
                ends.append((pts[0], pts[-1]))
            label = int(rng.integers(0, 2))
            a, b = (ends[0][0], ends[0][1]) if label else (ends[0][0], ends[1][1])
            r = 1.5 * scale
            for c in (a, b):
                draw.ellipse([c[0] - r, c[1] - r, c[0] + r, c[1] + r], fill=255)
            img.save(os.path.join(base, "imgs", str(k), f"sample_{i}.png"))
            lines.append(f"imgs/{k} sample_{i}.png 0 {label} 0 0\n")
        with open(os.path.join(base, "metadata", f"{k}.npy"), "w") as f:
            f.writelines(lines)

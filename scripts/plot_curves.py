# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Plot train / valid loss against updates from fairseq logs (--log-format json), one curve per log.

    python scripts/plot_curves.py checkpoints/run/train.log [more.log ...] --out curves.png
"""
import argparse
import json
import sys

def read(path):
    """{'train': [(update, loss)], 'valid': [(update, loss)]} from a fairseq json log (the
    --log-file, whose lines are bare JSON, or the console output the scripts keep as train.log,
    whose lines end in the JSON record)."""
    curves = {"train": [], "valid": [], "train_epoch": []}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            start = line.find('{"')
            if start < 0:
                continue
            try:
                rec = json.loads(line[start:])
            except json.JSONDecodeError:
                continue
            if "valid_loss" in rec:
                curves["valid"].append((int(float(rec["valid_num_updates"])), float(rec["valid_loss"])))
            elif "loss" in rec and "num_updates" in rec:
                curves["train"].append((int(float(rec["num_updates"])), float(rec["loss"])))
            elif "train_loss" in rec:
                curves["train_epoch"].append((int(float(rec["train_num_updates"])), float(rec["train_loss"])))
    if not curves["train"]:  # runs shorter than one log interval: epoch averages only
        curves["train"] = curves["train_epoch"]
    return curves


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("logs", nargs="+")
    ap.add_argument("--labels", nargs="*")
    ap.add_argument("--out", required=True)
    ap.add_argument("--title", default="")
    args = ap.parse_args()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.5))
    found = False
    for i, path in enumerate(args.logs):
        label = args.labels[i] if args.labels and i < len(args.labels) else path
        c = read(path)
        for split, style in (("train", "-"), ("valid", "o--")):
            if c[split]:
                found = True
                x, y = zip(*c[split])
                ax.plot(x, y, style, label=f"{label} {split}", color=f"C{i}", alpha=0.9 if split == "valid" else 0.6)
    if not found:
        sys.exit(f"no train/valid records in {args.logs}: train with --log-format json")
    ax.set_xlabel("updates")
    ax.set_ylabel("loss (base 2)")
    ax.set_title(args.title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"[plot_curves] wrote {args.out}")


if __name__ == "__main__":
    main()

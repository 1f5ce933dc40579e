# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Prepare Long Range Arena data under one root, in the layouts lra/readers.py reads:

    DATA/listops-1000/  DATA/tsv_data/  DATA/pathfinder32/  DATA/pathfinder128/   (the LRA release)
    DATA/aclImdb/       (IMDB, for Text)     DATA/cifar-10-batches-py/   (for Image)

    python scripts/prepare_lra_data.py --data-dir data/lra                 # everything (~8 GB download)
    python scripts/prepare_lra_data.py --data-dir data/lra --generate-listops   # ListOps by the published procedure
    python scripts/prepare_lra_data.py --data-dir data/lra-demo --demo     # offline stand-ins, seconds

Downloads resume and are checked; finished steps leave a marker and are skipped on a re-run.
"""
import argparse
import os
import sys
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from prepare_image_data import cifar10  # noqa: E402
from prepare_lm_data import done, download, fail, mark  # noqa: E402

LRA_URL = "https://storage.googleapis.com/long-range-arena/lra_release.gz"
IMDB = ("https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz", "7c2ac02c03563afcf9b574c7e56c153a")
RELEASE = ("listops-1000", "tsv_data", "pathfinder32", "pathfinder128")
EVERY = 50_000  # files between progress lines


def log(msg):
    print(f"[prepare_lra_data] {msg}", flush=True)


def lra_release(root):
    """The release's four folders, extracted from its archive (downloaded first unless there). An
    extraction leaves a ``lra_release.partial`` marker until it completes, so a rerun after a crash
    extracts again instead of taking the folders it had begun for complete."""
    marker = os.path.join(root, "lra_release")
    partial = marker + ".partial"
    if done(marker) or (all(os.path.isdir(os.path.join(root, d)) for d in RELEASE) and not os.path.exists(partial)):
        return  # extracted here, or placed by hand
    tgz = os.path.join(root, "downloads", "lra_release.tar.gz")
    download([LRA_URL], tgz)
    log(f"extracting {', '.join(RELEASE)} from {tgz} (a long read; progress every {EVERY:,} files)")
    open(partial, "w").close()
    size, t0, files = os.path.getsize(tgz), time.time(), 0
    with open(tgz, "rb") as raw, tarfile.open(fileobj=raw, mode="r:gz") as t:
        for m in t:
            parts = m.name.split("/")
            keep = next((i for i, p in enumerate(parts) if p in RELEASE), None)
            if keep is not None and (m.isfile() or m.isdir()):
                m.name = "/".join(parts[keep:])
                t.extract(m, root, filter="data")
                files += m.isfile()
                if files % EVERY == 0 and m.isfile():
                    read, mins = raw.tell() / size, (time.time() - t0) / 60
                    log(f"  {files:,} files, {100 * read:.0f}% of the archive read, {mins:.1f} min"
                        + (f", ~{mins * (1 - read) / read:.0f} min left" if read > 0 else ""))
    missing = [d for d in RELEASE if not os.path.isdir(os.path.join(root, d))]
    if missing:
        fail(f"{tgz} did not contain {missing}: delete it and re-run")
    mark(marker, {"folders": list(RELEASE), "files": files})
    os.remove(partial)
    log(f"extracted {files:,} files in {(time.time() - t0) / 60:.1f} min")


def imdb(root):
    """IMDB's reviews (Text), extracted from its archive with a ``.partial`` marker as ``lra_release``."""
    partial = os.path.join(root, "aclImdb.partial")
    if os.path.isdir(os.path.join(root, "aclImdb", "test", "neg")) and not os.path.exists(partial):
        return
    tgz = os.path.join(root, "downloads", "aclImdb_v1.tar.gz")
    download([IMDB[0]], tgz, md5=IMDB[1])
    log(f"extracting {tgz}")
    open(partial, "w").close()
    with tarfile.open(tgz) as t:
        t.extractall(root, filter="data")
    os.remove(partial)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=os.path.join(os.path.dirname(HERE), "data", "lra"))
    ap.add_argument("--demo", action="store_true", help="write the offline stand-ins instead")
    ap.add_argument("--generate-listops", action="store_true",
                    help="write ListOps (96,000 / 2,000 / 2,000 expressions of 500-2,000 tokens) by the published "
                         "procedure instead of taking it from the release")
    ap.add_argument("--tasks", nargs="+", default=["listops", "text", "retrieval", "image", "pathfinder", "pathx"])
    args = ap.parse_args()
    root = args.data_dir
    os.makedirs(root, exist_ok=True)
    if args.demo:
        from lra import demo
        demo.build(root)
        log(f"offline demo data for all six tasks in {root}")
    else:
        if args.generate_listops and "listops" in args.tasks:
            from lra import generate
            if not os.path.exists(os.path.join(root, "listops-1000", "basic_test.tsv")):
                log("generating ListOps (this takes a few minutes)")
                generate.write_listops(root, {"train": 96_000, "val": 2_000, "test": 2_000}, 500, 2000)
        if {"retrieval", "pathfinder", "pathx"} & set(args.tasks) or ("listops" in args.tasks and not args.generate_listops):
            lra_release(root)
        if "text" in args.tasks:
            imdb(root)
        if "image" in args.tasks:
            cifar10_dir = cifar10(root)  # writes root/cifar10/cifar-10-batches-py
            link = os.path.join(root, "cifar-10-batches-py")
            if not os.path.exists(link):
                os.symlink(os.path.join(cifar10_dir, "cifar-10-batches-py"), link)
    import lra
    for task in args.tasks:
        try:
            n = {s: len(lra.read(task, root, s).labels) for s in ("train", "valid", "test")} if task != "pathx" else None
            log(f"{task}: ready" + (f" ({n['train']:,} / {n['valid']:,} / {n['test']:,} examples)" if n else ""))
        except (FileNotFoundError, ValueError) as err:
            fail(f"{task}: {err}")
    print(root)


if __name__ == "__main__":
    main()

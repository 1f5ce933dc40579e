# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Prepare image-classification data in the layouts the image_classification task reads.

    python scripts/prepare_image_data.py --dataset demo                    # offline: sklearn digits
    python scripts/prepare_image_data.py --dataset demo --source fashion-mnist   # Debian dataset-fashion-mnist
    python scripts/prepare_image_data.py --dataset cifar10                 # downloads the python batches
    python scripts/prepare_image_data.py --dataset imagenet --imagenet-tars ~/Downloads   # ILSVRC2012 tars

Writes DATA_DIR/<dataset>/ and prints the statistics it must have. ImageNet cannot be downloaded
without an image-net.org account: download ILSVRC2012_img_train.tar, ILSVRC2012_img_val.tar and
ILSVRC2012_devkit_t12.tar.gz there, then pass their folder with --imagenet-tars.
"""
import argparse
import gzip
import hashlib
import io
import os
import shutil
import sys
import tarfile
import time
import urllib.request

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CIFAR = ("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz", "c58f30108f718f92721af3b95e74349a")
FASHION = "/usr/share/datasets/fashion-mnist"
IMAGENET = {"classes": 1000, "train": 1_281_167, "val": 50_000}


def log(msg):
    print(f"[prepare_image_data] {msg}", flush=True)


def fail(msg):
    sys.exit(f"[prepare_image_data] ERROR: {msg}")


def write_folder(out, images, labels, names, split, size):
    from PIL import Image
    for c in names:
        os.makedirs(os.path.join(out, split, c), exist_ok=True)
    for i, (img, y) in enumerate(zip(images, labels)):
        im = Image.fromarray(img.astype(np.uint8)).convert("RGB")
        if im.size != (size, size):
            im = im.resize((size, size), Image.BICUBIC)
        im.save(os.path.join(out, split, names[y], f"{i:06d}.png"))


def demo(data_dir, source, size):
    out = os.path.join(data_dir, f"demo-{source}")
    if os.path.exists(out + ".done"):
        log(f"{out} is ready")
        return out
    rng = np.random.default_rng(0)
    if source == "digits":
        from sklearn.datasets import load_digits
        d = load_digits()
        images, labels = d.images * (255.0 / 16.0), d.target
        order = rng.permutation(len(labels))
        n_val = len(labels) // 5
        splits = {"val": order[:n_val], "train": order[n_val:]}
        names = [str(i) for i in range(10)]
        data = {s: (images[idx], labels[idx]) for s, idx in splits.items()}
    else:
        def idx(name):
            path = os.path.join(FASHION, name)
            if not os.path.exists(path):
                fail(f"{path} not found: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) "
                     "or use --source digits")
            with gzip.open(path) as f:
                raw = f.read()
            return np.frombuffer(raw, np.uint8, offset=16 if "images" in name else 8)
        names = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]
        tr_x, tr_y = idx("train-images-idx3-ubyte.gz").reshape(-1, 28, 28), idx("train-labels-idx1-ubyte.gz")
        te_x, te_y = idx("t10k-images-idx3-ubyte.gz").reshape(-1, 28, 28), idx("t10k-labels-idx1-ubyte.gz")
        keep_tr, keep_te = rng.permutation(len(tr_y))[:6000], rng.permutation(len(te_y))[:1000]
        data = {"train": (tr_x[keep_tr], tr_y[keep_tr]), "val": (te_x[keep_te], te_y[keep_te])}
    for split, (x, y) in data.items():
        write_folder(out, x, y, names, split, size)
        log(f"{out}/{split}: {len(y)} images, {size}x{size} RGB, class counts {np.bincount(y, minlength=10).tolist()}")
    open(out + ".done", "w").write("ok\n")
    return out


def cifar10(data_dir):
    out = os.path.join(data_dir, "cifar10")
    if os.path.exists(os.path.join(out, "cifar-10-batches-py", "test_batch")):
        log(f"{out} is ready")
        return out
    os.makedirs(out, exist_ok=True)
    tgz = os.path.join(out, "cifar-10-python.tar.gz")
    if not os.path.exists(tgz):
        log(f"downloading {CIFAR[0]}")
        urllib.request.urlretrieve(CIFAR[0], tgz + ".part")
        os.replace(tgz + ".part", tgz)
    if hashlib.md5(open(tgz, "rb").read()).hexdigest() != CIFAR[1]:
        fail(f"{tgz} has the wrong MD5 (expected {CIFAR[1]}): delete it and re-run")
    with tarfile.open(tgz) as t:
        t.extractall(out)
    log(f"{out}/cifar-10-batches-py: 50,000 train and 10,000 test images, 10 classes")
    return out


def _progress(what, done, total, t0):
    mins = (time.time() - t0) / 60
    eta = f", ~{mins * (total - done) / done:.0f} min left" if done < total else ""
    log(f"{what}: {done:,} / {total:,} ({mins:.1f} min{eta})")


def _extract_train(path, train):
    """The training tar holds one tar per class (<wnid>.tar). Each class is extracted into
    <wnid>.part and renamed when complete, so a rerun after a crash skips the classes already done.
    A class folder found from an earlier run is kept only if it holds as many files as its tar (the
    script's versions before 2026-11-29 extracted in place, so a crash left a class part done)."""
    t0, done, total = time.time(), 0, IMAGENET["classes"]
    with tarfile.open(path) as t:
        for member in t:
            if not member.name.endswith(".tar"):
                fail(f"{path}: unexpected member {member.name} (the training tar holds one <wnid>.tar per class)")
            d = os.path.join(train, os.path.basename(member.name)[:-4])
            if os.path.isdir(d):
                with tarfile.open(fileobj=t.extractfile(member)) as inner:
                    n = sum(m.isfile() for m in inner)
                have = len(os.listdir(d))
                if have != n:
                    log(f"{d} holds {have:,} of its {n:,} images (an extraction stopped part way): "
                        f"extracting the class again")
                    shutil.rmtree(d)
            if not os.path.isdir(d):
                shutil.rmtree(d + ".part", ignore_errors=True)
                with tarfile.open(fileobj=t.extractfile(member)) as inner:
                    inner.extractall(d + ".part", filter="data")
                os.rename(d + ".part", d)
            done += 1
            if done % 50 == 0 or done == total:
                _progress("training classes", done, total, t0)


def _extract_val(path, val, truth, wnid):
    """The validation tar's images, in name order, go to the class folders of the devkit's ground
    truth; each file is written under a temporary name and renamed, so a rerun keeps what is done."""
    t0 = time.time()
    with tarfile.open(path) as t:
        members = sorted((m for m in t.getmembers() if m.isfile()), key=lambda m: m.name)
        if len(members) != len(truth):
            fail(f"{path} holds {len(members):,} images but the devkit's ground truth lists {len(truth):,}")
        for i, member in enumerate(members):
            d = os.path.join(val, wnid[int(truth[i])])
            dest = os.path.join(d, os.path.basename(member.name))
            if not os.path.exists(dest):
                os.makedirs(d, exist_ok=True)
                with open(dest + ".part", "wb") as f:
                    f.write(t.extractfile(member).read())
                os.replace(dest + ".part", dest)
            if (i + 1) % 10_000 == 0 or i + 1 == len(members):
                _progress("validation images", i + 1, len(members), t0)


def imagenet(data_dir, tars):
    out = os.path.join(data_dir, "imagenet")
    if tars:
        import scipy.io
        for name in ("ILSVRC2012_img_train.tar", "ILSVRC2012_img_val.tar", "ILSVRC2012_devkit_t12.tar.gz"):
            if not os.path.exists(os.path.join(tars, name)):
                fail(f"{os.path.join(tars, name)} not found (download it from https://image-net.org)")
        with tarfile.open(os.path.join(tars, "ILSVRC2012_devkit_t12.tar.gz")) as t:
            meta = scipy.io.loadmat(io.BytesIO(t.extractfile("ILSVRC2012_devkit_t12/data/meta.mat").read()))
            truth = t.extractfile("ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt").read().split()
        # meta.mat's synsets: (ILSVRC2012_ID, WNID, words, gloss, num_children, ...); the 1,000 classes are the leaves
        wnid = {int(s[0][0].item()): str(s[0][1][0]) for s in meta["synsets"] if int(s[0][4].item()) == 0}
        log("extracting the training tar (one tar per class inside; progress every 50 classes)")
        os.makedirs(os.path.join(out, "train"), exist_ok=True)
        _extract_train(os.path.join(tars, "ILSVRC2012_img_train.tar"), os.path.join(out, "train"))
        log("extracting the validation tar into class folders")
        _extract_val(os.path.join(tars, "ILSVRC2012_img_val.tar"), os.path.join(out, "val"), truth, wnid)
    counts = {}
    for split in ("train", "val"):
        d = os.path.join(out, split)
        if not os.path.isdir(d):
            fail(f"{d} not found. ImageNet-1k needs an image-net.org account: download the ILSVRC2012 train and val "
                 f"tars and the devkit, then run: python scripts/prepare_image_data.py --dataset imagenet "
                 f"--imagenet-tars <their folder> --data-dir {data_dir}")
        classes = [e for e in os.scandir(d) if e.is_dir()]
        counts[split] = (len(classes), sum(len(os.listdir(c.path)) for c in classes))
        log(f"{d}: {counts[split][0]} classes, {counts[split][1]:,} images (expected {IMAGENET['classes']}, "
            f"{IMAGENET[split]:,})")
        if counts[split] != (IMAGENET["classes"], IMAGENET[split]):
            fail(f"{d} does not hold ImageNet-1k's {IMAGENET['classes']} classes / {IMAGENET[split]:,} images; if an "
                 f"extraction stopped part way, rerun with --imagenet-tars: it keeps the classes and images done")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", required=True, choices=["imagenet", "cifar10", "demo"])
    ap.add_argument("--data-dir", default=os.path.join(ROOT, "data"))
    ap.add_argument("--source", default="digits", choices=["digits", "fashion-mnist"], help="demo images")
    ap.add_argument("--size", type=int, default=32, help="demo image side")
    ap.add_argument("--imagenet-tars", help="folder holding the ILSVRC2012 tars and devkit")
    args = ap.parse_args()
    if args.dataset == "demo":
        out = demo(args.data_dir, args.source, args.size)
    elif args.dataset == "cifar10":
        out = cifar10(args.data_dir)
    else:
        out = imagenet(args.data_dir, args.imagenet_tars)
    print(out)


if __name__ == "__main__":
    main()

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Prepare language-modelling data for fairseq: download, check, (BPE-)encode, binarise.

    python scripts/prepare_lm_data.py --dataset wikitext-103 --vocab bpe    # the paper's setting
    python scripts/prepare_lm_data.py --dataset wikitext-103 --vocab word   # older README variant
    python scripts/prepare_lm_data.py --dataset demo                        # shipped corpus, offline

Writes DATA_DIR/data-bin/<dataset>-<vocab>/ (fairseq-preprocess --only-source output) and
prints the statistics it must produce. Downloads resume where they stopped and are checked
(size, MD5 where published, line counts); every finished step leaves a ``.done`` marker with its
statistics, so a re-run skips it. A failed check stops with the path of the bad file.
"""
import argparse
import hashlib
import json
import lzma
import math
import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections import Counter
from multiprocessing import Pool

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MIRRORS = ["https://wikitext.smerity.com/", "https://s3.amazonaws.com/research.metamind.io/wikitext/"]
GPT2 = "https://dl.fbaipublicfiles.com/fairseq/gpt2_bpe/"
# Facts used to check downloads (torchtext's MD5 for the word-level archive; published sizes and
# line counts; the GPT-2 vocabulary sizes).
WIKITEXT = {
    "word": {"zip": "wikitext-103-v1.zip", "md5": "9ddaacaf6af0710eda8c456decff7832", "dir": "wikitext-103",
             "files": "wiki.{}.tokens"},
    "bpe": {"zip": "wikitext-103-raw-v1.zip", "size": 191_984_949, "dir": "wikitext-103-raw", "files": "wiki.{}.raw"},
}
LINES = {"train": 1_801_350, "valid": 3_760, "test": 4_358}
WORD_TRAIN_TOKENS, WORD_VOCAB = 103_227_021, 267_735
SPLITS = ("train", "valid", "test")


def log(msg):
    print(f"[prepare_lm_data] {msg}", flush=True)


def fail(msg):
    sys.exit(f"[prepare_lm_data] ERROR: {msg}")


def done(path):
    return os.path.exists(path + ".done")


def mark(path, stats):
    with open(path + ".done", "w") as f:
        json.dump(stats, f, indent=1)


def _check(path, size, md5):
    """Size and MD5 checks of a downloaded file; returns its size."""
    got = os.path.getsize(path)
    if size is not None and got != size:
        fail(f"{path} has {got} bytes, expected {size}: delete it and re-run (the download resumes otherwise)")
    if md5 is not None:
        h = hashlib.md5()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 22), b""):
                h.update(block)
        if h.hexdigest() != md5:
            fail(f"{path} has MD5 {h.hexdigest()}, expected {md5}: the file is corrupted; delete it and re-run")
    return got


def download(urls, dest, size=None, md5=None):
    """Resumable download (HTTP Range) of the first URL that answers; then size / MD5 checks. A file
    already at ``dest`` (placed by hand where there is no network) is checked and kept."""
    if done(dest):
        return
    if os.path.exists(dest):
        log(f"using {dest} (already there)")
        mark(dest, {"bytes": _check(dest, size, md5), "md5": md5})
        return
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    part = dest + ".part"
    for url in urls:
        try:
            have = os.path.getsize(part) if os.path.exists(part) else 0
            req = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
            with urllib.request.urlopen(req, timeout=60) as r, open(part, "ab" if have and r.status == 206 else "wb") as f:
                total = int(r.headers.get("Content-Length", 0)) + (have if r.status == 206 else 0)
                got, t0 = (have if r.status == 206 else 0), time.time()
                log(f"downloading {url} -> {dest} ({total / 1e6:.0f} MB{', resuming' if r.status == 206 else ''})")
                while chunk := r.read(1 << 20):
                    f.write(chunk)
                    got += len(chunk)
                    if time.time() - t0 > 10:
                        log(f"  {got / 1e6:.0f} / {total / 1e6:.0f} MB")
                        t0 = time.time()
            break
        except OSError as err:
            log(f"  {url} failed: {err}")
    else:
        fail(f"could not download {os.path.basename(dest)} from {urls}; check the network, or place the "
             f"file at {dest} yourself and re-run")
    got = _check(part, size, md5)
    os.replace(part, dest)
    mark(dest, {"bytes": got, "md5": md5})


def count(path):
    lines = tokens = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            lines += 1
            tokens += len(line.split())
    return lines, tokens


def wikitext(data_dir, vocab):
    spec = WIKITEXT[vocab]
    dl = os.path.join(data_dir, "downloads", spec["zip"])
    download([m + spec["zip"] for m in MIRRORS], dl, spec.get("size"), spec.get("md5"))
    out = os.path.join(data_dir, "raw", spec["dir"])
    if not done(out):
        log(f"extracting {dl}")
        with zipfile.ZipFile(dl) as z:
            z.extractall(os.path.join(data_dir, "raw"))
        stats = {}
        for split in SPLITS:
            path = os.path.join(out, spec["files"].format(split))
            lines, tokens = count(path)
            stats[split] = {"lines": lines, "tokens": tokens}
            log(f"  {path}: {lines:,} lines (expected {LINES[split]:,}), {tokens:,} tokens")
            if lines != LINES[split]:
                fail(f"{path} has {lines} lines, expected {LINES[split]}: the archive is not WikiText-103")
        if vocab == "word" and stats["train"]["tokens"] + stats["train"]["lines"] != WORD_TRAIN_TOKENS:
            log(f"  note: train tokens + line ends = {stats['train']['tokens'] + stats['train']['lines']:,}, "
                f"published {WORD_TRAIN_TOKENS:,}")
        mark(out, stats)
    return {s: os.path.join(out, spec["files"].format(s)) for s in SPLITS}


def demo(data_dir):
    out = os.path.join(data_dir, "raw", "wikitext-demo")
    src = os.path.join(ROOT, "data", "demo", "wikitext-demo")
    if not done(out):
        os.makedirs(out, exist_ok=True)
        for split in SPLITS:
            with lzma.open(os.path.join(src, f"wiki.{split}.tokens.xz")) as f, \
                    open(os.path.join(out, f"wiki.{split}.tokens"), "wb") as g:
                g.write(f.read())
        mark(out, {s: dict(zip(("lines", "tokens"), count(os.path.join(out, f"wiki.{s}.tokens")))) for s in SPLITS})
    return {s: os.path.join(out, f"wiki.{s}.tokens") for s in SPLITS}


_BPE = None


def _bpe_init(encoder_json, vocab_bpe):
    global _BPE
    from fairseq.data.encoders.gpt2_bpe_utils import get_encoder
    _BPE = get_encoder(encoder_json, vocab_bpe)


def _bpe_line(line):
    line = line.strip()
    return " ".join(map(str, _BPE.encode(line))) if line else ""


def gpt2_bpe(data_dir, raw, workers):
    """GPT-2 BPE ids, one line per input line (empty lines kept), as fairseq's RoBERTa recipe."""
    d = os.path.join(data_dir, "gpt2_bpe")
    for name, size in (("encoder.json", None), ("vocab.bpe", None), ("dict.txt", None)):
        download([GPT2 + name], os.path.join(d, name), size)
    with open(os.path.join(d, "encoder.json")) as f:
        if len(json.load(f)) != 50257:
            fail(f"{d}/encoder.json does not hold the 50,257 GPT-2 tokens: delete it and re-run")
    out = {}
    for split, path in raw.items():
        dst = path + ".bpe"
        out[split] = dst
        if done(dst):
            continue
        log(f"BPE-encoding {path} with {workers} workers")
        with open(path, encoding="utf-8") as f, open(dst, "w") as g, \
                Pool(workers, _bpe_init, (os.path.join(d, "encoder.json"), os.path.join(d, "vocab.bpe"))) as pool:
            n = 0
            for enc in pool.imap(_bpe_line, f, chunksize=1000):
                g.write(enc + "\n")
                n += 1
                if n % 200_000 == 0:
                    log(f"  {n:,} lines")
        mark(dst, dict(zip(("lines", "tokens"), count(dst))))
    return out, os.path.join(d, "dict.txt")


def binarise(files, dest, workers, srcdict=None, threshold=0):
    if done(dest):
        log(f"{dest} is ready (delete {dest}.done to rebuild)")
        return
    cmd = [sys.executable, "-m", "fairseq_cli.preprocess", "--only-source", "--destdir", dest, "--workers",
           str(workers), "--trainpref", files["train"], "--validpref", files["valid"], "--testpref", files["test"]]
    cmd += ["--srcdict", srcdict] if srcdict else ["--thresholdsrc", str(threshold)]
    log("binarising: " + " ".join(cmd))
    subprocess.run(cmd, check=True)
    with open(os.path.join(dest, "dict.txt")) as f:
        vocab = sum(1 for _ in f) + 4  # fairseq adds <s> <pad> </s> <unk>
    stats = {"vocab": vocab, **{s: dict(zip(("lines", "tokens"), count(p))) for s, p in files.items()}}
    stats["unigram_test_ppl"] = unigram_ppl(files["train"], files["test"], os.path.join(dest, "dict.txt"))
    log(f"{dest}: vocabulary {vocab:,}; " + "; ".join(f"{s} {stats[s]['tokens']:,} tokens" for s in SPLITS)
        + f"; unigram test perplexity {stats['unigram_test_ppl']:.1f}")
    mark(dest, stats)


def unigram_ppl(train, test, dict_path):
    """Test perplexity of the add-one unigram model over the binarised vocabulary (a baseline)."""
    with open(dict_path) as f:
        vocab = {line.split()[0] for line in f}
    counts = Counter()
    with open(train, encoding="utf-8") as f:
        for line in f:
            counts.update(w if w in vocab else "<unk>" for w in line.split())
            counts["</s>"] += 1
    total, size = sum(counts.values()), len(vocab) + 4
    nll = n = 0
    with open(test, encoding="utf-8") as f:
        for line in f:
            for w in line.split() + ["</s>"]:
                nll -= math.log((counts[w if w in vocab or w == "</s>" else "<unk>"] + 1) / (total + size))
                n += 1
    return math.exp(nll / n)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", default="wikitext-103", choices=["wikitext-103", "demo"])
    ap.add_argument("--vocab", default=None, choices=["bpe", "word"], help="default: bpe (wikitext-103), word (demo)")
    ap.add_argument("--data-dir", default=os.path.join(ROOT, "data"))
    ap.add_argument("--workers", type=int, default=max(1, min(16, os.cpu_count() or 1)))
    args = ap.parse_args()
    vocab = args.vocab or ("word" if args.dataset == "demo" else "bpe")
    dest = os.path.join(args.data_dir, "data-bin", f"{args.dataset}-{vocab}")
    if args.dataset == "demo":
        if vocab == "bpe":
            fail("the offline demo has no GPT-2 BPE files: use --vocab word (the default for demo)")
        binarise(demo(args.data_dir), dest, args.workers, threshold=3)  # words seen < 3 times -> <unk>
    else:
        raw = wikitext(args.data_dir, vocab)
        if vocab == "bpe":
            files, srcdict = gpt2_bpe(args.data_dir, raw, args.workers)
            binarise(files, dest, args.workers, srcdict=srcdict)
        else:
            binarise(raw, dest, args.workers)
            with open(dest + ".done") as f:
                if json.load(f)["vocab"] != WORD_VOCAB + 4:
                    log(f"  note: word vocabulary differs from the published {WORD_VOCAB:,} (+4 specials)")
    print(dest)


if __name__ == "__main__":
    main()

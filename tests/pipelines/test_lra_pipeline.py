# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Every LRA task trains a few steps on the offline stand-ins; script_lra.py writes its table; configs resolve."""
import argparse
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from cases import check_iterator_kept_across_epochs, load_script, write_tar

pytest.importorskip("fairseq")
from fairseq import utils  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
utils.import_user_module(argparse.Namespace(user_dir=os.path.join(ROOT, "fairseq_plugin")))
from fairseq_plugin.models.hgrn_lra import HgrnLRA, HgrnLRAConfig  # noqa: E402
from fairseq_plugin.tasks import lra as lra_task  # noqa: E402
GLOO_TIMEOUT_S = 600  # the two processes take about 10 s on two CPU cores
TASKS = ["listops", "text", "retrieval", "image", "pathfinder", "pathx"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("lra"))
    out = subprocess.run([sys.executable, "scripts/prepare_lra_data.py", "--demo", "--data-dir", d],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return d


@pytest.mark.parametrize("task", TASKS)
def test_each_task_trains(task, demo, tmp_path):
    mixer = "hgru2d" if task in ("image", "pathfinder", "pathx") else "hgru1d"
    out = subprocess.run(
        ["fairseq-train", demo, "--user-dir", "fairseq_plugin", "--task", "lra", "--lra-task", task, "--arch",
         "hgrn_lra_listops", "--n-layers", "1", "--d-model", "8", "--mixer", mixer, "--criterion", "classification",
         "--optimizer", "adam", "--lr", "1e-3", "--max-update", "2", "--batch-size", "2" if task == "pathx" else "4",
         "--cpu", "--save-dir", str(tmp_path), "--no-save", "--disable-validation", "--log-format", "json",
         "--log-interval", "1"], capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    assert '"num_updates": "2"' in out.stdout + out.stderr


def _descendants(pid):
    """Process ids below ``pid`` (DataLoader workers), read from /proc."""
    parent = {}
    for d in os.listdir("/proc"):
        try:
            parent[int(d)] = int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1])
        except (ValueError, OSError, IndexError):
            pass
    out, todo = [], [pid]
    while todo:
        top = todo.pop()
        kids = [c for c, p in parent.items() if p == top]
        out += kids
        todo += kids
    return out


def test_two_gloo_processes_train_and_validate(demo, tmp_path):
    """Two CPU processes through fairseq's DDP (gloo), the way several GPUs run: fairseq sums the
    logging outputs across processes into tensors, which the criterion's accuracy must take (every
    run on several GPUs once died at its first log line), and each process keeps its shard's iterators.
    A run that hangs has every process's Python stacks dumped into its log (faulthandler on SIGABRT)
    and both logs shown."""
    with socket.socket() as s:  # a port free now, on the loopback interface gloo is told to use
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = ["fairseq-train", demo, "--user-dir", "fairseq_plugin", "--task", "lra", "--lra-task", "listops", "--arch",
           "hgrn_lra_listops", "--n-layers", "1", "--d-model", "8", "--mixer", "hgru1d", "--criterion",
           "classification", "--optimizer", "adam", "--lr", "1e-3", "--max-update", "3", "--batch-size", "4",
           "--num-workers", "1", "--cpu", "--save-dir", str(tmp_path), "--no-save", "--log-format", "json",
           "--log-interval", "1", "--distributed-world-size", "2", "--distributed-backend", "gloo",
           "--distributed-init-method", f"tcp://127.0.0.1:{port}", "--distributed-no-spawn", "--ddp-backend",
           "legacy_ddp", "--distributed-rank"]
    env = {**os.environ, "GLOO_SOCKET_IFNAME": "lo", "PYTHONFAULTHANDLER": "1"}
    logs = [tmp_path / f"rank{r}.log" for r in (0, 1)]
    ranks = []
    for r in (0, 1):
        with open(logs[r], "w") as log:
            ranks.append(subprocess.Popen(cmd + [str(r)], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT))
    deadline = time.monotonic() + GLOO_TIMEOUT_S
    while any(p.poll() is None for p in ranks) and time.monotonic() < deadline:
        if any(p.poll() for p in ranks):  # one rank failed: the other would wait for it for 30 minutes
            deadline = min(deadline, time.monotonic() + 30)
        time.sleep(0.5)
    hung = [p for p in ranks if p.poll() is None]
    for pid in [q for p in hung for q in _descendants(p.pid) + [p.pid]]:
        os.kill(pid, signal.SIGABRT)  # the ranks' and workers' stacks, into the logs
    for p in ranks:
        p.wait(timeout=60)
    outs = [open(f).read() for f in logs]
    tails = "\n".join(f"--- rank {r} ---\n{o[-6000:]}" for r, o in enumerate(outs))
    assert not hung, f"rank(s) {[ranks.index(p) for p in hung]} still running (stacks dumped)\n{tails}"
    assert [p.returncode for p in ranks] == [0, 0], tails
    assert '"num_updates": "3"' in outs[0] and '"valid_acc1"' in outs[0]


def test_release_extraction_resumes_and_takes_placed_files(tmp_path, monkeypatch, capsys):
    """The LRA release from an archive placed by hand (no network: the URL is unreachable), with
    progress lines; a rerun after a crash extracts again; folders placed by hand are taken as they are."""
    prep = load_script("prepare_lra_data", monkeypatch)
    monkeypatch.setattr(prep, "LRA_URL", "http://127.0.0.1:9/lra_release.gz")
    monkeypatch.setattr(prep, "EVERY", 2)
    root = tmp_path / "lra"
    files = {f"{d}/part_{i}.tsv": f"{d} {i}".encode() for d in prep.RELEASE for i in range(2)}
    write_tar(root / "downloads" / "lra_release.tar.gz",
              {f"lra_release/{k}": v for k, v in {**files, "notes/readme.txt": b"not extracted"}.items()}, "w:gz")
    tree = lambda: {os.path.relpath(os.path.join(r, f), root): open(os.path.join(r, f), "rb").read()  # noqa: E731
                    for d in prep.RELEASE for r, _, fs in os.walk(root / d) for f in fs}
    prep.lra_release(str(root))
    assert tree() == files and not (root / "notes").exists()
    out = capsys.readouterr().out
    assert "using" in out and "8 files, 100% of the archive read" in out
    os.remove(root / "lra_release.done")  # a crash during a second extraction
    (root / "lra_release.partial").touch()
    os.remove(root / "pathfinder128" / "part_1.tsv")
    prep.lra_release(str(root))
    assert tree() == files and not (root / "lra_release.partial").exists()
    os.remove(root / "lra_release.done")  # folders placed by hand: taken, no archive needed
    os.remove(root / "downloads" / "lra_release.tar.gz")
    os.remove(root / "downloads" / "lra_release.tar.gz.done")
    prep.lra_release(str(root))


def test_imdb_extraction_after_a_crash(tmp_path, monkeypatch):
    """A half-extracted aclImdb (its marker left by a crash) is extracted again from the archive."""
    import hashlib
    prep = load_script("prepare_lra_data", monkeypatch)
    root = tmp_path / "lra"
    files = {f"aclImdb/{split}/{p}/0_{r}.txt": f"{split} {p}".encode() for split in ("train", "test")
             for p, r in (("pos", 9), ("neg", 2))}
    write_tar(root / "downloads" / "aclImdb_v1.tar.gz", files, "w:gz")
    md5 = hashlib.md5((root / "downloads" / "aclImdb_v1.tar.gz").read_bytes()).hexdigest()
    monkeypatch.setattr(prep, "IMDB", ("http://127.0.0.1:9/aclImdb_v1.tar.gz", md5))
    (root / "aclImdb" / "test" / "neg").mkdir(parents=True)
    (root / "aclImdb.partial").touch()
    prep.imdb(str(root))
    assert all((root / k).read_bytes() == v for k, v in files.items()) and not (root / "aclImdb.partial").exists()


def test_script_lra_writes_the_results_table(demo, tmp_path):
    out = subprocess.run([sys.executable, "script_lra.py", "--demo", "--tasks", "listops", "image", "--data-dir", demo,
                          "--results", str(tmp_path), "--set", "max_update=3"], capture_output=True, text=True,
                         cwd=ROOT, timeout=900)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    table = (tmp_path / "results.md").read_text()
    assert "| listops |" in table and "| image |" in table and "not the LRA benchmark" in table
    assert (tmp_path / "results.csv").read_text().startswith("task,best valid acc,test acc")
    for task in ("listops", "image"):  # training shown as it runs, and kept in each task's train.log
        assert '"valid_acc1"' in (tmp_path / task / "train.log").read_text()
    assert out.stdout.count('"valid_acc1"') >= 2


def test_script_lra_errors(tmp_path):
    out = subprocess.run([sys.executable, "script_lra.py", "--tasks", "qa"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode != 0 and "unknown tasks ['qa']" in out.stderr
    out = subprocess.run([sys.executable, "script_lra.py", "--tasks", "listops", "--gpus", "3"], capture_output=True,
                         text=True, cwd=ROOT)
    assert out.returncode != 0 and "CUDA GPU(s) are visible" in out.stderr


def test_batch_iterators_are_kept_across_epochs(demo):
    """One iterator per split, kept with its data loader; each epoch's batches those of fairseq's own
    batching (reshuffled every epoch)."""
    from fairseq.tasks import FairseqTask
    task = lra_task.LRATask(lra_task.LRAConfig(data=demo, lra_task="text"))
    task.load_dataset("train")
    train = task.datasets["train"]
    args = dict(max_sentences=3, num_shards=2, shard_id=1, num_workers=1, seed=5)
    fairseqs = lambda epoch: FairseqTask.get_batch_iterator(task, train, epoch=epoch, disable_iterator_cache=True,  # noqa: E731
                                                            **args)
    check_iterator_kept_across_epochs(task, train, fairseqs, **args)


def test_data_cache_is_never_seen_half_written(demo, tmp_path, monkeypatch, capsys):
    """Every rank loads the splits at once and the first to read the raw data writes the cache: a
    rank that looks while another writes must not find a half-written file (stop 21's CI: one rank of
    the two-process test died on the truncated cache, the other waited for it past 900 s), nor may a
    crash during the write leave one behind."""
    shutil.copytree(os.path.join(demo, "listops-1000"), tmp_path / "listops-1000")
    ranks = [lra_task.LRATask(lra_task.LRAConfig(data=str(tmp_path), lra_task="listops")) for _ in range(2)]
    cache = tmp_path / ".hgrn_cache" / "listops_valid.npz"
    savez, log, crash = np.savez, [], []

    def slow_savez(file, **arrays):  # writes half, lets the other rank load, writes the rest
        buf = io.BytesIO()
        savez(buf, **arrays)
        f = open(file, "wb") if isinstance(file, (str, os.PathLike)) else file
        f.write(buf.getvalue()[:buf.tell() // 2])
        f.flush()
        if not log:
            log.append(os.path.exists(cache))
            ranks[1].load_dataset("valid")
        if crash:
            raise KeyboardInterrupt
        f.write(buf.getvalue()[buf.tell() // 2:])

    monkeypatch.setattr(lra_task.np, "savez", slow_savez)
    ranks[0].load_dataset("valid")
    assert log == [False]
    want = ranks[0].datasets["valid"].data
    for r in ranks:
        assert np.array_equal(r.datasets["valid"].data.inputs, want.inputs)
    with np.load(cache) as z:
        assert np.array_equal(z["inputs"], want.inputs) and np.array_equal(z["labels"], want.labels)
    assert sorted(os.listdir(cache.parent)) == ["listops_valid.npz"]

    os.remove(cache)  # a crash during the write leaves no cache and no part file
    crash.append(True)
    with pytest.raises(KeyboardInterrupt):
        ranks[0].load_dataset("valid")
    assert os.listdir(cache.parent) == []

    monkeypatch.undo()  # a truncated cache from an older version: said, and read again from the data
    cache.write_bytes(b"PK\x03\x04 truncated")
    ranks[0].load_dataset("valid")
    assert "cannot be read (BadZipFile" in capsys.readouterr().out
    assert np.array_equal(ranks[0].datasets["valid"].data.inputs, want.inputs)
    with np.load(cache) as z:
        assert np.array_equal(z["inputs"], want.inputs)
    np.savez(cache, inputs=want.inputs, old_field=want.labels)  # a cache of other fields: read again too
    ranks[0].load_dataset("valid")
    assert "cannot be read (TypeError" in capsys.readouterr().out
    assert np.array_equal(ranks[0].datasets["valid"].data.labels, want.labels)


def test_2d_path_needs_a_square_sequence():
    net = HgrnLRA(HgrnLRAConfig(n_layers=1, d_model=8, mixer="hgru2d", encoder="id"), 0, 1)
    assert net(torch.randint(0, 255, (2, 64))).shape == (2, 8)  # 8 x 8 grid
    with pytest.raises(ValueError, match="square sequence"):
        net(torch.randint(0, 255, (2, 60)))


@pytest.mark.parametrize("task", TASKS)
def test_configs_resolve(task):
    from hydra import compose, initialize_config_dir
    with initialize_config_dir(config_dir=os.path.join(ROOT, "configs", "lra"), version_base=None):
        cfg = compose(config_name=task)
    assert cfg.task.lra_task == task and cfg.model._name == "hgrn_lra" and cfg.criterion == "classification"
    assert cfg.lr_scheduler.lr_period_updates > 0 and cfg.optimization.max_epoch > 0

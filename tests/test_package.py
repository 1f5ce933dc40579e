# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""`pip install .` builds a wheel holding the whole hgru package and nothing else."""
import os
import subprocess
import sys
import zipfile

import hgru

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_wheel_contents(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w",
                          str(tmp_path), ROOT], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    wheel = next(p for p in os.listdir(tmp_path) if p.endswith(".whl"))
    assert wheel.startswith(f"hgru-{hgru.__version__}-")
    names = zipfile.ZipFile(tmp_path / wheel).namelist()
    for module in ("hgru/ops/triton/real.py", "hgru/ops/triton/complex.py", "hgru/ops/naive.py",
                   "hgru/layers/hgru1d.py", "hgru/minimal.py"):
        assert module in names, module
    assert not any(n.startswith(("tests/", "fairseq_plugin/", "benchmarks/")) for n in names)
    meta = zipfile.ZipFile(tmp_path / wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "Requires-Dist: torch>=2.4" in meta and "platform_machine == \"x86_64\"" in meta


def test_public_names():
    for name in hgru.__all__:
        assert hasattr(hgru, name), name

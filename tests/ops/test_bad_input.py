# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Bad input gets a clear ValueError / TypeError / RuntimeError, never a silent answer."""
import os
import subprocess
import sys

import pytest
import torch

from hgru.ops import complex_scan, hgru_scan, real_scan

x = torch.randn(2, 5, 3)
g = torch.rand(2, 5, 3)


@pytest.mark.parametrize("call,err,match", [
    pytest.param(lambda: real_scan(x, g[:, :4]), ValueError, "same shape", id="shape-mismatch"),
    pytest.param(lambda: real_scan(x[0], g[0]), ValueError, r"\[B, T, D\]", id="2d-input"),
    pytest.param(lambda: real_scan(x, g.double()), TypeError, "same dtype", id="dtype-mismatch"),
    pytest.param(lambda: real_scan(x.long(), g.long()), TypeError, "dtype in", id="integer-input"),
    pytest.param(lambda: real_scan(x, g.to("meta")), ValueError, "same device", id="device-mismatch"),
    pytest.param(lambda: real_scan(x[:, :0], g[:, :0]), ValueError, "empty", id="empty-sequence"),
    pytest.param(lambda: real_scan(x, torch.where(g > 0.5, float("nan"), g)), ValueError, "NaN", id="nan-gate"),
    pytest.param(lambda: real_scan(x, g, torch.zeros(3, 3)), ValueError, r"shape \(2, 3\)", id="state-shape"),
    pytest.param(lambda: real_scan(x, g, backend="cuda"), ValueError, "backend", id="unknown-backend"),
    pytest.param(lambda: real_scan(x[:1], g[:1], cu_seqlens=torch.tensor([0, 2, 2, 5])), ValueError,
                 "empty", id="varlen-empty-sequence"),
    pytest.param(lambda: real_scan(x[:1], g[:1], cu_seqlens=torch.tensor([0, 2, 4])), ValueError,
                 "end at T", id="varlen-bad-end"),
    pytest.param(lambda: real_scan(x, g, cu_seqlens=torch.tensor([0, 2, 5])), ValueError,
                 "batch size must be 1", id="varlen-batch"),
    pytest.param(lambda: real_scan(x[:1], g[:1], cu_seqlens=torch.tensor([0.0, 5.0])), TypeError,
                 "int32/int64", id="varlen-float-offsets"),
    pytest.param(lambda: complex_scan(x, g), ValueError, "last dimension is not 2", id="complex-no-pairs"),
    pytest.param(lambda: complex_scan(torch.randn(2, 5, 3, dtype=torch.complex64),
                                      torch.randn(2, 5, 3, dtype=torch.complex128)), TypeError, "same dtype",
                 id="complex-dtype-mismatch"),
    pytest.param(lambda: hgru_scan(torch.randn(2, 5, 6), torch.randn(2, 5, 3), torch.rand(3), 1.0), ValueError,
                 r"\[0, 1\)", id="lower-bound-one"),
    pytest.param(lambda: hgru_scan(torch.randn(2, 5, 6), torch.randn(2, 5, 3), torch.rand(3), -0.1), ValueError,
                 r"\[0, 1\)", id="lower-bound-negative"),
    pytest.param(lambda: hgru_scan(torch.randn(2, 5, 6), torch.randn(2, 5, 3), torch.rand(3),
                                   torch.tensor([0.1, 0.5, 1.2])), ValueError, r"\[0, 1\)", id="lower-bound-tensor"),
    pytest.param(lambda: hgru_scan(torch.randn(2, 5, 6), torch.randn(2, 5, 4), torch.rand(4)), ValueError,
                 r"\[B, T, 2D\]", id="hgru-width-mismatch"),
    pytest.param(lambda: hgru_scan(torch.randn(2, 5, 6), torch.randn(2, 5, 3), torch.rand(3), act="tanh"),
                 ValueError, "act", id="hgru-unknown-act"),
    pytest.param(lambda: real_scan(x.double(), g.double(), backend="triton"), TypeError, "float64",
                 id="triton-float64"),
])
def test_bad_input_raises(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_forcing_triton_on_cpu_without_interpreter_says_why():
    code = ("import torch, hgru\n"
            "try:\n"
            "    hgru.real_scan(torch.randn(1, 4, 2), torch.rand(1, 4, 2), backend='triton')\n"
            "except RuntimeError as e:\n"
            "    print('RAISED', e)\n")
    env = {k: v for k, v in os.environ.items() if k != "TRITON_INTERPRET"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert "RAISED" in out.stdout, out.stderr
    assert "CUDA GPU" in out.stdout and "TRITON_INTERPRET=1" in out.stdout


def test_value_checks_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("HGRU_VALUE_CHECKS", "none")
    o, _ = real_scan(x, torch.full_like(g, float("nan")))
    assert torch.isnan(o[:, 1:]).all()  # unchecked, the NaN spreads from step 2 on (h_0 = 0 is not multiplied)
    monkeypatch.setenv("HGRU_VALUE_CHECKS", "bogus")
    with pytest.raises(ValueError, match="HGRU_VALUE_CHECKS"):
        real_scan(x, g)

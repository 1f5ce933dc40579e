# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""norm_gate (LayerNorm(h) * act(g)) and layer_norm (the same kernels without the gate): the Triton
kernels and the PyTorch path against the float64 reference, output and the gradients of h, g,
weight and bias, on awkward sizes.

Tolerances (relative L2 error against float64) as for the scans: float32 2e-6, float16 3e-3,
bfloat16 2e-2 (the output and dh, dg are rounded to their dtype).
"""
import pytest
import torch
from cases import rel

import torch.nn.functional as F

from hgru.ops import layer_norm, naive, norm_gate

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
TOL = {torch.float32: 2e-6, torch.float16: 3e-3, torch.bfloat16: 2e-2}
DT = {torch.float32: "fp32", torch.float16: "fp16", torch.bfloat16: "bf16"}


def inputs(shape, h_dtype, g_dtype, affine, seed=0):
    gen = torch.Generator().manual_seed(seed)
    N = shape[-1]
    h = (3 * torch.randn(shape, generator=gen) + 1).to(h_dtype)  # rows off zero mean and unit variance
    g = torch.randn(shape, generator=gen).to(g_dtype)
    w = 1 + 0.3 * torch.randn(N, generator=gen) if affine else None
    b = 0.3 * torch.randn(N, generator=gen) if affine else None
    return [None if t is None else t.to(DEVICE) for t in (h, g, w, b)]


def run(ins, backend, act, out_dtype, seed=1):
    """Output and the gradients of every tensor input, for a fixed random cotangent."""
    ins = [None if t is None else t.detach().clone().requires_grad_() for t in ins]
    z = norm_gate(*ins, act=act, out_dtype=out_dtype, backend=backend)
    dz = torch.randn(z.shape, generator=torch.Generator().manual_seed(seed)).to(z)
    used = [t for t in ins if t is not None]
    return [z, *torch.autograd.grad(z, used, dz)]


CASES = [  # shape, h dtype, g dtype, out dtype (None: promoted), affine, act
    pytest.param((2, 63, 100), torch.float32, torch.float32, None, True, "silu", id="B2-T63-N100-fp32"),
    pytest.param((63, 500), torch.bfloat16, torch.bfloat16, None, True, "silu", id="T63-N500-bf16"),
    pytest.param((1, 1, 7), torch.float16, torch.float16, None, True, "silu", id="T1-N7-fp16"),
    pytest.param((3, 5, 2048), torch.float32, torch.float32, None, True, "silu", id="B3-T5-N2048-fp32"),
    # 2-byte rows above norm.SHORT_ROW: the backward's per-block gradient sums (shorter rows: block-shaped ones)
    pytest.param((3, 1100), torch.bfloat16, torch.bfloat16, None, True, "silu", id="T3-N1100-bf16"),
    pytest.param((4, 24), torch.float32, torch.float32, None, False, "identity", id="T4-N24-noaffine-identity"),
    pytest.param((9, 2, 48), torch.float32, torch.bfloat16, torch.bfloat16, True, "silu", id="h-fp32-g-bf16-out-bf16"),
    pytest.param((9, 2, 48), torch.bfloat16, torch.bfloat16, torch.float32, True, "silu", id="bf16-out-fp32"),
]


@pytest.mark.parametrize("backend", ["triton", "torch"])
@pytest.mark.parametrize("shape,h_dtype,g_dtype,out_dtype,affine,act", CASES)
def test_norm_gate(backend, shape, h_dtype, g_dtype, out_dtype, affine, act):
    ins = inputs(shape, h_dtype, g_dtype, affine)
    got = run(ins, backend, act, out_dtype)
    wide = [None if t is None else t.double() for t in ins]
    want = run(wide, "torch", act, torch.float64)
    ref = naive.norm_gate_ref(*wide, act=act, out_dtype=torch.float64)
    assert rel(want[0], ref) < 1e-12  # the float64 PyTorch path is the reference's function
    assert got[0].dtype == (out_dtype or torch.promote_types(h_dtype, g_dtype)) and got[0].shape == shape
    assert [t.dtype for t in got[1:3]] == [h_dtype, g_dtype]
    tol = TOL[torch.bfloat16 if torch.bfloat16 in (h_dtype, g_dtype, got[0].dtype) else
              torch.float16 if h_dtype == torch.float16 else torch.float32]
    names = ["z", "dh", "dg", "dweight", "dbias"][:len(got)]
    errors = {n: rel(a, b) for n, a, b in zip(names, got, want)}
    bad = {k: v for k, v in errors.items() if not v < tol}
    assert not bad, f"errors above {tol:g}: {bad} (all: {errors})"


LN_CASES = [  # shape, x dtype, out dtype (None: x's), affine
    pytest.param((2, 63, 100), torch.float32, None, True, id="B2-T63-N100-fp32"),
    pytest.param((63, 500), torch.bfloat16, None, True, id="T63-N500-bf16"),
    pytest.param((5, 192), torch.float32, torch.bfloat16, True, id="T5-N192-fp32-out-bf16"),
    pytest.param((1, 1, 7), torch.float16, None, True, id="T1-N7-fp16"),
    pytest.param((3, 1100), torch.bfloat16, torch.float32, True, id="T3-N1100-bf16-out-fp32"),
    pytest.param((4, 24), torch.float32, None, False, id="T4-N24-noaffine"),
]


@pytest.mark.parametrize("backend", ["triton", "torch"])
@pytest.mark.parametrize("shape,dtype,out_dtype,affine", LN_CASES)
def test_layer_norm(backend, shape, dtype, out_dtype, affine):
    x, _, w, b = inputs(shape, dtype, dtype, affine)

    def grads(ins, be, out):
        ins = [None if t is None else t.detach().clone().requires_grad_() for t in ins]
        y = layer_norm(*ins, out_dtype=out, backend=be)
        dy = torch.randn(y.shape, generator=torch.Generator().manual_seed(1)).to(y)
        return [y, *torch.autograd.grad(y, [t for t in ins if t is not None], dy)]

    got = grads([x, w, b], backend, out_dtype)
    wide = [None if t is None else t.double() for t in (x, w, b)]
    want = grads(wide, "torch", torch.float64)
    assert rel(want[0], F.layer_norm(*wide[:1], shape[-1:], *wide[1:])) < 1e-12
    assert got[0].dtype == (out_dtype or dtype) and got[0].shape == shape and got[1].dtype == dtype
    tol = TOL[torch.bfloat16 if torch.bfloat16 in (dtype, got[0].dtype) else dtype]
    errors = {n: rel(a, c) for n, a, c in zip(["y", "dx", "dweight", "dbias"], got, want)}
    bad = {k: v for k, v in errors.items() if not v < tol}
    assert not bad, f"errors above {tol:g}: {bad} (all: {errors})"


def test_norm_gate_equals_layer_norm_times_silu():
    """The op is exactly the composition it replaces in the layers (float32, the PyTorch modules)."""
    ln = torch.nn.LayerNorm(40).to(DEVICE)
    with torch.no_grad():
        ln.weight.normal_()
        ln.bias.normal_()
    h, g = torch.randn(6, 3, 40, device=DEVICE), torch.randn(6, 3, 40, device=DEVICE)
    want = ln(h) * torch.nn.functional.silu(g)
    for backend in ("torch", "triton"):
        assert rel(norm_gate(h, g, ln.weight, ln.bias, ln.eps, backend=backend), want) < 1e-6


@pytest.mark.skipif(DEVICE != "cuda", reason="realistic sizes need a GPU")
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float32], ids=["bf16", "fp32"])
@pytest.mark.parametrize("shape", [(4096, 8, 2048), (256, 64, 384), (1000, 3, 16384)], ids=str)
def test_norm_gate_realistic(shape, dtype):
    ins = inputs(shape, dtype, dtype, True)
    got = run(ins, "triton", "silu", None)
    want = run([t.double() for t in ins], "torch", "silu", torch.float64)
    errors = [rel(a, b) for a, b in zip(got, want)]
    assert max(errors) < TOL[dtype], errors


h, g = torch.randn(3, 8), torch.randn(3, 8)


@pytest.mark.parametrize("call,err,match", [
    pytest.param(lambda: norm_gate(h, g[:, :7]), ValueError, "one shape", id="shape-mismatch"),
    pytest.param(lambda: norm_gate(h, g, torch.ones(7)), ValueError, r"shape \(8,\)", id="weight-shape"),
    pytest.param(lambda: norm_gate(h, g, act="tanh"), ValueError, "act", id="unknown-act"),
    pytest.param(lambda: norm_gate(h, g, eps=0.0), ValueError, "eps", id="eps-zero"),
    pytest.param(lambda: norm_gate(h.long(), g), TypeError, "dtype in", id="integer-input"),
    pytest.param(lambda: norm_gate(h[:0], g[:0]), ValueError, "empty", id="empty"),
    pytest.param(lambda: norm_gate(h.double(), g.double(), backend="triton"), TypeError, "float64",
                 id="triton-float64"),
    pytest.param(lambda: norm_gate(h, g.double(), backend="triton"), TypeError, "float64", id="triton-g-float64"),
])
def test_norm_gate_bad_input(call, err, match):
    with pytest.raises(err, match=match):
        call()


@pytest.mark.parametrize("call,err,match", [
    pytest.param(lambda: layer_norm(h, torch.ones(7)), ValueError, r"shape \(8,\)", id="weight-shape"),
    pytest.param(lambda: layer_norm(h.long()), TypeError, "x must have dtype", id="integer-input"),
    pytest.param(lambda: layer_norm(torch.tensor(1.0)), ValueError, "channel dimension", id="0-d"),
    pytest.param(lambda: layer_norm(h.double(), backend="triton"), TypeError, "float64", id="triton-float64"),
])
def test_layer_norm_bad_input(call, err, match):
    with pytest.raises(err, match=match):
        call()


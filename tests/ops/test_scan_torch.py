# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The PyTorch backend: against the float64 loop reference, gradcheck, torch.compile."""
import pytest
import torch
from cases import KINDS, eager_and_compiled, make_inputs, reference, rel, run, widen

from hgru.ops import complex_scan, hgru_scan, real_scan

CU = [0, 1, 20, 21, 63]


def _case_id(kind, reverse, h0, varlen):
    return f"{kind}-{'rev' if reverse else 'fwd'}-{'h0' if h0 else 'zero'}-{'varlen' if varlen else 'dense'}"


CASES = [pytest.param(k, r, h, v, id=_case_id(k, r, h, v))
         for k in KINDS for r in (False, True) for h in (False, True) for v in (False, True)]


@pytest.mark.parametrize("kind,reverse,h0,varlen", CASES)
def test_torch_backend_matches_loop(kind, reverse, h0, varlen):
    B, T, D = (1, 63, 50) if varlen else (2, 63, 50)
    cu = torch.tensor(CU) if varlen else None
    ins = make_inputs(kind, B, T, D, torch.float32, h0, CU if varlen else None)
    o, ht = run(kind, ins, "torch", reverse, cu)
    o_ref, ht_ref = reference(kind, ins, reverse, cu)
    assert o.dtype == ins[0].dtype and ht.dtype == torch.float32
    assert rel(o, o_ref) < 1e-6 and rel(ht, ht_ref) < 1e-6  # float32 arithmetic, T=63


@pytest.mark.parametrize("kind,reverse,h0,varlen", CASES)
def test_gradcheck_float64(kind, reverse, h0, varlen):
    B, T, D = (1, 9, 3) if varlen else (2, 7, 3)
    cu_list = [0, 1, 5, 9] if varlen else None
    cu = torch.tensor(cu_list) if varlen else None
    ins = widen(make_inputs(kind, B, T, D, torch.float32, h0, cu_list))
    leaves = tuple(t.requires_grad_() for t in ins if t is not None)

    def fn(*xs):
        it = iter(xs)
        full = [None if t is None else next(it) for t in ins]
        return tuple(run(kind, full, "torch", reverse, cu))

    assert torch.autograd.gradcheck(fn, leaves, atol=1e-7, rtol=1e-5)


@pytest.mark.parametrize("T", [1, 2, 63, 64, 65])
def test_odd_lengths(T):
    ins = make_inputs("complex", 3, T, 5, torch.float32, h0=True)
    o, ht = run("complex", ins, "torch")
    o_ref, ht_ref = reference("complex", ins)
    assert rel(o, o_ref) < 1e-6 and rel(ht, ht_ref) < 1e-6


def test_complex_tensor_form_matches_pairs():
    x, g, h0 = make_inputs("complex", 2, 17, 4, h0=True)
    o_pairs, s_pairs = complex_scan(x, g, h0, True)
    o, s = complex_scan(torch.view_as_complex(x), torch.view_as_complex(g), torch.view_as_complex(h0), True)
    assert o.dtype == torch.complex64 and s.dtype == torch.complex64
    assert torch.allclose(torch.view_as_real(o), o_pairs) and torch.allclose(torch.view_as_real(s), s_pairs)


def test_half_precision_keeps_float32_state():
    for dtype in (torch.bfloat16, torch.float16):
        x, g, _ = make_inputs("real", 2, 300, 8, dtype)
        o, ht = real_scan(x, g, output_final_state=True)
        o_ref, ht_ref = reference("real", [x, g, None])
        assert o.dtype == dtype and ht.dtype == torch.float32
        assert rel(ht, ht_ref) < 1e-6  # the state never rounds to half precision
        assert rel(o, o_ref) < 1e-2  # bf16 output rounding (2^-9 per element)


def test_lower_bound_forms_agree():
    c, f, theta, lb, _ = make_inputs("hgru", 2, 11, 6)
    h_vec, _ = hgru_scan(c, f, theta, torch.full((6,), 0.3))
    h_float, _ = hgru_scan(c, f, theta, 0.3)
    h_scalar, _ = hgru_scan(c, f, theta, torch.tensor(0.3))
    assert torch.allclose(h_vec, h_float) and torch.allclose(h_vec, h_scalar)


def test_torch_compile_fullgraph_no_graph_break():
    (eager, grads), (out, cgrads) = eager_and_compiled()
    assert torch.allclose(out, eager, rtol=1e-5)
    for a, b in zip(cgrads, grads):
        assert torch.allclose(a, b, rtol=1e-5, atol=1e-6)

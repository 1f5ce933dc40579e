# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Layers: official parameter names, causality, symmetry, step == forward, dtypes, bad input."""
import io

import pytest
import torch
from cases import rel

import hgru
from hgru.layers.common import activation
from hgru.minimal import MinimalHgru1d

D = 12
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
BACKENDS = ["torch", "triton"]  # triton runs in the interpreter on a CPU machine


def official_keys(kind, d):
    """Parameter names and shapes of the official hgru-pytorch layers (facts, not code)."""
    lin = lambda name, i, o: {f"{name}.weight": (o, i), f"{name}.bias": (o,)}  # noqa: E731
    if kind.startswith("real"):
        keys = {**lin("input_proj", d, d), **lin("lambda_proj", d, d), **lin("gate", d, d), **lin("out_proj", d, d),
                "norm.weight": (d,), "norm.bias": (d,)}
        return keys
    keys = {**lin("input_proj", d, 2 * d), **lin("lambda_proj", d, d), **lin("gate", d, 2 * d),
            **lin("out_proj", 2 * d, d), "norm.weight": (2 * d,), "norm.bias": (2 * d,)}
    if kind == "bi":
        keys.update({"theta_forward": (1, 1, d), "theta_reverse": (1, 1, d)})
    else:
        keys["theta"] = (1, 1, d)
    return keys


LAYERS = {"Hgru1d": (hgru.Hgru1d, "complex"), "BiHgru1d": (hgru.BiHgru1d, "bi"), "Hgru2d": (hgru.Hgru2d, "complex"),
          "BiHgru2d": (hgru.BiHgru2d, "bi"),
          "HgruReal1d": (hgru.HgruReal1d, "real"), "HgruReal2d": (hgru.HgruReal2d, "real")}


@pytest.mark.parametrize("name", LAYERS)
def test_official_state_dict_loads_strict(name):
    cls, kind = LAYERS[name]
    keys = official_keys(kind, D)
    assert {k: tuple(v.shape) for k, v in cls(D).state_dict().items()} == keys
    official = {k: torch.randn(shape) for k, shape in keys.items()}
    layer = cls(D)
    layer.load_state_dict(official, strict=True)
    buf = io.BytesIO()
    torch.save(layer.state_dict(), buf)
    buf.seek(0)
    again = cls(D)
    again.load_state_dict(torch.load(buf, weights_only=True), strict=True)
    x = torch.randn(*((3, 4, 2, D) if "2d" in name.lower() else (7, 2, D)))
    assert torch.equal(layer(x, 0.3), again(x, 0.3))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("act,bias", [("silu", True), ("silu", False), ("relu", True), ("identity", False)])
def test_hgru1d_matches_paper_minimal(backend, act, bias):
    """SiLU with biases is the paper's layer (the biases added inside the fused ops); ReLU runs
    outside the fused op, after the input projection's bias."""
    torch.manual_seed(0)
    for causal in (True, False):
        layer = hgru.Hgru1d(D, act_fun=act, causal=causal, bias=bias, backend=backend).to(DEVICE)
        minimal = MinimalHgru1d(D, causal=causal, bias=bias, act=activation(act)).to(DEVICE)
        minimal.load_state_dict(layer.state_dict(), strict=True)
        x = torch.randn(33, 3, D, device=DEVICE)
        assert rel(layer(x, 0.25), minimal(x, 0.25)) < 1e-5


@pytest.mark.parametrize("name", ["Hgru1d", "HgruReal1d"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_causal_layers_do_not_see_the_future(name, backend):
    torch.manual_seed(0)
    layer = LAYERS[name][0](D, backend=backend).to(DEVICE)
    x = torch.randn(20, 2, D, device=DEVICE)
    y = layer(x, 0.5)
    x2 = x.clone()
    x2[12] += 10 * torch.randn(2, D, device=DEVICE)
    y2 = layer(x2, 0.5)
    assert torch.equal(y[:12], y2[:12])  # earlier steps untouched, bit for bit
    assert not torch.allclose(y[12:], y2[12:])


@pytest.mark.parametrize("backend", BACKENDS)
def test_bidirectional_symmetry(backend):
    torch.manual_seed(0)
    x = torch.randn(17, 2, D, device=DEVICE)
    shared = hgru.Hgru1d(D, causal=False, backend=backend).to(DEVICE)
    assert rel(shared(x.flip(0), 0.2).flip(0), shared(x, 0.2)) < 1e-5
    bi = hgru.BiHgru1d(D, backend=backend).to(DEVICE)
    swapped = hgru.BiHgru1d(D, backend=backend).to(DEVICE)
    sd = bi.state_dict()
    sd["theta_forward"], sd["theta_reverse"] = sd["theta_reverse"], sd["theta_forward"]
    swapped.load_state_dict(sd)
    assert rel(swapped(x.flip(0), 0.2).flip(0), bi(x, 0.2)) < 1e-5
    x2 = x.clone()
    x2[-1] += 1.0
    assert not torch.allclose(bi(x2, 0.2)[0], bi(x, 0.2)[0])  # the first step sees the last


@pytest.mark.parametrize("name", ["Hgru1d", "HgruReal1d"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_step_equals_forward(name, backend):
    torch.manual_seed(0)
    layer = LAYERS[name][0](D, backend=backend).to(DEVICE)
    lb = torch.rand(D, device=DEVICE) * 0.9
    x = torch.randn(15, 3, D, device=DEVICE)
    y, state = layer(x, lb, output_final_state=True)
    # prefill 9 steps with the full forward, then decode the rest step by step
    y_pre, s = layer(x[:9], lb, output_final_state=True)
    ys = [y_pre]
    for t in range(9, 15):
        yt, s = layer.step(x[t], s, lb)
        ys.append(yt[None])
    assert rel(torch.cat(ys), y) < 1e-5 and rel(s, state) < 1e-5


@pytest.mark.parametrize("backend", BACKENDS)
def test_batch_first_equals_sequence_first(backend):
    torch.manual_seed(0)
    for cls in (hgru.Hgru1d, hgru.BiHgru1d, hgru.HgruReal1d):
        a = cls(D, backend=backend).to(DEVICE)
        b = cls(D, batch_first=True, backend=backend).to(DEVICE)
        b.load_state_dict(a.state_dict())
        x = torch.randn(11, 3, D, device=DEVICE)
        assert rel(b(x.transpose(0, 1), 0.1).transpose(0, 1), a(x, 0.1)) < 1e-5
    for cls in (hgru.Hgru2d, hgru.HgruReal2d, hgru.BiHgru2d):
        kw = {} if cls is hgru.BiHgru2d else {"causal": False}
        a = cls(D, backend=backend, **kw).to(DEVICE)
        b = cls(D, batch_first=True, backend=backend, **kw).to(DEVICE)
        b.load_state_dict(a.state_dict())
        x = torch.randn(4, 5, 3, D, device=DEVICE)
        assert rel(b(x.permute(2, 0, 1, 3), 0.1).permute(1, 2, 0, 3), a(x, 0.1)) < 1e-5


def _scan_axis0(u, gamma):
    h, out = torch.zeros_like(u[0]), []
    for t in range(u.shape[0]):
        h = gamma[t] * h + u[t]
        out.append(h)
    return torch.stack(out)


@pytest.mark.parametrize("causal", [True, False], ids=["causal", "bidirectional"])
def test_hgru2d_scans_both_axes(causal):
    """Hgru2d against explicit loops down the columns and along the rows of the grid."""
    torch.manual_seed(0)
    layer = hgru.Hgru2d(D, causal=causal).double()
    x = torch.randn(4, 5, 2, D, dtype=torch.float64)
    lb = 0.3
    c = torch.nn.functional.silu(layer.input_proj(x)).unflatten(-1, (D, 2))
    lam = lb + (1 - lb) * torch.sigmoid(layer.lambda_proj(x))
    u = (1 - lam) * torch.complex(c[..., 0], c[..., 1])
    gamma = lam * torch.exp(1j * layer.theta.reshape(-1))
    h = _scan_axis0(u, gamma) + _scan_axis0(u.transpose(0, 1), gamma.transpose(0, 1)).transpose(0, 1)
    if not causal:
        h = h + _scan_axis0(u.flip(0), gamma.flip(0)).flip(0)
        h = h + _scan_axis0(u.transpose(0, 1).flip(0), gamma.transpose(0, 1).flip(0)).flip(0).transpose(0, 1)
    want = layer.out_proj(layer.norm(torch.cat([h.real, h.imag], -1)) * torch.nn.functional.silu(layer.gate(x)))
    assert rel(layer(x, lb), want) < 1e-10


@pytest.mark.parametrize("backend", BACKENDS)
def test_bf16_keeps_float32_state(backend):
    torch.manual_seed(0)
    layer = hgru.Hgru1d(D, backend=backend).to(DEVICE).bfloat16()
    x = torch.randn(9, 2, D, device=DEVICE, dtype=torch.bfloat16)
    y, state = layer(x, 0.5, output_final_state=True)
    assert y.dtype == torch.bfloat16 and state.dtype == torch.float32
    _, s = layer.step(x[0], None, 0.5)
    assert s.dtype == torch.float32
    real = hgru.HgruReal1d(D, backend=backend).to(DEVICE).bfloat16()
    y, state = real(x, 0.5, output_final_state=True)
    assert y.dtype == torch.bfloat16 and state.dtype == torch.float32
    with torch.autocast(DEVICE, dtype=torch.bfloat16):
        y, state = hgru.Hgru1d(D, backend=backend).to(DEVICE)(x.float(), 0.5, output_final_state=True)
    assert state.dtype == torch.float32


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", ["Hgru1d", "HgruReal1d"])
def test_autocast_matches_float32(name, backend):
    """Under bf16 autocast the output gating (norm-gate op) writes the dtype out_proj computes in,
    and the layer agrees with its float32 self to bf16 precision, gradients included."""
    torch.manual_seed(0)
    layer = LAYERS[name][0](D, backend=backend).to(DEVICE)
    x = torch.randn(9, 2, D, device=DEVICE, requires_grad=True)
    want = layer(x, 0.5)
    (want_dx,) = torch.autograd.grad(want.square().sum(), x)
    with torch.autocast(DEVICE, dtype=torch.bfloat16):
        got = layer(x, 0.5)
    assert got.dtype == torch.bfloat16
    (got_dx,) = torch.autograd.grad(got.float().square().sum(), x)
    assert rel(got, want) < 2e-2 and rel(got_dx, want_dx) < 3e-2


def test_lower_bound_module():
    for mode in ("lm", "prefix"):
        lb = hgru.LowerBound(6, D, mode)
        with torch.no_grad():
            lb.lower_bounds.normal_()
        b = lb()
        assert b.shape == (6, D) and torch.all(b[0] == 0)
        assert torch.all(b[1:] >= b[:-1]) and torch.all(b < 1) and torch.all(b >= 0)
    fresh = hgru.LowerBound(4, D)()
    assert torch.allclose(fresh[:, 0], torch.tensor([0, 0.25, 0.5, 0.75]))  # k / L at init
    with pytest.raises(ValueError, match="mode"):
        hgru.LowerBound(4, D, "cumsum")


def test_layer_gradients_reach_every_parameter():
    layer = hgru.Hgru1d(D, causal=False)
    lb = hgru.LowerBound(2, D)
    x = torch.randn(9, 2, D, requires_grad=True)
    layer(x, lb()[1]).square().sum().backward()
    for name, p in list(layer.named_parameters()) + list(lb.named_parameters()):
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert x.grad.abs().sum() > 0


@pytest.mark.parametrize("call,err,match", [
    pytest.param(lambda: hgru.Hgru1d(D)(torch.randn(5, 2, D + 1)), ValueError, "d=12", id="wrong-width"),
    pytest.param(lambda: hgru.Hgru1d(D)(torch.randn(2, D)), ValueError, r"\(n, b, d\)", id="missing-batch"),
    pytest.param(lambda: hgru.Hgru1d(D)(torch.randint(0, 3, (5, 2, D))), TypeError, "floating", id="int-input"),
    pytest.param(lambda: hgru.Hgru1d(D)(torch.randn(0, 2, D)), ValueError, "empty", id="empty-sequence"),
    pytest.param(lambda: hgru.Hgru1d(D)(torch.randn(5, 2, D), 1.0), ValueError, r"\[0, 1\)", id="lower-bound-1"),
    pytest.param(lambda: hgru.Hgru1d(D)(torch.randn(5, 2, D), torch.full((D,), 1.5)), ValueError, r"\[0, 1\)",
                 id="lower-bound-tensor"),
    pytest.param(lambda: hgru.HgruReal1d(D)(torch.randn(5, 2, D), -0.5), ValueError, r"\[0, 1\)",
                 id="real-lower-bound"),
    pytest.param(lambda: hgru.Hgru2d(D)(torch.randn(5, 2, D)), ValueError, r"\(h, w, b, d\)", id="2d-needs-grid"),
    pytest.param(lambda: hgru.Hgru1d(D, causal=False).step(torch.randn(2, D)), RuntimeError, "causal",
                 id="step-bidirectional"),
    pytest.param(lambda: hgru.Hgru1d(D, act_fun="tanhh"), ValueError, "activation", id="unknown-activation"),
])
def test_layer_bad_input(call, err, match):
    with pytest.raises(err, match=match):
        call()


@pytest.mark.parametrize("name", ["Hgru1d", "HgruReal1d", "Hgru2d"])
def test_autocast_casts_the_input_once(name):
    """Under autocast a float32 input that is not a leaf (as inside a model) is cast once for the
    layer's three projections, not once per projection (measured 0.38 ms of a 3.8 ms Hgru1d step on
    an H200, benchmarks/NOTES.md)."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class CountCasts(TorchDispatchMode):
        casts = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            if func is torch.ops.aten._to_copy.default and args[0] is x_in:
                CountCasts.casts += 1
            return func(*args, **kwargs)

    layer = LAYERS[name][0](D, backend="torch")
    shape = (3, 4, 2, D) if "2d" in name else (7, 2, D)
    x_in = torch.randn(shape, requires_grad=True) * 1.0  # not a leaf: autocast caches a leaf's cast
    with torch.autocast("cpu", dtype=torch.bfloat16), CountCasts():
        y = layer(x_in, 0.5)
    assert y.dtype == torch.bfloat16 and CountCasts.casts == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_layer_norm_module_is_nn_layer_norm(backend):
    """hgru.LayerNorm: nn.LayerNorm's parameters and state dict, its result and gradients in
    float32; under autocast, the result in the autocast dtype."""
    torch.manual_seed(0)
    ours, ref = hgru.LayerNorm(D, backend=backend).to(DEVICE), torch.nn.LayerNorm(D).to(DEVICE)
    with torch.no_grad():
        ref.weight.normal_()
        ref.bias.normal_()
    ours.load_state_dict(ref.state_dict(), strict=True)
    x = (3 * torch.randn(2, 5, D) + 1).to(DEVICE).requires_grad_()
    grads = []
    for m in (ours, ref):
        y = m(x)
        grads.append([y, *torch.autograd.grad((y * y.detach().cos()).sum(), (x, m.weight, m.bias))])
    for name, a, b in zip(["y", "dx", "dweight", "dbias"], *grads):
        assert rel(a, b) < 1e-5, name
    with torch.autocast(DEVICE, dtype=torch.bfloat16):
        assert ours(x).dtype == torch.bfloat16
    with pytest.raises(ValueError, match="shape"):
        ours(x[..., :-1])

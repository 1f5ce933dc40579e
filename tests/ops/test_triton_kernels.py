# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Every Triton kernel against the references: outputs, final state and all gradients.

On a machine without a GPU the kernels run in Triton's interpreter (``TRITON_INTERPRET=1``,
set by conftest.py), on small awkward sizes. On a GPU the same tests run on CUDA tensors, and
``test_realistic_sizes`` adds sizes the models use.

Tolerances (relative L2 error against float64): float32 2e-6 (measured ~1e-7 at T=63);
float16 3e-3 and bfloat16 2e-2 (outputs and the saved states used by the backward are rounded
to the input dtype: bf16 rounding is 2^-9 relative; measured 2e-3 to 7e-3).
"""
import pytest
import torch
import triton
import triton.language as tl
from cases import KINDS, eager_and_compiled, make_inputs, outputs_and_grads, reference, rel, widen

from hgru.ops.triton import common
from hgru.ops.triton.real import _carry_in

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
TOL = {torch.float32: 2e-6, torch.float16: 3e-3, torch.bfloat16: 2e-2}
DT = {torch.float32: "fp32", torch.float16: "fp16", torch.bfloat16: "bf16"}
NAMES = {"real": ["o", "state", "dx", "dg", "dh0"], "complex": ["o", "state", "dx", "dg", "dh0"],
         "hgru": ["h", "state", "dc", "df", "dtheta", "dlb", "dh0"],
         "hgru_bias": ["h", "state", "dc", "df", "dtheta", "dlb", "dh0", "dc_bias", "df_bias"]}


def check(kind, B, T, D, dtype, reverse, h0, cu_list, tol_scale=1.0):
    cu = None if cu_list is None else torch.tensor(cu_list, device=DEVICE)
    ins = make_inputs(kind, B, T, D, dtype, h0, cu_list, device=DEVICE)
    got = outputs_and_grads(kind, ins, "triton", reverse, cu)
    want = outputs_and_grads(kind, widen(ins), "torch", reverse, None if cu is None else cu.cpu())
    o_loop, ht_loop = reference(kind, widen(ins), reverse, cu)  # the loop checks the float64 torch path
    assert rel(want[0], o_loop) < 1e-6 and rel(want[1], ht_loop) < 1e-6
    assert got[0].dtype == dtype and got[1].dtype == torch.float32
    names = NAMES[kind][:2] + [n for n, t in zip(NAMES[kind][2:], ins) if t is not None]  # grads of inputs given
    errors = {name: rel(a, b) for name, a, b in zip(names, got, want, strict=True)}
    bad = {k: v for k, v in errors.items() if not v < TOL[dtype] * tol_scale}
    assert not bad, f"errors above {TOL[dtype] * tol_scale:g}: {bad} (all: {errors})"


SIZES = [(2, 63, 50), (1, 1, 50), (3, 17, 5), (1, 64, 16)]
CASES = [pytest.param(k, s, r, h, id=f"{k}-B{s[0]}-T{s[1]}-D{s[2]}-{'rev' if r else 'fwd'}-{'h0' if h else 'zero'}")
         for k in KINDS for s in SIZES for r in (False, True) for h in (False, True)
         if s == SIZES[0] or (r == h)]


@pytest.mark.parametrize("kind,size,reverse,h0", CASES)
def test_kernels_fp32(kind, size, reverse, h0):
    check(kind, *size, torch.float32, reverse, h0, None)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reverse", [False, True], ids=["fwd", "rev"])
@pytest.mark.parametrize("h0", [False, True], ids=["zero", "h0"])
def test_kernels_varlen(kind, reverse, h0):
    check(kind, 1, 63, 50, torch.float32, reverse, h0, [0, 1, 20, 21, 63])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reverse", [False, True], ids=["fwd", "rev"])
@pytest.mark.parametrize("B,T,D,L", [(2, 63, 50, 20), (1, 150, 20, 7)], ids=["4splits", "22splits"])
def test_kernels_time_split(kind, reverse, B, T, D, L, monkeypatch):
    """The time-split paths used when few (row, channel-block) programs exist: look-back chunks
    (real, complex, the fp32 hgru forward: chunks of 16 and 4 steps, 4 and 38 of them, folding
    predecessors' records over several windows and a partial chunk) and two-level splits of L
    steps (the hgru backward; the last split folds 21 aggregates)."""
    monkeypatch.setattr(common, "FORCE_SPLIT_LEN", L)
    check(kind, B, T, D, torch.float32, reverse, True, None)


@pytest.mark.parametrize("kind", ["real", "complex", "hgru"])
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=["bf16", "fp16"])
def test_chunks_half_precision(kind, dtype, monkeypatch):
    """The chunk kernels keep half-precision inputs narrow through the look-back and widen them
    again (bfloat16 by its bits): 8 chunks of 8 steps, reversed, with h0 (hgru: the forward in
    chunks, the backward in two-level splits of 8 steps)."""
    monkeypatch.setattr(common, "FORCE_SPLIT_LEN", 8)
    monkeypatch.setattr(common, "FORCE_CHUNK", 8)
    check(kind, 2, 63, 50, dtype, True, True, None)


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=["bf16", "fp16"])
def test_fused_two_level_half_precision(dtype, monkeypatch):
    """The fused forward's two-level split, which half-precision inputs take unless the split count
    reaches MAX_SPLITS: 8 splits of 8 steps, reversed, with h0."""
    monkeypatch.setattr(common, "FORCE_SPLIT_LEN", 8)
    assert common.plan_fused_fwd(dtype, 2, 63, 50, torch.device(DEVICE), False)[:2] == (1, None)
    check("hgru", 2, 63, 50, dtype, True, True, None)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=["bf16", "fp16"])
def test_kernels_half_precision(kind, dtype):
    check(kind, 2, 63, 50, dtype, True, True, None)


def test_strided_sequence_first_input():
    """The layers hand the kernels (n, b, d) tensors viewed as [B, T, D]: no copy, same result."""
    c, f, theta, lb, _ = make_inputs("hgru", 3, 21, 10, device=DEVICE)
    c_sf, f_sf = c.transpose(0, 1).contiguous().transpose(0, 1), f.transpose(0, 1).contiguous().transpose(0, 1)
    got = outputs_and_grads("hgru", [c_sf, f_sf, theta, lb, None], "triton")
    want = outputs_and_grads("hgru", [c, f, theta, lb, None], "triton")
    assert got[0].stride() == c_sf.stride()  # h is written in the input's (n, b, .) layout
    for a, b in zip(got, want):
        assert rel(a, b) < 1e-6


@pytest.mark.skipif(DEVICE != "cuda", reason="realistic sizes need a GPU")
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16], ids=["fp32", "bf16"])
@pytest.mark.parametrize("shape", [(4, 2048, 1024), (1, 16384, 256)], ids=["4x2048x1024", "1x16384x256"])
def test_realistic_sizes(kind, dtype, shape):
    check(kind, *shape, dtype, False, True, None, tol_scale=5.0)  # long T: more rounding to accumulate


@pytest.mark.skipif(DEVICE != "cuda", reason="the loop tiles need a GPU")
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16], ids=["fp32", "bf16"])
@pytest.mark.parametrize("B,T,D", [(5, 1000, 1000), (9, 999, 1000), (13, 1001, 1000), (17, 777, 1000), (35, 300, 1000)],
                         ids=str)
def test_loop_tiles_gpu(dtype, B, T, D):
    """The real scans' unsplit loop at each of LOOP_TILES' pair counts (5,000-35,000 (row, channel)
    pairs: every tile of both directions and dtypes), ragged channel blocks and time tiles,
    reversed, with h0."""
    check("real", B, T, D, dtype, True, True, None, tol_scale=5.0)


@pytest.mark.skipif(DEVICE != "cuda", reason="concurrent programs need a GPU")
@pytest.mark.parametrize("kind", ["real", "complex", "hgru"])
def test_lookback_repeated(kind, monkeypatch):
    """Look-back publishes records without an acquire (NOTES.md): a race would give sporadic wrong
    carries. Random shapes, each split into 16-step chunks and run three times, against the
    unsplit kernel (fp32: they differ only in association)."""
    gen = torch.Generator().manual_seed(0)
    for i in range(12):
        B, T, D = (int(torch.randint(lo, hi, (1,), generator=gen)) for lo, hi in ((1, 5), (500, 9000), (1, 1500)))
        reverse = bool(i % 2)
        ins = make_inputs(kind, B, T, D, torch.float32, True, None, seed=i, device=DEVICE)
        monkeypatch.setattr(common, "FORCE_SPLITS", 1)
        want = outputs_and_grads(kind, ins, "triton", reverse)
        monkeypatch.setattr(common, "FORCE_SPLITS", None)
        monkeypatch.setattr(common, "FORCE_CHUNK", 16)
        for _ in range(3):
            got = outputs_and_grads(kind, ins, "triton", reverse)
            errors = [rel(a, b) for a, b in zip(got, want)]
            assert max(errors) < 1e-5, f"B, T, D = {B}, {T}, {D}, reverse={reverse}: {errors}"
        monkeypatch.setattr(common, "FORCE_CHUNK", None)


@pytest.mark.parametrize("family,B,T,D,splits,L,BD,L_bwd,BD_bwd", [
    ("real", 8, 4096, 2048, 1, 4096, None, None, None), ("real", 4, 16384, 1024, 64, 256, 64, 128, 64),
    ("real", 16, 1024, 1024, 1, 1024, None, None, None), ("real", 32, 1024, 1024, 1, 1024, None, None, None),
    ("real", 64, 2048, 1024, 1, 2048, None, None, None), ("real", 1, 65536, 256, 256, 256, 64, 128, 64),
    ("real", 2, 32768, 512, 128, 256, 64, 128, 64), ("real", 4, 16384, 512, 64, 256, 64, 128, 64),
    ("real", 8, 8192, 1024, 1, 8192, None, None, None), ("complex", 1, 65536, 256, 256, 256, 32, 128, 64),
    ("complex", 4, 16384, 256, 256, 64, 128, 128, 64), ("complex", 4, 16384, 512, 256, 64, 128, 64, 128),
    ("complex", 8, 4096, 512, 64, 64, 128, 64, 128), ("real", 4, 100, 64, 1, 100, None, None, None),
    ("complex", 32, 1024, 1024, 16, 64, 128, 64, 128), ("complex", 8, 4096, 1024, 64, 64, 128, 64, 128),
    ("hgru", 8, 4096, 1024, 16, 256, None, None, None), ("hgru", 32, 1024, 1024, 4, 256, None, None, None),
    ("hgru", 128, 256, 1024, 1, 256, None, None, None), ("hgru", 16, 512, 768, 11, 48, None, None, None),
    ("hgru", 2, 32768, 512, 128, 256, None, None, None)])
def test_time_split_rule(family, B, T, D, splits, L, BD, L_bwd, BD_bwd, monkeypatch):
    """The plan for bf16 with the default tiles on an H200's 132 SMs: whether to split (real: below
    8,192 (row, channel) pairs, where T allows; complex and the fused HGRU kernel: ``split_plan``)
    and how: chunks of one tile for the plain scans (real, which now splits only with few chains:
    forward [16 x 4 warps x 4 rows, 64], backward [16 x 2 x 4, 64]; complex [16 x 4 warps, 128
    pairs], with few chains narrower channel blocks whose warps span several rows of time: forward
    [16 x 4 x 4, 32 pairs] below 8 chains, backward [16 x 4 x 2, 64 pairs] below 16), the two-level
    split's counts for the fused HGRU kernel; all measured fastest, or within 3% of it
    (benchmarks/NOTES.md). The real scans' unsplit tiles: ``test_loop_tiles``."""
    monkeypatch.setattr(common, "INTERPRET", False)
    monkeypatch.setattr(common, "_sm_count", lambda index: 132)
    if family == "hgru":
        n, length, args = common.plan(family, torch.bfloat16, B, T, D, torch.device("cuda", 0), False)
    else:
        n, args = common.plan_chunks(family, torch.bfloat16, B, T, D, torch.device("cuda", 0), False)
        length = args["R"] * args["NW"] if n > 1 else T
        n_b, args_b = common.plan_chunks(family, torch.bfloat16, B, T, D, torch.device("cuda", 0), False, True)
        assert (n_b > 1) == (n > 1)
        if n > 1:
            assert (args["BD"], args_b["R"] * args_b["NW"], args_b["BD"]) == (BD, L_bwd, BD_bwd)
            assert n_b == -(-T // L_bwd)
            # each group of R steps is a warp or one of the rows of time a warp spans
            row = BD * (2 if family == "complex" else 1) * 2
            assert args["NW"] == args["num_warps"] * max(1, 512 // row)
    assert (n, length) == (splits, L)
    assert (n - 1) * length < T <= n * length


def test_few_chain_tiles(monkeypatch):
    """Narrower chunk tiles only for the keys measured (real bf16 / fp32, complex bf16), only below
    the chain counts measured, and never in the interpreter; chunks never cover all of time."""
    monkeypatch.setattr(common, "INTERPRET", False)
    monkeypatch.setattr(common, "_sm_count", lambda index: 132)
    cuda = torch.device("cuda", 0)
    bf, fp = torch.bfloat16, torch.float32

    def launch(fam, dt, B, T, D, bwd=False):
        n, args = common.plan_chunks(fam, dt, B, T, D, cuda, False, bwd)
        assert n > 1
        return args["BD"], args["W"]
    # (channel block, look-back window): the narrow tiles look back over 2 chunks at once, the others 4
    assert launch("real", fp, 1, 65536, 256) == (32, 2) and launch("real", fp, 1, 65536, 256, True) == (32, 2)
    assert launch("real", fp, 4, 16384, 1024) == (32, 2)  # 32 chains of 128 channels: forward below 64
    assert launch("complex", fp, 1, 65536, 256) == (64, 4)  # not measured: CHUNK_TILES
    assert launch("complex", bf, 4, 16384, 256) == (128, 4) and launch("complex", bf, 4, 16384, 256, True) == (64, 2)
    assert launch("real", bf, 1, 65536, 256) == (64, 2) and launch("real", bf, 4, 16384, 1024, True) == (64, 2)
    monkeypatch.setattr(common, "FORCE_CHUNK", 64)  # forced chunks with many chains: CHUNK_TILES' block
    assert launch("real", bf, 8, 4096, 2048) == (256, 4) and launch("real", fp, 8, 4096, 2048, True) == (128, 4)
    monkeypatch.setattr(common, "FORCE_CHUNK", None)
    for T in (256, 300, 512):  # the shortest split sequences: chunks shortened to leave at least two
        n, args = common.plan_chunks("real", torch.bfloat16, 1, T, 256, cuda, False)
        assert n >= 2 and (n - 1) * args["R"] * args["NW"] < T <= n * args["R"] * args["NW"]
    monkeypatch.setattr(common, "INTERPRET", True)
    assert common.plan_chunks("real", torch.float32, 1, 65536, 256, cuda, False)[1]["NW"] == common.INTERPRET_CHUNK[1]


@pytest.mark.parametrize("dtype,backward,B,T,D,tile", [
    (torch.bfloat16, False, 8, 4096, 2048, (4, 4, 64, 3)), (torch.bfloat16, True, 8, 4096, 2048, (4, 2, 64, 3)),
    (torch.bfloat16, False, 8, 8192, 1024, (4, 4, 64, 4)), (torch.bfloat16, True, 8, 8192, 1024, (4, 4, 64, 4)),
    (torch.bfloat16, False, 16, 512, 768, (8, 1, 32, 4)), (torch.bfloat16, True, 16, 512, 768, (4, 1, 32, 4)),
    (torch.bfloat16, False, 32, 1024, 1024, (8, 2, 128, 3)), (torch.bfloat16, True, 128, 256, 1024, (4, 2, 128, 3)),
    (torch.float16, False, 64, 1024, 384, (4, 4, 64, 3)), (torch.float32, False, 8, 8192, 1024, (4, 4, 32, 3)),
    (torch.float32, False, 8, 4096, 2048, (2, 4, 32, 3)), (torch.float32, False, 128, 256, 1024, (4, 2, 64, 3)),
    (torch.float32, True, 4, 4096, 1024, (4, 4, 32, 3)), (torch.float32, True, 8, 4096, 1024, (4, 2, 32, 3)),
    (torch.float32, True, 8, 4096, 2048, (4, 2, 64, 3)), (torch.bfloat16, False, 4, 100, 64, (4, 4, 64, 4))], ids=str)
def test_loop_tiles(dtype, backward, B, T, D, tile, monkeypatch):
    """The real scans' unsplit loop on an H200's 132 SMs: LOOP_TILES' tile for B x D (row,
    channel) pairs, its groups counting the rows of time each warp spans (lanes = 512 bytes / row
    bytes); unsplit where pairs reach the first entry or time is too short to split."""
    monkeypatch.setattr(common, "INTERPRET", False)
    monkeypatch.setattr(common, "_sm_count", lambda index: 132)
    n, args = common.plan_chunks("real", dtype, B, T, D, torch.device("cuda", 0), False, backward)
    R, warps, BD, stages = tile
    lanes = max(1, 512 // (BD * dtype.itemsize))
    assert n == 1 and args == dict(R=R, NW=warps * lanes, BD=BD, STAGES=stages, num_warps=warps, num_stages=1)


def test_loop_or_chunks(monkeypatch):
    """Real scans split time only below LOOP_TILES' first pair count (scaled by the SM count), where
    time is at least 4 x MIN_SPLIT_LEN steps, never for varlen or forced unsplit."""
    monkeypatch.setattr(common, "INTERPRET", False)
    sms = {"n": 132}
    monkeypatch.setattr(common, "_sm_count", lambda index: sms["n"])
    cuda = torch.device("cuda", 0)

    def splits(dt, B, T, D, bwd=False, varlen=False):
        return common.plan_chunks("real", dt, B, T, D, cuda, varlen, bwd)[0]
    bf, fp = torch.bfloat16, torch.float32
    assert splits(bf, 4, 4096, 2048) == 1 and splits(bf, 4, 4096, 2047) > 1  # 8,192 pairs: the loop
    assert splits(fp, 4, 4096, 1024) > 1 and splits(fp, 4, 4096, 1024, True) == 1  # fp32 backward from 4,096
    assert splits(bf, 1, 256, 256) > 1 and splits(bf, 1, 255, 256) == 1  # 4 chunks of 64 steps at least
    assert splits(bf, 1, 65536, 256, varlen=True) == 1
    sms["n"] = 66  # half the SMs: half the pairs fill them
    assert splits(bf, 2, 4096, 2048) == 1 and splits(bf, 2, 4096, 2047) > 1
    monkeypatch.setattr(common, "FORCE_SPLITS", 1)
    assert splits(bf, 1, 65536, 256) == 1


@pytest.mark.parametrize("dtype,B,T,D,chunks", [
    (torch.bfloat16, 8, 4096, 1024, 1), (torch.bfloat16, 128, 256, 1024, 1), (torch.bfloat16, 1, 65536, 256, 1024),
    (torch.float32, 8, 4096, 1024, 64), (torch.float32, 128, 256, 1024, 1)], ids=str)
def test_fused_forward_rule(dtype, B, T, D, chunks, monkeypatch):
    """The fused forward takes look-back chunks of [16 x 4 warps, all the tile's channels] where
    the two-level split would split and chunks measured faster on an H200 (4-byte inputs; 2-byte
    inputs only where the split count reaches MAX_SPLITS); else (1, None): the two-level plan."""
    monkeypatch.setattr(common, "INTERPRET", False)
    monkeypatch.setattr(common, "_sm_count", lambda index: 132)
    n, args, two_level = common.plan_fused_fwd(dtype, B, T, D, torch.device("cuda", 0), False)
    assert two_level == common.plan("hgru", dtype, B, T, D, torch.device("cuda", 0), False)
    assert n == chunks
    if n > 1:
        assert (args["R"], args["NW"], args["BD"]) == (16, 4, 256 // dtype.itemsize) and n * 64 >= T
    else:
        assert args is None
    assert common.plan_fused_fwd(dtype, B, T, D, torch.device("cuda", 0), True)[:2] == (1, None)  # varlen


@pytest.mark.skipif(DEVICE != "cuda", reason="the Triton ops under torch.compile need a GPU")
def test_triton_ops_torch_compile():
    """Under torch.compile the custom ops are traced, backward included (no graph break); eager
    calls run the same kernels through autograd.Functions: equal gradients."""
    (_, eager), (_, got) = eager_and_compiled(torch.bfloat16, DEVICE, 2, 33, 24)
    for a, e in zip(got, eager):
        assert torch.allclose(a, e, rtol=1e-3, atol=1e-5)


def _op_cases():
    """(op, args) for every custom op, forward and backward, with and without the optional inputs."""
    gen = torch.Generator().manual_seed(0)
    r = lambda *s: torch.randn(*s, generator=gen).to(DEVICE)  # noqa: E731
    B, T, D = 2, 5, 16
    cu = torch.tensor([0, 2, T], device=DEVICE)  # two sequences packed in the first row
    h, g, w, b = r(B, T, D), r(B, T, D), r(D), r(D)
    cases = []
    for gate, weight, bias in ((g, w, b), (None, None, None)):
        z, stats = torch.ops.hgru.norm_gate_fwd(h, gate, weight, bias, 1e-5, True, torch.float32)
        cases += [(torch.ops.hgru.norm_gate_fwd, (h, gate, weight, bias, 1e-5, True, torch.bfloat16)),
                  (torch.ops.hgru.norm_gate_bwd, (h, gate, weight, bias, stats, r(B, T, D), True))]
    for cplx in (False, True):
        shape = (B, T, D, 2) if cplx else (B, T, D)
        x, gg = r(*shape), 0.5 * torch.rand(*shape, generator=gen).to(DEVICE)
        for h0, cus, rev in ((None, None, False), (r(B, D, 2) if cplx else r(B, D), None, True),
                             (None, cu, False)):
            xs, gs = (x, gg) if cus is None else (x[:1], gg[:1])
            args = (xs, gs, h0, cus, rev, cplx, "triton")
            o, ht = torch.ops.hgru.scan_fwd(*args)
            cases += [(torch.ops.hgru.scan_fwd, args),
                      (torch.ops.hgru.scan_bwd, (gs, o, torch.randn_like(o), torch.randn_like(ht), h0, cus, rev, cplx,
                                                 "triton"))]
    c, f, th, lb = r(B, T, 2 * D), r(B, T, D), r(D), 0.5 * torch.rand(D, generator=gen).to(DEVICE)
    for h0, rev in ((None, False), (r(B, 2 * D), True)):
        args = (c, f, th, lb, h0, None, rev, True)
        hh, ht = torch.ops.hgru.hgru_scan_fwd(*args)
        cases += [(torch.ops.hgru.hgru_scan_fwd, args),
                  (torch.ops.hgru.hgru_scan_bwd, (c, f, th, lb, hh, torch.randn_like(hh), torch.randn_like(ht), h0,
                                                  None, rev, True))]
    return cases


def test_custom_ops_pass_opcheck():
    """Every custom op through ``torch.library.opcheck``: schema (no output aliasing an input or
    another output), fake tensors, autograd registration and AOT dispatch, as torch.compile needs them.
    (The norm-gate backward once returned its weight and bias gradients as two views of one sum:
    torch.compile then failed, on a GPU only; this runs on the CPU as well.)"""
    for op, args in _op_cases():
        torch.library.opcheck(op, args)


def test_fused_tile_must_be_one_row(monkeypatch):
    """The fused passes step one time row per turn: a tile with BT > 1 is refused, not ignored."""
    monkeypatch.setitem(common.TILES, ("hgru", 2), (4, 128, 1, 32))
    with pytest.raises(ValueError, match="BT = 1"):
        common.tile("hgru", torch.bfloat16)


@triton.jit
def _carry_in_kernel(p_flag, p_rec, p_out, j, NC, s_rec, s_j, BD: tl.constexpr, W: tl.constexpr, CPLX: tl.constexpr):
    c = tl.program_id(0)
    o_d = tl.arange(0, BD)
    re, im = _carry_in(p_flag, p_rec + c * BD + o_d, s_rec, s_j, j, c, NC, o_d < BD, W, CPLX)
    tl.store(p_out + c * 2 * BD + o_d, re)
    tl.store(p_out + c * 2 * BD + BD + o_d, im)


@pytest.mark.parametrize("cplx", [False, True], ids=["real", "complex"])
def test_carry_in_folds_windows(cplx):
    """``real._carry_in``, the look-back's fold, on records published before the call, so that the
    walk crosses several windows of statuses (the interpreter runs programs one at a time: in the
    scans every predecessor is inclusive by then, so only this test folds aggregates on a CPU).
    Chain 0: an inclusive state at chunk 0 and aggregates after it (three windows of four);
    chain 1: aggregates, then an inclusive state at chunk 6 that must end the walk (the aggregates
    below it are not folded); chain 2: aggregates only (in the kernels chunk 0 publishes an
    inclusive state; here the walk runs out of predecessors and starts from a zero state)."""
    J, NC, BD, K = 13, 3, 16, 2 if cplx else 1
    gen = torch.Generator().manual_seed(0)
    rec = torch.randn(3 * K, J, NC, BD, generator=gen)  # planes A, B, inclusive (each re[, im])
    rec[:K] = torch.rand(K, J, NC, BD, generator=gen) * 0.9
    flag = torch.ones(J, NC, dtype=torch.int32)
    flag[0, 0], flag[6, 1] = 2, 2
    out = torch.empty(NC, 2, BD, device=DEVICE)
    _carry_in_kernel[(NC,)](flag.to(DEVICE), rec.to(DEVICE), out, J, NC, J * NC * BD, NC * BD, BD=BD, W=4, CPLX=cplx)

    def z(plane, j, c):  # a record as a complex tensor
        return torch.complex(rec[plane * K, j, c].double(), rec[plane * K + 1, j, c].double() if cplx else
                             torch.zeros(BD, dtype=torch.float64))
    for c, first in ((0, 0), (1, 6), (2, None)):
        state = z(2, first, c) if first is not None else torch.zeros(BD, dtype=torch.complex128)
        for q in range(0 if first is None else first + 1, J):
            state = z(0, q, c) * state + z(1, q, c)
        got = out.cpu()[c].double()
        assert rel(got[0], state.real) < 1e-6 and (not cplx or rel(got[1], state.imag) < 1e-6), c
        if not cplx:
            assert not got[1].any()

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Time the recurrence ops against their memory-bandwidth floor (CUDA).

    python benchmarks/bench_scan.py                      # the shapes of the kernel-speed targets
    python benchmarks/bench_scan.py --check              # also relative errors vs float64
    python benchmarks/bench_scan.py --sweep-t --json runs/bw.json   # bandwidth vs sequence length

floor = bytes that must move / copy bandwidth, the copy bandwidth measured in the same run
(a 2 GiB device-to-device copy, bytes read + written). With E = B*T*D elements of s bytes:

    op        fwd (read + write)              bwd (read + write)                 fwd+bwd
    real      x, g -> o            3 E s      g, o, do -> dx, dg         5 E s   8 E s
    complex   x, g -> o (pairs)    6 E s      g, o, do -> dx, dg (pairs) 10 E s  16 E s
    hgru      c (2D), f -> h (2D)  5 E s      c, f, h, dh -> dc, df      10 E s  15 E s
    composed  the HGRU gating in PyTorch ops + the complex scan (no floor: it is the baseline)
    norm_gate h, g -> z            3 E s      h, g, dz -> dh, dg         5 E s   8 E s
    norm_composed  LayerNorm(h) * silu(g) as the layers composed it under autocast (float32 norm
              and product, cast back for the next matmul; no floor: the baseline)

States, theta, the lower bound and the norm's weight and bias are O(B D) and ignored. ``hgru`` is
the fused op (projections in, h out); ``composed`` computes the same function from PyTorch ops and
:func:`hgru.complex_scan`, as an unfused layer would. fwd+bwd is one forward and one backward
through autograd; ratio = time / floor. "copy ratio": elementwise kernels moving the op's bytes (half
read, half written; one for the forward, one per pass for forward + backward), timed as the op is,
over the same floor: what streaming alone costs at this size (launch and ramp included).

Times are GPU times, the calls replayed from a CUDA graph; "eager" columns time the same calls
from Python, as a training loop makes them: at small sizes the difference is the per-call
overhead of the op (dispatch, checks, launches), not kernel time.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import copy_bandwidth, environment, median_ms, require_cuda, table  # noqa: E402

import hgru  # noqa: E402

BYTES = {"real": (3, 5), "complex": (6, 10), "hgru": (5, 10), "composed": (5, 10), "norm_gate": (3, 5),
         "norm_composed": (3, 5)}  # per (b, t, d), x elsize
BASELINES = ("composed", "norm_composed")  # PyTorch compositions: timed, no floor, no errors
TARGETS = [("real", "bf16", (8, 4096, 2048)), ("real", "bf16", (4, 16384, 1024)), ("real", "bf16", (16, 1024, 1024)),
           ("real", "fp32", (8, 4096, 2048)), ("real", "bf16", (1, 65536, 256)),
           ("complex", "bf16", (8, 4096, 1024)), ("hgru", "bf16", (8, 4096, 1024)),
           ("hgru", "fp32", (8, 4096, 1024)), ("hgru", "bf16", (1, 65536, 256)),  # the forward in look-back chunks
           ("composed", "bf16", (8, 4096, 1024)), ("norm_gate", "bf16", (8, 4096, 2048)),
           ("norm_gate", "fp32", (8, 4096, 2048)), ("norm_composed", "bf16", (8, 4096, 2048)),
           ("norm_gate", "bf16", (16, 4096, 1024)),  # the LM's rows (d = 512)
           ("norm_gate", "bf16", (64, 1024, 384))]  # HGRN-T's (d = 192)
DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}


def composed(c, f, theta, lb):
    """The fused op's math from PyTorch ops + the plain complex scan, in the input dtype."""
    B, T, D = f.shape
    lb, theta = lb.to(f.dtype), theta.to(f.dtype)  # all in the input dtype, as an unfused layer would be
    lam = lb + (1 - lb) * torch.sigmoid(f)
    u = (1 - lam).unsqueeze(-1) * F.silu(c).unflatten(-1, (D, 2))
    gamma = torch.stack([lam * torch.cos(theta), lam * torch.sin(theta)], -1)
    h, _ = hgru.complex_scan(u, gamma)
    return h.transpose(-1, -2).reshape(B, T, 2 * D)


def norm_composed(h, g, w, b):
    """LayerNorm(h) * silu(g) as the layers composed it under autocast: the norm and the product
    in float32, cast back to the input dtype for the next matmul."""
    return (F.layer_norm(h.float(), h.shape[-1:], w, b) * F.silu(g)).to(h.dtype)


def inputs(op, shape, dtype):
    B, T, D = shape
    g = torch.Generator(device="cuda").manual_seed(0)
    r = lambda *s: torch.randn(*s, device="cuda", generator=g)  # noqa: E731
    if op.startswith("norm"):
        return [r(B, T, D).to(dtype), r(B, T, D).to(dtype), 1 + 0.1 * r(D), 0.1 * r(D)]
    if op == "real":
        return [r(B, T, D).to(dtype), (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g)).to(dtype)]
    if op == "complex":
        mod, ang = 0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g), math.pi * torch.rand(B, T, D, device="cuda", generator=g)
        return [r(B, T, D, 2).to(dtype), torch.stack([mod * ang.cos(), mod * ang.sin()], -1).to(dtype)]
    return [r(B, T, 2 * D).to(dtype), r(B, T, D).to(dtype), math.pi * torch.rand(D, device="cuda", generator=g),
            0.5 * torch.rand(D, device="cuda", generator=g)]


def call(op, ins, backend="auto"):
    if op == "real":
        return hgru.real_scan(*ins, backend=backend)[0]
    if op == "complex":
        return hgru.complex_scan(*ins, backend=backend)[0]
    if op == "hgru":
        return hgru.hgru_scan(*ins, backend=backend)[0]
    if op == "norm_gate":
        return hgru.ops.norm_gate(*ins, backend=backend)
    if op == "norm_composed":
        return norm_composed(*ins)
    return composed(*ins)


def errors(op, ins):
    """Relative L2 errors of the output and every gradient against the float64 PyTorch path."""
    if op in BASELINES:
        return "-"
    cotangent = []

    def grads(xs, backend):
        xs = [x.detach().clone().requires_grad_() for x in xs]
        out = call(op, xs, backend)
        if not cotangent:  # one cotangent, drawn once, for both paths
            cotangent.append(torch.randn(out.shape, device=out.device, generator=torch.Generator(out.device).manual_seed(1)))
        out.backward(cotangent[0].to(out.dtype))
        return [out] + [x.grad for x in xs]
    got = grads(ins, "auto")
    want = grads([x.double() for x in ins], "torch")
    rel = lambda a, b: ((a.double() - b).norm() / b.norm()).item()  # noqa: E731
    return " ".join(f"{rel(a, b):.1e}" for a, b in zip(got, want))


def copy_ms(*nbytes) -> float:
    """GPU time of elementwise kernels (float32 negation) moving ``nbytes`` each (half read, half
    written), one after the other: kernels, as the ops' are (``copy_`` in their place gave 1.34-1.36x
    for the fp32 forward + backward rows and 1.01x for the others on an H200, not understood)."""
    bufs = [torch.randn(b // 8, device="cuda") for b in nbytes]
    pairs = [(b, torch.empty_like(b)) for b in bufs]
    return median_ms(lambda: [torch.neg(s, out=d) for s, d in pairs], graph=True)


def bench(op, dtype_name, shape, bw, check=False):
    dtype = DTYPES[dtype_name]
    ins = inputs(op, shape, dtype)
    E = math.prod(shape)
    s = torch.finfo(dtype).bits // 8
    fwd_bytes, bwd_bytes = (k * E * s for k in BYTES[op])
    def fwd():
        with torch.no_grad():
            call(op, ins)
    leaves = [x.detach().clone().requires_grad_(x.dim() > 1) for x in ins]
    out = call(op, leaves)
    grad = torch.randn_like(out)
    del out

    def fwd_bwd():
        call(op, leaves).backward(grad)
    t_fwd, t_fwd_eager = median_ms(fwd, graph=True), median_ms(fwd)
    t_all, t_all_eager = median_ms(fwd_bwd, grad_to_none=leaves, graph=True), median_ms(fwd_bwd, grad_to_none=leaves)
    row = {"op": op, "dtype": dtype_name, "B,T,D": ",".join(map(str, shape)), "fwd ms": f"{t_fwd:.3f}",
           "fwd+bwd ms": f"{t_all:.3f}", "fwd GB/s": f"{fwd_bytes / t_fwd / 1e6:.0f}",
           "fwd+bwd GB/s": f"{(fwd_bytes + bwd_bytes) / t_all / 1e6:.0f}", "eager fwd ms": f"{t_fwd_eager:.3f}",
           "eager fwd+bwd ms": f"{t_all_eager:.3f}"}
    if op not in BASELINES:
        f_fwd, f_all = fwd_bytes / bw * 1e3, (fwd_bytes + bwd_bytes) / bw * 1e3
        c_fwd, c_all = copy_ms(fwd_bytes), copy_ms(fwd_bytes, bwd_bytes)
        row.update({"fwd floor": f"{f_fwd:.3f}", "fwd ratio": f"{t_fwd / f_fwd:.2f}",
                    "fwd+bwd floor": f"{f_all:.3f}", "fwd+bwd ratio": f"{t_all / f_all:.2f}",
                    "fwd copy ratio": f"{c_fwd / f_fwd:.2f}", "fwd+bwd copy ratio": f"{c_all / f_all:.2f}"})
    if check:
        row["rel err (out, grads)"] = errors(op, ins)
    row.update({"_t_fwd": t_fwd, "_t_all": t_all, "_t_fwd_eager": t_fwd_eager, "_t_all_eager": t_all_eager,
                "_bytes_fwd": fwd_bytes, "_bytes_all": fwd_bytes + bwd_bytes})
    print(row, flush=True)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ops", nargs="+", default=None, choices=list(BYTES), help="restrict the target rows to these ops")
    ap.add_argument("--check", action="store_true", help="report relative errors against float64")
    ap.add_argument("--sweep-t", action="store_true", help="bandwidth vs T at B*T = 32768 tokens, D = 1024")
    ap.add_argument("--json", help="write all rows to this file")
    args = ap.parse_args()
    require_cuda()
    print(environment(), flush=True)
    bw = copy_bandwidth()
    print(f"copy bandwidth (read + write): {bw / 1e9:.0f} GB/s", flush=True)
    if args.sweep_t:
        todo = [(op, "bf16", (max(1, 32768 // T), T, 1024)) for op in ("real", "complex", "hgru")
                for T in (256, 1024, 4096, 16384, 65536)]
    else:
        todo = [t for t in TARGETS if args.ops is None or t[0] in args.ops]
    rows = [bench(op, dt, shape, bw, args.check) for op, dt, shape in todo]
    cols = ["op", "dtype", "B,T,D", "fwd ms", "fwd floor", "fwd ratio", "fwd copy ratio", "fwd+bwd ms", "fwd+bwd floor",
            "fwd+bwd ratio", "fwd+bwd copy ratio", "eager fwd ms", "eager fwd+bwd ms"]
    if args.check:
        cols.append("rel err (out, grads)")
    print(table(rows, cols))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump({"env": environment(), "copy_GBps": bw / 1e9, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()

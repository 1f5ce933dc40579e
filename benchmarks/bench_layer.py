# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Time the Hgru1d layer, forward + backward, and the share of its GPU time outside the GEMMs (CUDA).

    python benchmarks/bench_layer.py [--n 4096 --b 8 --d 1024] [--vit 256]

The layer's step (forward, then backward with a fixed cotangent) is timed from Python (median
of triton's do_bench), then profiled (torch.profiler, 10 steps): every GPU kernel's time, summed
by group. "GEMMs" are the cuBLAS matrix kernels of the four projections (input_proj d->2d,
lambda_proj d->d, gate d->2d, out_proj 2d->d; names matching GEMM_KERNELS), forward and backward;
everything else (the fused scan, the norm-gate, bias gradients, casts, gradient sums) is
"outside". share outside = outside kernel time / all kernel time. Rows: float32, and bfloat16
autocast (the usual training setting). The table after each row lists the kernels outside the GEMMs.
The layer gets a view of the input tensor, not the leaf itself: autocast caches its cast of a leaf
that requires grad for the whole autocast region (meant for weights), so a leaf input is cast once
for the three projections where, inside a model, every projection casts its float32 input again.

``--vit BATCH`` adds the training throughput of the image models (``hgrn1d_vit_tiny`` / ``_small``,
224 x 224, 1000 classes): forward, cross-entropy, backward and a fused AdamW step on a batch
already on the GPU, so data loading and augmentation are excluded (needs fairseq and timm).
"""
from __future__ import annotations

import argparse
import collections
import os
import re
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import environment, median_ms, require_cuda, table  # noqa: E402

import hgru  # noqa: E402


GEMM_KERNELS = re.compile(r"gemm|nvjet|xmma|cutlass|splitKreduce", re.I)


def kernel_times(step, grad_to_none, steps=10):
    """{kernel name: ms per step} of ``step``'s GPU kernels, from torch.profiler; gradients are
    reset before each step, as in the timing (no accumulation kernels)."""
    from torch.profiler import ProfilerActivity, profile

    def fresh_step():
        for t in grad_to_none:
            t.grad = None
        step()
    fresh_step()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(steps):
            fresh_step()
        torch.cuda.synchronize()
    times = collections.Counter()
    for e in prof.events():
        if e.device_type == torch.autograd.DeviceType.CUDA:
            times[e.name] += e.time_range.elapsed_us() / 1e3 / steps
    return times


def vit_rows(batch):
    """Images/s of one training step of the image models at 224 x 224, fp32 and bf16 autocast."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from fairseq_plugin.models.hgrn_vit import Hgrn1dVit
    rows = []
    for arch, dim in (("hgrn1d_vit_tiny", 192), ("hgrn1d_vit_small", 384)):
        net = Hgrn1dVit(embed_dim=dim).cuda()
        opt = torch.optim.AdamW(net.parameters(), lr=1e-4, fused=True)
        img = torch.randn(batch, 3, 224, 224, device="cuda")
        y = torch.randint(0, 1000, (batch,), device="cuda")
        for name, dtype in (("fp32", None), ("bf16 autocast", torch.bfloat16)):
            def step():
                with torch.autocast("cuda", dtype=dtype, enabled=dtype is not None):
                    loss = F.cross_entropy(net(img), y)
                loss.backward()
                opt.step()
                opt.zero_grad(set_to_none=True)
            ms = median_ms(step, warmup=200, rep=1000)
            row = {"model": arch, "params": f"{sum(p.numel() for p in net.parameters()) / 1e6:.2f}M",
                   "dtype": name, "batch": batch, "step ms": f"{ms:.1f}", "images/s": f"{batch / ms * 1e3:.0f}"}
            print(row, flush=True)
            rows.append(row)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=4096)
    ap.add_argument("--b", type=int, default=8)
    ap.add_argument("--d", type=int, default=1024)
    ap.add_argument("--causal", type=int, default=1)
    ap.add_argument("--vit", type=int, default=0, metavar="BATCH", help="also time the image models' training step")
    args = ap.parse_args()
    require_cuda()
    print(environment(), flush=True)
    n, b, d = args.n, args.b, args.d
    layer = hgru.Hgru1d(d, causal=bool(args.causal)).cuda()
    lb = torch.full((d,), 0.5, device="cuda")
    x = torch.randn(n, b, d, device="cuda", requires_grad=True)
    params = list(layer.parameters())
    rows = []
    for name, dtype in (("fp32", None), ("bf16 autocast", torch.bfloat16)):
        dy = torch.randn(n, b, d, device="cuda", dtype=dtype or torch.float32)

        def run_layer():
            with torch.autocast("cuda", dtype=dtype, enabled=dtype is not None):
                y = layer(x.view_as(x), lb)  # not a leaf, as inside a model (see the docstring)
            y.backward(dy)
        t_layer = median_ms(run_layer, grad_to_none=params + [x])
        kernels = kernel_times(run_layer, params + [x])
        total = sum(kernels.values())
        gemm = sum(t for k, t in kernels.items() if GEMM_KERNELS.search(k))
        row = {"layer": f"Hgru1d causal={bool(args.causal)}", "dtype": name, "n,b,d": f"{n},{b},{d}",
               "fwd+bwd ms": f"{t_layer:.2f}", "kernels ms": f"{total:.2f}", "GEMMs ms": f"{gemm:.2f}",
               "outside GEMMs": f"{100 * (total - gemm) / total:.0f}%"}
        print(row, flush=True)
        outside = [{"kernel": k[:90], "ms": f"{t:.3f}", "share": f"{100 * t / total:.1f}%"}
                   for k, t in kernels.most_common() if not GEMM_KERNELS.search(k)]
        print(table(outside, ["kernel", "ms", "share"]), flush=True)
        rows.append(row)
    print(table(rows, list(rows[0])))
    if args.vit:
        rows = vit_rows(args.vit)
        print(table(rows, list(rows[0])))


if __name__ == "__main__":
    main()

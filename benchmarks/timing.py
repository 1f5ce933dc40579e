# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Timing helpers shared by the benchmarks (CUDA only): medians of triton.testing.do_bench."""
from __future__ import annotations

import platform

import torch


def require_cuda():
    if not torch.cuda.is_available():
        raise SystemExit("the benchmarks time CUDA kernels: run them on a machine with an NVIDIA GPU")


def median_ms(fn, grad_to_none=None, warmup=25, rep=100, graph=False) -> float:
    """Median time of ``fn`` in ms. ``graph=True`` replays it from a CUDA graph: GPU time without
    the Python and launch overhead of each call (and without do_bench's L2 flush)."""
    import triton.testing
    if graph:
        return triton.testing.do_bench_cudagraph(fn, rep=rep, grad_to_none=grad_to_none, return_mode="median")
    return triton.testing.do_bench(fn, warmup=warmup, rep=rep, grad_to_none=grad_to_none, return_mode="median")


def copy_bandwidth(gib: float = 2.0) -> float:
    """Device-to-device copy bandwidth in bytes/s, counting bytes read plus bytes written."""
    n = int(gib * 2**30) // 4
    src = torch.randn(n, device="cuda")
    dst = torch.empty_like(src)
    ms = median_ms(lambda: dst.copy_(src))
    return 2 * n * 4 / (ms * 1e-3)


def environment() -> str:
    import triton
    p = torch.cuda.get_device_properties(0)
    return (f"{p.name} ({p.multi_processor_count} SMs, {p.total_memory / 2**30:.0f} GiB), torch {torch.__version__}, "
            f"triton {triton.__version__}, CUDA {torch.version.cuda}, Python {platform.python_version()}")


def table(rows, columns):
    """Markdown table of dict rows."""
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        out.append("| " + " | ".join(str(r.get(c, "")) for c in columns) + " |")
    return "\n".join(out)

# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""The real scan's kernels at every time-split density (common.PROGRAMS_PER_SM, 0 = never split),
with the split threshold disabled, at four shapes, bf16 (CUDA): the measurement behind
common.split_plan's rule (benchmarks/NOTES.md).

    python benchmarks/time_split.py
"""
import os
import sys

os.environ["HGRU_AUTOTUNE"] = "0"
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import copy_bandwidth, environment, median_ms, require_cuda, table  # noqa: E402

from hgru.ops.triton import common, real  # noqa: E402

require_cuda()
common.SPLIT_BELOW = 10**9  # measure every density, whatever the rule would choose

print(environment(), flush=True)
bw = copy_bandwidth()
rows = []
for shape in [(8, 4096, 2048), (16, 1024, 1024), (32, 1024, 1024), (1, 65536, 256)]:
    x = torch.randn(*shape, device="cuda", dtype=torch.bfloat16)
    g = torch.rand(*shape, device="cuda", dtype=torch.bfloat16)
    o, _ = real.scan_fwd(x, g, None, None, False)
    for pps in (0, 2, 4, 8, 16, 32):
        common.PROGRAMS_PER_SM = pps
        ns, L = common.split_plan(shape[0], shape[1], shape[2], x.device, False)
        tf = median_ms(lambda: real.scan_fwd(x, g, None, None, False), warmup=5, rep=30)
        tb = median_ms(lambda: real.scan_bwd(g, o, o, None, None, None, False), warmup=5, rep=30)
        E = x.numel() * 2
        r = {"B,T,D": ",".join(map(str, shape)), "programs/SM": pps, "splits": ns, "fwd ms": f"{tf:.3f}",
             "fwd x floor": f"{tf / (3 * E / bw * 1e3):.2f}", "bwd ms": f"{tb:.3f}", "bwd x floor": f"{tb / (5 * E / bw * 1e3):.2f}"}
        print(r, flush=True)
        rows.append(r)
print(table(rows, list(rows[0])))

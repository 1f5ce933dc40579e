"""The fused HGRU kernels, three warm-up calls; Nsight Compute profiles the third:
    S="--section SpeedOfLight --section Occupancy --section WarpStateStats --section SchedulerStats
       --section MemoryWorkloadAnalysis --section ComputeWorkloadAnalysis --section LaunchStats
       --section InstructionStats"
    ncu --clock-control none -k regex:_fwd_kernel --launch-skip 2 --launch-count 1 $S \\
        python benchmarks/results/2026-11-29-h200-chunks/fused/fused_ncu.py 128 256 1024
(and -k regex:_bwd_kernel), PYTHONPATH at the repository root."""
import sys, torch, math
from hgru.ops.triton import complex as cx
B, T, D = map(int, sys.argv[1:4])
c = torch.randn(B, T, 2 * D, device="cuda").bfloat16(); f = torch.randn(B, T, D, device="cuda").bfloat16()
th = math.pi * torch.rand(D, device="cuda"); lb = 0.5 * torch.rand(D, device="cuda")
for _ in range(3):
    h, _ = cx.hgru_fwd(c, f, th, lb, None, None, False, True)
    cx.hgru_bwd(c, f, th, lb, h, h, None, None, None, False, True)
torch.cuda.synchronize()

"""The fused HGRU kernels at bf16 (8, 4096, 1024) for Nsight Compute: warm-up, then one profiled call each
of the two-level forward (AGG pass, then the second pass), the chunk forward (forced), the two-level backward.
    ncu --profile-from-start off -k regex:"_fwd_kernel|_bwd_kernel|_hgru_fwd_chunk_kernel" \
        --section SpeedOfLight --section Occupancy --section WarpStateStats --section SchedulerStats \
        --section ComputeWorkloadAnalysis --section LaunchStats python xk/ncu_fused.py"""
import torch
from hgru.ops.triton import common
from hgru.ops.triton import complex as cx
B, T, D = 8, 4096, 1024
g = torch.Generator(device="cuda").manual_seed(0)
c = torch.randn(B, T, 2 * D, device="cuda", generator=g).bfloat16()
f = torch.randn(B, T, D, device="cuda", generator=g).bfloat16()
th, lb = torch.rand(D, device="cuda"), torch.full((D,), 0.3, device="cuda")
def run():
    common.FORCE_CHUNK = None
    h, _ = cx.hgru_fwd(c, f, th, lb, None, None, False, True)
    common.FORCE_CHUNK = 64
    cx.hgru_fwd(c, f, th, lb, None, None, False, True)
    common.FORCE_CHUNK = None
    cx.hgru_bwd(c, f, th, lb, h, h, None, None, None, False, True)
for _ in range(3):
    run()
torch.cuda.synchronize()
torch.cuda.cudart().cudaProfilerStart()
run()
torch.cuda.synchronize()
torch.cuda.cudart().cudaProfilerStop()

"""bf16 (8, 4096, 2048): one profiled call of the current real chunk forward and of xk/twophase.py at a
few (tile, lag), for DRAM bytes and the L2 hit rate (does the second read of a chunk hit L2?)."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # this folder (xk/ when run)
import torch
from hgru.ops.triton import real
import twophase
B, T, D = 8, 4096, 2048
g = torch.Generator(device="cuda").manual_seed(0)
x = torch.randn(B, T, D, device="cuda", generator=g).bfloat16()
gt = (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g)).bfloat16()
V = [((16, 4, 256), 1), ((16, 4, 256), 4), ((8, 4, 256), 1), ((8, 4, 256), 8)]
def run():
    real.scan_fwd(x, gt, None, None, False)
    for tile, lag in V:
        twophase.scan_fwd(x, gt, tile, lag)
for _ in range(3):
    run()
torch.cuda.synchronize()
torch.cuda.cudart().cudaProfilerStart()
run()
torch.cuda.synchronize()
torch.cuda.cudart().cudaProfilerStop()
print("profiled: current, then", V)

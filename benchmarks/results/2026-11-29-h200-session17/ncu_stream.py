"""bf16 (8, 4096, 1024): one profiled call each of the current forward, the stream forward (L=64, 8 stages),
the current backward and the stream backward, for DRAM bytes and L2 hit rates."""
import torch
from hgru.ops.triton import complex as cx
B, T, D = 8, 4096, 1024
g = torch.Generator(device="cuda").manual_seed(0)
c = torch.randn(B, T, 2 * D, device="cuda", generator=g).bfloat16()
f = torch.randn(B, T, D, device="cuda", generator=g).bfloat16()
th, lb = torch.rand(D, device="cuda"), torch.full((D,), 0.3, device="cuda")
import os
L, S = int(os.environ.get("L", 64)), int(os.environ.get("S", 8))
cx.STREAM["P"] = int(os.environ.get("P", 0))
def run():
    h, _ = cx.hgru_fwd(c, f, th, lb, None, None, False, True)
    cx.hgru_fwd_stream(c, f, th, lb, None, False, True, L, S)
    cx.hgru_bwd(c, f, th, lb, h, h, None, None, None, False, True)
    cx.hgru_bwd_stream(c, f, th, lb, h, h, None, None, False, True, L, S)
for _ in range(3):
    run()
torch.cuda.synchronize()
torch.cuda.cudart().cudaProfilerStart()
run()
torch.cuda.synchronize()
torch.cuda.cudart().cudaProfilerStop()

import os, sys, torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from drive_chunk import run
R, NW, BD, MODE = map(int, sys.argv[1:5])
x = torch.randn(8, 4096, 2048, device="cuda").bfloat16(); g = torch.rand(8, 4096, 2048, device="cuda").bfloat16()
for _ in range(3): run(x, g, R, NW, BD, MODE=MODE)
torch.cuda.synchronize()

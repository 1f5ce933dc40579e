"""Compile pipe.py's kernel for sm_90 on a machine without a GPU (a fake driver) and report whether the
loop was software-pipelined (cp.async copies in the PTX), registers and spills (ptxas -v), shared memory.

    WW=4 PYTHONPATH=<triton 3.6 site> python compile_check.py 8,4,256,2 16,4,256,3    # R,NW,BD,STAGES

Writes the PTX and TTGIR to /tmp/cc/ (created)."""
import os
import subprocess
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # this folder (xk/ when run)
import torch, triton
from triton.backends.compiler import GPUTarget
from triton.backends.nvidia.driver import CudaDriver
class Fake(CudaDriver):
    def __init__(self): pass
    def get_current_target(self): return GPUTarget("cuda", 90, 32)
    def get_current_device(self): return 0
    def get_current_stream(self, device=None): return 0
    def get_active_torch_device(self): return torch.device("cpu")
    def is_active(self): return True
triton.runtime.driver.set_active(Fake())
os.makedirs("/tmp/cc", exist_ok=True)
import pipe
B, T, D = 8, 4096, 2048
x = torch.empty(B, T, D, dtype=torch.bfloat16)
tiles = [tuple(map(int, a.split(","))) for a in sys.argv[1:]] or [(8, 4, 256)]
for (R, NW, BD, ST) in tiles:
    n_split = T // (R * NW); nc = B * D // BD
    rec = torch.empty(3, n_split, B, D); flag = torch.empty(n_split * nc, dtype=torch.int32); ht = torch.empty(B, D)
    k = pipe._fwd_pipe_kernel.warmup(x, x, x, ht, rec, flag, T=T, D=D, s_b=x.stride(0), s_t=x.stride(1), NSPLIT=n_split,
                                     s_rec=n_split * B * D, NC=nc, R=R, NW=NW, BD=BD, W=int(os.environ.get("WW", 4)), INTERP=False, STAGES=ST, num_warps=NW,
                                     num_stages=1, grid=(1,))
    ptx = k.asm["ptx"]; open(f"/tmp/cc/k.ttgir", "w").write(k.asm["ttgir"])
    open(f"/tmp/cc/k_{R}_{NW}_{BD}_{ST}.ptx", "w").write(ptx)
    sass = k.asm.get("sass", "")
    ptxas = os.path.join(os.path.dirname(triton.__file__), "backends/nvidia/bin/ptxas")
    r = subprocess.run([ptxas, "-arch=sm_90a", "-v", f"/tmp/cc/k_{R}_{NW}_{BD}_{ST}.ptx", "-o", "/tmp/cc/o.cubin"], capture_output=True, text=True)
    info = " ".join(l.strip() for l in r.stderr.splitlines() if "registers" in l or "spill" in l)
    print((R, NW, BD, ST), "cp.async:", ptx.count("cp.async.cg") + ptx.count("cp.async.ca"), "wait_group:", ptx.count("cp.async.wait_group"),
          "smem", k.metadata.shared, "|", info, flush=True)

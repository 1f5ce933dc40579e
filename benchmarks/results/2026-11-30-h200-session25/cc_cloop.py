"""Compile the loop prototype for sm_90: PYTHONPATH=/tmp/t36:. python benchmarks/results/2026-11-30-h200-session25/cc_loop.py fwd|bwd R,warps,BD,stages ..."""
import os, re, subprocess, sys
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
sys.path.insert(0, "benchmarks/results/2026-11-30-h200-session25")
import cloop as loop
which = sys.argv[1]
dt = torch.float32 if os.environ.get("FP32") else torch.bfloat16
B, T, D = 8, 4096, 2048
B, T, D = 8, 4096, 1024; x = torch.empty(B, T, D, 2, dtype=dt); ht = torch.empty(B, D, 2)
for a in sys.argv[2:]:
    R, NWARP, BD, ST = map(int, a.split(","))
    G = NWARP * loop.lanes(BD, x.element_size())
    kw = dict(T=T, D=D, s_b=x.stride(0), s_t=x.stride(1), R=R, NW=G, BD=BD, REVERSE=False, HAS_H0=False,
              STAGES=ST, num_warps=NWARP, num_stages=1, grid=(1,))
    if which == "fwd":
        k = loop._fwd_loop_kernel.warmup(x, x, x, None, ht, **kw)
    else:
        k = loop._bwd_loop_kernel.warmup(x, x, x, None, None, x, x, ht, HAS_DHT=False, **kw)
    ptx = k.asm["ptx"]; name = f"/tmp/cc/l{which}_{R}_{NWARP}_{BD}_{ST}"
    open(name + ".ptx", "w").write(ptx); open(name + ".ttgir", "w").write(k.asm["ttgir"])
    ptxas = os.path.join(os.path.dirname(triton.__file__), "backends/nvidia/bin/ptxas")
    r = subprocess.run([ptxas, "-arch=sm_90a", "-v", name + ".ptx", "-o", "/tmp/cc/o.cubin"], capture_output=True, text=True)
    info = " ".join(l.strip() for l in r.stderr.splitlines() if "registers" in l or "spill" in l)
    cnt = {w: ptx.count(w) for w in ("cp.async", "shfl.sync", "bar.sync", "st.shared", "ld.shared", "ld.global", "st.global")}
    print((R, NWARP, BD, ST), "rows", R * G, "smem", k.metadata.shared, cnt, "|", info.replace("ptxas info    : ", ""), flush=True)

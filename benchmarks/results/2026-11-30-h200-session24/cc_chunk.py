"""Compile real.py's chunk kernels for sm_90 (fake driver): registers, spills, shared memory, load widths.
    PYTHONPATH=/tmp/t36:. python xk/cc_chunk.py fwd 16,4,256 32,8,64 ..."""
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
from hgru.ops.triton import real, complex as cx
os.makedirs("/tmp/cc", exist_ok=True)
which = sys.argv[1]
dt = torch.float32 if os.environ.get("FP32") else torch.bfloat16
B, T, D = 8, 4096, 2048
x = torch.empty(B, T, D, dtype=dt)
for a in sys.argv[2:]:
    R, NW, BD, NWARP = (list(map(int, a.split(","))) + [0])[:4]
    NWARP = NWARP or NW
    n_split = T // (R * NW); nc = B * D // BD
    rec = torch.empty(3, n_split, B, D); flag = torch.empty(n_split * nc, dtype=torch.int32); ht = torch.empty(B, D)
    common = dict(T=T, D=D, s_b=x.stride(0), s_t=x.stride(1), NSPLIT=n_split, s_rec=n_split * B * D, R=R, NW=NW, BD=BD,
                  W=4, REVERSE=False, HAS_H0=False, num_warps=NWARP, num_stages=1, grid=(1,))
    if which == "fwd":
        k = real._fwd_chunk_kernel.warmup(x, x, x, None, ht, rec, flag, **common)
    else:
        k = real._bwd_chunk_kernel.warmup(x, x, x, None, None, x, x, ht, rec, flag, HAS_DHT=False, **common)
    ptx = k.asm["ptx"]; name = f"/tmp/cc/{which}_{R}_{NW}_{BD}"
    open(name + ".ptx", "w").write(ptx); open(name + ".ttgir", "w").write(k.asm["ttgir"])
    ptxas = os.path.join(os.path.dirname(triton.__file__), "backends/nvidia/bin/ptxas")
    r = subprocess.run([ptxas, "-arch=sm_90a", "-v", name + ".ptx", "-o", "/tmp/cc/o.cubin"], capture_output=True, text=True)
    info = " ".join(l.strip() for l in r.stderr.splitlines() if "registers" in l or "spill" in l)
    lds = {w: len(re.findall(rf"ld\.global[^\n]*{w}", ptx)) for w in ("v4.b32", "v2.b32", ".b32", ".b16")}
    print((R, NW, BD, NWARP), "smem", k.metadata.shared, "lds", lds, "st.shared", ptx.count("st.shared"), "|", info, flush=True)

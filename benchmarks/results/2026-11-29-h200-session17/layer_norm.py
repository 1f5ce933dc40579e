"""bench_layer.py with the norm-gate backward as VARIANT says: now (bf16 blocks of 2048), e4096 (bf16 blocks of
4096), old (the previous commit's kernel); prints the dtypes and shapes the layer passes it."""
import os, sys, runpy
sys.path.insert(0, "xk/old")
from hgru.ops.triton import norm
v = os.environ["VARIANT"]
if v == "e4096":
    norm.ELEMENTS["bwd", 2] = 4096
elif v == "old":
    from hgru_old.ops.triton import norm as old
    norm.norm_gate_bwd = old.norm_gate_bwd
f, seen = norm.norm_gate_bwd, []
def spy(h, g, w, b, stats, dz, silu):
    if not seen:
        seen.append(1)
        print("norm_gate_bwd inputs", [(tuple(t.shape), t.dtype, t.is_contiguous()) for t in (h, g, dz)], w.dtype, flush=True)
    return f(h, g, w, b, stats, dz, silu)
norm.norm_gate_bwd = spy
print("VARIANT", v, flush=True)
sys.argv = ["bench_layer.py"]
runpy.run_path("benchmarks/bench_layer.py", run_name="__main__")

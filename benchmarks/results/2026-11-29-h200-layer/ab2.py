"""Interleaved A/B of the single autocast cast (patched out) and where the copies come from."""
import sys, os, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "benchmarks"))
import torch
from timing import median_ms
import hgru, hgru.layers.hgru1d as m
from torch.profiler import profile, ProfilerActivity
single = m.autocast_input
n, b, d = 4096, 8, 1024
layer = hgru.Hgru1d(d).cuda()
lb = torch.full((d,), 0.5, device="cuda")
x = torch.randn(n, b, d, device="cuda", requires_grad=True)
dy = torch.randn(n, b, d, device="cuda", dtype=torch.bfloat16)
params = list(layer.parameters()) + [x]
def step():
    with torch.autocast("cuda", dtype=torch.bfloat16):
        y = layer(x.view_as(x), lb)
    y.backward(dy)
for rnd in range(3):
    for name, fn in (("single cast", single), ("per-projection casts", lambda t: t)):
        m.autocast_input = fn
        ms = median_ms(step, grad_to_none=params)
        # CPU time per step without waiting for the GPU
        torch.cuda.synchronize(); t0 = time.perf_counter()
        for _ in range(20):
            for p in params: p.grad = None
            step()
        cpu = (time.perf_counter() - t0) / 20 * 1e3
        torch.cuda.synchronize()
        print(f"round {rnd} {name}: {ms:.3f} ms per step, CPU issue ~{cpu:.3f} ms", flush=True)
m.autocast_input = single
for p in params: p.grad = None
step()
with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA], record_shapes=True) as prof:
    for p in params: p.grad = None
    step(); torch.cuda.synchronize()
print(prof.key_averages(group_by_input_shape=True).table(sort_by="cuda_time_total", row_limit=25, max_name_column_width=40, max_shapes_column_width=70))

"""Where the Python time of an eager Hgru1d step goes on the H200 host (n=4096, b=8, d=1024, bf16 autocast):
steps issued without synchronising (the GPU queue absorbs them: issue time), then cProfile over 30 steps."""
import time, cProfile, pstats, io
import torch, hgru
torch.manual_seed(0)
layer = hgru.Hgru1d(1024).cuda()
x = torch.randn(4096, 8, 1024, device="cuda", requires_grad=True)
dy = torch.randn(4096, 8, 1024, device="cuda", dtype=torch.bfloat16)
params = list(layer.parameters()) + [x]
def step():
    for p in params:
        p.grad = None
    with torch.autocast("cuda", dtype=torch.bfloat16):
        y = layer(x.view_as(x))
    y.backward(dy)
for _ in range(10):
    step()
torch.cuda.synchronize()
for rnd in range(3):
    t0 = time.perf_counter()
    for _ in range(20):
        step()
    t1 = time.perf_counter()
    torch.cuda.synchronize()
    t2 = time.perf_counter()
    print(f"round {rnd}: issue {(t1 - t0) / 20 * 1e3:.2f} ms/step, with the GPU {(t2 - t0) / 20 * 1e3:.2f} ms/step", flush=True)
pr = cProfile.Profile()
pr.enable()
for _ in range(30):
    step()
pr.disable()
torch.cuda.synchronize()
for key in ("tottime", "cumulative"):
    s = io.StringIO()
    pstats.Stats(pr, stream=s).sort_stats(key).print_stats(28)
    print(s.getvalue(), flush=True)

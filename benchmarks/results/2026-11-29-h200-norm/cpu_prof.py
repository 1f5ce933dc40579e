"""CPU side of Hgru1d fwd+bwd, bf16 autocast (n=4096 b=8 d=1024): cProfile of 20 steps."""
import cProfile, pstats, time, torch, hgru
n, b, d = 4096, 8, 1024
layer = hgru.Hgru1d(d).cuda()
lb = torch.full((d,), 0.5, device="cuda")
x = torch.randn(n, b, d, device="cuda", requires_grad=True)
dy = torch.randn(n, b, d, device="cuda", dtype=torch.bfloat16)
params = list(layer.parameters()) + [x]
def step():
    for p in params:
        p.grad = None
    with torch.autocast("cuda", dtype=torch.bfloat16):
        y = layer(x, lb)
    y.backward(dy)
for _ in range(10): step()
torch.cuda.synchronize()
t = time.perf_counter()
for _ in range(50): step()
t1 = time.perf_counter(); torch.cuda.synchronize(); t2 = time.perf_counter()
print(f"CPU issue {(t1 - t) / 50 * 1e3:.3f} ms/step, wall {(t2 - t) / 50 * 1e3:.3f} ms/step")
pr = cProfile.Profile(); pr.enable()
for _ in range(20): step()
pr.disable(); torch.cuda.synchronize()
pstats.Stats(pr).sort_stats("tottime").print_stats(22)

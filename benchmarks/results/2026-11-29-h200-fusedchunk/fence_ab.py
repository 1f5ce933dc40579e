"""Release fences of the real chunk forward's publishes: shipped vs relaxed (timing only)."""
import sys, os, json
sys.path.insert(0, "benchmarks"); sys.path.insert(0, "xk")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import real
import fence
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
CASES = [(torch.bfloat16, (8, 4096, 2048)), (torch.bfloat16, (4, 16384, 1024)), (torch.bfloat16, (16, 1024, 1024)),
         (torch.bfloat16, (1, 65536, 256)), (torch.float32, (8, 4096, 2048))]
out = []
for dt, (B, T, D) in CASES:
    g = torch.Generator(device="cuda").manual_seed(0)
    x = torch.randn(B, T, D, device="cuda", generator=g).to(dt)
    gt = (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g)).to(dt)
    floor = 3 * B * T * D * x.element_size() / bw * 1e3
    ref, _ = real.scan_fwd(x, gt, None, None, False)
    res = [("shipped", median_ms(lambda: real.scan_fwd(x, gt, None, None, False), warmup=5, rep=40, graph=True))]
    for sem, name in ((1, "probe release"), (0, "relaxed"), (-1, "relaxed, no barrier")):
        o, _ = fence.scan_fwd(x, gt, sem)
        err = ((o.float() - ref.float()).norm() / ref.float().norm()).item()
        res.append((f"{name} (err {err:.0e})", median_ms(lambda: fence.scan_fwd(x, gt, sem), warmup=5, rep=40, graph=True)))
    print(f"{str(dt)[6:]} {(B, T, D)} floor {floor:.4f}: " + " | ".join(f"{n} {t:.4f} ({t / floor:.2f})" for n, t in res), flush=True)
    out.append({"dtype": str(dt)[6:], "shape": [B, T, D], "floor": floor, "ms": dict(res)})
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "fence_ab.json"), "w"), indent=1)

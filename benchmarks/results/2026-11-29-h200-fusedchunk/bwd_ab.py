"""Fused HGRU backward: two-level one-row passes against look-back chunks (tiles), same process."""
import sys, os, json
sys.path.insert(0, "benchmarks")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import common
from hgru.ops.triton import complex as cx
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
rule = common.plan_fused_fwd
TILES = {2: [(4, 4, 128), (8, 4, 128), (4, 8, 128), (2, 4, 128)], 4: [(8, 4, 64), (4, 4, 64), (4, 8, 64)]}
out = []
for dt, (B, T, D) in [(torch.bfloat16, (1, 65536, 256)), (torch.bfloat16, (2, 32768, 512)), (torch.bfloat16, (8, 4096, 1024)),
                      (torch.bfloat16, (16, 1024, 1024)), (torch.float32, (8, 4096, 1024)), (torch.float32, (16, 1024, 1024))]:
    g = torch.Generator(device="cuda").manual_seed(0)
    c = torch.randn(B, T, 2 * D, device="cuda", generator=g).to(dt)
    f = torch.randn(B, T, D, device="cuda", generator=g).to(dt)
    th, lb = torch.rand(D, device="cuda"), torch.full((D,), 0.3, device="cuda")
    h, _ = cx.hgru_fwd(c, f, th, lb, None, None, False, True)
    dh = torch.randn(h.shape, device="cuda", generator=g).to(dt)
    floor = 10 * B * T * D * c.element_size() / bw * 1e3
    common.plan_fused_fwd = lambda *a, **k: (1, None)
    ref = cx.hgru_bwd(c, f, th, lb, h, dh, None, None, None, False, True)
    res = [("two-level", median_ms(lambda: cx.hgru_bwd(c, f, th, lb, h, dh, None, None, None, False, True), warmup=5, rep=40, graph=True))]
    common.plan_fused_fwd = rule
    key = ("hgru", c.element_size())
    default = common.CHUNK_TILES[key]
    for tile in TILES[c.element_size()]:
        common.CHUNK_TILES[key] = tile
        common.FORCE_CHUNK = tile[0] * tile[1]
        got = cx.hgru_bwd(c, f, th, lb, h, dh, None, None, None, False, True)
        err = max(((a.float() - b.float()).norm() / b.float().norm()).item() for a, b in zip(got, ref))
        t = median_ms(lambda: cx.hgru_bwd(c, f, th, lb, h, dh, None, None, None, False, True), warmup=5, rep=40, graph=True)
        res.append((",".join(map(str, tile)) + f" (err {err:.0e})", t))
    common.CHUNK_TILES[key] = default
    common.FORCE_CHUNK = None
    print(f"{str(dt)[6:]} {(B, T, D)} bwd floor {floor:.4f}: " + " | ".join(f"{n} {t:.4f} ({t / floor:.2f})" for n, t in res), flush=True)
    out.append({"dtype": str(dt)[6:], "shape": [B, T, D], "floor": floor, "ms": dict(res)})
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "bwd_ab.json"), "w"), indent=1)

"""Fused forward (two-level one-row passes): register cap (maxnreg) x programs per SM of the split plan."""
import sys, os, json
sys.path.insert(0, "benchmarks")
import torch
from timing import copy_bandwidth, median_ms, environment
from hgru.ops.triton import common
from hgru.ops.triton import complex as cx
print(environment(), flush=True)
bw = copy_bandwidth()
print(f"copy {bw/1e9:.0f} GB/s", flush=True)
tile0 = common.tile
CFG = {"nreg": None, "per_sm": None}
def tile(family, dtype):
    args, per_sm, kb, ml = tile0(family, dtype)
    if family == "hgru":
        if CFG["nreg"]:
            args = dict(args, maxnreg=CFG["nreg"])
        per_sm = CFG["per_sm"] or per_sm
    return args, per_sm, kb, ml
common.tile = tile
out = []
for (B, T, D) in [(8, 4096, 1024), (16, 1024, 1024), (4, 16384, 1024), (128, 256, 1024)]:
    g = torch.Generator(device="cuda").manual_seed(0)
    c = torch.randn(B, T, 2 * D, device="cuda", generator=g).bfloat16()
    f = torch.randn(B, T, D, device="cuda", generator=g).bfloat16()
    th, lb = torch.rand(D, device="cuda"), torch.full((D,), 0.3, device="cuda")
    floor = 5 * B * T * D * 2 / bw * 1e3
    ref, _ = cx.hgru_fwd(c, f, th, lb, None, None, False, True)
    res = []
    for nreg, per_sm in [(None, None), (56, None), (48, None), (48, 40), (48, 42), (56, 36)]:
        CFG.update(nreg=nreg, per_sm=per_sm)
        h, _ = cx.hgru_fwd(c, f, th, lb, None, None, False, True)
        err = ((h.float() - ref.float()).norm() / ref.float().norm()).item()
        t = median_ms(lambda: cx.hgru_fwd(c, f, th, lb, None, None, False, True), warmup=5, rep=40, graph=True)
        n = common.plan("hgru", torch.bfloat16, B, T, D, c.device, False)[0]
        res.append((f"nreg {nreg} per_sm {per_sm} ({n} splits, err {err:.0e})", t))
    print(f"{(B, T, D)} floor {floor:.4f}: " + " | ".join(f"{k} {t:.4f} ({t / floor:.2f})" for k, t in res), flush=True)
    out.append({"shape": [B, T, D], "floor": floor, "ms": dict(res)})
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "nreg_ab.json"), "w"), indent=1)

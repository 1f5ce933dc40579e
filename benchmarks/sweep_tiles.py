# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Tile sweep for the Triton kernels (the experiment behind common.GPU_TILES; see NOTES.md).

    python benchmarks/sweep_tiles.py --json runs/sweep.json

Times each kernel's launcher (forward, backward) at one target shape for every tile in TILES,
without autotuning, and prints the tiles sorted by time with the ratio to the bandwidth floor.
``--pairs strided`` also times a variant of the complex kernels that loads (re, im) with two
stride-2 loads instead of one [.., 2] load and tl.split (fewer registers, half-used sectors).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile

os.environ["HGRU_AUTOTUNE"] = "0"  # before hgru's kernels are imported: launch common.GPU_TILES[0]
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import copy_bandwidth, environment, median_ms, require_cuda, table  # noqa: E402

from hgru.ops.triton import common, real  # noqa: E402
from hgru.ops.triton import complex as cplx  # noqa: E402

TILES = [(8, 64, 2, 1), (16, 32, 4, 1), (16, 64, 4, 1), (32, 32, 4, 1), (16, 128, 4, 1), (32, 64, 4, 1),
         (64, 64, 4, 1), (16, 64, 2, 1), (32, 32, 2, 1), (16, 16, 1, 1), (64, 32, 4, 1), (16, 256, 8, 1),
         (8, 128, 4, 1), (8, 256, 8, 1), (32, 128, 8, 1), (64, 64, 8, 1)]
SPLIT_LOAD = ("    o2 = tl.expand_dims(offs, -1) + tl.arange(0, 2)\n"
              "    return tl.split(tl.load(p + o2, mask=tl.expand_dims(mask, -1), other=0.).to(tl.float32))\n")
STRIDED_LOAD = ("    return (tl.load(p + offs, mask=mask, other=0.).to(tl.float32),\n"
                "            tl.load(p + offs + 1, mask=mask, other=0.).to(tl.float32))\n")
SPLIT_STORE = ("    o2 = tl.expand_dims(offs, -1) + tl.arange(0, 2)\n"
               "    tl.store(p + o2, tl.join(re, im).to(p.dtype.element_ty), mask=tl.expand_dims(mask, -1))\n")
STRIDED_STORE = ("    tl.store(p + offs, re.to(p.dtype.element_ty), mask=mask)\n"
                 "    tl.store(p + offs + 1, im.to(p.dtype.element_ty), mask=mask)\n")


def strided_variant():
    src = open(cplx.__file__).read()
    assert SPLIT_LOAD in src and SPLIT_STORE in src, "complex.py changed: update the sweep's patch"
    src = src.replace(SPLIT_LOAD, STRIDED_LOAD).replace(SPLIT_STORE, STRIDED_STORE)
    path = os.path.join(tempfile.mkdtemp(), "complex_strided.py")
    with open(path, "w") as f:
        f.write(src)
    spec = importlib.util.spec_from_file_location("hgru.ops.triton.complex_strided", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cases(dtype, mods):
    """(name, bytes fwd, bytes bwd, fwd closure, bwd closure) per kernel family."""
    g = torch.Generator(device="cuda").manual_seed(0)
    B, T, D = 8, 4096, 2048
    x, gate = torch.randn(B, T, D, device="cuda", generator=g).to(dtype), (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=g)).to(dtype)
    o, _ = real.scan_fwd(x, gate, None, None, False)
    s = x.element_size()
    out = [("real", 3 * x.numel() * s, 5 * x.numel() * s, lambda: real.scan_fwd(x, gate, None, None, False),
            lambda: real.scan_bwd(gate, o, o, None, None, None, False))]
    if dtype == torch.float32:
        return out
    D = 1024
    xc = torch.randn(B, T, D, 2, device="cuda", generator=g).to(dtype)
    gc = (0.7 * torch.randn(B, T, D, 2, device="cuda", generator=g)).to(dtype)
    c, f = torch.randn(B, T, 2 * D, device="cuda", generator=g).to(dtype), torch.randn(B, T, D, device="cuda", generator=g).to(dtype)
    th, lb = torch.rand(D, device="cuda", generator=g), 0.5 * torch.rand(D, device="cuda", generator=g)
    E = B * T * D
    for name, m in mods.items():
        oc, _ = m.scan_fwd(xc, gc, None, None, False)
        h, _ = m.hgru_fwd(c, f, th, lb, None, None, False, True)
        out.append((f"complex/{name}", 6 * E * s, 10 * E * s, lambda m=m: m.scan_fwd(xc, gc, None, None, False),
                    lambda m=m, oc=oc: m.scan_bwd(gc, oc, oc, None, None, None, False)))
        out.append((f"hgru/{name}", 5 * E * s, 10 * E * s, lambda m=m: m.hgru_fwd(c, f, th, lb, None, None, False, True),
                    lambda m=m, h=h: m.hgru_bwd(c, f, th, lb, h, h, None, None, None, False, True)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", nargs="+", default=["split", "strided"], choices=["split", "strided"])
    ap.add_argument("--dtypes", nargs="+", default=["bf16", "fp32"], choices=["bf16", "fp32"])
    ap.add_argument("--json")
    args = ap.parse_args()
    require_cuda()
    print(environment(), flush=True)
    bw = copy_bandwidth()
    print(f"copy bandwidth: {bw / 1e9:.0f} GB/s", flush=True)
    mods = {"split": cplx, "strided": strided_variant()}
    mods = {k: v for k, v in mods.items() if k in args.pairs}
    rows = []
    for dt in args.dtypes:
        dtype = {"bf16": torch.bfloat16, "fp32": torch.float32}[dt]
        for name, b_fwd, b_bwd, fwd, bwd in cases(dtype, mods):
            for tile in TILES:
                common.GPU_TILES[0] = tile
                row = {"kernel": name, "dtype": dt, "tile (BT,BD,warps,stages)": ",".join(map(str, tile))}
                try:
                    t_f, t_b = median_ms(fwd, rep=40), median_ms(bwd, rep=40)
                    row.update({"fwd ms": round(t_f, 4), "fwd ratio": round(t_f / (b_fwd / bw * 1e3), 2),
                                "bwd ms": round(t_b, 4), "bwd ratio": round(t_b / (b_bwd / bw * 1e3), 2)})
                except Exception as err:  # a tile that does not compile or launch is reported, not fatal
                    row["error"] = f"{type(err).__name__}: {str(err)[:80]}"
                print(row, flush=True)
                rows.append(row)
    cols = ["kernel", "dtype", "tile (BT,BD,warps,stages)", "fwd ms", "fwd ratio", "bwd ms", "bwd ratio", "error"]
    for key in ("fwd ms", "bwd ms"):
        best = {}
        for r in rows:
            k = (r["kernel"], r["dtype"])
            if key in r and (k not in best or r[key] < best[k][key]):
                best[k] = r
        print(f"\nbest by {key}:\n" + table(list(best.values()), cols))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump({"env": environment(), "copy_GBps": bw / 1e9, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()

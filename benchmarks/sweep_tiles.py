# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Tile x time-split sweep for the Triton kernels: the measurement behind ``common.TILES``,
``common.LOOP_TILES``, ``common.CHUNK_TILES``, ``common.LOOP_STAGES`` and ``common.split_plan``
(benchmarks/NOTES.md).

    python benchmarks/sweep_tiles.py --json runs/sweep.json [--families real complex hgru]
    python benchmarks/sweep_tiles.py --families hgru --tiles 1,128,1 --stages 4 8 --per-sm 8 16

For each kernel family, dtype and shape, times the forward and the backward launchers (GPU time,
CUDA-graph replays) and prints each row with its ratio to the bandwidth floor, then the best row
per (family, dtype, shape). Floors count the tensors each launcher must read and write once.
``--stages`` and ``--per-sm`` time the unsplit and two-level rows with other loop pipeline stages
and (two-level) programs per SM than the tables'.
Plain scans (real, complex): every unsplit tile (one program per row and channel block; real: the
loop's (R, warps, BD, stages) in place of LOOP_TILES' entries, both directions) and every chunk tile
(R, NW, BD) of the time split, split as the rule says or, where it would not split, forced.
Fused HGRU: every tile x two-level split count in SPLITS ("rule" = what ``common.plan`` picks; the
forward in two levels even where ``common.plan_fused_fwd`` would take chunks), then
the forward's chunk tiles (split as ``common.plan_fused_fwd`` says or forced; the
backward column of those rows is the two-level backward, which ignores them).
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import copy_bandwidth, environment, median_ms, require_cuda, table  # noqa: E402

from hgru.ops.triton import common, real  # noqa: E402
from hgru.ops.triton import complex as cplx  # noqa: E402

# candidate tiles (BT, BD, warps) per (family, element size), programs per SM as in common.TILES;
# real: the unsplit loop's (R, warps, BD, stages) as in common.LOOP_TILES
CANDIDATES = {
    ("real", 2): [(4, 4, 64, 3), (4, 4, 64, 4), (8, 1, 32, 4), (4, 1, 32, 4), (4, 2, 64, 3), (8, 2, 128, 3),
                  (4, 2, 128, 3)],
    ("real", 4): [(4, 4, 32, 3), (4, 2, 32, 3), (4, 2, 64, 3), (2, 4, 32, 3)],
    ("complex", 2): [(8, 128, 1), (4, 128, 1), (8, 256, 2), (8, 64, 1), (16, 64, 2)],
    ("complex", 4): [(4, 64, 1), (8, 64, 1), (4, 128, 2), (16, 64, 2)],
    ("hgru", 2): [(1, 64, 1), (1, 128, 1), (1, 256, 1), (1, 256, 2)],  # the fused passes take one row per turn
    ("hgru", 4): [(1, 32, 1), (1, 64, 1), (1, 128, 1)],
}
# candidate chunk tiles (R steps per thread, warps, BD channels) of the plain scans' time split
CHUNK_CANDIDATES = {
    ("real", 2): [(8, 4, 256), (4, 4, 256), (16, 4, 256), (8, 8, 256), (4, 8, 256), (8, 2, 256), (16, 2, 256),
                  (16, 4, 128), (16, 4, 64), (16, 2, 64), (8, 4, 64)],
    ("real", 4): [(8, 4, 128), (4, 4, 128), (16, 4, 128), (8, 8, 128), (4, 8, 128), (16, 4, 32), (16, 2, 32)],
    ("complex", 2): [(8, 4, 128), (4, 4, 128), (16, 4, 128), (8, 8, 128), (8, 2, 128), (16, 2, 128), (16, 4, 32),
                     (16, 4, 64)],
    ("complex", 4): [(8, 4, 64), (4, 4, 64), (16, 4, 64), (8, 8, 64), (8, 2, 64)],
    ("hgru", 2): [(16, 4, 128), (8, 4, 128), (4, 4, 128), (16, 2, 128)],  # the fused forward's chunks
    ("hgru", 4): [(16, 4, 64), (8, 4, 64), (4, 4, 64)]}
SHAPES = {"real": [(8, 4096, 2048), (4, 16384, 1024), (16, 1024, 1024), (1, 65536, 256)],
          "complex": [(8, 4096, 1024), (16, 1024, 512)], "hgru": [(8, 4096, 1024)]}
SPLITS = ["rule", 1, 8, 16, 32, 64]


def cases(family, dtype, shape):
    """(floor bytes fwd, floor bytes bwd, fwd closure, bwd closure)."""
    gen = torch.Generator(device="cuda").manual_seed(0)
    B, T, D = shape

    def rnd(*s, scale=1.0):
        return (scale * torch.randn(*s, device="cuda", generator=gen)).to(dtype)
    E, s = B * T * D, torch.empty((), dtype=dtype).element_size()
    if family == "real":
        x, g = rnd(B, T, D), (0.5 + 0.5 * torch.rand(B, T, D, device="cuda", generator=gen)).to(dtype)
        o, _ = real.scan_fwd(x, g, None, None, False)
        do = rnd(B, T, D)  # a cotangent of its own: with do = o the backward's reads of o hit L2
        return 3 * E * s, 5 * E * s, lambda: real.scan_fwd(x, g, None, None, False), \
            lambda: real.scan_bwd(g, o, do, None, None, None, False)
    if family == "complex":
        x, g = rnd(B, T, D, 2), rnd(B, T, D, 2, scale=0.7)
        o, _ = cplx.scan_fwd(x, g, None, None, False)
        do = rnd(B, T, D, 2)
        return 6 * E * s, 10 * E * s, lambda: cplx.scan_fwd(x, g, None, None, False), \
            lambda: cplx.scan_bwd(g, o, do, None, None, None, False)
    c, f = rnd(B, T, 2 * D), rnd(B, T, D)
    th, lb = torch.rand(D, device="cuda", generator=gen), 0.5 * torch.rand(D, device="cuda", generator=gen)
    h, _ = cplx.hgru_fwd(c, f, th, lb, None, None, False, True)
    dh = rnd(*h.shape)
    return 5 * E * s, 10 * E * s, lambda: cplx.hgru_fwd(c, f, th, lb, None, None, False, True), \
        lambda: cplx.hgru_bwd(c, f, th, lb, h, dh, None, None, None, False, True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--families", nargs="+", default=["real", "complex", "hgru"], choices=list(SHAPES))
    ap.add_argument("--dtypes", nargs="+", default=["bf16", "fp32"], choices=["bf16", "fp32"])
    ap.add_argument("--shapes", nargs="+", help="B,T,D shapes instead of the family's defaults")
    ap.add_argument("--default-tile", action="store_true", help="only the tables' tiles (split counts still swept)")
    ap.add_argument("--splits", nargs="+", type=lambda a: a if a == "rule" else int(a),
                    help="two-level split counts (hgru) to time instead of SPLITS")
    ap.add_argument("--tiles", nargs="+", help="BT,BD,warps tiles (real: R,warps,BD,stages) instead of the candidates")
    ap.add_argument("--chunk-tiles", nargs="+", help="R,NW,BD chunk tiles instead of the candidates")
    ap.add_argument("--stages", nargs="+", type=int, help="loop pipeline stages (common.LOOP_STAGES) to time "
                    "each unsplit or two-level tile with, instead of the table's (complex, hgru: the real "
                    "loop tiles give their own)")
    ap.add_argument("--per-sm", nargs="+", type=int, help="programs per SM (common.TILES' last entry) for the "
                    "two-level split counts, instead of the table's")
    ap.add_argument("--json")
    args = ap.parse_args()
    if "real" in args.families and args.tiles and any(len(t.split(",")) != 4 for t in args.tiles):
        ap.error("--tiles: the real scans' loops take R,warps,BD,stages (sweep --families real apart)")
    require_cuda()
    print(environment(), flush=True)
    bw = copy_bandwidth()
    print(f"copy bandwidth: {bw / 1e9:.0f} GB/s", flush=True)
    rows = []

    def timed(row, fwd, bwd, b_fwd, b_bwd):
        try:
            t_f, t_b = median_ms(fwd, warmup=5, rep=40, graph=True), median_ms(bwd, warmup=5, rep=40, graph=True)
            row.update({"fwd ms": round(t_f, 4), "fwd ratio": round(t_f / (b_fwd / bw * 1e3), 2),
                        "bwd ms": round(t_b, 4), "bwd ratio": round(t_b / (b_bwd / bw * 1e3), 2)})
        except Exception as err:  # a tile that does not compile or launch is reported, not fatal
            row["error"] = f"{type(err).__name__}: {str(err)[:80]}"
        print(row, flush=True)
        rows.append(row)

    for family in args.families:
        for dt in args.dtypes:
            dtype = {"bf16": torch.bfloat16, "fp32": torch.float32}[dt]
            key = (family, dtype.itemsize)
            if key not in CANDIDATES:
                continue
            shapes = [tuple(map(int, a.split(","))) for a in args.shapes] if args.shapes else SHAPES[family]
            tiles = [tuple(map(int, a.split(","))) for a in args.tiles] if args.tiles else CANDIDATES[key]
            if family == "real":  # the unsplit loop's tiles: LOOP_TILES' entries set aside for each
                loop_keys = ((dtype.itemsize, False), (dtype.itemsize, True))
                if args.default_tile:
                    tiles = [None]
            else:
                default, default_stages = common.TILES[key], common.LOOP_STAGES[key]
                stages = args.stages or [default_stages]
                if args.default_tile:
                    tiles = [default[:3]]
            for shape in shapes:
                b_fwd, b_bwd, fwd, bwd = cases(family, dtype, shape)
                name = {"family": family, "dtype": dt, "B,T,D": ",".join(map(str, shape))}
                if family != "hgru":
                    default_chunk = common.CHUNK_TILES[key]
                    chunks = [tuple(map(int, a.split(","))) for a in args.chunk_tiles] if args.chunk_tiles \
                        else [default_chunk] if args.default_tile else CHUNK_CANDIDATES[key]
                    common.FORCE_SPLITS = 1
                    if family == "real":
                        held = {k: common.LOOP_TILES[k] for k in loop_keys}
                        for tile in tiles:
                            if tile is not None:
                                common.LOOP_TILES.update({k: ((0, tile),) for k in loop_keys})
                            timed(dict(name, tile="loop " + ("rule" if tile is None else ",".join(map(str, tile))),
                                       splits="1"), fwd, bwd, b_fwd, b_bwd)
                        common.LOOP_TILES.update(held)
                    else:
                        for tile in tiles:
                            common.TILES[key] = (*tile, default[3])
                            for st in stages:
                                common.LOOP_STAGES[key] = st
                                timed(dict(name, tile=",".join(map(str, tile)), stages=st, splits="1"), fwd, bwd,
                                      b_fwd, b_bwd)
                        common.TILES[key], common.LOOP_STAGES[key] = default, default_stages
                    common.FORCE_SPLITS = None
                    ruled = common.plan_chunks(family, dtype, *shape, torch.device("cuda"), False)[0] > 1
                    common.FORCE_SPLITS = None if ruled else 3
                    # each candidate runs both ways, whatever the chain count: the table that replaces
                    # CHUNK_TILES with few chains is set aside for the candidates
                    aside = [(common.FEW_CHAIN_TILES, k, common.FEW_CHAIN_TILES.pop(k))
                             for k in ((*key, False), (*key, True)) if k in common.FEW_CHAIN_TILES]
                    for chunk in chunks:
                        common.CHUNK_TILES[key] = chunk
                        picked, launch = common.plan_chunks(family, dtype, *shape, torch.device("cuda"), False)
                        split = f"{picked} x {launch['R'] * launch['NW']}" + (" (rule)" if ruled else " (forced)")
                        timed(dict(name, tile="chunk " + ",".join(map(str, chunk)), splits=split),
                              fwd, bwd, b_fwd, b_bwd)
                    common.CHUNK_TILES[key] = default_chunk
                    for held, k, default_tile in aside:
                        held[k] = default_tile
                    common.FORCE_SPLITS = None
                    continue
                chunked_fwd = common.plan_fused_fwd
                # these rows time the two-level forward
                common.plan_fused_fwd = lambda *a: (1, None, common.plan("hgru", *a))
                for tile, st, per_sm in itertools.product(tiles, stages, args.per_sm or [default[3]]):
                    common.TILES[key] = (*tile, per_sm)
                    common.LOOP_STAGES[key] = st
                    for ns in args.splits or SPLITS:
                        if ns != "rule" and ns > shape[1] // 16:
                            continue
                        common.FORCE_SPLITS = None if ns == "rule" else ns
                        picked, L = common.plan(family, dtype, *shape, torch.device("cuda"), False)[:2]
                        row = dict(name, tile=",".join(map(str, tile)), stages=st, splits=f"{picked} x {L}")
                        row["per SM"] = per_sm
                        if ns == "rule":
                            row["splits"] += " (rule)"
                        timed(row, fwd, bwd, b_fwd, b_bwd)
                common.TILES[key], common.LOOP_STAGES[key] = default, default_stages
                common.FORCE_SPLITS = None
                common.plan_fused_fwd = chunked_fwd
                default_chunk = common.CHUNK_TILES[key]
                chunks = [tuple(map(int, a.split(","))) for a in args.chunk_tiles] if args.chunk_tiles \
                    else [default_chunk] if args.default_tile else CHUNK_CANDIDATES[key]
                ruled = common.plan_fused_fwd(dtype, *shape, torch.device("cuda"), False)[0] > 1
                for chunk in chunks:
                    common.CHUNK_TILES[key] = chunk
                    common.FORCE_CHUNK = None if ruled else chunk[0] * chunk[1]
                    picked = common.plan_fused_fwd(dtype, *shape, torch.device("cuda"), False)[0]
                    timed(dict(name, tile="chunk " + ",".join(map(str, chunk)),
                               splits=f"{picked} x {chunk[0] * chunk[1]}" + (" (rule)" if ruled else " (forced)")),
                          fwd, bwd, b_fwd, b_bwd)
                common.CHUNK_TILES[key] = default_chunk
                common.FORCE_CHUNK = None
    cols = ["family", "dtype", "B,T,D", "tile", "stages", "per SM", "splits", "fwd ms", "fwd ratio", "bwd ms",
            "bwd ratio"]
    for k in ("fwd ms", "bwd ms"):
        best = {}
        for r in rows:
            g = (r["family"], r["dtype"], r["B,T,D"])
            if k in r and (g not in best or r[k] < best[g][k]):
                best[g] = r
        print(f"\nbest by {k}:\n" + table(list(best.values()), cols), flush=True)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump({"env": environment(), "copy_GBps": bw / 1e9, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()

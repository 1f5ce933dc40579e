"""The look-back window W (statuses read at once) and the chunk tile at few chains, real scans:
PYTHONPATH=. python benchmarks/results/2026-11-29-h200-chunks/window.py (output: window.txt)."""
import sys
import torch
sys.path.insert(0, "benchmarks")
from timing import copy_bandwidth, median_ms  # noqa: E402
from sweep_tiles import cases  # noqa: E402
from hgru.ops.triton import common  # noqa: E402
bw = copy_bandwidth()
for dt, tiles in ((torch.bfloat16, [(16, 4, 256), (16, 4, 128), (16, 2, 128), (8, 4, 128)]), (torch.float32, [(16, 4, 128), (16, 4, 64)])):
    for shape in ((1, 65536, 256), (8, 4096, 2048)):
        b_f, b_b, fwd, bwd = cases("real", dt, shape)
        for tile in tiles:
            if shape[0] == 8 and tile[2] != common.CHUNK_TILES["real", dt.itemsize][2]:
                continue
            common.CHUNK_TILES["real", dt.itemsize] = tile
            for W in (4, 8, 16):
                common.LOOKBACK_WINDOW = W
                tf, tb = median_ms(fwd, graph=True), median_ms(bwd, graph=True)
                print(f"{str(dt)[6:]} {shape} chunk {tile} W={W}: fwd {tf:.4f} ({tf / (b_f / bw * 1e3):.2f}) bwd {tb:.4f} ({tb / (b_b / bw * 1e3):.2f})", flush=True)
        common.CHUNK_TILES["real", dt.itemsize] = {2: (16, 4, 256), 4: (16, 4, 128)}[dt.itemsize]
        common.LOOKBACK_WINDOW = 4

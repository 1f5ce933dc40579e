#!/usr/bin/env bash
# session 15's closing GPU run: tests, bench_scan, sweep-t, fused sweeps, layer bench -> $OUT
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
cd "$(dirname "$0")/.."
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > $OUT/gpu.txt
timeout 200 python -m pytest -q -n 8 tests/ops tests/layers > $OUT/gpu_tests.txt 2>&1; tail -3 $OUT/gpu_tests.txt
timeout 120 python benchmarks/bench_scan.py --check --json $OUT/bench_scan.json > $OUT/bench_scan.txt 2>&1; tail -16 $OUT/bench_scan.txt
timeout 60 python benchmarks/bench_scan.py --sweep-t --json $OUT/sweep_t.json > $OUT/sweep_t.txt 2>&1; tail -3 $OUT/sweep_t.txt
timeout 90 python benchmarks/sweep_tiles.py --families hgru --dtypes bf16 --tiles 1,128,1 --splits rule --shapes 8,4096,1024 16,1024,1024 4,16384,1024 128,256,1024 1,65536,256 2,32768,512 --json $OUT/sweep_hgru_bf16.json > $OUT/sweep_hgru_bf16.txt 2>&1; tail -8 $OUT/sweep_hgru_bf16.txt
timeout 60 python benchmarks/sweep_tiles.py --families hgru --dtypes fp32 --tiles 1,64,1 --splits rule --shapes 8,4096,1024 16,1024,1024 128,256,1024 --json $OUT/sweep_hgru_fp32.json > $OUT/sweep_hgru_fp32.txt 2>&1; tail -6 $OUT/sweep_hgru_fp32.txt
timeout 90 python benchmarks/bench_layer.py > $OUT/bench_layer.txt 2>&1; tail -12 $OUT/bench_layer.txt

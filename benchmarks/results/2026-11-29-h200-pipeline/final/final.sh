#!/usr/bin/env bash
# session 16's closing GPU run (final code): tests, bench_scan, layer bench, sweep-t -> $OUT
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > $OUT/gpu.txt
timeout 190 python -m pytest -q -n 8 tests/ops tests/layers > $OUT/gpu_tests.txt 2>&1; tail -3 $OUT/gpu_tests.txt
timeout 90 python benchmarks/bench_scan.py --check --json $OUT/bench_scan.json > $OUT/bench_scan.txt 2>&1; tail -15 $OUT/bench_scan.txt
timeout 70 python benchmarks/bench_layer.py > $OUT/bench_layer.txt 2>&1; grep "'layer'" $OUT/bench_layer.txt
timeout 50 python benchmarks/bench_scan.py --sweep-t --json $OUT/sweep_t.json > $OUT/sweep_t.txt 2>&1; tail -17 $OUT/sweep_t.txt

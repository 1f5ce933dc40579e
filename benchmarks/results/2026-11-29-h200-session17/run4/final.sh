#!/usr/bin/env bash
# session 17's closing GPU run: tests, the norm-gate backward before / after, bench_scan, layer bench -> $OUT
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > $OUT/gpu.txt
timeout 200 python -m pytest -q -n 8 tests/ops tests/layers > $OUT/gpu_tests.txt 2>&1; tail -3 $OUT/gpu_tests.txt
timeout 90 python xk/norm_final.py > $OUT/norm_final.txt 2>&1; grep -v Warn $OUT/norm_final.txt
timeout 90 python benchmarks/bench_scan.py --check --json $OUT/bench_scan.json > $OUT/bench_scan.txt 2>&1; tail -15 $OUT/bench_scan.txt
timeout 70 python benchmarks/bench_layer.py > $OUT/bench_layer.txt 2>&1; tail -25 $OUT/bench_layer.txt

#!/usr/bin/env bash
# session 17's second closing GPU run (fp32 keeps per-block gradient sums): norm tests, norm before / after, bench_scan
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
timeout 120 python -m pytest -q -n 8 tests/ops/test_norm_gate.py > $OUT/gpu_tests_norm.txt 2>&1; tail -2 $OUT/gpu_tests_norm.txt
timeout 90 python xk/norm_final.py > $OUT/norm_final.txt 2>&1; grep -v Warn $OUT/norm_final.txt
timeout 90 python benchmarks/bench_scan.py --check --json $OUT/bench_scan.json > $OUT/bench_scan.txt 2>&1; tail -15 $OUT/bench_scan.txt

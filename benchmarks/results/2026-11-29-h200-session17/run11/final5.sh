#!/usr/bin/env bash
# session 17's last GPU run (norm BLOCKS table: fp32 forward blocks of 2048 at 16 per thread, short-row backward 3 per SM)
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
timeout 100 python -m pytest -q -n 8 tests/ops/test_norm_gate.py > $OUT/gpu_tests_norm.txt 2>&1; tail -1 $OUT/gpu_tests_norm.txt
timeout 90 python xk/norm_final.py > $OUT/norm_final.txt 2>&1; grep -v Warn $OUT/norm_final.txt
timeout 60 python benchmarks/bench_scan.py --check --ops norm_gate --json $OUT/bench_norm.json > $OUT/bench_norm.txt 2>&1; tail -6 $OUT/bench_norm.txt

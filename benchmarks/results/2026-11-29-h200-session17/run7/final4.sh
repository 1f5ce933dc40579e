#!/usr/bin/env bash
# session 17's last GPU run (final norm rule): norm tests, norm before / after, the layer bench -> $OUT
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
timeout 100 python -m pytest -q -n 8 tests/ops/test_norm_gate.py > $OUT/gpu_tests_norm.txt 2>&1; tail -1 $OUT/gpu_tests_norm.txt
timeout 90 python xk/norm_final.py > $OUT/norm_final.txt 2>&1; grep -v Warn $OUT/norm_final.txt
timeout 70 python benchmarks/bench_layer.py > $OUT/bench_layer.txt 2>&1; grep -E '_norm_bwd|layer' $OUT/bench_layer.txt

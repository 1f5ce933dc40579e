# session 25, call 5: the final tree: GPU tests, bench_scan --check, --sweep-t, sweep_tiles.py smoke (real fp32 and complex bf16, one tile each)
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 220 python3 -m pytest -q -n 8 tests/ops tests/layers > $OUT/gpu_tests.txt 2>&1
echo "tests rc=$? $((SECONDS-s)) s"; tail -1 $OUT/gpu_tests.txt; grep -E "^(FAILED|ERROR)" $OUT/gpu_tests.txt | head
s=$SECONDS; timeout -s KILL 130 python3 benchmarks/bench_scan.py --check --json $OUT/bench_scan.json > $OUT/bench_scan.txt 2>&1
echo "bench_scan rc=$? $((SECONDS-s)) s"; grep "^|" $OUT/bench_scan.txt | cut -d'|' -f2-11 | head -12
s=$SECONDS; timeout -s KILL 100 python3 benchmarks/bench_scan.py --sweep-t --json $OUT/sweep_t.json > $OUT/sweep_t.txt 2>&1
echo "sweep_t rc=$? $((SECONDS-s)) s"; grep "^| real" $OUT/sweep_t.txt | cut -d'|' -f2-11
s=$SECONDS; timeout -s KILL 60 python3 benchmarks/sweep_tiles.py --families real complex --dtypes fp32 bf16 --shapes 8,4096,1024 --tiles 2,4,32,3 --chunk-tiles 16,4,32 --default-tile --json $OUT/sweep_smoke.json > $OUT/sweep_smoke.txt 2>&1
echo "sweep_tiles rc=$? $((SECONDS-s)) s"; grep "^{" $OUT/sweep_smoke.txt | cut -c1-220

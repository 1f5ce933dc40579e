# session 25, call 3: the loop in the package: GPU tests, bench_scan --check, --sweep-t
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 220 python3 -m pytest -q -n 8 tests/ops tests/layers > $OUT/gpu_tests.txt 2>&1
echo "tests rc=$? $((SECONDS-s)) s"; tail -1 $OUT/gpu_tests.txt; grep -E "^(FAILED|ERROR)" $OUT/gpu_tests.txt | head
s=$SECONDS; timeout -s KILL 130 python3 benchmarks/bench_scan.py --check --json $OUT/bench_scan.json > $OUT/bench_scan.txt 2>&1
echo "bench_scan rc=$? $((SECONDS-s)) s"; grep "^|" $OUT/bench_scan.txt | cut -d'|' -f2-13 | head -12
s=$SECONDS; timeout -s KILL 110 python3 benchmarks/bench_scan.py --sweep-t --json $OUT/sweep_t.json > $OUT/sweep_t.txt 2>&1
echo "sweep_t rc=$? $((SECONDS-s)) s"; grep "real" $OUT/sweep_t.txt | head -20

# session 24, call 5: the final tree (narrow few-chain tiles, window 2 with them): GPU tests, bench_scan --check, --sweep-t
export PYTHONPATH=. PYTHONUNBUFFERED=1
git log --oneline 2>/dev/null | head -1
s=$SECONDS; timeout -s KILL 260 python3 -m pytest -q -n 8 tests/ops tests/layers > $OUT/gpu_tests.txt 2>&1
echo "tests rc=$? $((SECONDS-s)) s"; tail -1 $OUT/gpu_tests.txt; grep -E "^(FAILED|ERROR)" $OUT/gpu_tests.txt | head
s=$SECONDS; timeout -s KILL 120 python3 benchmarks/bench_scan.py --check --json $OUT/bench_scan.json > $OUT/bench_scan.txt 2>&1
echo "bench_scan rc=$? $((SECONDS-s)) s"; grep "^|" $OUT/bench_scan.txt | cut -d'|' -f2-13
s=$SECONDS; timeout -s KILL 170 python3 benchmarks/bench_scan.py --sweep-t --json $OUT/sweep_t.json > $OUT/sweep_t.txt 2>&1
echo "sweep rc=$? $((SECONDS-s)) s"; grep "^|" $OUT/sweep_t.txt | cut -d'|' -f2-11

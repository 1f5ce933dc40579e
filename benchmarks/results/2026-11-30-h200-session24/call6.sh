# session 24, call 6: real bf16 forward chunks (8, 4, 128) from 64 chains (FWD_CHUNK_TILES) against (16, 4, 256) and (16, 2, 128); bench_scan --check and the real-scan GPU tests with it
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 150 python3 xk/many_ab.py > $OUT/many_ab.txt 2>&1; echo "many_ab rc=$? $((SECONDS-s)) s"; cat $OUT/many_ab.txt
s=$SECONDS; timeout -s KILL 110 python3 benchmarks/bench_scan.py --check --json $OUT/bench_scan.json > $OUT/bench_scan.txt 2>&1
echo "bench_scan rc=$? $((SECONDS-s)) s"; grep "^|" $OUT/bench_scan.txt | cut -d'|' -f2-13 | head -8
s=$SECONDS; timeout -s KILL 120 python3 -m pytest -q -n 8 tests/ops -k "real" > $OUT/gpu_tests.txt 2>&1
echo "tests rc=$? $((SECONDS-s)) s"; tail -1 $OUT/gpu_tests.txt; grep -E "^(FAILED|ERROR)" $OUT/gpu_tests.txt | head

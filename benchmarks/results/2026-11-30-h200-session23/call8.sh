# session 23, call 8: FEW_CHAIN_TILES (plain scans' [16 x 8 warps] chunks with few chains): GPU tests, bench_scan --check
export PYTHONPATH=. PYTHONUNBUFFERED=1
python3 -m pip list 2>/dev/null | grep -i -E "^(pytest|pytest-xdist|timm) " || true
s=$SECONDS; timeout -s KILL 260 python3 -m pytest -q -n 8 tests/ops tests/layers > $OUT/gpu_tests.txt 2>&1
echo "tests rc=$? $((SECONDS-s)) s"; tail -1 $OUT/gpu_tests.txt; grep -E "^(FAILED|ERROR)" $OUT/gpu_tests.txt | head
s=$SECONDS; timeout -s KILL 200 python3 benchmarks/bench_scan.py --check --json $OUT/bench_scan.json > $OUT/bench_scan.txt 2>&1
echo "bench_scan rc=$? $((SECONDS-s)) s"; grep "^|" $OUT/bench_scan.txt | cut -d'|' -f2-13

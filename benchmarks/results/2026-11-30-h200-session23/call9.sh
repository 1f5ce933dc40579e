# session 23, call 9: bandwidth vs sequence length with today's kernels (bench_scan.py --sweep-t)
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 240 python3 benchmarks/bench_scan.py --sweep-t --json $OUT/sweep_t.json > $OUT/sweep_t.txt 2>&1
echo "sweep rc=$? $((SECONDS-s)) s"; grep "^|" $OUT/sweep_t.txt | cut -d'|' -f2-11

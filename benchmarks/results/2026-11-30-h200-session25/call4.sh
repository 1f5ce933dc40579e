# session 25, call 4: the complex loop prototype A/B; the real rows of bench_scan --check (fp32 forward tile (2, 4, 32, 3)); sweep_tiles.py's real path, one tile
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 200 python3 benchmarks/results/2026-11-30-h200-session25/cloop_ab.py > $OUT/cloop_ab.txt 2>&1; echo "cloop_ab rc=$? $((SECONDS-s)) s"; cat $OUT/cloop_ab.txt
s=$SECONDS; timeout -s KILL 60 python3 benchmarks/bench_scan.py --ops real --check --json $OUT/bench_real.json > $OUT/bench_real.txt 2>&1
echo "bench_real rc=$? $((SECONDS-s)) s"; grep "^|" $OUT/bench_real.txt | cut -d'|' -f2-11 | head -8
s=$SECONDS; timeout -s KILL 60 python3 benchmarks/sweep_tiles.py --families real --dtypes fp32 --shapes 8,4096,2048 --tiles 2,4,32,3 4,2,32,3 --chunk-tiles 16,4,32 --json $OUT/sweep_real.json > $OUT/sweep_real.txt 2>&1
echo "sweep_tiles rc=$? $((SECONDS-s)) s"; tail -12 $OUT/sweep_real.txt

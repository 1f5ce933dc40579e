# session 24, call 4: W = 2 vs 4 with the narrow rule; bench_scan --check with the narrow rule (W = 4)
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 150 python3 xk/win_ab.py > $OUT/win_ab.txt 2>&1; echo "win_ab rc=$? $((SECONDS-s)) s"; cat $OUT/win_ab.txt
s=$SECONDS; timeout -s KILL 210 python3 benchmarks/bench_scan.py --check --json $OUT/bench_scan.json > $OUT/bench_scan.txt 2>&1
echo "bench_scan rc=$? $((SECONDS-s)) s"; grep "^|" $OUT/bench_scan.txt | cut -d'|' -f2-13
s=$SECONDS; timeout -s KILL 210 python3 -c "
import sys, runpy; sys.path.insert(0, 'benchmarks')
from hgru.ops.triton import common; common.LOOKBACK_WINDOW = 2
sys.argv = ['bench_scan.py', '--check', '--json', '$OUT/bench_scan_w2.json']
runpy.run_path('benchmarks/bench_scan.py', run_name='__main__')" > $OUT/bench_scan_w2.txt 2>&1
echo "bench_scan W=2 rc=$? $((SECONDS-s)) s"; grep "^|" $OUT/bench_scan_w2.txt | cut -d'|' -f2-13

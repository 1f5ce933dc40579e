# session 25, call 2: loop_sweep.py (loop tiles across 13 bf16 and 6 fp32 shapes)
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 500 python3 benchmarks/results/2026-11-30-h200-session25/loop_sweep.py > $OUT/loop_sweep.txt 2>&1; echo "loop_sweep rc=$? $((SECONDS-s)) s"; cat $OUT/loop_sweep.txt

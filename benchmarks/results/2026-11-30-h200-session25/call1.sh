# session 25, call 1: loop_ab.py (narrow-channel unsplit loops against the rule), then the GPU tests at HEAD
export PYTHONPATH=. PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,clocks.max.sm,clocks.max.mem --format=csv,noheader
s=$SECONDS; timeout -s KILL 380 python3 benchmarks/results/2026-11-30-h200-session25/loop_ab.py > $OUT/loop_ab.txt 2>&1; echo "loop_ab rc=$? $((SECONDS-s)) s"; cat $OUT/loop_ab.txt
s=$SECONDS; timeout -s KILL 190 python3 -m pytest -q -n 8 tests/ops tests/layers > $OUT/gpu_tests.txt 2>&1
echo "tests rc=$? $((SECONDS-s)) s"; tail -1 $OUT/gpu_tests.txt; grep -E "^(FAILED|ERROR)" $OUT/gpu_tests.txt | head

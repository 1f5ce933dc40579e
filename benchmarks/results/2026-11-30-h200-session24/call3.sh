# session 24, call 3: narrow few-chain rule vs session 23's, the window with narrow tiles; GPU tests
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 230 python3 xk/rule_ab.py > $OUT/rule_ab.txt 2>&1; echo "rule_ab rc=$? $((SECONDS-s)) s"; cat $OUT/rule_ab.txt
s=$SECONDS; timeout -s KILL 280 python3 -m pytest -q -n 8 tests/ops tests/layers > $OUT/gpu_tests.txt 2>&1
echo "tests rc=$? $((SECONDS-s)) s"; tail -1 $OUT/gpu_tests.txt; grep -E "^(FAILED|ERROR)" $OUT/gpu_tests.txt | head

# session 21, call 1: all GPU tests at HEAD (the review mend's graph tests had not run on a GPU), bench_scan --check with copy ratios, bench_layer
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH=.:/tmp/site PATH=/tmp/bin:/tmp/site/bin:$PATH PYTHONUNBUFFERED=1
mkdir -p /tmp/bin && printf '#!/bin/sh\nexec python3 "$@"\n' > /tmp/bin/python && chmod +x /tmp/bin/python
DEADLINE=$(( SECONDS + ${BUDGET:-560} ))
capped() { local left=$(( DEADLINE - SECONDS )); local t=$(( $1 < left ? $1 : left )); shift
  [ "$t" -gt 5 ] || { echo "skipped (deadline): $*"; return 124; }; timeout --kill-after=5 "$t" "$@"; }
python -c "import xdist" 2>/dev/null && N="-n 8" || N=""
s=$SECONDS; capped 300 python -m pytest -q $N tests/ops tests/layers tests/plugin > $OUT/gpu_tests.txt 2>&1
echo "tests rc=$? $((SECONDS-s)) s"; tail -3 $OUT/gpu_tests.txt; grep -E "^(FAILED|ERROR)" $OUT/gpu_tests.txt | head
s=$SECONDS; capped 200 python benchmarks/bench_scan.py --check --json $OUT/bench_scan.json > $OUT/bench_scan.txt 2>&1
echo "bench_scan rc=$? $((SECONDS-s)) s"; grep "^|" $OUT/bench_scan.txt
s=$SECONDS; capped 100 python benchmarks/bench_layer.py > $OUT/bench_layer.txt 2>&1
echo "bench_layer rc=$? $((SECONDS-s)) s"; grep "^| Hgru1d" $OUT/bench_layer.txt

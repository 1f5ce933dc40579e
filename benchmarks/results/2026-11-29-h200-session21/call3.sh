# session 21, call 3: the two-level fused forward's aggregate pass read against the scan's direction (L2 reuse by the second pass), A/B against HEAD (tanh sigmoids)
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH=.:/tmp/site PATH=/tmp/bin:/tmp/site/bin:$PATH PYTHONUNBUFFERED=1
mkdir -p /tmp/bin && printf '#!/bin/sh\nexec python3 "$@"\n' > /tmp/bin/python && chmod +x /tmp/bin/python
DEADLINE=$(( SECONDS + ${BUDGET:-400} ))
capped() { local left=$(( DEADLINE - SECONDS )); local t=$(( $1 < left ? $1 : left )); shift
  [ "$t" -gt 5 ] || { echo "skipped (deadline): $*"; return 124; }; timeout --kill-after=5 "$t" "$@"; }
rm -rf /tmp/old && mkdir /tmp/old && cp -r hgru benchmarks /tmp/old/ && cp xk/complex_head.py /tmp/old/hgru/ops/triton/complex.py
for r in 1 2; do
  s=$SECONDS; (cd /tmp/old && PYTHONPATH=/tmp/old:/tmp/site capped 50 python benchmarks/bench_scan.py --ops hgru --check > $OUT/ab_head_$r.txt 2>&1); echo "head $r rc=$? $((SECONDS-s)) s"
  grep "^| hgru" $OUT/ab_head_$r.txt | cut -d"|" -f2-11,15
  s=$SECONDS; capped 50 python benchmarks/bench_scan.py --ops hgru --check > $OUT/ab_revagg_$r.txt 2>&1; echo "revagg $r rc=$? $((SECONDS-s)) s"
  grep "^| hgru" $OUT/ab_revagg_$r.txt | cut -d"|" -f2-11,15
done
s=$SECONDS; capped 150 python -m pytest -q -n 8 tests/ops/test_triton_kernels.py -k "hgru or two_level or time_split or half or realistic or compile" > $OUT/gpu_tests.txt 2>&1
echo "tests rc=$? $((SECONDS-s)) s"; tail -1 $OUT/gpu_tests.txt; grep -E "^(FAILED|ERROR)" $OUT/gpu_tests.txt | head

# session 21, call 2: fixes' GPU tests; fused sigmoids by tanh.approx for 2-byte inputs, A/B against HEAD's complex.py; bench_scan, bench_layer
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH=.:/tmp/site PATH=/tmp/bin:/tmp/site/bin:$PATH PYTHONUNBUFFERED=1
mkdir -p /tmp/bin && printf '#!/bin/sh\nexec python3 "$@"\n' > /tmp/bin/python && chmod +x /tmp/bin/python
DEADLINE=$(( SECONDS + ${BUDGET:-570} ))
capped() { local left=$(( DEADLINE - SECONDS )); local t=$(( $1 < left ? $1 : left )); shift
  [ "$t" -gt 5 ] || { echo "skipped (deadline): $*"; return 124; }; timeout --kill-after=5 "$t" "$@"; }
python -c "import timm, torch, triton; print('timm', timm.__version__, 'torch', torch.__version__, 'triton', triton.__version__)"
rm -rf /tmp/old && mkdir /tmp/old && cp -r hgru benchmarks /tmp/old/ && cp xk/complex_head.py /tmp/old/hgru/ops/triton/complex.py
s=$SECONDS; capped 200 python -m pytest -q -n 8 tests/ops/test_triton_kernels.py tests/ops/test_norm_gate.py tests/layers tests/plugin/test_loader_threads.py tests/plugin/test_hgrn_vit.py > $OUT/gpu_tests.txt 2>&1
echo "tests rc=$? $((SECONDS-s)) s"; tail -1 $OUT/gpu_tests.txt; grep -E "^(FAILED|ERROR)" $OUT/gpu_tests.txt | head
for r in 1 2; do
  s=$SECONDS; (cd /tmp/old && PYTHONPATH=/tmp/old:/tmp/site capped 60 python benchmarks/bench_scan.py --ops hgru --check > $OUT/ab_head_$r.txt 2>&1); echo "head $r rc=$? $((SECONDS-s)) s"
  grep "^| hgru" $OUT/ab_head_$r.txt | cut -d"|" -f2-11,15
  s=$SECONDS; capped 60 python benchmarks/bench_scan.py --ops hgru --check > $OUT/ab_tanh_$r.txt 2>&1; echo "tanh $r rc=$? $((SECONDS-s)) s"
  grep "^| hgru" $OUT/ab_tanh_$r.txt | cut -d"|" -f2-11,15
done
s=$SECONDS; capped 60 python benchmarks/bench_layer.py > $OUT/bench_layer.txt 2>&1; echo "layer rc=$? $((SECONDS-s)) s"; grep "^| Hgru1d" $OUT/bench_layer.txt
(cd /tmp/old && PYTHONPATH=/tmp/old:/tmp/site capped 40 python benchmarks/bench_layer.py > $OUT/bench_layer_head.txt 2>&1); echo "layer head rc=$?"; grep "^| Hgru1d" $OUT/bench_layer_head.txt
s=$SECONDS; capped 120 python benchmarks/bench_scan.py --check --json $OUT/bench_scan.json > $OUT/bench_scan.txt 2>&1
echo "bench_scan rc=$? $((SECONDS-s)) s"; grep "^|" $OUT/bench_scan.txt | cut -d'|' -f2-13

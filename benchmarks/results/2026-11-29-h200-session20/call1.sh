# session 20, call 1: GPU graph tests (with the detach), real-scan row-loop A/B, the LM demo through fairseq with graphs and eagerly
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH=.:/tmp/site PATH=/tmp/bin:/tmp/site/bin:$PATH PYTHONUNBUFFERED=1
mkdir -p /tmp/bin && printf '#!/bin/sh\nexec python3 "$@"\n' > /tmp/bin/python && chmod +x /tmp/bin/python
DEADLINE=$(( SECONDS + ${BUDGET:-540} ))
capped() { local left=$(( DEADLINE - SECONDS )); local t=$(( $1 < left ? $1 : left )); shift
  [ "$t" -gt 5 ] || { echo "skipped (deadline): $*"; return 124; }; timeout --kill-after=5 "$t" "$@"; }
stamp() { local s0=$SECONDS; while IFS= read -r l; do printf '%4d %s\n' $(( SECONDS - s0 )) "$l"; done; }
s=$SECONDS; capped 100 python -m pytest -q tests/plugin/test_hgrn_lm.py tests/plugin/test_hgrn_vit.py -k graph -rA > $OUT/gpu_tests.txt 2>&1
echo "tests rc=$? $((SECONDS-s)) s, AccumulateGrad warnings: $(grep -c 'AccumulateGrad node' $OUT/gpu_tests.txt)"; tail -2 $OUT/gpu_tests.txt
s=$SECONDS; capped 170 python xk/rowscan_ab.py > $OUT/rowscan_ab.txt 2>&1; echo "rowscan rc=$? $((SECONDS-s)) s"; grep -v Warn $OUT/rowscan_ab.txt
D=/tmp/lmdata; LM=(DATASET=demo DATA_DIR=$D ARCH=hgrn_lm_base TOKENS_PER_SAMPLE=512 MAX_TOKENS=4096 SEQS_PER_UPDATE=32
  MAX_UPDATE=60 WARMUP=20 LR=5e-4 WEIGHT_DECAY=0.2 LOG_INTERVAL=10 N_SAMPLES=1 GPUS=1 PRECISION=amp)
s=$SECONDS; capped 60 python scripts/prepare_lm_data.py --dataset demo --vocab word --data-dir $D > $OUT/prepare.txt 2>&1; echo "prepare rc=$? $((SECONDS-s)) s"
for g in 1 0; do s=$SECONDS
  capped 130 env "${LM[@]}" CUDA_GRAPHS=$g SAVE_DIR=/tmp/lm_g$g bash script_alm.sh 2>&1 | stamp > $OUT/lm_amp_graphs$g.txt
  echo "graphs=$g rc=${PIPESTATUS[0]} $((SECONDS-s)) s"
  grep -o '^ *[0-9]* \[script_alm\].\{0,60\}\|"num_updates": "[0-9]*"\|"wps": "[0-9.]*"\|Perplexity: [0-9.]*\|Traceback.*\|[A-Za-z]*Error.*' $OUT/lm_amp_graphs$g.txt | tail -25
done

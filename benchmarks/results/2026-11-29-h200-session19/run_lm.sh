# device: LM graphs bench, GPU tests, fairseq demo eager vs graphs
set -x
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH=.:/tmp/site PATH=/tmp/bin:/tmp/site/bin:$PATH
mkdir -p /tmp/bin && printf '#!/bin/sh\nexec python3 "$@"\n' > /tmp/bin/python && chmod +x /tmp/bin/python
python3 -m pytest -q tests/plugin/test_hgrn_lm.py tests/plugin/test_hgrn_vit.py -k "graph" -rA 2>&1 | tee $OUT/gpu_tests.txt | tail -4; grep -c "AccumulateGrad node" $OUT/gpu_tests.txt
python3 xk/lm_graph_bench.py 2>&1 | grep -v Warning | tee $OUT/lm_graph_bench.txt
for p in fp32 amp; do for g in 0 1; do
  DATASET=demo ARCH=hgrn_lm_base TOKENS_PER_SAMPLE=512 MAX_TOKENS=4096 SEQS_PER_UPDATE=32 MAX_UPDATE=${MAXU:-100} WARMUP=50 \
  LR=5e-4 WEIGHT_DECAY=0.2 LOG_INTERVAL=10 GPUS=1 PRECISION=$p CUDA_GRAPHS=$g N_SAMPLES=1 SAVE_DIR=/tmp/lm_${p}_g$g \
  timeout 150 bash script_alm.sh > $OUT/lm_demo_${p}_graphs$g.txt 2>&1
  echo "$p graphs=$g rc=$?"; grep -o '"num_updates": "[0-9]*".\{0,0\}\|"loss": "[0-9.]*"\|"wps": "[0-9.]*"' $OUT/lm_demo_${p}_graphs$g.txt | paste - - - | tail -3
  grep -i "perplexity\|capturing\|Traceback\|Error" $OUT/lm_demo_${p}_graphs$g.txt | head -5
done; done

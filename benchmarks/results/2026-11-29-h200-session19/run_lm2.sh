# device: GPU graph tests, then the fairseq demo through --cuda-graphs and eagerly (bounded, with tracebacks on timeout)
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH=.:/tmp/site PATH=/tmp/bin:/tmp/site/bin:$PATH PYTHONFAULTHANDLER=1
mkdir -p /tmp/bin && printf '#!/bin/sh\nexec python3 "$@"\n' > /tmp/bin/python && chmod +x /tmp/bin/python
python -c "import torch; print('python wrapper ok', torch.__version__)"
date +%T; timeout 90 python3 -m pytest -q tests/plugin/test_hgrn_lm.py tests/plugin/test_hgrn_vit.py -k "graph" -rA > /tmp/t.txt 2>&1
tail -3 /tmp/t.txt | tee $OUT/gpu_tests.txt; echo "AccumulateGrad warnings: $(grep -c 'AccumulateGrad node' /tmp/t.txt)" | tee -a $OUT/gpu_tests.txt
for g in 1 0; do
  date +%T
  DATASET=demo ARCH=hgrn_lm_base TOKENS_PER_SAMPLE=512 MAX_TOKENS=4096 SEQS_PER_UPDATE=32 MAX_UPDATE=40 WARMUP=20 \
  LR=5e-4 WEIGHT_DECAY=0.2 LOG_INTERVAL=5 GPUS=1 PRECISION=amp CUDA_GRAPHS=$g N_SAMPLES=1 SAVE_DIR=/tmp/lm_g$g \
  timeout -s ABRT $([ $g = 1 ] && echo 130 || echo 100) bash script_alm.sh > /tmp/lm_g$g.txt 2>&1
  echo "graphs=$g rc=$?"; grep -v "Warning\|warn(" /tmp/lm_g$g.txt | tail -c 6000 > $OUT/lm_demo_amp_graphs$g.txt
  grep -o '"num_updates": "[0-9]*"\|"loss": "[0-9.]*"\|"wps": "[0-9.]*"' /tmp/lm_g$g.txt | paste -sd' ' | tail -c 1500
  grep -i "perplexity\|capturing\|Traceback\|Error\|Thread 0x\|File \"" /tmp/lm_g$g.txt | head -30
done; date +%T

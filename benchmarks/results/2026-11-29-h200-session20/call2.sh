# session 20, call 2 (2 x H200): graph tests (one GPU) with the capture on aliases, the DDP test against the previous
# graphs.py, then fairseq on both GPUs: LM demo with graphs and eagerly, the image demo with graphs
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH=.:/tmp/site PATH=/tmp/bin:/tmp/site/bin:$PATH PYTHONUNBUFFERED=1
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
mkdir -p /tmp/bin && printf '#!/bin/sh\nexec python3 "$@"\n' > /tmp/bin/python && chmod +x /tmp/bin/python
DEADLINE=$(( SECONDS + ${BUDGET:-550} ))
capped() { local left=$(( DEADLINE - SECONDS )); local t=$(( $1 < left ? $1 : left )); shift
  [ "$t" -gt 5 ] || { echo "skipped (deadline): $*"; return 124; }; timeout --kill-after=5 "$t" "$@"; }
stamp() { local s0=$SECONDS; while IFS= read -r l; do printf '%4d %s\n' $(( SECONDS - s0 )) "$l"; done; }
nvidia-smi --query-gpu=index,name --format=csv,noheader
s=$SECONDS; CUDA_VISIBLE_DEVICES=0 capped 100 python -m pytest -q tests/plugin/test_hgrn_lm.py tests/plugin/test_hgrn_vit.py -k "graph or ddp" -rA > $OUT/gpu_tests.txt 2>&1
echo "tests rc=$? $((SECONDS-s)) s"; grep -c "AccumulateGrad node" $OUT/gpu_tests.txt; grep "PASSED\|FAILED\|ERROR\|passed\|failed" $OUT/gpu_tests.txt | tail -12
rm -rf /tmp/old && mkdir /tmp/old && cp -r fairseq_plugin tests hgru lra scripts configs pytest.ini /tmp/old/ && cp xk/graphs_head.py /tmp/old/fairseq_plugin/models/graphs.py
s=$SECONDS; (cd /tmp/old && CUDA_VISIBLE_DEVICES=0 PYTHONPATH=/tmp/old:/tmp/site capped 60 python -m pytest -q tests/plugin/test_hgrn_vit.py -k "ddp or graphed_training" -rA > $OUT/gpu_tests_previous_graphs.txt 2>&1)
echo "previous graphs.py: rc=$? $((SECONDS-s)) s"; grep "PASSED\|FAILED\|passed\|failed\|Error:" $OUT/gpu_tests_previous_graphs.txt | cut -c1-250 | tail -8
D=/tmp/lmdata; LM=(DATASET=demo DATA_DIR=$D ARCH=hgrn_lm_base TOKENS_PER_SAMPLE=512 MAX_TOKENS=4096 SEQS_PER_UPDATE=32
  MAX_UPDATE=60 WARMUP=20 LR=5e-4 WEIGHT_DECAY=0.2 LOG_INTERVAL=10 N_SAMPLES=1 GPUS=2 PRECISION=amp)
capped 60 python scripts/prepare_lm_data.py --dataset demo --vocab word --data-dir $D > $OUT/prepare.txt 2>&1
for g in 1 0; do s=$SECONDS
  capped 120 env "${LM[@]}" CUDA_GRAPHS=$g SAVE_DIR=/tmp/lm2_g$g bash script_alm.sh 2>&1 | stamp > $OUT/lm2gpu_amp_graphs$g.txt
  echo "LM 2 GPUs graphs=$g rc=${PIPESTATUS[0]} $((SECONDS-s)) s"
  grep -o '"num_updates": "[0-9]*"\|"loss": "[0-9.]*"\|"wps": "[0-9.]*"\|Perplexity: [0-9.]*\|Traceback.*\|[A-Za-z]*Error.*\|done training in [0-9.]* seconds\|capturing.*' $OUT/lm2gpu_amp_graphs$g.txt | paste -sd' ' | cut -c1-1500
done
s=$SECONDS; capped 120 env DATASET=demo DATA_DIR=/tmp/im MAX_UPDATE=300 GPUS=2 PRECISION=amp CUDA_GRAPHS=1 SAVE_DIR=/tmp/im2 bash script_im.sh 2>&1 | stamp > $OUT/im2gpu_amp_graphs1.txt
echo "image 2 GPUs graphs rc=${PIPESTATUS[0]} $((SECONDS-s)) s"
grep -o '"num_updates": "[0-9]*"\|"loss": "[0-9.]*"\|"acc1": "[0-9.]*"\|Traceback.*\|[A-Za-z]*Error.*\|done training in [0-9.]* seconds\|capturing.*' $OUT/im2gpu_amp_graphs1.txt | paste -sd' ' | cut -c1-1500

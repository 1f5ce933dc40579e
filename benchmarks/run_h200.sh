#!/usr/bin/env bash
# Reproduces the GPU evidence in BENCHMARKS.md on one machine with two H200s (nvidia-h200-x2):
# GPU 0 times the kernels, the layer and the image models and trains the image demo; GPU 1 trains
# the language models and ListOps; then the language model trains on both GPUs. Logs, tables and
# curves go to $1. About 10 minutes.
#   BUDGET=560 bash benchmarks/run_h200.sh results/h200   (fairseq and the hgru repo on PYTHONPATH)
# Every step is capped by its own limit and by what is left of BUDGET seconds, so the whole run
# ends in time even when a step hangs (a 10-minute device call once lost everything to an overrun).
set -uo pipefail
cd "$(dirname "$0")/.."
R=${1:-results/h200}
mkdir -p "$R"
R=$(cd "$R" && pwd)
D=$R/data
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1  # no NVLink multicast
LM_UPDATES=${LM_UPDATES:-200}
DEADLINE=$(( SECONDS + ${BUDGET:-560} ))
# capped MAX CMD...: run CMD for at most MAX seconds and never past the deadline
capped() { local left=$(( DEADLINE - SECONDS )); local t=$(( $1 < left ? $1 : left )); shift
  [ "$t" -gt 5 ] || { echo "[run_h200] skipped (deadline): $*" >&2; return 124; }
  timeout --kill-after=5 "$t" "$@"; }
# the demo corpus at the paper's sample length: 32 x 512 tokens per update (update_freq 4 on one GPU)
LM=(DATASET=demo DATA_DIR="$D" TOKENS_PER_SAMPLE=512 MAX_TOKENS=4096 SEQS_PER_UPDATE=32 MAX_UPDATE="$LM_UPDATES"
    WARMUP=50 LR=5e-4 WEIGHT_DECAY=0.2 LOG_INTERVAL=10 N_SAMPLES=2)
nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv > "$R/gpus.txt"
python -c "import torch, triton, fairseq; print('torch', torch.__version__, '| triton', triton.__version__, '| fairseq', fairseq.__version__, '| cuda', torch.version.cuda)" >> "$R/gpus.txt"
capped 60 python scripts/prepare_lm_data.py --dataset demo --data-dir "$D" > "$R/prepare_lm.txt" 2>&1

( export CUDA_VISIBLE_DEVICES=0
  capped 150 python benchmarks/bench_scan.py --check --json "$R/bench_scan.json" > "$R/bench_scan.txt" 2>&1
  capped 70 python benchmarks/bench_scan.py --sweep-t --json "$R/sweep_t.json" > "$R/sweep_t.txt" 2>&1
  capped 120 python benchmarks/bench_layer.py --vit 256 > "$R/bench_layer.txt" 2>&1
  capped 80 env DATASET=demo DATA_DIR="$D/im32" MAX_UPDATE=300 GPUS=1 SAVE_DIR="$R/im_demo" \
    bash script_im.sh > "$R/im_demo.txt" 2>&1
) &
( export CUDA_VISIBLE_DEVICES=1
  capped 120 env "${LM[@]}" ARCH=hgrn_lm_base GPUS=1 SAVE_DIR="$R/lm_hgrn_1gpu" bash script_alm.sh \
    > "$R/lm_hgrn_1gpu.txt" 2>&1
  capped 120 env "${LM[@]}" ARCH=transformer_lm GPUS=1 SAVE_DIR="$R/lm_transformer" bash script_alm.sh \
    > "$R/lm_transformer.txt" 2>&1
  capped 60 python -c "from lra import generate; generate.write_listops('$D/listops', {'train': 20000, 'val': 1000, 'test': 1000}, 500, 2000)"
  capped 100 python script_lra.py --tasks listops --gpus 1 --data-dir "$D/listops" --results "$R/lra" \
    --set max_update=2000 warmup=200 > "$R/lra_listops.txt" 2>&1
) &
wait
capped 120 env "${LM[@]}" ARCH=hgrn_lm_base GPUS=2 SAVE_DIR="$R/lm_hgrn_2gpu" bash script_alm.sh > "$R/lm_hgrn_2gpu.txt" 2>&1
echo "[run_h200] done: $R"

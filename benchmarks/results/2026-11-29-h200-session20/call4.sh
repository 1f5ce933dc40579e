# session 20, call 4 (2 x H200): two-GPU classification after the criterion and iterator fixes
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH=.:/tmp/site PATH=/tmp/bin:/tmp/site/bin:$PATH PYTHONUNBUFFERED=1
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
mkdir -p /tmp/bin && printf '#!/bin/sh\nexec python3 "$@"\n' > /tmp/bin/python && chmod +x /tmp/bin/python
DEADLINE=$(( SECONDS + ${BUDGET:-400} ))
capped() { local left=$(( DEADLINE - SECONDS )); local t=$(( $1 < left ? $1 : left )); shift
  [ "$t" -gt 5 ] || { echo "skipped (deadline): $*"; return 124; }; timeout --kill-after=5 "$t" "$@"; }
stamp() { local s0=$SECONDS; while IFS= read -r l; do printf '%4d %s\n' $(( SECONDS - s0 )) "$l"; done; }
show() { grep -o '"num_updates": "[0-9]*"\|"valid_acc1": "[0-9.]*"\|"ups": "[0-9.]*"\|Traceback.*\|[A-Za-z]*Error.*\|done training in [0-9.]* seconds\|\[script_im\] .*\|\[script_lra\] listops: best.*' "$1" | grep -v "fairseq-train" | paste -sd' ' | cut -c1-900; }
(capped 50 python -c "from lra import generate; generate.write_listops('/tmp/listops', {'train': 4000, 'val': 500, 'test': 500}, 500, 2000)" > $OUT/listops_data.txt 2>&1) &
for g in 1 0; do s=$SECONDS
  capped 110 env DATASET=demo DATA_DIR=/tmp/im MAX_UPDATE=110 GPUS=2 PRECISION=amp CUDA_GRAPHS=$g SAVE_DIR=/tmp/im2_g$g bash script_im.sh 2>&1 | stamp > $OUT/im2gpu_amp_graphs$g.txt
  echo "image 2 GPUs graphs=$g rc=${PIPESTATUS[0]} $((SECONDS-s)) s"; show $OUT/im2gpu_amp_graphs$g.txt
  grep -c "tensorboardX" $OUT/im2gpu_amp_graphs$g.txt
done
wait
s=$SECONDS; capped 150 python script_lra.py --tasks listops --gpus 2 --data-dir /tmp/listops --results /tmp/lra2 --set max_update=300 warmup=50 2>&1 | stamp > $OUT/lra_listops_2gpu.txt
echo "listops 2 GPUs rc=${PIPESTATUS[0]} $((SECONDS-s)) s"; show $OUT/lra_listops_2gpu.txt; cat /tmp/lra2/results.md 2>/dev/null | tee $OUT/lra_results.md

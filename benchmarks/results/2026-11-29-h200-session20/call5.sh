# session 20, call 5 (2 x H200): ListOps on two GPUs after the LRA iterator change (c8e0df7)
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH=.:/tmp/site PATH=/tmp/bin:/tmp/site/bin:$PATH PYTHONUNBUFFERED=1
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
mkdir -p /tmp/bin && printf '#!/bin/sh\nexec python3 "$@"\n' > /tmp/bin/python && chmod +x /tmp/bin/python
stamp() { local s0=$SECONDS; while IFS= read -r l; do printf '%4d %s\n' $(( SECONDS - s0 )) "$l"; done; }
timeout 30 python -c "from lra import generate; generate.write_listops('/tmp/listops', {'train': 4000, 'val': 500, 'test': 500}, 500, 2000)" > $OUT/listops_data.txt 2>&1
s=$SECONDS; timeout --kill-after=5 130 python script_lra.py --tasks listops --gpus 2 --data-dir /tmp/listops --results /tmp/lra2 --set max_update=200 warmup=50 2>&1 | stamp > $OUT/lra_listops_2gpu.txt
echo "listops 2 GPUs rc=${PIPESTATUS[0]} $((SECONDS-s)) s"
grep -o '"num_updates": "[0-9]*"\|"valid_acc1": "[0-9.]*"\|begin training epoch [0-9]*\|Traceback.*\|[A-Za-z]*Error.*\|done training in [0-9.]* seconds\|\[script_lra\] listops: best.*' $OUT/lra_listops_2gpu.txt | paste -sd' ' | cut -c1-900
grep -c tensorboardX $OUT/lra_listops_2gpu.txt; cat /tmp/lra2/results.md 2>/dev/null | tee $OUT/lra_results.md

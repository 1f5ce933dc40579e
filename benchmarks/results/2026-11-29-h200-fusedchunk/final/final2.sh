#!/usr/bin/env bash
# sweep-t for the plot, and the fused sweeps with the two-level rows forced two-level -> $OUT (one tar)
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
cd "$(dirname "$0")/.."
mkdir -p /tmp/r
timeout 60 python benchmarks/bench_scan.py --sweep-t --json /tmp/r/sweep_t.json > /tmp/r/sweep_t.txt 2>&1; tail -3 /tmp/r/sweep_t.txt
timeout 100 python benchmarks/sweep_tiles.py --families hgru --dtypes bf16 --tiles 1,128,1 --splits rule --shapes 8,4096,1024 16,1024,1024 4,16384,1024 128,256,1024 1,65536,256 2,32768,512 --chunk-tiles 16,4,128 --json /tmp/r/sweep_hgru_bf16.json > /tmp/r/sweep_hgru_bf16.txt 2>&1; grep -A9 "best by fwd" /tmp/r/sweep_hgru_bf16.txt
timeout 60 python benchmarks/sweep_tiles.py --families hgru --dtypes fp32 --tiles 1,64,1 --splits rule --shapes 8,4096,1024 16,1024,1024 128,256,1024 --chunk-tiles 16,4,64 8,4,64 --json /tmp/r/sweep_hgru_fp32.json > /tmp/r/sweep_hgru_fp32.txt 2>&1; grep -A6 "best by fwd" /tmp/r/sweep_hgru_fp32.txt
python - <<'PY'
import json
for f in ["/tmp/r/sweep_hgru_bf16.json", "/tmp/r/sweep_hgru_fp32.json"]:
    for r in json.load(open(f))["rows"]:
        print(r["dtype"], r["B,T,D"], r["tile"], r["splits"], r.get("fwd ms"), r.get("fwd ratio"), r.get("bwd ms"))
PY
tar czf $OUT/final2.tgz -C /tmp/r .

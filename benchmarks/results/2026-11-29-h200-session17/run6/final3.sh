#!/usr/bin/env bash
# the layer's norm-gate backward: now / bf16 blocks of 4096 / previous kernel -> $OUT/layer_norm_*.txt
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
for v in now e4096 old; do timeout 100 env VARIANT=$v python xk/layer_norm.py > $OUT/layer_norm_$v.txt 2>&1; grep -E 'VARIANT|inputs|_norm_bwd|bf16 autocast' $OUT/layer_norm_$v.txt | grep -v '^| Hgru'; done

# session 24, call 1: chunk tiles with narrow channel blocks (common._chunk_plan's lanes) against the rule of the time
export PYTHONPATH=. PYTHONUNBUFFERED=1; nvidia-smi --query-gpu=name,clocks.max.sm --format=csv,noheader; s=$SECONDS; timeout -s KILL 540 python3 xk/narrow_ab.py > $OUT/narrow_ab.txt 2>&1; echo "rc=$? $((SECONDS-s)) s"; cat $OUT/narrow_ab.txt

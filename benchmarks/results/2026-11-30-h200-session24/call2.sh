# session 24, call 2: more narrow candidates, per chain count (the plan now leaves at least two chunks)
export PYTHONPATH=. PYTHONUNBUFFERED=1; s=$SECONDS; timeout -s KILL 560 python3 xk/narrow_ab2.py > $OUT/narrow_ab2.txt 2>&1; echo "rc=$? $((SECONDS-s)) s"; cat $OUT/narrow_ab2.txt

# session 23, call 4: the real chunk forward with each chunk's aggregate and output in two programs (xk/twophase.py)
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 400 python3 xk/tp_ab.py > $OUT/tp_ab.txt 2>&1; echo "rc=$? $((SECONDS-s)) s"; grep -v "^   " $OUT/tp_ab.txt | tail -30; grep "^   " $OUT/tp_ab.txt | head -120

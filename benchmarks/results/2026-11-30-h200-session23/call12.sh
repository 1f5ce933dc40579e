# session 23, call 12: the real forward with few chains in three launches (xk/threepass.py) against the current kernels
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 200 python3 xk/tp3_ab.py > $OUT/tp3_ab.txt 2>&1; echo "rc=$? $((SECONDS-s)) s"; cat $OUT/tp3_ab.txt | tail -12

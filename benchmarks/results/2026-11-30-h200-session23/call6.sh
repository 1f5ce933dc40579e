# session 23, call 6: the real chunk forward rescanned in two halves (xk/halves.py); one chain with other chunk tiles
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 300 python3 xk/hv_ab.py > $OUT/hv_ab.txt 2>&1; echo "rc=$? $((SECONDS-s)) s"; cat $OUT/hv_ab.txt | tail -60

# session 23, call 7: the plain scans' chunk tile with few chains: 16 x 4 warps (now) vs 16 x 8 and 8 x 8
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 400 python3 xk/few_ab.py > $OUT/few_ab.txt 2>&1; echo "rc=$? $((SECONDS-s)) s"; cat $OUT/few_ab.txt | tail -30

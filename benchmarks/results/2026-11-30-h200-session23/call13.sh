# session 23, call 13: the look-back window with few chains (current kernels, 16 x 8 warp chunks)
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 150 python3 xk/win_ab.py > $OUT/win_ab.txt 2>&1; echo "rc=$? $((SECONDS-s)) s"; cat $OUT/win_ab.txt | tail -8

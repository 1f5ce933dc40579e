# session 23, call 11: where a real chunk-forward program's life goes (xk/walk.py): phases, look-back turns
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 200 python3 xk/walk_ab.py > $OUT/walk.txt 2>&1; echo "rc=$? $((SECONDS-s)) s"; cat $OUT/walk.txt | tail -50

# session 23, call 10: complex (and real) backward at 16 chains: [16 x 4 warps] vs [16 x 8 warps], three rounds
export PYTHONPATH=. PYTHONUNBUFFERED=1
s=$SECONDS; timeout -s KILL 200 python3 xk/few_ab.py complex,bf16,2,16384,1024 complex,bf16,4,16384,512 complex,bf16,1,65536,1024 real,bf16,4,16384,1024 real,bf16,2,32768,2048 > $OUT/few16.txt 2>&1; echo "rc=$? $((SECONDS-s)) s"; cat $OUT/few16.txt | tail -8

# session 23, call 2: persistent pipelined (relaxed and unpipelined variants) real chunk forward (xk/pipe.py) against the current kernels
export PYTHONPATH=. PYTHONUNBUFFERED=1
python3 -c "import torch, triton; print('torch', torch.__version__, 'triton', triton.__version__)"

s=$SECONDS; timeout -s KILL 400 python3 xk/pipe_ab.py > $OUT/pipe_ab.txt 2>&1; echo "full rc=$? $((SECONDS-s)) s"; grep -v "^   " $OUT/pipe_ab.txt | tail -30; grep "^   " $OUT/pipe_ab.txt | head -80

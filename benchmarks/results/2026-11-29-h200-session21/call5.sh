# session 21, call 5: fairseq-train (LRA ListOps demo, 2 updates) ended 8 times on the GPU without and with the plugin's stop of the read-ahead thread
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH=.:/tmp/site PATH=/tmp/bin:/tmp/site/bin:$PATH PYTHONUNBUFFERED=1
mkdir -p /tmp/bin && printf '#!/bin/sh\nexec python3 "$@"\n' > /tmp/bin/python && chmod +x /tmp/bin/python
DEADLINE=$(( SECONDS + 400 ))
timeout 30 python -c "from lra import generate; generate.write_listops('/tmp/listops', {'train': 600, 'val': 100, 'test': 100}, 500, 2000)" > $OUT/listops_data.txt 2>&1
ARGS="/tmp/listops --user-dir fairseq_plugin --task lra --lra-task listops --arch hgrn_lra_listops --n-layers 1 --d-model 64 --criterion classification --optimizer adam --lr 1e-3 --max-update 2 --batch-size 4 --no-save --disable-validation --save-dir /tmp/sd"
ls /tmp/listops > $OUT/listops_ls.txt 2>&1
for mode in without with; do
  ok=0; bad=0
  for i in 1 2 3 4 5 6 7 8; do
    [ $(( DEADLINE - SECONDS )) -gt 40 ] || { echo "deadline"; break; }
    if [ $mode = without ]; then
      timeout 60 python -c "import threading, sys; threading._register_atexit = lambda *a, **k: None; sys.argv = ['fairseq-train'] + sys.argv[1:]; from fairseq_cli.train import cli_main; cli_main()" $ARGS > $OUT/run_${mode}_$i.txt 2>&1
    else
      timeout 60 fairseq-train $ARGS > $OUT/run_${mode}_$i.txt 2>&1
    fi
    rc=$?; [ $rc = 0 ] && ok=$((ok+1)) || { bad=$((bad+1)); echo "$mode run $i rc=$rc: $(grep -o 'terminate called.*\|[A-Za-z]*Error.*' $OUT/run_${mode}_$i.txt | head -2 | paste -sd' ')"; }
  done
  echo "$mode: $ok exited 0, $bad did not"
done

#!/usr/bin/env bash
# HGRN autoregressive language modelling (paper table 3: WikiText-103, hgrn_lm_base, test ppl 24.82).
# End to end: prepare data -> train (fairseq) -> test perplexity -> sampled continuations -> curves.
#
#   bash script_alm.sh                       # WikiText-103, GPT-2 BPE, hgrn_lm_base, all visible GPUs
#   GPUS=2 MAX_UPDATE=50000 bash script_alm.sh
#   DATASET=demo bash script_alm.sh          # offline: shipped Wikipedia corpus, tiny model, CPU, minutes
#   CUDA_GRAPHS=1 bash script_alm.sh         # each step's decoder replayed from CUDA graphs (HGRN only)
#
# Every setting below is a variable with a default. The update holds 128 sequences x 512 tokens
# whatever GPUS is (UPDATE_FREQ = 128 / 8 / GPUS, as the official script). GPUS=0 trains on the
# CPU; DEVICE=cpu GPUS=2 runs two CPU processes through fairseq's DDP with gloo (for testing).
# Several nodes: run fairseq-train under torchrun on each node with the same arguments (README).
set -euo pipefail
cd "$(dirname "$0")"

DATASET=${DATASET:-wikitext-103}   # wikitext-103 | demo
if [ "$DATASET" = demo ]; then demo=1; else demo=0; fi
VOCAB=${VOCAB:-$([ $demo = 1 ] && echo word || echo bpe)}         # bpe (paper) | word (older README)
DATA_DIR=${DATA_DIR:-data}                                          # downloads, raw text, data-bin
ARCH=${ARCH:-$([ $demo = 1 ] && echo hgrn_lm_tiny || echo hgrn_lm_base)}
DEVICE=${DEVICE:-auto}                                              # auto | cuda | cpu
GPUS=${GPUS:-auto}                                                  # processes; auto = visible GPUs
MAX_UPDATE=${MAX_UPDATE:-$([ $demo = 1 ] && echo 300 || echo 100000)}
TOKENS_PER_SAMPLE=${TOKENS_PER_SAMPLE:-$([ $demo = 1 ] && echo 128 || echo 512)}
MAX_TOKENS=${MAX_TOKENS:-$([ $demo = 1 ] && echo 2048 || echo 4096)}  # per process and step
SEQS_PER_UPDATE=${SEQS_PER_UPDATE:-$([ $demo = 1 ] && echo 16 || echo 128)}
LR=${LR:-$([ $demo = 1 ] && echo 2e-3 || echo 5e-4)}
WARMUP=${WARMUP:-$([ $demo = 1 ] && echo 50 || echo 8000)}
WEIGHT_DECAY=${WEIGHT_DECAY:-$([ $demo = 1 ] && echo 0.01 || echo 0.2)}
DROPOUT=${DROPOUT:-0.1}
PRECISION=${PRECISION:-fp32}                                        # fp32 (paper) | fp16 | amp
CUDA_GRAPHS=${CUDA_GRAPHS:-0}                                       # 1: --cuda-graphs (hgrn_lm archs, DEVICE=cuda)
SEED=${SEED:-1}
SAVE_DIR=${SAVE_DIR:-checkpoints/lm-$DATASET-$VOCAB-$ARCH}
LOG_INTERVAL=${LOG_INTERVAL:-$([ $demo = 1 ] && echo 25 || echo 100)}
CONTEXT_WINDOW=${CONTEXT_WINDOW:-$(( TOKENS_PER_SAMPLE * 25 / 32 ))}  # eval-lm context (400 at 512, as fairseq's LM README)
N_SAMPLES=${N_SAMPLES:-3}
EXTRA_ARGS=${EXTRA_ARGS:-}                                          # appended to fairseq-train

say() { echo "[script_alm] $*"; }
die() { echo "[script_alm] ERROR: $*" >&2; exit 1; }

case "$ARCH" in hgrn_lm_base|hgrn_lm_tiny|transformer_lm*) ;; *) die "unknown ARCH=$ARCH (hgrn_lm_base, hgrn_lm_tiny, or a fairseq transformer_lm* for comparison)";; esac
case "$PRECISION" in fp32) prec=();; fp16) prec=(--fp16);; amp) prec=(--amp);;
  *) die "PRECISION must be fp32, fp16 or amp (fairseq's --bf16 switches it to TPU mode)";; esac

visible=$(python -c "import torch; print(torch.cuda.device_count())")
if [ "$DEVICE" = auto ]; then DEVICE=$([ "$visible" -gt 0 ] && [ "$GPUS" != 0 ] && echo cuda || echo cpu); fi
if [ "$GPUS" = auto ]; then GPUS=$([ "$DEVICE" = cuda ] && echo "$visible" || echo 1); fi
[ "$GPUS" = 0 ] && { DEVICE=cpu; GPUS=1; }
if [ "$DEVICE" = cuda ] && [ "$GPUS" -gt "$visible" ]; then
  die "GPUS=$GPUS but $visible CUDA GPU(s) are visible; set GPUS<=$visible, or GPUS=0 for the CPU"
fi
graphs=()
case "$CUDA_GRAPHS" in 0) ;; 1)
  [ "$DEVICE" = cuda ] || die "CUDA_GRAPHS=1 needs DEVICE=cuda (got $DEVICE)"
  case "$ARCH" in hgrn_lm*) graphs=(--cuda-graphs);; *) die "CUDA_GRAPHS=1 is an option of the hgrn_lm archs, not $ARCH";; esac;;
  *) die "CUDA_GRAPHS must be 0 or 1, got $CUDA_GRAPHS";; esac
per_step=$(( MAX_TOKENS / TOKENS_PER_SAMPLE ))
[ $(( SEQS_PER_UPDATE % (per_step * GPUS) )) = 0 ] || die "SEQS_PER_UPDATE=$SEQS_PER_UPDATE is not a multiple of $per_step sequences x GPUS=$GPUS"
UPDATE_FREQ=${UPDATE_FREQ:-$(( SEQS_PER_UPDATE / per_step / GPUS ))}
say "dataset $DATASET ($VOCAB), arch $ARCH, $GPUS x $DEVICE, update = $SEQS_PER_UPDATE x $TOKENS_PER_SAMPLE tokens (update_freq $UPDATE_FREQ), $MAX_UPDATE updates, save to $SAVE_DIR"

# 1. data ---------------------------------------------------------------------------------------
DATA_BIN=$(python scripts/prepare_lm_data.py --dataset "$DATASET" --vocab "$VOCAB" --data-dir "$DATA_DIR" | tail -n 1)
[ -f "$DATA_BIN/train.bin" ] || die "no binarised data at $DATA_BIN (run: python scripts/prepare_lm_data.py --dataset $DATASET --vocab $VOCAB --data-dir $DATA_DIR)"

# 2. train -------------------------------------------------------------------------------------
mkdir -p "$SAVE_DIR"
train_args=("$DATA_BIN" --user-dir fairseq_plugin --task language_modeling --arch "$ARCH"
  --share-decoder-input-output-embed --dropout "$DROPOUT" --optimizer adam --adam-betas '(0.9, 0.98)'
  --weight-decay "$WEIGHT_DECAY" --clip-norm 0.0 --lr "$LR" --lr-scheduler inverse_sqrt
  --warmup-updates "$WARMUP" --warmup-init-lr 1e-07 --tokens-per-sample "$TOKENS_PER_SAMPLE"
  --sample-break-mode none --max-tokens "$MAX_TOKENS" --batch-size "$per_step" --update-freq "$UPDATE_FREQ"
  --max-update "$MAX_UPDATE" --seed "$SEED" --save-dir "$SAVE_DIR" --no-epoch-checkpoints
  --log-format json --log-interval "$LOG_INTERVAL" "${prec[@]}")
[ "$DEVICE" = cpu ] && train_args+=(--cpu)
train_args+=("${graphs[@]}")
# shellcheck disable=SC2206
train_args+=($EXTRA_ARGS)
say "fairseq-train ${train_args[*]}"
# The console output, json records included, is appended to train.log (tracebacks too). Not
# fairseq's --log-file: it adds a file handler at every epoch and validation, so each record was
# written once more per epoch (ve-fairseq 0.12.3, fairseq/logging/progress_bar.py).
if [ "$DEVICE" = cpu ] && [ "$GPUS" -gt 1 ]; then
  port=$(( 20000 + RANDOM % 20000 ))
  say "launching $GPUS CPU processes (gloo); ranks 1.. log to $SAVE_DIR/rank<N>.log"
  gloo=(--distributed-world-size "$GPUS" --distributed-backend gloo --distributed-init-method "tcp://127.0.0.1:$port"
    --distributed-no-spawn --ddp-backend legacy_ddp)  # torch DDP on CPU refuses the device_ids fairseq passes
  pids=()
  for rank in $(seq 1 $(( GPUS - 1 ))); do
    fairseq-train "${train_args[@]}" "${gloo[@]}" --distributed-rank "$rank" > "$SAVE_DIR/rank$rank.log" 2>&1 &
    pids+=($!)
  done
  fairseq-train "${train_args[@]}" "${gloo[@]}" --distributed-rank 0 2>&1 | tee -a "$SAVE_DIR/train.log" \
    || die "training failed (see $SAVE_DIR/train.log)"
  for pid in "${pids[@]}"; do wait "$pid" || die "a training process failed (see $SAVE_DIR/rank*.log)"; done
else
  [ "$GPUS" -gt 1 ] && train_args+=(--distributed-world-size "$GPUS")
  fairseq-train "${train_args[@]}" 2>&1 | tee -a "$SAVE_DIR/train.log" || die "training failed (see $SAVE_DIR/train.log)"
fi

# 3. test perplexity ---------------------------------------------------------------------------
eval_args=("$DATA_BIN" --user-dir fairseq_plugin --path "$SAVE_DIR/checkpoint_best.pt" --gen-subset test
  --tokens-per-sample "$TOKENS_PER_SAMPLE" --context-window "$CONTEXT_WINDOW" --max-tokens "$MAX_TOKENS")
[ "$DEVICE" = cpu ] && eval_args+=(--cpu)
fairseq-eval-lm "${eval_args[@]}" 2>&1 | tee "$SAVE_DIR/eval_test.log"
ppl=$(grep -o "Perplexity: [0-9.]*" "$SAVE_DIR/eval_test.log" | tail -n 1 | cut -d' ' -f2)
unigram=$(python -c "import json; print(round(json.load(open('$DATA_BIN.done'))['unigram_test_ppl'], 1))")
say "test perplexity $ppl (add-one unigram baseline on the same split: $unigram)"

# 4. samples and 5. curves -----------------------------------------------------------------------
python scripts/sample_lm.py --data-bin "$DATA_BIN" --checkpoint "$SAVE_DIR/checkpoint_best.pt" \
  --n "$N_SAMPLES" --device "$DEVICE" | tee "$SAVE_DIR/samples.txt"
python scripts/plot_curves.py "$SAVE_DIR/train.log" --out "$SAVE_DIR/curves.png" --title "$ARCH on $DATASET ($VOCAB)"
say "done: $SAVE_DIR (checkpoint_best.pt, train.log, eval_test.log, samples.txt, curves.png)"

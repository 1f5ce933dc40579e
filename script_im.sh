#!/usr/bin/env bash
# HGRN image classification (paper table 4: ImageNet-1k, hgrn1d_vit_tiny 74.40 / hgrn1d_vit_small 80.09 top-1).
# The DeiT recipe with attention + MLP replaced by HGRU + GLU, trained through fairseq.
#
#   bash script_im.sh                                # ImageNet-1k, hgrn1d_vit_tiny, 300 epochs, all GPUs
#   ARCH=hgrn1d_vit_small GPUS=8 bash script_im.sh
#   DATASET=cifar10 bash script_im.sh                # CIFAR-10 python batches, 32px, patch 2
#   DATASET=demo bash script_im.sh                   # offline: sklearn digits in the ImageFolder layout, CPU
#   PRECISION=amp CUDA_GRAPHS=1 bash script_im.sh    # mixed precision, each step's network replayed from CUDA graphs
#
# The global batch is TOTAL_BATCH (paper: 2048 = 2 GPUs x 1024) split over GPUS; the learning rate
# is 5e-4 x TOTAL_BATCH / 512. ImageNet is the default dataset (the official script silently
# switched it to CIFAR "for test"; nothing here overrides a dataset you set).
set -euo pipefail
cd "$(dirname "$0")"

DATASET=${DATASET:-imagenet}                 # imagenet | cifar10 | demo
DATA_DIR=${DATA_DIR:-data}
case "$DATASET" in
  imagenet) format=imagefolder; IMG=${IMG:-224}; PATCH=${PATCH:-14};;
  cifar10)  format=cifar10; IMG=${IMG:-32}; PATCH=${PATCH:-2};;
  demo)     format=imagefolder; IMG=${IMG:-32}; PATCH=${PATCH:-4};;
  *) echo "[script_im] ERROR: unknown DATASET=$DATASET (imagenet, cifar10, demo)" >&2; exit 1;;
esac
demo=$([ "$DATASET" = demo ] && echo 1 || echo 0)
ARCH=${ARCH:-$([ $demo = 1 ] && echo hgrn1d_vit_demo || echo hgrn1d_vit_tiny)}
DEVICE=${DEVICE:-auto}
GPUS=${GPUS:-auto}
EPOCHS=${EPOCHS:-$([ $demo = 1 ] && echo 10 || echo 300)}
TOTAL_BATCH=${TOTAL_BATCH:-$([ $demo = 1 ] && echo 64 || echo 2048)}
BASE_LR=${BASE_LR:-$([ $demo = 1 ] && echo 1.6e-2 || echo 5e-4)}   # per 512 images; demo: 2e-3 at 64
WARMUP_EPOCHS=${WARMUP_EPOCHS:-$([ $demo = 1 ] && echo 1 || echo 10)}
WEIGHT_DECAY=${WEIGHT_DECAY:-0.05}
DROP_PATH=${DROP_PATH:-0.0}                  # official: accepted but unused, i.e. 0
SEED=${SEED:-3407}
WORKERS=${WORKERS:-$([ $demo = 1 ] && echo 1 || echo 10)}
SAVE_DIR=${SAVE_DIR:-checkpoints/im-$DATASET-$ARCH}
MAX_UPDATE=${MAX_UPDATE:-}                   # overrides EPOCHS (short runs, throughput tests)
PRECISION=${PRECISION:-fp32}                 # fp32 | fp16 | amp (fairseq's --bf16 switches it to TPU mode)
CUDA_GRAPHS=${CUDA_GRAPHS:-0}                # 1: --cuda-graphs; with amp HGRN-T 1.6x, HGRN-S 1.4x images/s on an H200
# The DeiT augmentation; the demo's 1,438 8x8 digits learn little in minutes under it, so the
# demo turns it off (the same code path, weaker settings).
if [ $demo = 1 ]; then AUG_ARGS=${AUG_ARGS-"--auto-augment none --mixup 0 --cutmix 0 --reprob 0 --no-repeated-aug"}
else AUG_ARGS=${AUG_ARGS-}; fi
EXTRA_ARGS=${EXTRA_ARGS:-}

say() { echo "[script_im] $*"; }
die() { echo "[script_im] ERROR: $*" >&2; exit 1; }
case "$ARCH" in hgrn1d_vit_tiny|hgrn1d_vit_small|hgrn1d_vit_demo) ;; *) die "unknown ARCH=$ARCH (hgrn1d_vit_tiny, hgrn1d_vit_small, hgrn1d_vit_demo)";; esac
[ $(( IMG % PATCH )) = 0 ] || die "image size $IMG is not a multiple of the patch size $PATCH"
case "$PRECISION" in fp32) prec=();; fp16) prec=(--fp16);; amp) prec=(--amp);;
  *) die "PRECISION must be fp32, fp16 or amp (fairseq's --bf16 switches it to TPU mode)";; esac

visible=$(python -c "import torch; print(torch.cuda.device_count())")
if [ "$DEVICE" = auto ]; then DEVICE=$([ "$visible" -gt 0 ] && [ "$GPUS" != 0 ] && echo cuda || echo cpu); fi
if [ "$GPUS" = auto ]; then GPUS=$([ "$DEVICE" = cuda ] && echo "$visible" || echo 1); fi
[ "$GPUS" = 0 ] && { DEVICE=cpu; GPUS=1; }
[ "$DEVICE" = cuda ] && [ "$GPUS" -gt "$visible" ] && die "GPUS=$GPUS but $visible CUDA GPU(s) are visible"
[ $(( TOTAL_BATCH % GPUS )) = 0 ] || die "TOTAL_BATCH=$TOTAL_BATCH is not divisible by GPUS=$GPUS"
BATCH=$(( TOTAL_BATCH / GPUS ))
graphs=()
case "$CUDA_GRAPHS" in 0) ;; 1) [ "$DEVICE" = cuda ] || die "CUDA_GRAPHS=1 needs DEVICE=cuda (got $DEVICE)"; graphs=(--cuda-graphs);;
  *) die "CUDA_GRAPHS must be 0 or 1, got $CUDA_GRAPHS";; esac

# 1. data: prepared (demo, CIFAR-10) or checked (ImageNet needs the ILSVRC2012 tars, see the script)
root=$(python scripts/prepare_image_data.py --dataset "$DATASET" --data-dir "$DATA_DIR" | tail -n 1)
[ -d "$root" ] || die "no dataset at $root"

# 2. schedule in updates: images per rank and epoch as timm's RepeatAugSampler selects them
read -r per_epoch n_train <<<"$(python - "$root" "$format" "$GPUS" "$BATCH" "$AUG_ARGS" <<'EOF'
import os, sys
root, fmt, gpus, batch, aug = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
n = 50000 if fmt == "cifar10" else sum(len(os.listdir(e.path)) for e in os.scandir(os.path.join(root, "train")) if e.is_dir())
per_rank = n // 256 * 256 // gpus if "--no-repeated-aug" not in aug else n // gpus
print(max(1, per_rank // batch), n)
EOF
)"
TOTAL_UPDATES=${MAX_UPDATE:-$(( per_epoch * EPOCHS ))}
LR=$(python -c "print($BASE_LR * $TOTAL_BATCH / 512)")
say "dataset $DATASET ($n_train training images, $IMG px, patch $PATCH), arch $ARCH, $GPUS x $DEVICE, batch $BATCH x $GPUS, lr $LR, $per_epoch updates/epoch, $TOTAL_UPDATES updates, save to $SAVE_DIR"

mkdir -p "$SAVE_DIR"
args=("$root" --user-dir fairseq_plugin --task image_classification --dataset-format "$format" --img-size "$IMG"
  --arch "$ARCH" --patch-size "$PATCH" --drop-path-rate "$DROP_PATH" --criterion classification
  --optimizer deit_adamw --weight-decay "$WEIGHT_DECAY" --lr "$LR" --lr-scheduler cosine
  --warmup-updates $(( per_epoch * WARMUP_EPOCHS )) --warmup-init-lr 1e-6 --min-lr 1e-5 --max-update "$TOTAL_UPDATES"
  --clip-norm 5 --batch-size "$BATCH" --seed "$SEED" --num-workers "$WORKERS" --best-checkpoint-metric acc1
  --maximize-best-checkpoint-metric --save-dir "$SAVE_DIR" --no-epoch-checkpoints --log-format json
  --log-interval 20)
[ "$DEVICE" = cpu ] && args+=(--cpu)
args+=("${prec[@]}")
[ "$GPUS" -gt 1 ] && args+=(--distributed-world-size "$GPUS")
args+=("${graphs[@]}")
# shellcheck disable=SC2206
args+=($AUG_ARGS $EXTRA_ARGS)
say "fairseq-train ${args[*]}"
# console output (json records, tracebacks) appended to train.log; not --log-file (script_alm.sh says why)
fairseq-train "${args[@]}" 2>&1 | tee -a "$SAVE_DIR/train.log" || die "training failed (see $SAVE_DIR/train.log)"

python - "$SAVE_DIR/train.log" <<'EOF'
import json, sys
recs = [json.loads(l[l.index('{"'):]) for l in open(sys.argv[1]) if '{"' in l and '"valid_acc1"' in l]
if not recs:
    print("[script_im] no validation records (validation disabled?)")
    sys.exit(0)
best = max(recs, key=lambda r: float(r["valid_acc1"]))
print(f"[script_im] best top-1 {float(best['valid_acc1']):.2f}%, top-5 {float(best['valid_acc5']):.2f}% "
      f"(epoch {best['epoch']}, update {best['valid_num_updates']}); last top-1 {float(recs[-1]['valid_acc1']):.2f}%")
EOF
python scripts/plot_curves.py "$SAVE_DIR/train.log" --out "$SAVE_DIR/curves.png" --title "$ARCH on $DATASET"
say "done: $SAVE_DIR (checkpoint_best.pt, train.log, curves.png)"

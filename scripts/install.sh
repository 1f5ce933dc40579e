#!/usr/bin/env bash
# Install the project into the active Python (3.11 or 3.12) environment:
#   1. torch + torchvision ($TORCH), first, so that nothing later pulls another torch;
#   2. requirements.txt, with the installed torch pinned; 3. fairseq (hash-checked, no deps);
#   4. the hgru package (editable); 5. with WITH_TESTS=1, the test requirements.
#   TORCH="torch==2.14.1 torchvision==0.29.1" bash scripts/install.sh   # the tested pair (default)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
TORCH=${TORCH:-"torch==2.14.1 torchvision==0.29.1"}
say() { echo "[install] $*"; }
say "python: $($PY --version)"
say "1/5 $TORCH"
# shellcheck disable=SC2086
$PY -m pip install $TORCH
pins=$(mktemp)
$PY -m pip freeze | grep -iE '^(torch|torchvision|triton)==' > "$pins"
say "pinned: $(tr '\n' ' ' < "$pins")"
say "2/5 requirements.txt"
$PY -m pip install -c "$pins" -r requirements.txt
say "3/5 fairseq (ve-fairseq, --no-deps --require-hashes)"
$PY -m pip install --no-deps --require-hashes -r requirements-fairseq.txt
say "4/5 hgru (editable)"
$PY -m pip install -c "$pins" --no-deps -e .
if [ "${WITH_TESTS:-0}" = 1 ]; then
  say "5/5 test requirements"
  $PY -m pip install -c "$pins" -r requirements-test.txt
fi
rm -f "$pins"
$PY -c "import torch, fairseq, hgru; print('[install] ok: torch', torch.__version__, '| fairseq', fairseq.__version__, '| hgru', hgru.__version__)"

#!/usr/bin/env bash
# The prepared GPU check, for a task that is lent a GPU machine: one call, about 10 minutes.
#   1. the throughput table on the GPU (batched trainer vs per-run loops, --quick sizes);
#   2. the full SPEC §9 grid (300 runs, 10,000 epochs, reference seeding), batched per (d, q).
# Needs only python3 with torch, numpy, attrs and multipledispatch (no install: the packages
# are imported from the checkout). The two logs and grid.tgz (one JSON per (d, q) group) go to
# $OUT (the device tool's folder, which takes back at most 8 files) or runs/gpu.
#
#     bash benchmarks/gpu_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
out="${OUT:-runs/gpu}"
mkdir -p "$out"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
python3 benchmarks/train_throughput.py --quick --device cuda 2>&1 | tee "$out/train_throughput.txt"
python3 benchmarks/gpu_grid.py --device cuda --out runs/gpu/grid 2>&1 | tee "$out/gpu_grid.txt"
tar czf "$out/grid.tgz" -C runs/gpu grid

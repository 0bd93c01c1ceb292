#!/usr/bin/env bash
# The prepared GPU check, for a task that is lent a GPU machine: one call of at most 9.5 minutes
# (the device tool allows 10 per command).
#   1. the full SPEC §9 grid (300 runs, 10,000 epochs, reference seeding), batched per (d, q),
#      cut at 7.5 minutes (every finished group has printed its time by then);
#   2. the throughput table on the GPU (batched trainer vs per-run loops, --quick sizes), cut at
#      1.5 minutes.
# Needs only python3 with torch, numpy, attrs and multipledispatch (no install: the packages
# are imported from the checkout). The two logs and grid.tgz (one JSON per (d, q) group) go to
# $OUT (the device tool's folder, which takes back at most 8 files) or runs/gpu.
#
#     bash benchmarks/gpu_check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
out="${OUT:-runs/gpu}"
mkdir -p "$out" runs/gpu/grid
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
timeout 450 python3 benchmarks/gpu_grid.py --device cuda --out runs/gpu/grid 2>&1 | tee "$out/gpu_grid.txt"
tar czf "$out/grid.tgz" -C runs/gpu grid
timeout 90 python3 benchmarks/train_throughput.py --quick --device cuda 2>&1 | tee "$out/train_throughput.txt"

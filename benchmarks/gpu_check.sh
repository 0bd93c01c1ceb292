#!/usr/bin/env bash
# The GPU check: one command of at most 9.5 minutes on one H200.
#   1. the full docs/paper.md grid (300 runs, 10,000 epochs, reference seeding), batched per (d, q),
#      local backend, cut at 5.5 minutes (every finished group has printed its time by then);
#   2. the Ray backend on one device: the d ∈ {23, 71} groups (8 × 25 runs) at 1,000 epochs,
#      first with the local backend (one group after another), then with Ray (every group a
#      shard, all submitted at once and packed on the GPU, 0.25 GPU each), cut at 1 and 1.5
#      minutes (the Ray run is interrupted with SIGINT, so it stops the Ray it started); skipped
#      with a line when Ray is not installed;
#   3. the throughput table on the GPU (batched trainer vs per-run loops, --quick sizes), cut at
#      1 minute.
# Needs python3 with torch, numpy, attrs and multipledispatch (the packages are imported from
# the checkout), and ray for part 2. The logs and grid.tgz (one JSON per (d, q) group) go to
# $OUT when it is set (at most 8 files), else runs/gpu.
#
#     bash benchmarks/gpu_check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
out="${OUT:-runs/gpu}"
mkdir -p "$out" runs/gpu/grid
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
timeout 330 python3 benchmarks/gpu_grid.py --device cuda --out runs/gpu/grid 2>&1 | tee "$out/gpu_grid.txt"
tar czf "$out/grid.tgz" -C runs/gpu grid
if python3 -c "import ray" 2>/dev/null; then
  {
    echo "== local backend: d 23,71, 1000 epochs"
    timeout 60 python3 benchmarks/gpu_grid.py --device cuda --d 23,71 --epochs 1000
    echo "== ray backend, shards packed on one GPU: d 23,71, 1000 epochs"
    timeout -s INT -k 15 90 python3 benchmarks/gpu_grid.py --device cuda --d 23,71 --epochs 1000 --backend ray --gpus-per-shard 0.25
  } 2>&1 | tee "$out/gpu_ray.txt"
else
  echo "ray is not installed here: Ray part skipped (pip install -e '.[distributed]')" | tee "$out/gpu_ray.txt"
fi
timeout 60 python3 benchmarks/train_throughput.py --quick --device cuda 2>&1 | tee "$out/train_throughput.txt"

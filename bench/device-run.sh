#!/usr/bin/env bash
# On the GPU machine (no node there): unpacks the node binary carried in .carry/node.xz, then runs the
# GPU evidence and the 16-core OpenMP scaling benchmark with the real CLI (dist/ is carried too), and
# packs the results into $OUT/results.tar.gz. Prepare here with: bash bench/device-prepare.sh
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p /tmp/pf-node && xz -dc .carry/node.xz > /tmp/pf-node/node && chmod +x /tmp/pf-node/node
export PATH=/tmp/pf-node:$PATH
R=/tmp/pf-results; mkdir -p $R
{ nproc; lscpu | grep -E 'Model name|Socket|Core|Thread'; nvidia-smi -L; gcc --version | head -1; nvcc --version | tail -1; node --version; } > $R/machine.txt 2>&1
bash bench/gpu-evidence.sh $R/gpu 2>&1 | tee $R/gpu.log
bash bench/omp-scaling.sh $R/scaling large 2>&1 | tee $R/scaling.log
tar -czf "$OUT/results.tar.gz" -C $R .

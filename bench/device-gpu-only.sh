#!/usr/bin/env bash
# Like bench/device-run.sh, but only the CUDA evidence (a quicker GPU-machine call).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p /tmp/pf-node && xz -dc .carry/node.xz > /tmp/pf-node/node && chmod +x /tmp/pf-node/node
export PATH=/tmp/pf-node:$PATH
bash bench/gpu-evidence.sh /tmp/pf-gpu 2>&1 | tee /tmp/pf-gpu.log
tar -czf "$OUT/gpu.tar.gz" -C /tmp/pf-gpu . -C /tmp pf-gpu.log

#!/usr/bin/env bash
# Runs `paraforge verify` on the CUDA fixtures on a machine with an NVIDIA GPU and compute-sanitizer,
# writing each Evidence as JSON into DIR: a correct kernel, a shared-memory race (racecheck), an
# out-of-bounds write (memcheck), and an OpenMP rewrite of a .cu file (cannot be race-checked).
# Usage: bench/gpu-evidence.sh DIR      (needs node and dist/; see bench/device-run.sh)
set -uo pipefail
cd "$(dirname "$0")/.."
DIR=$(mkdir -p "${1:?usage: bench/gpu-evidence.sh DIR}" && cd "$1" && pwd)
fx=test/fixtures
sed 's/if (i <= n)/if (i < n)/' $fx/cuda/out_of_bounds.cu > "$DIR/in_bounds.cu"
verify() { local name=$1; shift; node dist/cli.js verify "$@" --json > "$DIR/$name.json"; echo "$name: exit $? $(node -e 'const e=require(process.argv[1]); console.log(e.verdict, "-", e.summary)' "$DIR/$name.json" 2>&1 | head -3)"; }
verify cuda-vadd $fx/runner/vadd_serial.cu $fx/runner/vadd.cu --target cuda
verify cuda-shared-race $fx/cuda/block_sum.cu $fx/cuda/block_sum_race.cu --target cuda
verify cuda-block-sum $fx/cuda/block_sum.cu $fx/cuda/block_sum.cu --target cuda
verify cuda-out-of-bounds "$DIR/in_bounds.cu" $fx/cuda/out_of_bounds.cu --target cuda
node dist/cli.js parallelize examples/vector_add.cu --out "$DIR/vector_add.omp.cu" 2> "$DIR/vector_add.txt"
verify cuda-host-openmp examples/vector_add.cu "$DIR/vector_add.omp.cu" --target openmp

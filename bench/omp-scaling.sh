#!/usr/bin/env bash
# OpenMP scaling of ParaForge's own rewrites: for each kernel in bench/kernels, `paraforge parallelize`
# rewrites it and `paraforge verify` checks and times the rewrite over thread counts (1, 2, 4, … up
# to the cores). Writes KERNEL.json (the Evidence) and KERNEL.txt (the rewrite summary) into DIR.
# Usage: bench/omp-scaling.sh DIR [small|large]   (large: sizes for a 16-core machine)
# Needs node and dist/ (node scripts/build.mjs). Without clang + Archer (e.g. on the GPU machine) the
# race check is skipped: the evidence then says not-run, and only its timings are used.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=$(mkdir -p "${1:?usage: bench/omp-scaling.sh DIR [small|large]}" && cd "$1" && pwd)
SCALE=${2:-small}
mkdir -p "$DIR"
declare -A SMALL=([jacobi2d]="600 10" [matmul]="400" [norms]="2000000 10" [triangular]="6000")
declare -A LARGE=([jacobi2d]="3000 30" [matmul]="1200" [norms]="20000000 10" [triangular]="40000")
race=()
command -v clang >/dev/null && [ -e /usr/lib/llvm-14/lib/libarcher.so ] || race=(--no-race-check)
for k in jacobi2d matmul norms triangular; do
  if [ "$SCALE" = large ]; then args=${LARGE[$k]}; else args=${SMALL[$k]}; fi
  node dist/cli.js parallelize "bench/kernels/$k.c" --out "$DIR/$k.omp.c" 2> "$DIR/$k.txt"
  # shellcheck disable=SC2086
  node dist/cli.js verify "bench/kernels/$k.c" "$DIR/$k.omp.c" --json --repeats 3 --timeout 120 "${race[@]}" -- $args > "$DIR/$k.json" || true
  echo "$k ($args): $(node -e 'const e=require(process.argv[1]); console.log(e.verdict, "-", e.summary)' "$DIR/$k.json" 2>/dev/null || echo 'no evidence')"
done

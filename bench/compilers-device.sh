#!/usr/bin/env bash
# On the GPU machine's CPU (no node, no clang there): unpacks the binaries built here by
# `node bench/run.mjs compilers` (.carry/compilers.tar.gz: serial, gcc autopar for 16 threads, Polly,
# ParaForge's rewrite), records the machine and the runtime libraries the binaries resolve to, and
# runs bench/compilers-run.sh at THREADS (default 16) threads on the large sizes. Results go to $OUT:
# raw.tsv, machine.txt, build.json, paraforge.md; copy them into bench/results/compilers-h200-16/.
# Environment: THREADS (16), ROUNDS (3), SIZES (large), BUDGET_S (no new round after this many
# seconds; default 330), KERNELS (space-separated subset; default all).
set -uo pipefail
cd "$(dirname "$0")/.."
: "${OUT:=/tmp/pf-compilers-out}"
mkdir -p "$OUT"
W=/tmp/pf-compilers
rm -rf "$W" && mkdir -p "$W" && tar -xzf .carry/compilers.tar.gz -C "$W" || exit 1
if [ -n "${KERNELS:-}" ]; then
  grep -E "^(#|$(tr ' ' '|' <<< "$KERNELS"))	" "$W/bin/suite.tsv" > "$W/bin/suite.sub" && mv "$W/bin/suite.sub" "$W/bin/suite.tsv"
fi
{
  date -u
  nproc
  lscpu | grep -E '^(Model name|Socket|Core|Thread|NUMA node\(s\)|L3)'
  gcc --version | head -1
  echo "libraries of one binary per method:"
  for m in serial gccpar-16 polly paraforge; do echo "$m:"; ldd "$W/bin/gemm.$m"; done
} > "$OUT/machine.txt" 2>&1
cat "$OUT/machine.txt"
cp "$W/build.json" "$W/paraforge.md" "$OUT/" 2>/dev/null
export OMP_PROC_BIND=close OMP_PLACES=cores
bash bench/compilers-run.sh "$W/bin" "${THREADS:-16}" "${ROUNDS:-3}" "${SIZES:-large}" "${BUDGET_S:-330}" | tee "$OUT/raw.tsv"
echo "done at $(date -u)" >> "$OUT/machine.txt"

#!/usr/bin/env bash
# On the GPU machine's CPU (no node, no clang there): unpacks the binaries built here by
# `node bench/run.mjs compilers` (.carry/compilers.tar.gz: serial, gcc autopar for 2 and 16 threads,
# Polly, ParaForge's rewrite), records the machine and the runtime libraries the binaries resolve to,
# and runs bench/compilers-run.sh once per configuration THREADS:SIZES:ROUNDS:BUDGET_S (BUDGET_S: no
# new round after that many seconds); below the core count, pinned to cores 2.. (taskset). Results go to $OUT: raw-THREADS.tsv per configuration,
# machine.txt, build.json, paraforge.md; copy raw-N.tsv into bench/results/compilers-h200-N/raw.tsv.
# Environment: CONFIGS (default "16:large:3:200 2:local:3:90"), KERNELS (a subset; default all).
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
for cfg in ${CONFIGS:-16:large:3:200 2:local:3:90}; do
  IFS=: read -r threads sizes rounds budget <<< "$cfg"
  echo "== $threads threads, $sizes sizes, $rounds rounds, budget ${budget}s: $(date -u)" >> "$OUT/machine.txt"
  # Fewer threads than cores: every method (serial too) runs on cores 2.. only, away from core 0's
  # interrupts and housekeeping, which made 2-thread times vary twofold from round to round.
  pin=()
  if ((threads + 2 <= $(nproc))); then pin=(taskset -c "2-$((threads + 1))"); fi
  echo "   pinned: ${pin[*]:-no}" >> "$OUT/machine.txt"
  "${pin[@]}" bash bench/compilers-run.sh "$W/bin" "$threads" "$rounds" "$sizes" "$budget" | tee "$OUT/raw-$threads.tsv"
done
echo "done at $(date -u)" >> "$OUT/machine.txt"

#!/usr/bin/env bash
# On the GPU machine's CPU (no node, no clang there): `paraforge evolve` with deterministic
# mutations only, on bench kernels at 16 threads. Node comes from .carry/node.xz and the CLI from
# .carry/pf-evolve/dist (prepare both here with: bash bench/evolve-prepare.sh). Without clang there is
# no Archer race check: candidates are judged on outputs (compared at 2 and 16 threads) and timings
# only (--no-race-check); `node bench/run.mjs evolve` race-checks the winners afterwards, here.
# Results: $OUT/evolve.tar.gz (one KERNEL.json per kernel, machine.txt). Env: BUDGET_S per kernel (28).
# RETIME=1: instead of evolving, times again (outputs compared at 16 threads, 5 repeats) the rules
# engine's rewrite and evolve's best, bench/results/evolve-h200-16/KERNEL.{rules,best}.c, one after
# the other, so the reported gain is not the maximum of many noisy measurements (KERNEL.retime.json).
set -uo pipefail
cd "$(dirname "$0")/.."
: "${OUT:=/tmp/pf-evolve-out}"
mkdir -p /tmp/pf-node "$OUT" && xz -dc .carry/node.xz > /tmp/pf-node/node && chmod +x /tmp/pf-node/node
export PATH=/tmp/pf-node:$PATH
W=/tmp/pf-evolve; R=$W/results
rm -rf "$W" && mkdir -p "$R"
{ date -u; nproc; lscpu | grep -E '^(Model name|Socket|Core|Thread)'; gcc --version | head -1; node --version; } > "$R/machine.txt" 2>&1
# kernel:function:args (sizes: about 0.5-1 s serial on that machine, as in bench/lib/compilersSuite.ts)
KERNELS=${KERNELS:-"triangular:lower_kernel:20000 mandelbrot:mandel:850_500 covariance:covariance:500_1000 syrk_tri:syrk_lower:1400_200 gemm:gemm:760 dot:dot:10000000_20 spmv_csr:spmv:700_20 jacobi2d:sweep:2000_20"}
for spec in $KERNELS; do
  IFS=: read -r k fn args <<< "$spec"
  # The suite's kernels print their own kernel_time: drop that line so outputs compare exactly.
  sed '/kernel_time/d' "bench/kernels/$k.c" > "$W/$k.c"
  if [ -n "${RETIME:-}" ]; then
    P=bench/results/evolve-h200-16
    for v in rules best; do
      # shellcheck disable=SC2086
      node .carry/pf-evolve/dist/cli.js verify "$W/$k.c" "$P/$k.$v.c" --threads 16 --repeats 5 --timeout 60 --no-race-check --json -- ${args//_/ } > "$R/$k.$v.retime.json" 2>/dev/null
    done
    # One line per kernel straight into $OUT, so a run cut short still brings back what it measured.
    node -e 'const s=(f)=>{const e=require(f);const t=e.timings.find((x)=>x.threads===16);return [e.verdict,t?t.speedup.toFixed(3):"NaN",t?t.medianSeconds:"NaN",e.toolchain.baselineSeconds].join("\t")};console.log([process.argv[3],s(process.argv[1]),s(process.argv[2])].join("\t"))' "$R/$k.rules.retime.json" "$R/$k.best.retime.json" "$k" 2>/dev/null | tee -a "$OUT/retime.tsv" || echo "$k: no retime"
    continue
  fi
  # shellcheck disable=SC2086
  node .carry/pf-evolve/dist/cli.js evolve "$W/$k.c" --function "$fn" --threads 16 --check-threads 2,16 \
    --generations 4 --population 4 --budget-seconds "${BUDGET_S:-28}" --seed 1 --repeats 3 --timeout 60 \
    --no-race-check --json -- ${args//_/ } > "$R/$k.json" 2> "$R/$k.err"
  node -e 'const r=require(process.argv[1]); console.log(process.argv[2], r.stoppedBecause, "first", r.first&&r.first.fitness.toFixed(2), "best", r.best&&r.best.fitness.toFixed(2), r.best&&r.best.description, "evaluated", r.evaluated, "in", r.elapsedSeconds.toFixed(0), "s")' "$R/$k.json" "$k" 2>/dev/null || { echo "$k: no result"; tail -3 "$R/$k.err"; }
done
tar -czf "$OUT/evolve.tar.gz" -C "$R" .

#!/usr/bin/env bash
# Runs the compiler comparison's binaries (built by `node bench/run.mjs compilers`) in interleaved
# rounds and prints one tab-separated line per run:
#   round  kernel  method  rc  checksum  kernel_time_s
# Methods: serial (gcc -O2), gccpar (gcc -O2 -ftree-parallelize-loops=THREADS, the thread count is
# fixed at build time: BINDIR/KERNEL.gccpar-THREADS), polly (clang -O3 Polly, libgomp) and paraforge
# (the `paraforge parallelize` rewrite, gcc -O2 -fopenmp). Each round runs every kernel with every
# method, the method order rotating from round to round; the caller takes the minimum per method.
# Needs only bash and coreutils, so it runs on the GPU machine (no node, no clang there).
# Usage: bench/compilers-run.sh BINDIR THREADS ROUNDS SIZES [BUDGET_S]
#   SIZES: tiny|local|large (a column of BINDIR/suite.tsv); BUDGET_S: start no new round after this
#   many seconds (the rounds already done are complete); default no limit.
set -uo pipefail
BIN=${1:?usage: compilers-run.sh BINDIR THREADS ROUNDS SIZES [BUDGET_S]}
THREADS=${2:?threads}
ROUNDS=${3:?rounds}
SIZES=${4:?tiny|local|large}
BUDGET=${5:-0}
RUN_TIMEOUT=${RUN_TIMEOUT:-60}
case $SIZES in tiny) col=2 ;; local) col=3 ;; large) col=4 ;; *) echo "unknown size set $SIZES" >&2; exit 2 ;; esac
methods=(serial gccpar polly paraforge)
start=$SECONDS
for ((r = 1; r <= ROUNDS; r++)); do
  if ((BUDGET > 0 && r > 1 && SECONDS - start > BUDGET)); then
    echo "budget of ${BUDGET}s spent after $((r - 1)) rounds" >&2
    break
  fi
  while IFS=$'\t' read -r -a row; do
    [[ ${row[0]} == \#* || -z ${row[0]} ]] && continue
    k=${row[0]}
    read -r -a args <<< "${row[$((col - 1))]}"
    for ((m = 0; m < 4; m++)); do
      method=${methods[$(((m + r + ${#k}) % 4))]}
      exe=$BIN/$k.$method
      [ "$method" = gccpar ] && exe=$BIN/$k.gccpar-$THREADS
      if [ ! -x "$exe" ]; then
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$k" "$method" missing - -
        continue
      fi
      out=$(OMP_NUM_THREADS=$THREADS timeout "$RUN_TIMEOUT" "$exe" "${args[@]}" 2>/dev/null)
      rc=$?
      cs=$(sed -n 's/^checksum \([^ ]*\)$/\1/p' <<< "$out" | head -1)
      t=$(sed -n 's/^kernel_time \([^ ]*\)$/\1/p' <<< "$out" | head -1)
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$k" "$method" "$rc" "${cs:--}" "${t:--}"
    done
  done < "$BIN/suite.tsv"
done

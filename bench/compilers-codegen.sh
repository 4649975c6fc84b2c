#!/usr/bin/env bash
# Which part of a gap to Polly is code generation? Polly's binaries are clang -O3; ParaForge's
# rewrites are built with gcc -O2 -fopenmp in the main comparison. This runs, interleaved, Polly,
# ParaForge's rewrite as built there (paraforge) and the same rewrite built with Polly's compiler
# and level (pfclang: clang -O3 -fopenmp, LLVM's libomp carried beside it).
# Prepare here (after `COMPILERS_LOCAL=build node bench/run.mjs compilers`):
#   bash bench/compilers-codegen.sh prepare DIR      (DIR: e.g. .carry/cg)
# then on the GPU machine: bash bench/compilers-codegen.sh run DIR "16:large:5 2:local:5" > $OUT/codegen.tsv
# Output lines: threads round kernel method rc checksum kernel_time_s.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:?prepare|run}
dir=${2:?DIR}
if [ "$mode" = prepare ]; then
  mkdir -p "$dir/bin"
  for f in out/bench/compilers/src/*.omp.*; do
    k=$(basename "$f" | sed 's/\.omp\..*//')
    case $f in *.cpp) cc=clang++ l= ;; *) cc=clang l=-lm ;; esac
    $cc -O3 -fopenmp "$f" -o "$dir/bin/$k.pfclang" $l || echo "pfclang build failed: $k" >&2
  done
  cp out/bench/compilers/bin/*.polly out/bench/compilers/bin/*.paraforge out/bench/compilers/bin/suite.tsv "$dir/bin/"
  cp "$(clang -print-file-name=libomp.so.5)" "$dir/bin/" 2>/dev/null || cp /usr/lib/llvm-14/lib/libomp.so.5 "$dir/bin/"
  exit 0
fi
export LD_LIBRARY_PATH=$dir/bin OMP_PROC_BIND=close OMP_PLACES=cores
methods=(polly paraforge pfclang)
for cfg in ${3:-16:large:5 2:local:5}; do
  IFS=: read -r threads sizes rounds <<< "$cfg"
  case $sizes in local) col=3 ;; large) col=4 ;; *) col=2 ;; esac
  for ((r = 1; r <= rounds; r++)); do
    while IFS=$'\t' read -r -a row; do
      [[ ${row[0]} == \#* || -z ${row[0]} ]] && continue
      k=${row[0]}
      read -r -a args <<< "${row[$((col - 1))]}"
      for ((m = 0; m < 3; m++)); do
        method=${methods[$(((m + r) % 3))]}
        out=$(OMP_NUM_THREADS=$threads timeout 60 "$dir/bin/$k.$method" "${args[@]}" 2>/dev/null)
        rc=$?
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$threads" "$r" "$k" "$method" "$rc" "$(sed -n 's/^checksum //p' <<< "$out" | head -1)" "$(sed -n 's/^kernel_time //p' <<< "$out" | head -1)"
      done
    done < "$dir/bin/suite.tsv"
  done
done

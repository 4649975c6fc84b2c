#!/usr/bin/env bash
# Runs LLM CUDA candidates on a GPU machine that has nvcc and compute-sanitizer but no node.
# The candidates were made and compiled (not run: no GPU) on the dev machine, and packed there with
# their harness by `paraforge evolve --target cuda --pack-dir DIR` (bench/evolve-cuda-prepare.sh):
#   PACKS/<id>/original/*  PACKS/<id>/candidate/*  (the exact sources the gate builds: the program,
#   or the function + its generated driver)   PACKS/<id>/units   PACKS/<id>/args   PACKS/<id>/meta.json
# For each pack: build both sides with nvcc (-O2 -lineinfo, the gate's flags), run both with the
# check arguments, compare the candidate's stdout and exit status with the serial original's (exact,
# else numbers within a relative 1e-5, reported as such), then compute-sanitizer memcheck and
# racecheck on the candidate. Writes $OUT/cuda-llm/results.tsv, summary.md and per-pack logs.
# Usage: bash bench/cuda-llm-device.sh [PACKS]   (default .carry/cuda-packs)
set -uo pipefail
cd "$(dirname "$0")/.."
PACKS=${1:-.carry/cuda-packs}
OUT=${OUT:-out}
RES="$OUT/cuda-llm"
mkdir -p "$RES"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
RUN_LIMIT=${RUN_LIMIT:-120}
# NVIDIA installs outside the default PATH on some images.
export PATH=$PATH:/usr/local/cuda/bin:/usr/local/cuda/compute-sanitizer

{
  echo "date: $(date -u +%FT%TZ)"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -4
  nvcc --version 2>&1 | tail -2
  compute-sanitizer --version 2>&1 | head -2
} > "$RES/machine.txt"

if [ ! -d "$PACKS" ] || [ -z "$(ls -A "$PACKS" 2>/dev/null)" ]; then
  echo "no packs in $PACKS (make them with bench/evolve-cuda-prepare.sh on the dev machine)" | tee "$RES/summary.md"
  exit 2
fi

# Same tokens, numbers equal within a relative 1e-5 (absolute 1e-12 near zero): exit 0.
tolerant_same() {
  awk -v tol=1e-5 '
    NR == FNR { a[++na] = $0; next } { b[++nb] = $0 }
    END {
      if (na != nb) { print "line count " na " vs " nb; exit 1 }
      for (i = 1; i <= na; i++) {
        n = split(a[i], x, /[ \t,=:()\[\]]+/); m = split(b[i], y, /[ \t,=:()\[\]]+/)
        if (n != m) { print "line " i ": " a[i] " | " b[i]; exit 1 }
        for (k = 1; k <= n; k++) {
          if (x[k] == y[k]) continue
          num = "^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$"
          if (x[k] !~ num || y[k] !~ num) { print "line " i ": " a[i] " | " b[i]; exit 1 }
          d = x[k] - y[k]; if (d < 0) d = -d
          s = x[k] < 0 ? -x[k] : x[k]
          if (d > tol * s && d > 1e-12) { print "line " i ": " a[i] " | " b[i]; exit 1 }
        }
      }
    }' "$1" "$2"
}

printf 'id\tfunction\tbuild\trun\tcompare\tmemcheck\tracecheck\tverdict\tdescription\n' > "$RES/results.tsv"
for pack in "$PACKS"/*/; do
  pack=${pack%/}
  id=$(basename "$pack")
  [ -f "$pack/units" ] || continue
  log="$RES/$id"
  mkdir -p "$log"
  cp "$pack/meta.json" "$log/" 2>/dev/null
  fn=$(sed -n 's/.*"function": "\([^"]*\)".*/\1/p' "$pack/meta.json" | head -1)
  desc=$(sed -n 's/.*"description": "\([^"]*\)".*/\1/p' "$pack/meta.json" | head -1 | cut -c1-120)
  mapfile -t UNITS < "$pack/units"
  mapfile -t ARGS < "$pack/args"
  build=ok run=ok compare=- memcheck=- racecheck=- verdict=
  for side in original candidate; do
    mkdir -p "$WORK/$id/$side"
    cp "$pack/$side"/* "$WORK/$id/$side/"
    if ! (cd "$WORK/$id/$side" && nvcc -O2 -lineinfo -o ../$side.bin "${UNITS[@]}") > "$log/build-$side.txt" 2>&1; then
      build="$side does not compile"
    fi
  done
  if [ "$build" = ok ]; then
    (cd "$WORK/$id" && timeout "$RUN_LIMIT" ./original.bin "${ARGS[@]}") > "$log/original.out" 2> "$log/original.err"; orc=$?
    (cd "$WORK/$id" && timeout "$RUN_LIMIT" ./candidate.bin "${ARGS[@]}") > "$log/candidate.out" 2> "$log/candidate.err"; crc=$?
    echo "original exit $orc, candidate exit $crc" > "$log/exit.txt"
    if [ "$orc" -ne 0 ]; then run="original exit $orc"; fi
    if [ "$crc" -eq 124 ]; then run="candidate timeout"; elif [ "$crc" -ne "$orc" ]; then run="candidate exit $crc (original $orc)"; fi
    if [ "$run" = ok ]; then
      if cmp -s "$log/original.out" "$log/candidate.out"; then compare=exact
      elif why=$(tolerant_same "$log/original.out" "$log/candidate.out"); then compare="within 1e-5"
      else compare="differs: ${why:0:200}"
      fi
      (cd "$WORK/$id" && timeout $((RUN_LIMIT * 10)) compute-sanitizer --tool memcheck --leak-check full --target-processes all --error-exitcode 99 ./candidate.bin "${ARGS[@]}") > "$log/memcheck.txt" 2>&1; m=$?
      memcheck=$([ $m -eq 0 ] && echo clean || ([ $m -eq 99 ] && echo "errors: $(grep -m1 -E 'Invalid|Error' "$log/memcheck.txt" | sed 's/^=* *//' | cut -c1-120)" || echo "exit $m"))
      (cd "$WORK/$id" && timeout $((RUN_LIMIT * 10)) compute-sanitizer --tool racecheck --target-processes all --error-exitcode 99 ./candidate.bin "${ARGS[@]}") > "$log/racecheck.txt" 2>&1; r=$?
      racecheck=$([ $r -eq 0 ] && echo clean || ([ $r -eq 99 ] && echo "hazards: $(grep -m1 -E 'RACECHECK SUMMARY' "$log/racecheck.txt" | sed 's/^=* *//')" || echo "exit $r"))
    fi
  fi
  if [ "$build" != ok ]; then verdict=compile-error
  elif [ "$run" != ok ]; then verdict=runtime-error
  elif [[ $compare == differs* ]]; then verdict=wrong-output
  elif [ "$memcheck" != clean ]; then verdict=memcheck
  elif [ "$racecheck" != clean ]; then verdict=race
  elif [ "$compare" = exact ]; then verdict=verified
  else verdict="verified (outputs within 1e-5)"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$fn" "$build" "$run" "$compare" "$memcheck" "$racecheck" "$verdict" "$desc" >> "$RES/results.tsv"
  echo "$id ($fn): $verdict"
done

{
  echo "# LLM CUDA candidates on the GPU machine"
  echo
  sed 's/^/    /' "$RES/machine.txt"
  echo
  echo "| candidate | function | compare | memcheck | racecheck | verdict |"
  echo "|---|---|---|---|---|---|"
  tail -n +2 "$RES/results.tsv" | awk -F'\t' '{ for (i = 1; i <= NF; i++) gsub(/\|/, "/", $i); printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $5, $6, $7, $8 }'
} > "$RES/summary.md"
cat "$RES/summary.md"

#!/bin/bash
# Manual probe for the runner's CUDA path on a GPU machine without Node: builds the CUDA fixtures
# with nvcc, runs them under the runner's sandbox layout (bwrap with the NVIDIA device nodes bound)
# and under compute-sanitizer memcheck/racecheck with the runner's arguments, and saves every output
# to $OUT (default ./gpu-probe-out) so cudaSanitizer.ts's parsers can be checked against it.
set -u
OUT=${OUT:-./gpu-probe-out}
mkdir -p "$OUT"
W=$(mktemp -d)
{
  nvidia-smi -L; which nvcc compute-sanitizer bwrap prlimit setpriv; nvcc --version | tail -2
  compute-sanitizer --version | head -2; ls /dev | grep nvidia | tr '\n' ' '; echo
} > "$OUT/env.txt" 2>&1
for f in test/fixtures/cuda/block_sum_race.cu test/fixtures/cuda/block_sum.cu test/fixtures/cuda/out_of_bounds.cu test/fixtures/runner/vadd.cu; do
  n=$(basename "$f" .cu)
  cp "$f" "$W/$n.cu"
  nvcc -O2 -lineinfo "$W/$n.cu" -o "$W/$n" > "$OUT/$n.build.txt" 2>&1 || continue
  {
    echo "## plain"; "$W/$n"; echo "rc=$?"
    for tool in memcheck racecheck; do
      echo "## $tool"; compute-sanitizer --tool $tool --error-exitcode 86 --print-limit 20 "$W/$n"; echo "rc=$?"
    done
    if command -v bwrap >/dev/null; then
      devs=(); for d in /dev/nvidia*; do [ -d "$d" ] || devs+=(--dev-bind "$d" "$d"); done
      echo "## bwrap"; bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --ro-bind "$W" "$W" "${devs[@]}" \
        --unshare-all --die-with-parent --new-session --clearenv --setenv PATH /usr/local/cuda/bin:/usr/bin:/bin -- "$W/$n"; echo "rc=$?"
    fi
  } > "$OUT/$n.run.txt" 2>&1
done
cat "$OUT"/env.txt
tail -n 4 "$OUT"/*.run.txt

#!/usr/bin/env bash
# The main job: installs what is missing, builds the CLI, then for each bundled example kernel lists
# its loop nests, parallelises every loop ParaForge can prove safe, and verifies the rewrite (compile
# with gcc and clang, differential test at several thread counts, Archer race check, timing) before
# writing it to out/examples/. A rewrite that fails verification is not written; the evidence says
# why. A rewrite verified but measured slower than the original is not written as an improvement:
# it goes to out/examples/NAME.slowdown.EXT, and the evidence and the last line say so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
bash scripts/setup-node.sh
node scripts/build.mjs
# Only this run's results: a rewrite written by an earlier run must not pass for one of this run.
rm -rf out/examples
mkdir -p out/examples
written=0; slower=0; refused=0; slow_names=()
for f in examples/*.c examples/*.cpp examples/*.cu; do
  name=$(basename "$f")
  echo
  echo "=================== $name"
  node dist/cli.js analyze "$f"
  echo
  if node dist/cli.js parallelize "$f" --target openmp --verify --mark-slowdown --out "out/examples/$name"; then
    marked="out/examples/${name%.*}.slowdown.${name##*.}"
    if [ -e "$marked" ]; then
      slower=$((slower + 1)); slow_names+=("$name")
      echo "$name: verified but SLOWER than the original: written as $marked, not as an improvement"
    else
      written=$((written + 1))
    fi
  else
    refused=$((refused + 1))
  fi
done
echo
echo "main job: $written example rewrites verified, not slower than the original, and written to out/examples/; $slower verified but measured slower (written as NAME.slowdown.EXT${slow_names[*]:+: ${slow_names[*]}}), $refused not verified (see their evidence above)"

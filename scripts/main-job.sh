#!/usr/bin/env bash
# The main job: installs what is missing, builds the CLI, and runs ParaForge on the bundled example
# kernels: lists their loop nests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
bash scripts/setup-node.sh
node scripts/build.mjs
for f in examples/*.c examples/*.cpp examples/*.cu; do
  echo
  node dist/cli.js analyze "$f"
done

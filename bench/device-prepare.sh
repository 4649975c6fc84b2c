#!/usr/bin/env bash
# Prepares what bench/device-run.sh needs on the GPU machine: a fresh dist/ and the node binary,
# compressed into .carry/ (ignored by git; pass `carry: ["dist", ".carry"]` to the device run).
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs --production
mkdir -p .carry
grep -qx '/.carry/' .git/info/exclude 2>/dev/null || echo '/.carry/' >> .git/info/exclude
[ -s .carry/node.xz ] || xz -T0 -6 -c "$(readlink -f "$(command -v node)")" > .carry/node.xz
du -sh dist .carry

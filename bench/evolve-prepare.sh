#!/usr/bin/env bash
# Prepares what bench/evolve-device.sh needs on the GPU machine: the node binary (.carry/node.xz) and a
# production build of the CLI in .carry/pf-evolve/dist (ignored by git). Pass
# carry: [".carry/node.xz", ".carry/pf-evolve"] to the device run. SRC: the tree to build (default: this one).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SRC=${SRC:-$ROOT}
(cd "$SRC" && node scripts/build.mjs --production)
mkdir -p .carry/pf-evolve
grep -qx '/.carry/' .git/info/exclude 2>/dev/null || echo '/.carry/' >> .git/info/exclude
rm -rf .carry/pf-evolve/dist && cp -r "$SRC/dist" .carry/pf-evolve/dist
[ -s .carry/node.xz ] || xz -T0 -6 -c "$(readlink -f "$(command -v node)")" > .carry/node.xz
du -sh .carry/pf-evolve .carry/node.xz

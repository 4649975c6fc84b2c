#!/usr/bin/env bash
# The one test command: installs what is missing (Debian packages, node modules, the VS Code test
# server), then runs the type check, lint, unit tests (real compilers, sanitizers, MPI, Slurm) and the
# integration tests in a real VS Code extension host. Ends with one "total: N passed, M failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-}"
bash scripts/setup-system.sh
bash scripts/setup-node.sh
sh scripts/setup-vscode-server.sh

echo "== type check"; npx tsc -p tsconfig.json --noEmit
echo "== lint"; npx eslint src test bench scripts
echo "== build"; node scripts/build.mjs

report=$(mktemp -d)
trap 'rm -rf "$report"' EXIT
status=0
echo "== unit tests"
npx vitest run --reporter=default --reporter=json --outputFile="$report/unit.json" || status=$?
echo "== integration tests (real VS Code extension host)"
npm run --silent test:integration 2>&1 | tee "$report/integration.txt" || status=$?
[ "${PIPESTATUS[0]}" = 0 ] || status=1

node - "$report" <<'JS'
const fs = require('fs');
const dir = process.argv[2];
let passed = 0, failed = 0;
try {
  const u = JSON.parse(fs.readFileSync(`${dir}/unit.json`, 'utf8'));
  passed += u.numPassedTests; failed += u.numFailedTests;
  console.log(`unit: ${u.numPassedTests} passed, ${u.numFailedTests} failed, ${u.numPendingTests} skipped`);
} catch { failed += 1; console.log('unit: no report (the unit test run crashed)'); }
const m = [...fs.readFileSync(`${dir}/integration.txt`, 'utf8').matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
if (m) { passed += +m[1]; failed += +m[2]; console.log(`integration: ${m[1]} passed, ${m[2]} failed`); }
else { failed += 1; console.log('integration: no report (the VS Code host did not finish)'); }
console.log(`total: ${passed} passed, ${failed} failed`);
JS
exit $status

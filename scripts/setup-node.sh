#!/usr/bin/env bash
# Installs the project's node modules from package-lock.json. Idempotent: skipped when
# node_modules already matches the lock file (a hash stamp is kept inside node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.paraforge-lock-sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "node modules: up to date"
  exit 0
fi
echo "node modules: installing (npm ci)"
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"

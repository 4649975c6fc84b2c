#!/usr/bin/env bash
# Makes the inputs of bench/cuda-llm-device.sh on the dev machine (node + nvcc, no GPU): runs
# `paraforge evolve --target cuda --pack-dir` against the scripted OpenAI-compatible server
# (test/helpers/scriptedLlmServer.ts, replies from test/fixtures/llm) for four cases, so every
# candidate is made by the real agent, spliced, compiled with nvcc by the gate (verdict not-run: no
# GPU) and packed with the exact sources the gate builds:
#   vscale.cu  saxpy   grid-stride kernel (expected: verified)  + one-thread-per-element `i <= n` (memcheck)
#   ddot.cu    ddot    shared-memory reduction (verified)        + the same without its barrier (racecheck)
#   saxpy_fn.cu saxpy  function only: packed with the generated driver (verified)
# Then carry the folder to the GPU machine: carry [".carry/cuda-packs"], command
# `bash bench/cuda-llm-device.sh .carry/cuda-packs` (results in $OUT/cuda-llm).
# Usage: bash bench/evolve-cuda-prepare.sh [PACKS]   (default .carry/cuda-packs)
set -euo pipefail
cd "$(dirname "$0")/.."
PACKS=${1:-.carry/cuda-packs}
node scripts/build.mjs > /dev/null
npx esbuild test/helpers/scriptedLlmServer.ts --bundle --platform=node --format=cjs --external:web-tree-sitter --log-level=warning --outfile=out/bench/scriptedLlmServer.cjs
rm -rf "$PACKS"
mkdir -p "$PACKS"
grep -qx '/.carry/' .git/info/exclude 2>/dev/null || echo '/.carry/' >> .git/info/exclude
node - "$PACKS" <<'JS'
const { spawn } = require('node:child_process');
const path = require('node:path');
const { startScriptedServer } = require(path.resolve('out/bench/scriptedLlmServer.cjs'));
const packs = process.argv[2];
const cases = [
  { file: 'vscale.cu', fn: 'saxpy', replies: ['@cuda-saxpy.md', '@cuda-saxpy-offbyone.md'], generations: '1' },
  { file: 'ddot.cu', fn: 'ddot', replies: ['@cuda-ddot-ok.md', '@cuda-ddot-race.md'], generations: '1' },
  { file: 'saxpy_fn.cu', fn: 'saxpy', replies: ['@cuda-saxpy.md'], generations: '0' },
];
(async () => {
  for (const c of cases) {
    const server = await startScriptedServer(c.replies.map((reply) => ({ reply })));
    const args = ['dist/cli.js', 'evolve', `test/fixtures/llm/${c.file}`, '--function', c.fn, '--target', 'cuda', '--generations', c.generations, '--population', '2', '--budget-candidates', '4', '--base-url', server.baseURL, '--model', 'scripted', '--pack-dir', packs, '--json'];
    // The scripted server answers from this process: the CLI must run asynchronously.
    const out = await new Promise((resolve) => {
      const child = spawn(process.execPath, args, { env: { ...process.env, OPENAI_API_KEY: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
      let s = '';
      child.stdout.on('data', (d) => (s += d));
      child.on('close', () => resolve(s));
    });
    await server.close();
    const json = JSON.parse(out);
    console.log(`${c.file} (${c.fn}): ${json.attempts.map((a) => `${a.id} ${a.verdict}: ${a.summary}`).join('; ')}`);
  }
})();
JS
ls "$PACKS"
du -sh "$PACKS"

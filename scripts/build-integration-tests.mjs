// Compiles test/integration/*.ts to out/test/suite/*.js, one CommonJS file per test file, for mocha
// inside the VS Code extension host. `vscode` is provided by the host and `mocha` is loaded from
// node_modules at run time (the runner and the test files must share one mocha instance).
// Type-checking is separate: the root tsconfig includes test/ (npm run typecheck).
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'test/integration');
const outdir = path.join(root, 'out/test/suite');
// Entry points: the runner (index.ts), every *.test.ts, *.restricted.ts (Restricted Mode pass) and *.bench.ts; helpers are bundled into
// each. Benchmarks are built with the tests so they always compile against the same code, but the
// runner loads them only when PARAFORGE_BENCH=1 (see index.ts).
const entryPoints = readdirSync(src)
  .filter((f) => f === 'index.ts' || f.endsWith('.test.ts') || f.endsWith('.bench.ts') || f.endsWith('.restricted.ts'))
  .map((f) => path.join(src, f));

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
console.log(`built ${entryPoints.length} integration test and benchmark files into out/test/suite`);

// Bundles the extension (dist/extension.js) and the CLI (dist/cli.js) with esbuild and copies the
// tree-sitter wasm files into dist/wasm. Type-checking is separate (npm run typecheck).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const production = process.argv.includes('--production');

// esbuild's CJS output would pick web-tree-sitter's ESM build and break `import.meta`;
// point it at the package's CommonJS build instead.
const alias = { 'web-tree-sitter': require.resolve('web-tree-sitter') }; // the "require" condition: web-tree-sitter.cjs

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  alias,
  logLevel: 'warning',
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: [path.join(root, 'src/extension.ts')], outfile: path.join(root, 'dist/extension.js'), external: ['vscode'] }),
  // The LLM agent (and the openai SDK) in a bundle of its own: the extension requires it on first
  // use of an LLM engine, so activation does not load it (src/vscode/agentBridge.ts).
  esbuild.build({ ...common, entryPoints: [path.join(root, 'src/vscode/agentEntry.ts')], outfile: path.join(root, 'dist/agent.js'), external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: [path.join(root, 'src/cli/main.ts')], outfile: path.join(root, 'dist/cli.js'), banner: { js: '#!/usr/bin/env node' } }),
]);
chmodSync(path.join(root, 'dist/cli.js'), 0o755);

const wasmDir = path.join(root, 'dist/wasm');
mkdirSync(wasmDir, { recursive: true });
for (const file of [
  'web-tree-sitter/web-tree-sitter.wasm',
  'tree-sitter-c/tree-sitter-c.wasm',
  'tree-sitter-cpp/tree-sitter-cpp.wasm',
  'tree-sitter-cuda/tree-sitter-cuda.wasm',
]) {
  copyFileSync(path.join(root, 'node_modules', file), path.join(wasmDir, path.basename(file)));
}
console.log(`built dist/extension.js, dist/agent.js, dist/cli.js, dist/wasm (${production ? 'production' : 'development'})`);

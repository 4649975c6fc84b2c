import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** vitest global setup: bundle the CLI and extension once before any test runs. */
export default function setup(): void {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
}

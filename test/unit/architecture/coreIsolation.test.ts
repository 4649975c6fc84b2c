import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, vscodeImportChains } from '../../helpers/importGraph';
import { ROOT } from '../../helpers/paths';

describe('src/core never imports vscode', () => {
  it('no file under src/core reaches vscode, directly or through relative imports', () => {
    const chains = vscodeImportChains(path.join(ROOT, 'src/core'));
    expect(chains.map((c) => c.map((f) => path.relative(ROOT, f)).join(' -> '))).toEqual([]);
  });

  it('the check finds a direct import and one through src/vscode', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-arch-'));
    try {
      fs.mkdirSync(path.join(tmp, 'core/parse'), { recursive: true });
      fs.mkdirSync(path.join(tmp, 'vscode'));
      fs.writeFileSync(path.join(tmp, 'vscode/log.ts'), "import * as vscode from 'vscode';\nexport const x = vscode;\n");
      fs.writeFileSync(path.join(tmp, 'core/parse/a.ts'), "export { x } from '../../vscode/log';\n");
      fs.writeFileSync(path.join(tmp, 'core/b.ts'), "const v = require('vscode');\n");
      fs.writeFileSync(path.join(tmp, 'core/c.ts'), "import type { Tree } from 'web-tree-sitter';\n");
      const chains = vscodeImportChains(path.join(tmp, 'core'));
      const ends = chains.map((c) => path.relative(tmp, c[0]));
      expect(ends.sort()).toEqual(['core/b.ts', 'core/parse/a.ts']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('reads every import form', () => {
    expect(importsOf("import a from 'x';\nimport {b} from \"y\";\nexport * from './z';\nconst c = await import('w');\nrequire('v');\nimport 'u';")).toEqual(['x', 'y', './z', 'w', 'v', 'u']);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';

const SPECIFIER = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

/** Module specifiers a TypeScript file imports, re-exports or requires. */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(SPECIFIER)) found.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return found;
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * Every path by which a file under `coreDir` reaches `vscode`, directly or through relative
 * imports of files outside core (e.g. src/vscode). Empty when core is clean.
 */
export function vscodeImportChains(coreDir: string): string[][] {
  const chains: string[][] = [];
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
      if (spec === 'vscode') chains.push([...chain, file, 'vscode']);
      else if (spec.startsWith('.')) {
        const target = resolveRelative(file, spec);
        if (target) walk(target, [...chain, file]);
      }
    }
  };
  for (const file of tsFiles(coreDir)) walk(file, []);
  return chains;
}

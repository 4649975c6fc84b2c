import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT } from '../../helpers/paths';

/** Names and (for small files) contents of a zip archive, read from its central directory. */
function readZip(file: string): Map<string, Buffer | null> {
  const zip = readFileSync(file);
  // End of central directory: signature 0x06054b50, somewhere in the last 64 KiB (after a comment).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip archive`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = new Map<string, Buffer | null>();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    let content: Buffer | null = null;
    if (size < 1 << 20) {
      const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(dataStart, dataStart + compressed);
      content = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    }
    entries.set(name, content);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

// Packages the real extension with the real vsce (offline: --no-dependencies, nothing fetched).
describe('the .vsix', () => {
  let dir: string;
  let entries: Map<string, Buffer | null>;
  let names: string[];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'paraforge-vsix-'));
    const vsix = path.join(dir, 'paraforge.vsix');
    const vsce = path.join(ROOT, 'node_modules/@vscode/vsce/vsce');
    // --no-rewrite-relative-links, as `npm run package`: the README's screenshots are shipped files.
    execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    entries = readZip(vsix);
    names = [...entries.keys()];
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('holds the bundles (extension, its lazily loaded LLM agent, CLI) and the four wasm files', () => {
    for (const file of [
      'extension/dist/extension.js',
      'extension/dist/agent.js',
      'extension/dist/cli.js',
      'extension/dist/wasm/web-tree-sitter.wasm',
      'extension/dist/wasm/tree-sitter-c.wasm',
      'extension/dist/wasm/tree-sitter-cpp.wasm',
      'extension/dist/wasm/tree-sitter-cuda.wasm',
    ]) {
      expect(names).toContain(file);
    }
    expect(names.filter((n) => n.endsWith('.wasm'))).toHaveLength(4);
  });

  test('ships no node_modules, tests, sources, fixtures or source maps', () => {
    const forbidden = names.filter((n) =>
      /(^|\/)node_modules\/|^extension\/(test|src|out|bench|examples|scripts)\/|\.map$|\.ts$|\.vscode-test/.test(n),
    );
    expect(forbidden).toEqual([]);
  });

  test('ships the manifest, README, LICENSE, icon and the injection grammar it names', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'extension/package.json',
        'extension/readme.md',
        'extension/LICENSE.txt',
        'extension/media/icon.png',
        'extension.vsixmanifest',
      ]),
    );
    const manifest = JSON.parse(entries.get('extension/package.json')!.toString('utf8'));
    expect(manifest.main).toBe('./dist/extension.js');
    expect(names).toContain(`extension/${manifest.icon}`);
    for (const grammar of manifest.contributes.grammars as { path: string }[]) {
      const shipped = entries.get(`extension/${path.posix.normalize(grammar.path)}`);
      expect(shipped, grammar.path).toBeTruthy();
      expect(() => JSON.parse(shipped!.toString('utf8'))).not.toThrow();
    }
    expect(entries.get('extension/LICENSE.txt')!.toString('utf8')).toMatch(/^MIT License[\s\S]*ParaForge authors/);
  });

  test('ships the webview and walkthrough assets the manifest and the code name', () => {
    const manifest = JSON.parse(entries.get('extension/package.json')!.toString('utf8'));
    // The evidence report page loads these through asWebviewUri; the Loops view names its icon.
    for (const file of ['media/report.js', 'media/report.css', 'media/loops.svg']) expect(names).toContain(`extension/${file}`);
    for (const walkthrough of manifest.contributes.walkthroughs as { steps: { media: { markdown?: string } }[] }[]) {
      for (const step of walkthrough.steps) if (step.media.markdown) expect(names).toContain(`extension/${step.media.markdown}`);
    }
    for (const view of manifest.contributes.views.explorer as { icon?: string }[]) if (view.icon) expect(names).toContain(`extension/${view.icon}`);
    // The README's images are shipped files (the Extensions page shows them from the install).
    const readme = entries.get('extension/readme.md')!.toString('utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(names).toContain(`extension/${image}`);
  });

  test('declares limited support in untrusted workspaces, with the settings that could run code restricted', () => {
    const manifest = JSON.parse(entries.get('extension/package.json')!.toString('utf8'));
    expect(manifest.capabilities.untrustedWorkspaces.supported).toBe('limited');
    expect(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations).toEqual(expect.arrayContaining(['paraforge.compilers.gcc', 'paraforge.llm.baseUrl']));
    // Every setting is described.
    for (const [key, schema] of Object.entries(manifest.contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string }>)) {
      expect(schema.description ?? schema.markdownDescription, key).toBeTruthy();
    }
  });
});

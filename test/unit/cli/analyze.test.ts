import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanError, runCli } from '../../helpers/cli';
import { fixture, ROOT } from '../../helpers/paths';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cli-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('paraforge analyze', () => {
  it('prints the loop nests of an example as JSON', () => {
    const r = runCli(['analyze', path.join(ROOT, 'examples/stencil.c'), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.language).toBe('c');
    expect(out.errors).toEqual([]);
    expect(out.loops.slice(0, 2)).toMatchObject([
      { function: 'jacobi_step', line: 9, endLine: 13, depth: 2, kind: 'for', hasParseErrors: false },
      { function: 'gauss_seidel_step', line: 17, endLine: 21, depth: 2, kind: 'for', hasParseErrors: false },
    ]);
  });

  it('prints a human table by default', () => {
    const r = runCli(['analyze', fixture('parse/nests.cpp')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/nests\.cpp \(cpp\): 4 loop nests/);
    expect(r.stdout).toMatch(/12-14\s+Field::norm\s+range-for\s+1/);
  });

  it('still lists the loops that parsed in a file with syntax errors, flagged', () => {
    const r = runCli(['analyze', fixture('parse/broken.c'), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.loops.map((l: { function: string; hasParseErrors: boolean }) => [l.function, l.hasParseErrors])).toEqual([
      ['good', false],
      ['bad', true],
    ]);
    expect(out.errors[0]).toMatchObject({ line: 10 });
  });

  it('reports no loops for an empty file', () => {
    const r = runCli(['analyze', write('empty.c', ''), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ loops: [], errors: [] });
  });

  it('refuses a missing file', () => {
    const r = runCli(['analyze', path.join(tmp, 'nope.c')]);
    expect(r.code).toBe(2);
    expectCleanError(r.stderr, /nope\.c: no such file/);
  });

  it('refuses a directory', () => {
    fs.mkdirSync(path.join(tmp, 'dir.c'), { recursive: true });
    const r = runCli(['analyze', path.join(tmp, 'dir.c')]);
    expect(r.code).toBe(2);
    expectCleanError(r.stderr, /is a directory/);
  });

  it('refuses a binary file', () => {
    const r = runCli(['analyze', write('obj.c', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]))]);
    expect(r.code).toBe(2);
    expectCleanError(r.stderr, /looks binary/);
  });

  it('refuses non-UTF-8 text and says how to convert it', () => {
    const r = runCli(['analyze', write('latin1.c', Buffer.from('/* d\xe9j\xe0 vu */ int x;\n', 'latin1'))]);
    expect(r.code).toBe(2);
    expectCleanError(r.stderr, /not valid UTF-8.*iconv/);
  });

  it('refuses an unknown extension but accepts it with --language', () => {
    const file = write('kernel.txt', 'void f(int *a){ for(int i=0;i<4;i++) a[i]=i; }\n');
    const r = runCli(['analyze', file]);
    expect(r.code).toBe(2);
    expectCleanError(r.stderr, /cannot tell the language.*--language/);
    const ok = runCli(['analyze', file, '--language', 'c', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).loops).toHaveLength(1);
  });

  it('refuses a 5 MB file by default, and a file over a lowered --max-size; reads it with a raised one', () => {
    const body = 'void f(int n, int *a) {\n  for (int i = 0; i < n; i++) a[i] = i;\n}\n';
    const fileOf = (name: string, bytes: number): { file: string; functions: number } => {
      const chunks: string[] = [];
      let size = 0;
      for (let k = 0; size < bytes; k++) {
        const chunk = body.replace('f(', `f${k}(`);
        chunks.push(chunk);
        size += chunk.length;
      }
      return { file: write(name, chunks.join('')), functions: chunks.length };
    };
    const huge = fileOf('huge.c', 5 * 1024 * 1024);
    const r = runCli(['analyze', huge.file]);
    expect(r.code).toBe(2);
    expectCleanError(r.stderr, /5\.0 MB, over the 4\.0 MB limit; pass --max-size/);
    // The raised limit is read on a 1.2 MB file: whole-file analysis of 5 MB alone takes minutes on a
    // busy 2-core machine, and the limit logic is the same at any size.
    const big = fileOf('big.c', 1.2 * 1024 * 1024);
    const low = runCli(['analyze', big.file, '--max-size', '1']);
    expect(low.code).toBe(2);
    expectCleanError(low.stderr, /1\.2 MB, over the 1\.0 MB limit; pass --max-size/);
    const ok = runCli(['analyze', big.file, '--max-size', '2', '--json'], { timeoutMs: 280_000 });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).loops).toHaveLength(big.functions);
  }, 300_000);

  it('rejects bad options with the usage line', () => {
    const r = runCli(['analyze', '--frobnicate', 'x.c']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--frobnicate'[\s\S]*usage: paraforge analyze FILE/);
  });
});

describe('paraforge', () => {
  it('prints its version from package.json', () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    const r = runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('prints help listing the verbs', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: paraforge VERB/);
    expect(r.stdout).toMatch(/analyze\s+list the loop nests/);
  });

  it('refuses an unknown verb', () => {
    const r = runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expectCleanError(r.stderr, /unknown verb 'frobnicate'/);
  });
});

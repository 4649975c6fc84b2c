import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestRecord } from '../../../src/core/model';
import type { RunOutcome } from '../../../src/core/runner/backends/backend';
import { generatedHarness } from '../../../src/core/runner/harness/functionDriver';
import type { Harness, ObservedRun, ResolvedSource } from '../../../src/core/runner/harness/harness';
import { fixture, testParserHost } from '../../helpers/paths';

/**
 * Runs the generated harness alone, with real gcc and no sandbox or static checks, so a test shows
 * what the harness itself catches: builds the driver for the original and the candidate, runs the
 * original at 1 thread and the candidate at each thread count, and returns the harness's records.
 */

function side(file: string): ResolvedSource {
  return { path: file, text: fs.readFileSync(file, 'utf8'), fileName: path.basename(file) };
}

function build(harness: Harness, s: ResolvedSource, dir: string, compiler = 'gcc'): string {
  const src = path.join(dir, compiler, path.basename(s.fileName, path.extname(s.fileName)));
  fs.mkdirSync(src, { recursive: true });
  const units = harness.units(s);
  for (const u of units) fs.writeFileSync(path.join(src, u.name), u.text);
  const exe = path.join(src, 'a.out');
  const r = spawnSync(compiler, ['-O2', '-fopenmp', '-w', ...units.filter((u) => u.compile).map((u) => path.join(src, u.name)), '-o', exe, '-lm'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${compiler} failed for ${s.fileName}:\n${r.stderr}`);
  return exe;
}

function run(exe: string, args: readonly string[], threads: number, dir: string): ObservedRun {
  const work = fs.mkdtempSync(path.join(dir, 'run-'));
  const r = spawnSync(exe, args, { cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', OMP_NUM_THREADS: String(threads), OMP_DYNAMIC: 'false' }, maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  const files = new Map<string, Buffer>();
  for (const f of fs.readdirSync(work)) files.set(f, fs.readFileSync(path.join(work, f)));
  const outcome = { stdout: r.stdout, programStdout: r.stdout, stderr: r.stderr, exitCode: r.status, signal: r.signal, timedOut: false, seconds: 0 } as unknown as RunOutcome;
  return { outcome, files };
}

/** What one harness check of a candidate found. */
export interface HarnessCheck {
  readonly harness: Harness;
  readonly failed: TestRecord[];
  readonly all: TestRecord[];
}

/** Checks `candidate` (a file under test/fixtures) against `original` for `fn` at the given thread counts. */
export async function checkWithHarness(original: string, candidate: string, fn: string, threads: readonly number[] = [1, 2, 3, 4, 7, 16], seed?: number): Promise<HarnessCheck> {
  const o = side(fixture(original));
  const c = side(fixture(candidate));
  const harness = await generatedHarness(o, c, fn, o.fileName.endsWith('.c') ? 'c' : 'cpp', testParserHost(), { seed });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-harness-'));
  try {
    const ref = run(build(harness, o, dir), harness.checkArgs, 1, dir);
    const exe = build(harness, c, dir);
    const all: TestRecord[] = [];
    for (const t of threads) all.push(...harness.compare(ref, run(exe, harness.checkArgs, t, dir), { threads: t }));
    return { harness, failed: all.filter((t) => !t.passed), all };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Candidate, Evidence, LanguageId } from '../../../src/core/model';
import { candidateId, createSession, verify } from '../../../src/core/pipeline';
import { fixture } from '../../helpers/paths';

/**
 * The gate corpus (issue #8): every wrong candidate must be refused with the right reason and
 * every control verified, with the real compilers, Archer, MPI and the sandbox. The cases and
 * the format are in test/fixtures/gate/manifest.json and README.md.
 */

interface GateCase {
  readonly id: string;
  readonly class: string;
  readonly mode: 'function' | 'whole' | 'mpi';
  readonly original: string;
  readonly candidate: string;
  readonly function?: string;
  /** Verdicts accepted, `|`-separated ("race|rejected"). */
  readonly expect: string;
  /** Regex the summary must match ('' for none). */
  readonly reason: string;
  readonly settings?: { readonly target?: 'openmp' | 'mpi' };
  /** Set while a class is not caught yet: the case is listed as todo with this reason. */
  readonly pending?: string;
  readonly note?: string;
}

const manifest = JSON.parse(fs.readFileSync(fixture('gate/manifest.json'), 'utf8')) as { cases: GateCase[] };
// Two verifications at a time: the machine has two cores and every verification times on all of them.
const session = createSession({ maxConcurrent: 2 });
const results: { c: GateCase; ev: Evidence; ok: boolean }[] = [];

function language(file: string): LanguageId {
  return file.endsWith('.cu') ? 'cuda-cpp' : file.endsWith('.cpp') ? 'cpp' : 'c';
}

function candidateOf(c: GateCase): Candidate {
  const originalPath = fixture(`gate/${c.original}`);
  const text = fs.readFileSync(originalPath, 'utf8');
  const candidateText = fs.readFileSync(fixture(`gate/${c.candidate}`), 'utf8');
  const target = c.settings?.target ?? 'openmp';
  return {
    id: candidateId(target, 'user', text, candidateText, []),
    target,
    origin: 'user',
    parent: null,
    source: { path: originalPath, language: language(c.original), text, version: null },
    region: { functionName: c.mode === 'function' ? (c.function ?? null) : null, range: null },
    text: candidateText,
    edits: [],
    description: `gate case ${c.id}`,
  };
}

describe('gate corpus', () => {
  afterAll(() => {
    const wrong = results.filter((r) => r.c.expect !== 'verified');
    const controls = results.filter((r) => r.c.expect === 'verified');
    const line = (r: (typeof results)[number]) => `  ${r.ok ? 'ok  ' : 'MISS'} ${r.c.id.padEnd(30)} ${r.ev.verdict.padEnd(13)} ${r.ev.summary.slice(0, 140)}`;
    process.stderr.write(
      [
        `gate corpus: ${wrong.filter((r) => r.ok).length}/${wrong.length} wrong candidates refused with the right reason, ${controls.filter((r) => r.ok).length}/${controls.length} controls verified`,
        ...results.map(line),
        '',
      ].join('\n'),
    );
  });

  it('has at least 40 wrong candidates and 10 controls, MPI and whole-program cases among them', () => {
    const live = manifest.cases.filter((c) => !c.pending);
    expect(live.filter((c) => c.expect !== 'verified').length).toBeGreaterThanOrEqual(40);
    expect(live.filter((c) => c.expect === 'verified').length).toBeGreaterThanOrEqual(10);
    expect(live.some((c) => c.mode === 'mpi' && c.expect !== 'verified')).toBe(true);
    expect(live.some((c) => c.mode === 'whole' && c.expect !== 'verified')).toBe(true);
    for (const c of manifest.cases) {
      expect(fs.existsSync(fixture(`gate/${c.original}`)), c.original).toBe(true);
      expect(fs.existsSync(fixture(`gate/${c.candidate}`)), c.candidate).toBe(true);
    }
    expect(new Set(manifest.cases.map((c) => c.id)).size).toBe(manifest.cases.length);
  });

  for (const c of manifest.cases) {
    const title = `${c.expect === 'verified' ? 'verifies' : 'refuses'} ${c.id} (${c.class}): ${path.basename(c.candidate)}`;
    if (c.pending) {
      it.todo(`${title} — pending: ${c.pending}`);
      continue;
    }
    it.concurrent(
      title,
      async () => {
        const ev = await verify(candidateOf(c), session, { candidatePath: fixture(`gate/${c.candidate}`), repeats: 1, timingThreads: [2], timeoutMs: 60_000 });
        const verdictOk = new RegExp(`^(${c.expect})$`).test(ev.verdict);
        const reasonOk = !c.reason || new RegExp(c.reason).test(ev.summary);
        results.push({ c, ev, ok: verdictOk && reasonOk });
        expect(ev.verdict, `${c.id}: ${ev.summary}\n${ev.log.slice(-1500)}`).toMatch(new RegExp(`^(${c.expect})$`));
        if (c.reason) expect(ev.summary, c.id).toMatch(new RegExp(c.reason));
      },
      600_000,
    );
  }
});

import { describe, expect, it } from 'vitest';
import type { LanguageId, LoopVerdict } from '../../../src/core/model';
import { verifyProgram } from '../../../src/core/runner';
import { readCandidateFacts } from '../../../src/core/runner/harness/functionShape';
import { parallelizeSource } from '../../../src/core/transform';
import { applyEdits, parallelizeEdits } from '../../../src/core/transform/openmp';
import { fixture, testParserHost } from '../../helpers/paths';
import { analyseFile } from './corpusHelpers';
import { analyseText as analyse } from './snippets';

/**
 * Floating histogram bins in arrays and behind pointer parameters (analysis/floatBinsStart): the
 * scalar `reduction(+:s)` policy (reassociation, judged by the gate's tolerance) when no bin can
 * hold -0.0 at the start; integer bins with floating increments stay refused.
 */
const why = (v: LoopVerdict | undefined) => (v ? `${v.verdict}: ${v.reasons.map((r) => `[${r.code}] ${r.message}`).join(' | ')}` : 'no verdict');

/** A C `main` that declares `decls`, counts `body` for i < n into the bins, then runs `after`. */
function local(decls: string, body: string, after = '', top = ''): string {
  return `#include <string.h>\n#include <stdlib.h>\n${top}\nint main(int argc, char **argv) {\n  int n = argc * 100;\n${decls}\n  for (int i = 0; i < n; i++) ${body}\n${after}\n  return 0;\n}\n`;
}

/** A static `count` over pointer bins `h` and a main that declares `setup` and calls `calls`. */
function pointer(type: string, setup: string, calls: string, extra = ''): string {
  return `#include <stdlib.h>\n#include <string.h>\n${extra}\nstatic void count(int n, const unsigned char *v, ${type} *h) {\n  for (int i = 0; i < n; i++) h[v[i]] += 0.5;\n}\nint main(int argc, char **argv) {\n  int n = argc;\n  unsigned char *v = malloc(8);\n${setup}\n${calls}\n  return 0;\n}\n`;
}

async function firstLoop(text: string, language: LanguageId = 'c'): Promise<LoopVerdict> {
  return (await analyse(text, language))[0];
}

const BODY = 'h[(unsigned)i % 16u] += 0.25;';

describe('floating array bins: reduced when no bin can start as -0.0', () => {
  it('zero-initialised, literal lists, static storage, float, integer increments; not long double', async () => {
    const decls = ['double h[16] = {0};', 'double h[16] = {0.0};', 'double h[16] = {1.5, -2.0};', 'float h[16] = {0};', 'static double h[16];'];
    for (const d of decls) {
      const v = await firstLoop(local(`  ${d}`, BODY, '  h[1] = 2.0;\n  return (int)h[0];'));
      expect(v.verdict, `${d}: ${why(v)}`).toBe('parallel');
      expect(v.clauses?.reduction, d).toEqual([{ op: '+', var: 'h' }]);
    }
    // clang combines long double copies with libatomic calls a plain -fopenmp build does not link.
    const ld = await firstLoop(local('  long double h[16] = {0};', BODY, '  return (int)h[0];'));
    expect(ld.verdict, why(ld)).not.toBe('parallel');
    expect(ld.reasons.find((r) => r.code === 'histogram-type')?.message, why(ld)).toMatch(/libatomic/);
    const counts = await firstLoop(local('  float h[16] = {0};', 'h[(unsigned)i % 16u]++;', '  return (int)h[0];'));
    expect(counts.verdict, why(counts)).toBe('parallel');
    const global = await firstLoop(local('', BODY, '  return (int)h[0];', 'static double h[16];'));
    expect(global.verdict, why(global)).toBe('parallel');
  });

  it('an uninitialised local filled whole first: memset(h, 0, sizeof h) or a literal loop over all of it', async () => {
    const fills = ['memset(h, 0, sizeof h);', 'memset(h, 0, sizeof(h));', 'for (int b = 0; b < 16; b++) h[b] = 0.0;', 'for (int b = 0; b < 16; ++b) { h[b] = 1.0; }'];
    for (const f of fills) {
      const v = await firstLoop(local(`  double h[16];\n  ${f}`, BODY, '  return (int)h[0];'));
      const hist = (await analyse(local(`  double h[16];\n  ${f}`, BODY, '  return (int)h[0];'), 'c')).find((x) => x.clauses?.reduction.some((r) => r.var === 'h'));
      expect(hist?.verdict, `${f}: ${why(v)}`).toBe('parallel');
    }
  });

  it('refuses bins that may start as -0.0, saying where', async () => {
    const refused = async (text: string, pattern: RegExp) => {
      const all = await analyse(text, 'c');
      const v = all.find((x) => x.reasons.some((r) => r.code === 'histogram-start'));
      expect(v, all.map(why).join('\n')).toBeDefined();
      expect(v!.verdict).not.toBe('parallel');
      expect(v!.reasons.find((r) => r.code === 'histogram-start')?.message).toMatch(pattern);
    };
    await refused(local('  double h[16] = {0};\n  h[3] = -0.0;', BODY), /`h\[3\] = -0.0`/);
    await refused(local('  double h[16] = {0};\n  h[3] = -1e-400;', BODY), /`h\[3\] = -1e-400`/);
    await refused(local('  float h[16] = {0};\n  h[3] = -1e-50;', BODY), /`h\[3\] = -1e-50`/);
    await refused(local('  double h[16] = {0};\n  h[3] = -(double)argc * 0.0;', BODY), /may put -0.0/);
    await refused(local('  double h[16] = {0, -0.0};', BODY), /initialised with `-0.0`/);
    await refused(local('  double h[16];', BODY), /uninitialised local array/);
    await refused(local('  double h[16];\n  memset(h, 0x80, sizeof h);', BODY), /uninitialised/);
    await refused(local('  double h[16];\n  memset(h, 0, 8);', BODY), /uninitialised/);
    await refused(local('  double h[16];\n  for (int b = 0; b < 15; b++) h[b] = 0.0;', BODY), /uninitialised/);
    await refused(local('  double h[16] = {0};\n  memset(h, 0x80, sizeof h);', BODY), /memset\(h, 0x80/);
    await refused(local('', BODY, '', 'double h[16];'), /global without `static`/);
    await refused(local('', BODY, '', 'static double h[16];\nstatic void later(void) { h[2] = -0.0; }'), /`h\[2\] = -0.0` \(line 4\)/);
    await refused(local('', BODY, '', 'static double h[16];\nstatic void later(void) { extern double h[16]; h[2] = -0.0; }'), /`extern double h\[16\];` \(line 4\) declares `h` again/);
    await refused(local('', BODY, '', '#define RESET h[2] = -0.0\nstatic double h[16];\nstatic void later(void) { RESET; }'), /a preprocessor line names `h`/);
    await refused(local('', BODY, '', '#define PASTE(a, b) a##b\nstatic double h[16];'), /pastes tokens/);
    await refused(local('  double h[16] = {0};\n#include "more.h"', BODY), /`#include "more.h"` comes after `h`/);
  });

  it('reads a tiny negative literal as -0.0 (it underflows), for bins and for a scalar sum\'s start', async () => {
    const scalar = await firstLoop('double sum(const double *x, int n) {\n  double s = -1e-400;\n  for (int i = 0; i < n; i++) s += x[i];\n  return s;\n}\n');
    expect(scalar.reasons.map((r) => r.code), why(scalar)).toContain('reduction-start');
    const normal = await firstLoop(local('  double h[16] = {-1e-30, -2.5e-3};', BODY, '  return (int)h[0];'));
    expect(normal.verdict, why(normal)).toBe('parallel');
    const tiny = await firstLoop(local('  float h[16] = {-1e-50};', BODY, '  return (int)h[0];'));
    expect(tiny.reasons.map((r) => r.code), why(tiny)).toContain('histogram-start');
  });

  it('keeps refusing integer bins fed fractions (truncation) and volatile floating bins', async () => {
    const t = await firstLoop(local('  int h[16] = {0};', 'h[(unsigned)i % 16u] += 0.5;'));
    expect(t.reasons.map((r) => r.code), why(t)).toContain('histogram-truncates');
    const vol = await firstLoop(local('  volatile double h[16] = {0};', BODY));
    expect(vol.verdict, why(vol)).not.toBe('parallel');
  });
});

describe('floating pointer bins: every call passes bins that start without -0.0', () => {
  it('reduction(+:h[:256]) for zero-initialised arrays and calloc, called twice', async () => {
    const v = await firstLoop(pointer('double', '  double a[256] = {0};\n  double *b = calloc(256, sizeof *b);', '  count(n, v, a);\n  count(n, v, b);\n  free(b);'));
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.clauses?.reduction).toEqual([{ op: '+', var: 'h[:256]' }]);
    const f = await firstLoop(pointer('float', '  static float a[256];', '  count(n, v, a);'));
    expect(f.verdict, why(f)).toBe('parallel');
  });

  it('refuses malloc, uninitialised arrays, a -0.0 store before the call or in a callee, and a non-static function (its extent is unknown already)', async () => {
    const start = async (text: string, pattern: RegExp) => {
      const v = (await analyse(text, 'c')).find((x) => x.nest.functionName === 'count');
      expect(v?.verdict, why(v)).not.toBe('parallel');
      expect(v?.reasons.find((r) => r.code === 'histogram-start')?.message, why(v)).toMatch(pattern);
    };
    await start(pointer('double', '  double *a = malloc(256 * sizeof *a);', '  count(n, v, a);'), /not set once to a `calloc`/);
    await start(pointer('double', '  double a[256];', '  count(n, v, a);'), /uninitialised local array/);
    await start(pointer('double', '  double a[256] = {0};\n  a[7] = -0.0;', '  count(n, v, a);'), /`a\[7\] = -0.0`/);
    await start(pointer('double', '  double a[256] = {0};', '  reset(a);\n  count(n, v, a);', 'static void reset(double *p) { for (int k = 0; k < 256; k++) p[k] = -0.0; }'), /`reset\(a\)`.*passes it on/);
    // An #include in a helper's body brings code the tree does not show.
    await start(pointer('double', '  double a[256] = {0};', '  prep(a);\n  count(n, v, a);', 'static void prep(double *p) {\n#include "prep.inc"\n}'), /`prep\(a\)`.*passes it on.*#include "prep.inc"/);
    const open = (await analyse(pointer('double', '  double a[256] = {0};', '  count(n, v, a);').replace('static void count', 'void count'), 'c'))[0];
    expect(open.verdict, why(open)).not.toBe('parallel');
    expect(open.reasons.find((r) => r.code === 'histogram-extent')?.message, why(open)).toMatch(/not `static`/);
  });
});

describe('floating bins: the gate reads the reduction as floating (tolerance from the parsed pragma)', () => {
  it('names the element type of local, static, global and pointer bins in the rewrite', async () => {
    const cases: [string, string, string][] = [
      [local('  double h[16] = {0};', BODY, '  return (int)h[0];'), 'h', 'double'],
      [local('  float h[16] = {0};', BODY, '  return (int)h[0];'), 'h', 'float'],
      [local('  static float h[16];', BODY, '  return (int)h[0];'), 'h', 'float'],
      [local('', BODY, '  return (int)h[0];', 'static double h[16];'), 'h', 'double'],
      [local('', BODY, '  return (int)h[0];', 'typedef float real;\nstatic real h[16];'), 'h', 'float'],
      [pointer('float', '  float a[256] = {0};', '  count(n, v, a);'), 'h[:256]', 'float'],
    ];
    for (const [text, variable, type] of cases) {
      const verdicts = await analyse(text, 'c');
      const v = verdicts.find((x) => x.clauses?.reduction.some((r) => r.var === variable));
      expect(v?.verdict, `${type}: ${verdicts.map(why).join('\n')}`).toBe('parallel');
      const out = applyEdits(text, parallelizeEdits(v!, text));
      const tree = await testParserHost().parse('c', out);
      try {
        expect(readCandidateFacts(tree.rootNode, null).reassociation.map((r) => [r.variable, r.type]), out).toEqual([['h', type]]);
      } finally {
        tree.delete();
      }
    }
  });
});

describe('floating bins through the real gate (whole program, gcc, 1-4 threads)', () => {
  /** ParaForge's own rewrite of a gate fixture, and the gate's evidence on it. */
  async function gate(name: string) {
    const { text, language, verdicts } = await analyseFile(fixture(`gate/whole/${name}`));
    const out = parallelizeSource(text, verdicts, language).text;
    expect(out, verdicts.map(why).join('\n')).toContain('#pragma omp parallel for reduction(+:h)');
    return verifyProgram({ original: { text, path: name }, candidate: { text: out }, language, target: 'openmp', compiler: 'gcc', threads: [1, 2, 3, 4], timingThreads: [1], repeats: 1, raceCheck: name === 'histf_reordered.c' });
  }

  it('float bins of reordered, well-conditioned sums verify within the float tolerance, not bit-exactly', async () => {
    const ev = await gate('histf_reordered.c');
    expect(ev.verdict, `${ev.summary}\n${ev.log.slice(0, 2000)}`).toBe('verified');
    expect(ev.tolerance?.relative).toBe(1e-4);
    expect(ev.tolerance?.reason).toMatch(/reduction\(\+:h\) on float h/);
  }, 300_000);

  it('float bins whose magnitudes make the order matter are rejected as wrong output', async () => {
    const ev = await gate('histf_magnitude.c');
    expect(ev.verdict, `${ev.summary}\n${ev.log.slice(0, 2000)}`).toBe('wrong-output');
    expect(ev.tests.some((t) => !t.passed && t.threads === 1)).toBe(false);
  }, 300_000);
});

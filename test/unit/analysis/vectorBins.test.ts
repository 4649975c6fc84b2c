import { describe, expect, it } from 'vitest';
import type { LoopVerdict } from '../../../src/core/model';
import { applyEdits, openMpCandidates, parallelizeEdits } from '../../../src/core/transform/openmp';
import { readCandidateFacts } from '../../../src/core/runner/harness/functionShape';
import { testParserHost } from '../../helpers/paths';
import { analyseText as analyse } from './snippets';

/**
 * Histograms in a std::vector<T> (analysis/vectorBins): reduced as `reduction(+:p[:n])` through
 * `p = h.data()` taken before the loop, under a run-time check of the bin count, when nothing else
 * in the loop touches the vector and (for floating bins) no bin can start as -0.0.
 */
const why = (v: LoopVerdict | undefined) => (v ? `${v.verdict}: ${v.reasons.map((r) => `[${r.code}] ${r.message}`).join(' | ')}` : 'no verdict');

const BINCOUNT = `#include <vector>
static void bincount(const std::vector<int> &key, const std::vector<double> &w, std::vector<double> &hist) {
  for (std::size_t i = 0; i < key.size(); i++) {
    hist[key[i]] += w[i];
  }
}
int main(int argc, char **argv) {
  std::vector<int> key(argc);
  std::vector<double> w(argc), hist(argc * 3, 0.0);
  bincount(key, w, hist);
  double c = 0;
  for (int b = 0; b < argc * 3; b++) c += hist[b] * 2;
  return (int)c;
}
`;

/** A `main` whose first loop counts `body` for i < n, after the declarations `decls`. */
function mainLoop(decls: string, body: string, after = ''): string {
  return `#include <vector>\n#include <complex>\nint main(int argc, char **argv) {\n  int n = argc * 100;\n${decls}\n  for (int i = 0; i < n; i++) {\n    ${body}\n  }\n${after}\n  return 0;\n}\n`;
}

async function firstLoop(text: string): Promise<LoopVerdict> {
  return (await analyse(text, 'cpp'))[0];
}

describe('vector bins: the rule', () => {
  it('reduces a double vector parameter through its data, checked at run time with `&hist != &w`', async () => {
    const v = await firstLoop(BINCOUNT);
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.clauses?.reduction).toEqual([{ op: '+', var: 'pf_hist[:pf_hist_n]' }]);
    expect(v.vectorBins?.map((p) => [p.vector, p.pointer, p.count, p.uses.length])).toEqual([['hist', 'pf_hist', 'pf_hist_n', 1]]);
    expect(v.runtimeCheck).toContain('&hist != &w');
    expect(v.runtimeCheck).toContain('0 < hist.size() && hist.size() <= 65536');
    expect(v.reasons.map((r) => r.code)).toContain('vector-bins');
  });

  it('rewrites the loop: pointer and count before the pragma, bins renamed, the original loop in the else branch', async () => {
    const v = await firstLoop(BINCOUNT);
    const out = applyEdits(BINCOUNT, parallelizeEdits(v, BINCOUNT));
    expect(out).toContain('  if (&hist != &w && 0 < hist.size() && hist.size() <= 65536) {\n    double *const pf_hist = hist.data();\n    const std::size_t pf_hist_n = hist.size();\n    #pragma omp parallel for reduction(+:pf_hist[:pf_hist_n])\n    for (std::size_t i = 0; i < key.size(); i++) {\n      pf_hist[key[i]] += w[i];');
    expect(out).toContain('} else {\n    for (std::size_t i = 0; i < key.size(); i++) {\n      hist[key[i]] += w[i];');
    // The gate reads the section's floating type from the pointer's declaration (same tolerance as a scalar sum).
    const tree = await testParserHost().parse('cpp', out);
    try {
      expect(readCandidateFacts(tree.rootNode, null).reassociation.map((r) => [r.variable, r.type])).toEqual([['pf_hist', 'double']]);
    } finally {
      tree.delete();
    }
    // Only the proven (versioned) candidate: no restrict-assuming one.
    expect(openMpCandidates(v, BINCOUNT, 'cpp').map((c) => c.assumes)).toEqual([false]);
  });

  it('reads its own rewrite back without a false race (the gate re-analyses the candidate), but not a variant that reads the bins', async () => {
    const out = applyEdits(BINCOUNT, parallelizeEdits(await firstLoop(BINCOUNT), BINCOUNT));
    const again = (await analyse(out, 'cpp')).find((v) => v.existingPragma);
    expect(again?.existingPragma?.races, why(again)).toEqual([]);
    const sized = '#include <vector>\nvoid f(int n, std::vector<long> &h) {\n  for (int i = 0; i < n; i++) h[(unsigned)i % h.size()] += 1;\n}\n';
    const sizedOut = applyEdits(sized, parallelizeEdits(await firstLoop(sized), sized));
    expect(sizedOut).toContain('pf_h[(unsigned)i % h.size()] += 1;');
    expect((await analyse(sizedOut, 'cpp')).find((v) => v.existingPragma)?.existingPragma?.races).toEqual([]);
    const reads = out.replace('pf_hist[key[i]] += w[i];', 'pf_hist[key[i]] += w[i] + pf_hist[0];');
    expect((await analyse(reads, 'cpp')).find((v) => v.existingPragma)?.existingPragma?.races.length).toBeGreaterThan(0);
    const usesVector = out.replace('pf_hist[key[i]] += w[i];', 'pf_hist[key[i]] += w[i] + hist[0];');
    expect((await analyse(usesVector, 'cpp')).find((v) => v.existingPragma)?.existingPragma?.races.length).toBeGreaterThan(0);
  });

  it('picks names the file does not use, and handles two vectors and an inner loop', async () => {
    const taken = mainLoop('  std::vector<long> h(64);\n  std::vector<int> g(8);\n  long pf_h = 0, pf_h_n = 1;', 'for (int j = 0; j < 4; j++) { h[(unsigned)(i * j) % 64u]++; g[(unsigned)i % 8u] -= 2; }', '  return (int)(h[1] + g[2] + pf_h + pf_h_n);');
    const v = await firstLoop(taken);
    expect(v.verdict, why(v)).toBe('parallel');
    expect(v.clauses?.reduction.map((r) => r.var)).toEqual(['pf_h_[:pf_h_n_]', 'pf_g[:pf_g_n]']);
    const out = applyEdits(taken, parallelizeEdits(v, taken));
    expect(out).toContain('pf_h_[(unsigned)(i * j) % 64u]++; pf_g[(unsigned)i % 8u] -= 2;');
    expect(out).toContain('0 < h.size() && h.size() <= 65536 && 0 < g.size() && g.size() <= 65536');
  });

  it('accepts `h.size()` in the loop, integer bins of any origin, and a global vector when the loop calls nothing', async () => {
    const sized = await firstLoop(mainLoop('  std::vector<unsigned> h(argc);', 'unsigned k = (unsigned)i * 7u; if (k < h.size()) h[k] += 1;'));
    expect(sized.verdict, why(sized)).toBe('parallel');
    const param = await firstLoop('#include <vector>\nvoid count(int n, const std::vector<int> &key, std::vector<long> &h) {\n  for (int i = 0; i < n; i++) h[key[i]] += 2;\n}\n');
    expect(param.verdict, why(param)).toBe('parallel');
    const global = await firstLoop('#include <vector>\nstd::vector<int> g(16);\nvoid count(int n) {\n  for (int i = 0; i < n; i++) g[(unsigned)i % 16u]++;\n}\n');
    expect(global.verdict, why(global)).toBe('parallel');
  });

  it('reduces floating bins whose vector starts without -0.0: value-initialised, a literal fill, passed on by a static helper', async () => {
    for (const decl of ['std::vector<double> h(64);', 'std::vector<double> h(64, 1.5);', 'std::vector<float> h(argc, -2.0);']) {
      const v = await firstLoop(mainLoop(`  ${decl}`, 'h[(unsigned)i % 64u] += 0.25;', '  h[0] = 0.0;\n  return (int)h[1];'));
      expect(v.verdict, `${decl}: ${why(v)}`).toBe('parallel');
    }
    const chain = '#include <vector>\nstatic void add(int n, std::vector<double> &h) {\n  for (int i = 0; i < n; i++) h[(unsigned)i % 8u] += 0.5;\n}\nstatic void twice(int n, std::vector<double> &h) {\n  add(n, h);\n  add(n, h);\n}\nint main(int argc, char **argv) {\n  std::vector<double> h(8);\n  twice(argc, h);\n  return (int)h[0];\n}\n';
    const v = await firstLoop(chain);
    expect(v.verdict, why(v)).toBe('parallel');
  });
});

describe('vector bins: refusals', () => {
  const refused = async (text: string, code: string | null, pattern?: RegExp) => {
    const v = await firstLoop(text);
    expect(v.verdict, why(v)).not.toBe('parallel');
    if (code) expect(v.reasons.map((r) => r.code), why(v)).toContain(code);
    if (code && pattern) expect(v.reasons.find((r) => r.code === code)?.message, why(v)).toMatch(pattern);
    return v;
  };

  it('refuses vector<bool>, std::complex and class elements with the reason', async () => {
    await refused(mainLoop('  std::vector<bool> h(64);', 'h[(unsigned)i % 64u] += 1;'), 'histogram-type', /std::vector<bool>.*bits packed/);
    await refused(mainLoop('  std::vector<std::complex<double>> h(64);', 'h[(unsigned)i % 64u] += 1.0;'), 'histogram-type', /not a plain arithmetic type/);
  });

  it('refuses a loop that resizes, grows, re-takes or indexes the vector with at()', async () => {
    await refused(mainLoop('  std::vector<long> h(4);', 'std::size_t k = (std::size_t)i % 50; if (k >= h.size()) h.resize(k + 1); h[k] += 1;'), null);
    await refused(mainLoop('  std::vector<long> h(4);', 'if (i % 3 == 0) h.push_back(0); h[(std::size_t)i % 4] += 1;'), null);
    await refused(mainLoop('  std::vector<long> h(4);', 'long *p = h.data(); h[(std::size_t)i % 4] += 1; p[0] += 0;'), null);
    await refused(mainLoop('  std::vector<long> h(4);', 'h.at((std::size_t)i % 4) += 1;'), null);
    await refused(mainLoop('  std::vector<long> h(4), g(4);', 'h[(std::size_t)i % 4] += 1; std::swap(h, g);'), null);
  });

  it('refuses other names of the same bins: a reference alias, a data pointer taken before the loop', async () => {
    await refused(mainLoop('  std::vector<long> h(32);\n  auto &g = h;', 'h[(unsigned)i % 32u] += 1; g[(unsigned)i * 3u % 32u] += 5;'), 'may-alias');
    await refused(mainLoop('  std::vector<long> h(32);\n  long *p = h.data();', 'h[(unsigned)i % 32u] += 1; p[(unsigned)i * 3u % 32u] += 5;'), 'may-alias');
    await refused(mainLoop('  std::vector<long> h(32);\n  std::vector<long> &r = h;', 'r[(unsigned)i % 32u] += 1;'), 'histogram-aliased', /reference declared in the function/);
  });

  it('refuses bins read in the loop, a call that may read them, and integer bins fed non-integers', async () => {
    await refused(mainLoop('  std::vector<long> h(32, 1);', 'h[(unsigned)i % 32u] += h[(unsigned)i * 3u % 32u];'), 'histogram-read');
    const callee = '#include <vector>\nstatic std::vector<long> g(16);\nstatic long peek(int i) { return g[(unsigned)i % 16u]; }\nvoid f(int n) {\n  for (int i = 0; i < n; i++) g[(unsigned)(peek(i) + i) % 16u] += 1;\n}\n';
    await refused(callee, 'histogram-aliased', /the loop calls `peek\(i\)`/);
    await refused(mainLoop('  std::vector<int> h(32);', 'h[(unsigned)i % 32u] += 0.75 * i;'), 'histogram-truncates');
  });

  it('refuses floating bins that may start as -0.0, saying where', async () => {
    await refused(mainLoop('  std::vector<double> h(64, -0.0);', 'h[(unsigned)i % 64u] += 0.25;'), 'histogram-start', /constructed without -0.0/);
    await refused(mainLoop('  std::vector<double> src(64), h(src);', 'h[(unsigned)i % 64u] += 0.25;'), 'histogram-start');
    await refused(mainLoop('  std::vector<double> h(64);\n  h[3] = -0.0;', 'h[(unsigned)i % 64u] += 0.25;'), 'histogram-start', /`h\[3\] = -0.0`/);
    // C++ lvalues: an increment, an assignment or a cast to a reference stores through the result.
    for (const store of ['++h[3] = -0.0;', '(h[3] = 1.0) = -0.0;', '(h[3] += 0.0) *= -1.0;', '(double &)h[3] = -0.0;']) {
      await refused(mainLoop(`  std::vector<double> h(64);\n  ${store}`, 'h[(unsigned)i % 64u] += 0.25;'), 'histogram-start');
    }
    await refused(mainLoop('  std::vector<double> h(64);\n#include "reset.inc"', 'h[(unsigned)i % 64u] += 0.25;'), 'histogram-start', /#include "reset.inc"/);
    const reset = '#include <vector>\nstatic void reset(std::vector<double> &h) { h[0] = -0.0; }\nstatic void add(int n, std::vector<double> &h) {\n  for (int i = 0; i < n; i++) h[(unsigned)i % 8u] += 0.5;\n}\nint main(int argc, char **argv) {\n  std::vector<double> h(8);\n  reset(h);\n  add(argc, h);\n  return 0;\n}\n';
    const v = await refused(reset, 'histogram-start', /`reset\(h\)`.*passes it on/);
    expect(v.nest.functionName).toBe('add');
    const open = '#include <vector>\nvoid add(int n, std::vector<double> &h) {\n  for (int i = 0; i < n; i++) h[(unsigned)i % 8u] += 0.5;\n}\nint main(int argc, char **argv) {\n  std::vector<double> h(8);\n  add(argc, h);\n  return 0;\n}\n';
    await refused(open, 'histogram-start', /not `static`/);
  });

  it('offers no restrict-assuming rewrite when the bins may overlap a pointer parameter', async () => {
    const v = await firstLoop('#include <vector>\nstatic void count(int n, const unsigned char *v, std::vector<long> &h) {\n  for (int i = 0; i < n; i++) h[v[i]] += 2;\n}\n');
    expect(v.verdict, why(v)).not.toBe('parallel');
    expect(v.ifAssumed ?? null).toBeNull();
  });
});

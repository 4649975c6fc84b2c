import { describe, expect, it } from 'vitest';
import { verdictOf } from './snippets';

/** Scalar classification (reduction, private, lastprivate, carried) on small real loops. */
describe('scalar classification', () => {
  it.each([
    ['s += a[i];', 'double s = 0.0;', '+'],
    ['s = s + a[i];', 'double s = 0.0;', '+'],
    ['s = a[i] + s;', 'double s = 0.0;', '+'],
    ['s -= a[i];', 'double s = 0.0;', '-'],
    ['s = s - a[i];', 'double s = 0.0;', '-'],
    ['s *= a[i];', 'double s = 1.0;', '*'],
    ['s = s * a[i];', 'double s = 1.0;', '*'],
    ['if (u[i] > x) x = u[i];', 'unsigned x = 0u;', 'max'],
    ['if (x < u[i]) x = u[i];', 'unsigned x = 0u;', 'max'],
    ['if (u[i] < x) x = u[i];', 'unsigned x = ~0u;', 'min'],
    ['x &= u[i];', 'unsigned x = ~0u;', '&'],
    ['x |= u[i];', 'unsigned x = 0u;', '|'],
    ['x ^= u[i];', 'unsigned x = 0u;', '^'],
    ['x = x && u[i] > 3u;', 'unsigned x = 1u;', '&&'],
    ['x = x || u[i] == 7u;', 'unsigned x = 0u;', '||'],
    ['x++;', 'unsigned x = 0u;', '+'],
    ['s += a[i]; s -= b[i];', 'double s = 0.0;', '+'],
  ])('`%s` is a reduction', async (update, decl, op) => {
    const v = await verdictOf(`  ${decl}\n  for (int i = 0; i < N; i++) { ${update} }\n  printf("%g\\n", (double)${decl.split(' ')[1]});`);
    expect(v.verdict, JSON.stringify(v.reasons)).toBe('parallel');
    expect(v.clauses?.reduction).toEqual([{ op, var: decl.split(' ')[1] }]);
    expect(v.clauses?.private).toEqual([]);
    expect(v.clauses?.lastprivate).toEqual([]);
  });

  // Issue #7: NaN and -0.0 make OpenMP's max/min differ from the if-idiom and from fmax/fmin.
  it.each([
    ['if (a[i] > s) s = a[i];', 'double s = -1e300;'],
    ['if (s < a[i]) s = a[i];', 'double s = -1e300;'],
    ['if (a[i] < s) s = a[i];', 'double s = 1e300;'],
    ['s = fmax(s, a[i]);', 'double s = -1e300;'],
    ['s = fmin(a[i], s);', 'double s = 1e300;'],
  ])('`%s` on doubles is refused (floating min/max)', async (update, decl) => {
    const v = await verdictOf(`  ${decl}\n  for (int i = 0; i < N; i++) { ${update} }\n  printf("%g\\n", s);`);
    expect(v.verdict).not.toBe('parallel');
    expect(v.reasons.map((r) => r.code)).toContain('float-minmax');
  });

  // ...unless no NaN can be stored, the start is a finite literal other than -0.0, and no ±0 tie can decide (floatMinMax.ts).
  it.each([
    ['if (fabs(a[i]) > s) s = fabs(a[i]);', 'double s = 0.0;', 'max'],
    ['if (fabs(a[i]) >= s) s = fabs(a[i]);', 'double s = 0.0;', 'max'],
    ['s = fmax(fabs(a[i]), s);', 'double s = 0;', 'max'],
    ['s = fmin(s, a[i] * a[i]);', 'double s = 1e300;', 'min'],
    ['if (a[i] > s) s = a[i];', 'double s = 0.5;', 'max'],
    ['if (a[i] < s) s = a[i];', 'double s = -2.0;', 'min'],
    ['double d = sqrt(a[i] * a[i] + 1.0); if (d < s) s = d;', 'double s = DBL_MAX;', 'min'],
  ])('`%s` on doubles from `%s` is an exact %s reduction', async (update, decl, op) => {
    const v = await verdictOf(`  ${decl}\n  for (int i = 0; i < N; i++) { ${update} }\n  printf("%a\\n", s);`);
    expect(v.verdict, JSON.stringify(v.reasons)).toBe('parallel');
    expect(v.clauses?.reduction).toEqual([{ op, var: 's' }]);
  });

  it.each([
    ['if (fabs(a[i]) > s) s = fabs(a[i]);', 'double s = -0.0;', /starts at -0.0/],
    ['if (fabs(a[i]) > s) s = fabs(a[i]);', 'double s = NAN;', /not a finite number literal/],
    ['if (fabs(a[i]) < s) s = fabs(a[i]);', 'double s = 1e999;', /not a finite number literal/],
    ['if (-fabs(a[i]) > s) s = -fabs(a[i]);', 'double s = -1.0;', /may be -0.0 or \+0.0/],
    ['if (a[i] < s) s = a[i];', 'double s = 0.5;', /may be -0.0 or \+0.0/],
    ['s = fmax(s, sqrt(a[i]));', 'double s = 0.0;', /may be -0.0 or \+0.0/],
    ['double d = a[i] - 1.0; if (d < s) s = d;', 'double s = 1.0;', /`d` may be -0.0 or \+0.0/],
  ])('`%s` from `%s` is still refused', async (update, decl, why) => {
    const v = await verdictOf(`  ${decl}\n  for (int i = 0; i < N; i++) { ${update} }\n  printf("%a\\n", s);`);
    expect(v.verdict).not.toBe('parallel');
    expect(v.reasons.find((r) => r.code === 'float-minmax')?.message).toMatch(why);
  });

  it('a guarded min over the index (`if (p && i < first) first = i;`) is a min reduction; a guard that reads the accumulator or an `||` is not', async () => {
    const v = await verdictOf('  int first = N;\n  for (int i = 0; i < N; i++) if (a[i] > 0.5 && i < first) first = i;\n  printf("%d\\n", first);');
    expect(v.verdict, JSON.stringify(v.reasons)).toBe('parallel');
    expect(v.clauses?.reduction).toEqual([{ op: 'min', var: 'first' }]);
    for (const cond of ['a[i] > first && i < first', 'a[i] > 0.5 || i < first', 'first < 0 && a[i] > 0.5']) {
      const r = await verdictOf(`  int first = N;\n  for (int i = 0; i < N; i++) if (${cond}) first = i;\n  printf("%d\\n", first);`);
      expect(r.verdict, cond).not.toBe('parallel');
    }
  });

  it('an arg-max (value and index in one if) is rewritten as per-thread pairs; with a third variable it is refused with a reason that names the pair', async () => {
    const pair = await verdictOf('  double best = -1.0;\n  int idx = -1;\n  for (int i = 0; i < N; i++) {\n    if (a[i] > best) {\n      best = a[i];\n      idx = i;\n    }\n  }\n  printf("%d %g\\n", idx, best);');
    expect(pair.verdict).toBe('parallel');
    expect(pair.argReductions?.map((p) => [p.best, p.index])).toEqual([['best', 'idx']]);
    const v = await verdictOf('  double best = -1.0;\n  int idx = -1, k = 0;\n  for (int i = 0; i < N; i++) {\n    if (a[i] > best) {\n      best = a[i];\n      idx = i;\n      k = 2 * i;\n    }\n  }\n  printf("%d %d %g\\n", idx, k, best);');
    expect(v.verdict).toBe('not-parallel');
    expect(v.reasons.map((r) => r.code)).toContain('arg-min-max');
    expect(v.reasons.find((r) => r.code === 'arg-min-max')?.message).toContain('`idx`');
  });

  it('a temporary written before it is read in every iteration is private', async () => {
    const v = await verdictOf('  double t;\n  for (int i = 0; i < N; i++) {\n    t = a[i] * 2.0;\n    b[i] = t * t;\n  }');
    expect(v.verdict).toBe('parallel');
    expect(v.clauses).toMatchObject({ private: ['t'], lastprivate: [], reduction: [] });
  });

  it('a temporary whose last value is used after the loop is lastprivate', async () => {
    const v = await verdictOf('  double t = 0.0;\n  for (int i = 0; i < N; i++) {\n    t = a[i] * 2.0;\n    b[i] = t * t;\n  }\n  printf("%g\\n", t);');
    expect(v.verdict).toBe('parallel');
    expect(v.clauses).toMatchObject({ private: [], lastprivate: ['t'] });
  });

  it('a temporary overwritten after the loop before any read is only private', async () => {
    const v = await verdictOf('  double t = 0.0;\n  for (int i = 0; i < N; i++) {\n    t = a[i] * 2.0;\n    b[i] = t;\n  }\n  t = 1.0;\n  printf("%g\\n", t);');
    expect(v.clauses).toMatchObject({ private: ['t'], lastprivate: [] });
  });

  it('C89 counters of loops nested two deep are private to the outer loop', async () => {
    const v = await verdictOf('  int j, k;\n  for (int i = 0; i < N; i++)\n    for (j = 0; j < N; j++) {\n      b[i] = 0.0;\n      for (k = 0; k < N; ++k) b[i] += a[k] * j;\n    }');
    expect(v.verdict).toBe('parallel');
    expect(v.clauses).toMatchObject({ private: ['j', 'k'], lastprivate: [] });
  });

  it('a temporary set only inside an inner loop and used after the nest is refused, naming that loop', async () => {
    const v = await verdictOf('  int j;\n  double t = 0.0;\n  for (int i = 0; i < N; i++)\n    for (j = 0; j < i % 3; j++) {\n      t = a[i] + j;\n      b[i] = t;\n    }\n  printf("%g\\n", t);');
    expect(v.verdict).toBe('not-parallel');
    const r = v.reasons.find((x) => x.code === 'lastprivate-skipped');
    expect(r?.message).toContain('`for (j = 0; j < i % 3; j++)`');
  });

  it('a temporary set inside an inner loop but read after it in the same iteration is carried', async () => {
    const v = await verdictOf('  int j;\n  double t = 0.0;\n  for (int i = 0; i < N; i++) {\n    for (j = 0; j < i % 3; j++) t = a[i] + j;\n    b[i] = t;\n  }');
    expect(v.verdict).toBe('not-parallel');
    expect(v.reasons.map((x) => x.code)).toContain('scalar-dependence');
  });

  it('a variable declared inside the loop needs no clause', async () => {
    const v = await verdictOf('  for (int i = 0; i < N; i++) {\n    double t = a[i] + 1.0;\n    b[i] = t;\n  }');
    expect(v.verdict).toBe('parallel');
    expect(v.clauses).toMatchObject({ private: [], lastprivate: [], reduction: [] });
  });

  it('a recurrence through a scalar is a carried dependence', async () => {
    const v = await verdictOf('  double s = 0.0;\n  for (int i = 0; i < N; i++) {\n    s = s * 0.5 + a[i];\n    b[i] = s;\n  }');
    expect(v.verdict).toBe('not-parallel');
    expect(v.reasons[0].code).toBe('scalar-dependence');
    expect(v.reasons[0].message).toContain('loop-carried dependence on `s`');
  });

  it('a reduction variable that is also read for another purpose is carried', async () => {
    const v = await verdictOf('  double s = 0.0;\n  for (int i = 0; i < N; i++) {\n    s += a[i];\n    b[i] = s;\n  }');
    expect(v.verdict).toBe('not-parallel');
    expect(v.reasons[0].code).toBe('scalar-dependence');
  });

  it('a bool sum is refused (each serial step stores 0 or 1); a bool | is a reduction', async () => {
    const sum = await verdictOf('  _Bool s = 0;\n  for (int i = 0; i < N; i++) s += (int)u[i] - 1;\n  printf("%d\\n", (int)s);');
    expect(sum.verdict).toBe('not-parallel');
    expect(sum.reasons.find((r) => r.code === 'reduction-type')?.message).toMatch(/`s` is a `_Bool`: each serial step stores 0 or 1/);
    const any = await verdictOf('  _Bool s = 0;\n  for (int i = 0; i < N; i++) s |= u[i] > 3;\n  printf("%d\\n", (int)s);');
    expect(any.verdict).toBe('parallel');
  });

  it('mixing operators (+ and *) on one scalar is not a reduction', async () => {
    const v = await verdictOf('  double s = 1.0;\n  for (int i = 0; i < N; i++) {\n    s += a[i];\n    s *= 0.5;\n  }\n  printf("%g\\n", s);');
    expect(v.verdict).toBe('not-parallel');
    expect(v.clauses).toBeNull();
  });

  it('a scalar written only in some iterations is refused (its final value depends on the last writer)', async () => {
    // Start value 5 is not below every index, so `reduction(max:last)` would differ (see coverage.test.ts).
    const v = await verdictOf('  int last = 5;\n  for (int i = 0; i < N; i++) {\n    if (a[i] > 0.5) last = i;\n  }\n  printf("%d\\n", last);');
    expect(v.verdict).toBe('not-parallel');
    expect(v.reasons[0].code).toBe('conditional-write');
  });

  it('a max idiom with a different value in the test and the assignment is not a reduction', async () => {
    const v = await verdictOf('  double m = 0.0;\n  for (int i = 0; i < N; i++) {\n    if (a[i] > m) m = b[i];\n  }\n  printf("%g\\n", m);');
    expect(v.verdict).toBe('not-parallel');
  });

  it('an induction variable used after the loop keeps the loop sequential', async () => {
    const v = await verdictOf('  int i;\n  for (i = 0; i < N; i++) a[i] = b[i];\n  printf("%d\\n", i);');
    expect(v.verdict).toBe('not-parallel');
    expect(v.reasons[0].code).toBe('induction-used-after');
  });
});

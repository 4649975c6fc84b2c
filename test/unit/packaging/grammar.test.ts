import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../../helpers/paths';

interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  patterns?: Rule[];
  captures?: Record<string, { name: string }>;
  beginCaptures?: Record<string, { name: string }>;
}

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contribution = (pkg.contributes.grammars as { scopeName: string; path: string; injectTo: string[] }[]).find(
  (g) => g.scopeName === 'source.paraforge.parallel-injection',
);
const grammar = JSON.parse(readFileSync(path.join(ROOT, contribution?.path ?? 'missing'), 'utf8')) as {
  scopeName: string;
  injectionSelector: string;
  repository: Record<string, Rule>;
};
const repo = grammar.repository;

/** The regex of a rule; Oniguruma and JavaScript agree on every construct this grammar uses. */
const re = (source: string | undefined, flags = ''): RegExp => new RegExp(source ?? '(?!)', flags);

// The grammar's regexes are plain enough for JavaScript: check what each one picks out of real lines.
describe('the OpenMP/MPI injection grammar', () => {
  test('is contributed into C, C++ and CUDA C++ under its own scope name', () => {
    expect(contribution?.injectTo).toEqual(['source.c', 'source.cpp', 'source.cuda-cpp']);
    expect(grammar.scopeName).toBe(contribution?.scopeName);
    for (const scope of contribution!.injectTo) expect(grammar.injectionSelector).toContain(`L:${scope} -comment -string`);
  });

  test('every rule compiles and every include resolves', () => {
    const visit = (rule: Rule & { include?: string }): void => {
      for (const key of ['match', 'begin', 'end'] as const) if (rule[key]) expect(() => re(rule[key])).not.toThrow();
      if (rule.include?.startsWith('#')) expect(repo, rule.include).toHaveProperty(rule.include.slice(1));
      for (const child of rule.patterns ?? []) visit(child);
    };
    Object.values(repo).forEach(visit);
  });

  test('begins an OpenMP pragma on `#pragma omp`, with or without spaces after #', () => {
    const begin = re(repo['openmp-pragma'].begin);
    expect('#pragma omp parallel for reduction(+:s)').toMatch(begin);
    expect('  #  pragma omp simd').toMatch(begin);
    expect('#pragma once').not.toMatch(begin);
    expect('#pragma ompx_thing').not.toMatch(begin);
    expect('#pragma acc parallel loop').toMatch(re(repo['openacc-pragma'].begin));
  });

  test('splits a reduction clause into operator and variables', () => {
    const m = re(repo['reduction-clause'].begin).exec('reduction(max: m)');
    expect(m?.[1]).toBe('reduction');
    expect(m?.[5]).toBe('max');
    expect(re(repo['reduction-clause'].begin).exec('reduction(inscan, +: total)')?.slice(3, 6)).toEqual(['inscan', ',', '+']);
    expect(re(repo['reduction-clause'].begin).exec('reduction(||:flag)')?.[5]).toBe('||');
  });

  test('names clauses and directives, not the variables inside clauses', () => {
    const pragma = repo['openmp-pragma'].patterns!;
    const clauseWithArgs = re(pragma.find((p) => p.name?.startsWith('meta.clause.openmp'))?.begin, 'g');
    const found = [...'parallel for private(tmp) collapse(2) schedule(dynamic, 4)'.matchAll(clauseWithArgs)].map((m) => m[1]);
    expect(found).toEqual(['private', 'collapse', 'schedule']);
    const directives = re(pragma.find((p) => p.name === 'keyword.control.directive.openmp.paraforge')?.match, 'g');
    expect([...'parallel for simd'.matchAll(directives)].map((m) => m[0])).toEqual(['parallel', 'for', 'simd']);
  });

  test('marks MPI calls as functions and MPI handles and constants as constants', () => {
    const call = re(repo['mpi-call'].match);
    const constant = re(repo['mpi-constant'].match, 'g');
    expect('MPI_Allreduce(&s, &t, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);'.match(call)?.[1]).toBe('MPI_Allreduce');
    expect('  MPI_Comm_rank (comm, &rank);'.match(call)?.[1]).toBe('MPI_Comm_rank');
    expect('MPI_COMM_WORLD').not.toMatch(call);
    expect([...'MPI_Allreduce(&s, &t, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD); MPI_Comm c;'.matchAll(constant)].map((m) => m[0])).toEqual([
      'MPI_DOUBLE',
      'MPI_SUM',
      'MPI_COMM_WORLD',
      'MPI_Comm',
    ]);
    expect('my_MPI_Send(x)').not.toMatch(call);
  });
});

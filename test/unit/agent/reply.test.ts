import { describe, expect, it } from 'vitest';
import { codeBlocks, extractCode, pragmaAnswers, spliceFunction, spliceWholeFile } from '../../../src/core/agent';
import { testParserHost } from '../../helpers/paths';

const parser = testParserHost();

const FILE = `#include <stdio.h>
/* helper the reply must not touch */
static int helper(int x) { return x + 1; }

double dot(const double *x, const double *y, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

int other(void) { return helper(1); }
`;

const PAR = `double dot(const double *x, const double *y, int n) {
  double s = 0.0;
  #pragma omp parallel for reduction(+:s)
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}`;

describe('extractCode', () => {
  it('picks the block that defines the function among several, the last restatement winning', () => {
    const reply = `Here is a helper:\n\`\`\`c\nstatic inline double sq(double v) { return v * v; }\n\`\`\`\nDraft:\n\`\`\`c\ndouble dot(const double *x, const double *y, int n) { return 0; }\n\`\`\`\nFinal:\n\`\`\`c\n${PAR}\n\`\`\`\nDone.`;
    expect(codeBlocks(reply)).toHaveLength(3);
    const code = extractCode(reply, 'dot');
    expect(code.ok && code.code).toBe(PAR);
  });

  it('takes bare code out of prose, refuses prose alone, and marks a block cut off mid-code', () => {
    const bare = extractCode(`Sure! Below is the function.\n${PAR}\nHope this helps.`, 'dot');
    expect(bare.ok && bare.code.startsWith('double dot(')).toBe(true);
    const prose = extractCode('You could parallelise the loop with a reduction on s.', 'dot');
    expect(prose).toEqual({ ok: false, reason: 'the reply has no code block defining `dot`' });
    const cut = extractCode(`\`\`\`c\n${PAR.slice(0, 90)}`, 'dot');
    expect(cut.ok && cut.truncated).toBe(true);
  });

  it('reads the chain-of-OMP answer lines, last answer per loop winning', () => {
    const a = pragmaAnswers('Directive for L1: parallel for\nL1: #pragma omp parallel for\nOn reflection:\n**L1: #pragma omp parallel for reduction(+:s)**\nL2: none');
    expect(a.get('L1')).toBe('#pragma omp parallel for reduction(+:s)');
    expect(a.get('L2')).toBeNull();
  });
});

describe('spliceFunction', () => {
  it('replaces only the target function; everything else stays byte for byte, even when the reply rewrites it', async () => {
    const reply = `#include <stdlib.h>\nstatic int helper(int x) { system("rm -rf ~"); return x; }\n${PAR}\nint other(void) { return 42; }\n`;
    const s = await spliceFunction(parser, 'c', FILE, 'dot', reply, false);
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    const start = FILE.indexOf('double dot(');
    const end = FILE.indexOf('\n}\n', start) + 2;
    expect(s.text.slice(0, start)).toBe(FILE.slice(0, start));
    expect(s.text.slice(start + PAR.length)).toBe(FILE.slice(end));
    expect(s.text).not.toContain('system(');
    expect(s.range?.start.line).toBe(4);
  });

  it('refuses a changed signature, a cut-off function, a missing one, and process calls or directives it adds', async () => {
    const changed = await spliceFunction(parser, 'c', FILE, 'dot', PAR.replace('int n)', 'long n)'), false);
    expect(!changed.ok && changed.reason).toMatch(/changed the signature of `dot` from `double dot\(const double\*x,const double\*y,int n\)`/);
    const cut = await spliceFunction(parser, 'c', FILE, 'dot', PAR.slice(0, 120), true);
    expect(!cut.ok && cut.reason).toMatch(/cut off/);
    const missing = await spliceFunction(parser, 'c', FILE, 'dot', 'int unrelated(void) { return 0; }', false);
    expect(!missing.ok && missing.reason).toMatch(/does not define `dot`/);
    const evil = await spliceFunction(parser, 'c', FILE, 'dot', PAR.replace('return s;', 'system("rm -rf ~");\n  return s;'), false);
    expect(!evil.ok && evil.reason).toMatch(/call to `system`/);
    const macro = await spliceFunction(parser, 'c', FILE, 'dot', PAR.replace('double s = 0.0;', 'double s = 0.0;\n#define n 8'), false);
    expect(!macro.ok && macro.reason).toMatch(/preprocessor/);
  });

  const CU = `#include <cuda_runtime.h>
__global__ void old_kernel(float *c, int n) { int i = threadIdx.x; if (i < n) c[i] = 0.0f; }

void add(const float *a, float *c, int n) {
  for (int i = 0; i < n; i++) c[i] += a[i];
}
`;
  const KERNEL = `__global__ void add_kernel(const float *a, float *c, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) c[i] += a[i];
}`;
  const HOST = `void add(const float *a, float *c, int n) {
  add_kernel<<<(n + 255) / 256, 256>>>(a, c, n);
}`;

  it('CUDA (kernels): puts the reply\'s new kernel before the function; without the option the kernel is dropped, as any other helper', async () => {
    const s = await spliceFunction(parser, 'cuda-cpp', CU, 'add', `${KERNEL}\n\n${HOST}\n`, false, { kernels: true });
    expect(s.ok && s.text).toBe(CU.replace(/void add\([\s\S]*\n\}\n/, `${KERNEL}\n\n${HOST}\n`));
    const plain = await spliceFunction(parser, 'cuda-cpp', CU, 'add', `${KERNEL}\n\n${HOST}\n`, false);
    expect(plain.ok && plain.text).not.toContain('add_kernel(const');
  });

  it('CUDA (kernels): skips a kernel the file has, unchanged; refuses one it changed, and a kernel with a process call', async () => {
    const again = await spliceFunction(parser, 'cuda-cpp', CU, 'add', `__global__ void old_kernel(float *c, int n) { int i = threadIdx.x; if (i < n) c[i] = 0.0f; }\n${KERNEL}\n${HOST}\n`, false, { kernels: true });
    expect(again.ok && again.text.match(/void old_kernel/g)?.length).toBe(1);
    const changed = await spliceFunction(parser, 'cuda-cpp', CU, 'add', `__global__ void old_kernel(float *c, int n) { c[0] = 1.0f; }\n${KERNEL}\n${HOST}\n`, false, { kernels: true });
    expect(!changed.ok && changed.reason).toMatch(/changes `old_kernel`/);
    const evil = await spliceFunction(parser, 'cuda-cpp', CU, 'add', `${KERNEL.replace('c[i] += a[i];', 'c[i] += a[i]; system("id");')}\n${HOST}\n`, false, { kernels: true });
    expect(!evil.ok && evil.reason).toMatch(/kernel `add_kernel` adds a call to `system`/);
  });

  it('adds #include <omp.h> when the new function calls the OpenMP runtime', async () => {
    const s = await spliceFunction(parser, 'c', FILE, 'dot', PAR.replace('double s = 0.0;', 'double s = 0.0; (void)omp_get_max_threads();'), false);
    expect(s.ok && s.text.startsWith('#include <omp.h>\n#include <stdio.h>')).toBe(true);
  });
});

describe('spliceWholeFile', () => {
  it('takes a whole file that parses and keeps the function, refuses one that does not parse', async () => {
    const ok = await spliceWholeFile(parser, 'c', FILE, 'dot', `#include <mpi.h>\n${FILE}`, false);
    expect(ok.ok).toBe(true);
    const bad = await spliceWholeFile(parser, 'c', FILE, 'dot', FILE.replace('return s;\n}', 'return s;\n'), true);
    expect(!bad.ok && bad.reason).toMatch(/cut off/);
    const local = await spliceWholeFile(parser, 'c', FILE, 'dot', `#include "/etc/passwd"\n${FILE}`, false);
    expect(!local.ok && local.reason).toMatch(/standard headers/);
  });
});

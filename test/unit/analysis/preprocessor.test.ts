import { describe, expect, it } from 'vitest';
import { analyseText } from './snippets';

describe('trusted integer macros', () => {
  it('a macro the code names above its #define (a local enum or const there) is not trusted: the compiler reads the other meaning at those uses', async () => {
    const src = 'static void f(long *a, int n) {\n  enum { J = 2 };\n  for (int i = 0; i < n; i += 2) a[i] = a[i + J] + 1;\n}\n#define J 3\n';
    const [v] = await analyseText(src);
    expect(v.verdict).not.toBe('parallel');
    expect(v.reasons.find((r) => r.code === 'macro')?.message).toMatch(/`J` is named above its `#define`/);
  });

  it('a #define that lies only in a comment defines nothing', async () => {
    const src = '/*\n#define K 3\n*/\nstatic void f(long *a, int n) {\n  enum { K = 2 };\n  for (int i = 0; i < n; i += 2) a[i] = a[i + K] + 1;\n}\n';
    const [v] = await analyseText(src);
    expect(v.verdict).not.toBe('parallel');
  });

  it('a macro defined at the top and named only below is still a constant', async () => {
    const src = '/* K is the stride */\n#define K 3\nstatic void f(long *a, int n) {\n  for (int i = 0; i < n; i += 2) a[i] = a[i + K] + 1;\n}\n';
    const [v] = await analyseText(src);
    expect(v.verdict).toBe('parallel');
  });
});

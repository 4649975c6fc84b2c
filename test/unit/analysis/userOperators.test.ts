import { describe, expect, it } from 'vitest';
import { overloadedOperators } from '../../../src/core/analysis/userOperators';
import { analyseText } from './snippets';

/**
 * Overloaded operators (analysis/userOperators.ts): which declarations count, and that a loop whose
 * arithmetic may call a user operator with side effects is refused while built-in arithmetic in
 * the same file is not.
 */

describe('overloaded operators', () => {
  it('reads the operator tokens a file declares, and conversion operators', () => {
    const ops = (t: string) => ({ tokens: [...overloadedOperators(t).tokens].sort(), conversion: overloadedOperators(t).conversion });
    expect(ops('static inline float operator*(float k, const Px &p) {')).toEqual({ tokens: ['*'], conversion: false });
    expect(ops('Vec operator+(const Vec&a, const Vec&b); Px& operator+=(const Px& o); bool operator<(X a, X b)')).toEqual({ tokens: ['+', '+=', '<'], conversion: false });
    expect(ops('T& operator[](size_t i); double operator()(int i) const;')).toEqual({ tokens: ['call', 'subscript'], conversion: false });
    expect(ops('operator double() const { return v; } explicit operator bool() const')).toEqual({ tokens: [], conversion: true });
    expect(ops('void* operator new(size_t n); int operator_x = 3;')).toEqual({ tokens: [], conversion: false });
  });

  it('refuses a loop whose `*` may be a user operator writing globals, not a loop of built-in arithmetic', async () => {
    const text = `struct Px { float v; };
static unsigned long calls = 0;
static inline float operator*(float k, const Px &p) { calls++; return k * p.v; }
void conv(int n, const Px *img, float *out, const float *w, float *o2) {
  for (int x = 0; x < n; x++) out[x] = 0.25f * img[x];
  for (int x = 0; x < n; x++) o2[x] = 0.25f * w[x];
}
`;
    const verdicts = await analyseText(text, 'cpp');
    expect(verdicts[0].verdict).not.toBe('parallel');
    expect(verdicts[0].reasons.map((r) => r.code)).toContain('user-operator');
    expect(verdicts[1].reasons.map((r) => r.code)).not.toContain('user-operator');
  });
});

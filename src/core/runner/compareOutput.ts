/**
 * Compares what the original and a candidate printed: line by line, token by token, integers
 * exactly and floating-point numbers within a relative tolerance (0 = exact).
 */

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?(nan|inf|infinity)$/i;

function isFloatToken(t: string): boolean {
  // printf prints -0.0 as "-0": a float, though it has no point.
  return /[.eE]|nan|inf/i.test(t) || t === '-0';
}

function toNumber(t: string): number {
  const l = t.toLowerCase().replace(/^\+/, '');
  if (l.endsWith('nan')) return Number.NaN;
  if (l.endsWith('inf') || l.endsWith('infinity')) return l.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/**
 * True when two numeric tokens agree: integers exactly, floats within `tolerance` relative error
 * (relative to the larger magnitude, or to `floor` when both are smaller). With tolerance 0 the
 * comparison is exact, and -0 differs from 0 (min/max rewrites can flip the sign of zero).
 */
export function numbersAgree(a: string, b: string, tolerance: number, floor = 0): boolean {
  if (a === b) return true;
  if (!NUMBER.test(a) || !NUMBER.test(b)) return false;
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  if (!isFloatToken(a) && !isFloatToken(b)) return x === y;
  if (tolerance === 0) return Object.is(x, y);
  if (x === y) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  const scale = Math.max(Math.abs(x), Math.abs(y), floor);
  // Values that print as tiny (cancelled sums) are compared absolutely against the tolerance.
  return Math.abs(x - y) <= tolerance * Math.max(scale, 1e-300) || (scale < 1e-12 && Math.abs(x - y) <= tolerance);
}

/** How closely one output line must agree: relative tolerance, and the magnitude it is relative to at least. */
export interface LineTolerance {
  readonly relative: number;
  readonly floor: number;
}

/** The first place two lines differ, for a message. */
export interface LineDifference {
  readonly line: number;
  readonly original: string;
  readonly candidate: string;
  /** The differing token of each side, when a single token differs. */
  readonly token?: { readonly original: string; readonly candidate: string; readonly label: string };
}

function shorten(s: string, max = 120): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** The lines of a text (CRLF folded, trailing empty lines dropped). */
export function outputLines(text: string): string[] {
  return text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
}

/**
 * Compares two texts line by line; null when they agree. `tolerance` is one relative tolerance for
 * every line, or a function giving each line of the original its own (exact for most lines).
 * Line numbers (1-based) in `skip` are left out; the line counts must still agree.
 */
export function firstDifference(original: string, candidate: string, tolerance: number | ((line: string) => LineTolerance), skip?: ReadonlySet<number>): LineDifference | null {
  const a = outputLines(original);
  const b = outputLines(candidate);
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const la = a[i];
    const lb = b[i];
    if (la === lb) continue;
    if (skip?.has(i + 1) && la !== undefined && lb !== undefined) continue;
    if (la === undefined || lb === undefined) return { line: i + 1, original: la ?? '(no line)', candidate: lb ?? '(no line)' };
    const ta = la.trim().split(/\s+/);
    const tb = lb.trim().split(/\s+/);
    if (ta.length !== tb.length) return { line: i + 1, original: shorten(la), candidate: shorten(lb) };
    for (let k = 0; k < ta.length; k++) {
      if (ta[k] === tb[k]) continue;
      const tol = typeof tolerance === 'number' ? { relative: tolerance, floor: 0 } : tolerance(la);
      if (numbersAgree(ta[k], tb[k], tol.relative, tol.floor)) continue;
      // Label a token by the word before it ("sum 3.5" → "sum"), for "sum: original 3.5, candidate 3.25".
      let j = k - 1;
      while (j >= 0 && /^[^A-Za-z0-9_]*$/.test(ta[j])) j--;
      const label = j >= 0 ? ta[j].replace(/[:=]+$/, '') : `line ${i + 1}`;
      return { line: i + 1, original: shorten(la), candidate: shorten(lb), token: { original: ta[k], candidate: tb[k], label } };
    }
  }
  return null;
}

/**
 * Lines (1-based) that differ between two runs of the same program: run-to-run noise (timings,
 * addresses), left out of comparisons. Null when the runs differ in their number of lines.
 */
export function varyingLines(first: string, second: string): Set<number> | null {
  const a = outputLines(first);
  const b = outputLines(second);
  if (a.length !== b.length) return null;
  const out = new Set<number>();
  a.forEach((l, i) => {
    if (l !== b[i]) out.add(i + 1);
  });
  return out;
}

/** "out[17]: original 3.5, candidate 3.25" or a whole-line description. */
export function describeDifference(d: LineDifference, what = 'stdout'): string {
  if (d.token) return `${d.token.label}: original ${d.token.original}, candidate ${d.token.candidate} (${what} line ${d.line})`;
  return `${what} line ${d.line}: original "${d.original}", candidate "${d.candidate}"`;
}

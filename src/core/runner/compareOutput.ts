/**
 * Compares what the original and a candidate printed: line by line, token by token, integers
 * exactly and floating-point numbers within a relative tolerance (0 = exact).
 */

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?(nan|inf|infinity)$/i;

function isFloatToken(t: string): boolean {
  return /[.eE]|nan|inf/i.test(t);
}

function toNumber(t: string): number {
  const l = t.toLowerCase().replace(/^\+/, '');
  if (l.endsWith('nan')) return Number.NaN;
  if (l.endsWith('inf') || l.endsWith('infinity')) return l.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/** True when two numeric tokens agree: integers exactly, floats within `tolerance` relative error. */
export function numbersAgree(a: string, b: string, tolerance: number): boolean {
  if (a === b) return true;
  if (!NUMBER.test(a) || !NUMBER.test(b)) return false;
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  if (!isFloatToken(a) && !isFloatToken(b)) return x === y;
  if (x === y) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  const scale = Math.max(Math.abs(x), Math.abs(y));
  // Values that print as tiny (cancelled sums) are compared absolutely against the tolerance.
  return Math.abs(x - y) <= tolerance * Math.max(scale, 1e-300) || (scale < 1e-12 && Math.abs(x - y) <= tolerance);
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

/**
 * Lines that report run time ("elapsed 0.12 s", "time = 3.1"): they differ between any two runs,
 * so whole-program comparisons skip them by default.
 */
export const TIMING_LINE = /\b(elapsed|wall[- ]?clock|time taken|took|runtime|wtime)\b|\btime\s*(\(s\)|\[s\])?\s*[:=]/i;

/** Compares two texts line by line; null when they agree within `tolerance`. Lines matching `ignore` are dropped first. */
export function firstDifference(original: string, candidate: string, tolerance: number, ignore?: RegExp): LineDifference | null {
  const lines = (t: string) => {
    const all = t.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
    return ignore ? all.filter((l) => !ignore.test(l)) : all;
  };
  const a = lines(original);
  const b = lines(candidate);
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const la = a[i];
    const lb = b[i];
    if (la === lb) continue;
    if (la === undefined || lb === undefined) return { line: i + 1, original: la ?? '(no line)', candidate: lb ?? '(no line)' };
    const ta = la.trim().split(/\s+/);
    const tb = lb.trim().split(/\s+/);
    if (ta.length !== tb.length) return { line: i + 1, original: shorten(la), candidate: shorten(lb) };
    for (let k = 0; k < ta.length; k++) {
      if (ta[k] === tb[k]) continue;
      if (numbersAgree(ta[k], tb[k], tolerance)) continue;
      // Label a token by the word before it ("sum 3.5" → "sum"), for "sum: original 3.5, candidate 3.25".
      let j = k - 1;
      while (j >= 0 && /^[^A-Za-z0-9_]*$/.test(ta[j])) j--;
      const label = j >= 0 ? ta[j].replace(/[:=]+$/, '') : `line ${i + 1}`;
      return { line: i + 1, original: shorten(la), candidate: shorten(lb), token: { original: ta[k], candidate: tb[k], label } };
    }
  }
  return null;
}

/** "out[17]: original 3.5, candidate 3.25" or a whole-line description. */
export function describeDifference(d: LineDifference, what = 'stdout'): string {
  if (d.token) return `${d.token.label}: original ${d.token.original}, candidate ${d.token.candidate} (${what} line ${d.line})`;
  return `${what} line ${d.line}: original "${d.original}", candidate "${d.candidate}"`;
}

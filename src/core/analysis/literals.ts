/**
 * C and C++ literal rules for the constants the analysis reads: `0100` is octal (64), `0x40` hex,
 * `0b1000000` binary, `1'000` has digit separators, suffixes (`u`, `l`, `ll`, `z`) do not change
 * the value, and `'A'` is 65. A literal this module does not understand is not a number to it:
 * callers then treat the expression as unknown, never as a guessed value.
 */

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34, '?': 63, a: 7, b: 8, f: 12, v: 11 };

/** The value of a plain character literal (`'A'`, `'\n'`, `'\x41'`, `'\101'`), or undefined. */
export function parseCharLiteral(text: string): number | undefined {
  const m = /^'(.*)'$/s.exec(text.trim());
  if (!m) return undefined;
  const body = m[1];
  if (body.length === 1 && body !== '\\' && body !== "'") return body.charCodeAt(0) < 128 ? body.charCodeAt(0) : undefined;
  if (!body.startsWith('\\')) return undefined;
  const esc = body.slice(1);
  // An escape above 127 is a negative value where plain char is signed (gcc and clang on x86:
  // '\377' is -1) and a positive one where it is not: not a number to the analysis.
  const code = /^[0-7]{1,3}$/.test(esc) ? parseInt(esc, 8) : /^x[0-9a-fA-F]{1,2}$/.test(esc) ? parseInt(esc.slice(1), 16) : undefined;
  if (code !== undefined) return code < 128 ? code : undefined;
  if (esc.length === 1 && esc in ESCAPES) return ESCAPES[esc];
  return undefined;
}

/**
 * The value of an integer literal as C reads it (optionally parenthesised and negated, as a
 * macro body may be), or undefined for anything else (floating literals, user-defined literals,
 * values too large to hold exactly).
 */
export function parseIntegerLiteral(text: string): number | undefined {
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1).trim();
  let sign = 1;
  if (t.startsWith('-')) {
    sign = -1;
    t = t.slice(1).trim();
  }
  if (t.startsWith("'")) {
    const c = parseCharLiteral(t);
    return c === undefined ? undefined : sign * c;
  }
  // Digit separators (C++14, C23) are ignored; a separator at an edge is malformed.
  if (/^'|'$|''/.test(t)) return undefined;
  t = t.replace(/'/g, '');
  // Integer suffixes: u, l, ll, z in either order and case (ul, llu, uz, …).
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)(?:[uU](?:ll|LL|[lLzZ])?|(?:ll|LL|[lLzZ])[uU]?)?$/.exec(t);
  if (!m) return undefined;
  const digits = m[1];
  let v: number;
  if (/^0[xX]/.test(digits)) v = parseInt(digits.slice(2), 16);
  else if (/^0[bB]/.test(digits)) v = parseInt(digits.slice(2), 2);
  else if (digits.length > 1 && digits.startsWith('0')) v = parseInt(digits, 8);
  else v = parseInt(digits, 10);
  if (!Number.isSafeInteger(v)) return undefined;
  return sign * v;
}

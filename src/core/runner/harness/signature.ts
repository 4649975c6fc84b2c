/**
 * Reads what a generated driver needs from C source text: a function's signature, which integer
 * parameters bound its loops, how deeply its loops nest, and the file-scope variables it touches.
 * It is deliberately a small scanner, not a parser: anything it cannot classify is reported as
 * "too complex to drive" with the exact reason, and the user can supply a harness instead.
 */

/** Scalar C types the driver can fill and print. */
export type ScalarKind = 'int' | 'uint' | 'float' | 'double' | 'char' | 'bool';

/** One parameter of the function under test. */
export interface Param {
  readonly name: string;
  /** The C spelling of the element (or scalar) type, e.g. `unsigned long`, `double`. */
  readonly ctype: string;
  readonly kind: ScalarKind;
  readonly pointer: boolean;
  /** `const T *`: read-only, so not compared after the call. */
  readonly readOnly: boolean;
}

/** A file-scope variable the function mentions. */
export interface GlobalVar {
  readonly name: string;
  readonly ctype: string;
  readonly kind: ScalarKind;
  /** Declared as a fixed-size array. */
  readonly array: boolean;
}

/** Everything the driver generator needs about one function. */
export interface FunctionShape {
  readonly name: string;
  readonly returnType: string;
  readonly returnKind: ScalarKind | 'void';
  readonly params: readonly Param[];
  /** Integer parameters that appear in loop conditions: they set the problem size. */
  readonly sizeParams: readonly string[];
  /** Deepest nesting of `for` loops in the body. */
  readonly loopDepth: number;
  readonly globals: readonly GlobalVar[];
  /** The body's source text (pragmas included), for questions the shape does not answer. */
  readonly body: string;
}

const SCALARS: Record<string, ScalarKind> = {
  char: 'char',
  'signed char': 'char',
  'unsigned char': 'uint',
  short: 'int',
  'short int': 'int',
  'unsigned short': 'uint',
  int: 'int',
  signed: 'int',
  'signed int': 'int',
  unsigned: 'uint',
  'unsigned int': 'uint',
  long: 'int',
  'long int': 'int',
  'unsigned long': 'uint',
  'long long': 'int',
  'long long int': 'int',
  'unsigned long long': 'uint',
  size_t: 'uint',
  ptrdiff_t: 'int',
  int8_t: 'int',
  int16_t: 'int',
  int32_t: 'int',
  int64_t: 'int',
  uint8_t: 'uint',
  uint16_t: 'uint',
  uint32_t: 'uint',
  uint64_t: 'uint',
  float: 'float',
  double: 'double',
  bool: 'bool',
  _Bool: 'bool',
};

const QUALIFIERS = /\b(const|volatile|restrict|__restrict__|__restrict|register|static|inline|extern|__inline__|__inline)\b/g;

/** The function cannot be driven by a generated harness; `reason` says exactly why. */
export class HarnessUnsupportedError extends Error {
  constructor(readonly reason: string) {
    super(`harness generation: ${reason}`);
  }
}

/** Replaces comments and string/char literals with spaces, keeping offsets. */
export function blankCommentsAndStrings(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

function matchClose(text: string, open: number, o: string, c: string): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === o) depth++;
    else if (text[i] === c && --depth === 0) return i;
  }
  return -1;
}

/** Brace depth at each offset is needed only at candidate sites; compute it on demand. */
function depthAt(text: string, offset: number): number {
  let d = 0;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '{') d++;
    else if (text[i] === '}') d--;
  }
  return d;
}

function scalarKind(ctype: string): ScalarKind | null {
  return SCALARS[ctype.replace(/\s+/g, ' ').trim()] ?? null;
}

function parseParam(raw: string, fn: string): Param {
  const text = raw.trim();
  if (text.includes('(')) throw new HarnessUnsupportedError(`parameter \`${text}\` of ${fn} is a function pointer (a callback ParaForge cannot invent)`);
  if (text === '...') throw new HarnessUnsupportedError(`${fn} is variadic`);
  if (/&/.test(text)) throw new HarnessUnsupportedError(`parameter \`${text}\` of ${fn} is a C++ reference`);
  const readOnly = /\bconst\b/.test(text.split('*')[0] ?? '') || /^const\b/.test(text);
  let t = text.replace(QUALIFIERS, ' ');
  let stars = (t.match(/\*/g) ?? []).length;
  const brackets = t.match(/\[[^\]]*\]/g) ?? [];
  if (brackets.length > 1) throw new HarnessUnsupportedError(`parameter \`${text}\` of ${fn} is a multi-dimensional array parameter`);
  stars += brackets.length;
  t = t.replace(/\[[^\]]*\]/g, ' ').replace(/\*/g, ' ').replace(/\s+/g, ' ').trim();
  const m = /^(.*?)\s*\b([A-Za-z_]\w*)$/.exec(t);
  if (!m || !m[1]) throw new HarnessUnsupportedError(`parameter \`${text}\` of ${fn} has no name (or a type ParaForge cannot read)`);
  const ctype = m[1].trim();
  const name = m[2];
  if (stars > 1) throw new HarnessUnsupportedError(`parameter \`${name}\` of ${fn} is a pointer to pointer (unknown shape)`);
  if (ctype === 'void') throw new HarnessUnsupportedError(`parameter \`${name}\` of ${fn} is an untyped pointer (void *)`);
  const kind = scalarKind(ctype);
  if (!kind) {
    const what = /\b(struct|union|class)\b/.test(ctype) || /^[A-Z]|_t$/.test(ctype) ? 'an opaque struct or typedef' : 'a type ParaForge cannot fill';
    throw new HarnessUnsupportedError(`parameter \`${name}\` of ${fn} has type \`${ctype}${stars ? ' *' : ''}\`, ${what}`);
  }
  return { name, ctype, kind, pointer: stars === 1, readOnly: stars === 1 && readOnly };
}

/** Deepest `for` nesting in a statement list. */
export function forDepth(body: string): number {
  let best = 0;
  const re = /\bfor\s*\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    const open = body.indexOf('(', m.index);
    const close = matchClose(body, open, '(', ')');
    if (close < 0) break;
    let k = close + 1;
    while (k < body.length && /\s/.test(body[k])) k++;
    let end: number;
    if (body[k] === '{') end = matchClose(body, k, '{', '}');
    else if (/^for\b/.test(body.slice(k))) {
      // An unbraced nested loop: its own extent is the body.
      const inner = body.slice(k);
      const innerOpen = inner.indexOf('(');
      const innerClose = matchClose(inner, innerOpen, '(', ')');
      const semi = inner.indexOf(';', innerClose);
      const brace = inner.indexOf('{', innerClose);
      end = k + (brace >= 0 && (semi < 0 || brace < semi) ? matchClose(inner, brace, '{', '}') : semi);
    } else end = body.indexOf(';', k);
    if (end < 0) end = body.length - 1;
    best = Math.max(best, 1 + forDepth(body.slice(k, end + 1)));
    re.lastIndex = end + 1;
  }
  return best;
}

function loopConditions(body: string): string {
  const parts: string[] = [];
  const re = /\b(for|while)\s*\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    const open = body.indexOf('(', m.index);
    const close = matchClose(body, open, '(', ')');
    if (close < 0) break;
    const header = body.slice(open + 1, close);
    const pieces = header.split(';');
    parts.push(m[1] === 'for' ? (pieces[1] ?? '') : header);
  }
  return parts.join(' ');
}

function fileScopeGlobals(clean: string, body: string, fn: string): GlobalVar[] {
  const used = new Set(body.match(/[A-Za-z_]\w*/g) ?? []);
  const globals: GlobalVar[] = [];
  const re = /(^|[;}])\s*((?:static\s+|extern\s+|const\s+|volatile\s+)*)([A-Za-z_][\w\s]*?)\s*(\*?)\s*\b([A-Za-z_]\w*)\s*((?:\[[^\]]*\])*)\s*(=[^;{]*)?;/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(clean))) {
    const name = m[5];
    if (!used.has(name) || depthAt(clean, m.index + m[1].length) !== 0) continue;
    const ctype = m[3].trim();
    if (/^(return|typedef|struct|union|enum|using)\b/.test(ctype)) continue;
    if (/\bconst\b/.test(m[2])) continue;
    if (m[4] === '*') throw new HarnessUnsupportedError(`${fn} uses the global pointer \`${name}\`, set up elsewhere (hidden global state)`);
    const kind = scalarKind(ctype);
    if (!kind) throw new HarnessUnsupportedError(`${fn} uses the global \`${name}\` of type \`${ctype}\`, which ParaForge cannot fill or compare`);
    const dims = (m[6].match(/\[/g) ?? []).length;
    globals.push({ name, ctype, kind, array: dims > 0 });
  }
  return globals;
}

/** Finds `name`'s definition and describes it, or throws HarnessUnsupportedError saying why not. */
export function readFunctionShape(text: string, name: string): FunctionShape {
  const clean = blankCommentsAndStrings(text).replace(/^\s*#.*$/gm, (l) => ' '.repeat(l.length));
  const re = new RegExp(`\\b${name.replace(/[^\w]/g, '')}\\s*\\(`, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(clean))) {
    if (depthAt(clean, m.index) !== 0) continue;
    const open = clean.indexOf('(', m.index);
    const close = matchClose(clean, open, '(', ')');
    if (close < 0) continue;
    let k = close + 1;
    while (k < clean.length && /\s/.test(clean[k])) k++;
    if (clean[k] !== '{') continue; // a prototype or a call
    const bodyEnd = matchClose(clean, k, '{', '}');
    const body = clean.slice(k, bodyEnd + 1);
    const before = clean.slice(0, m.index);
    const start = Math.max(before.lastIndexOf(';'), before.lastIndexOf('}'), before.lastIndexOf('{')) + 1;
    const returnType = before.slice(start).replace(QUALIFIERS, ' ').replace(/\s+/g, ' ').trim();
    if (/\btemplate\b/.test(returnType) || /</.test(returnType)) throw new HarnessUnsupportedError(`${name} is a template`);
    let returnKind: ScalarKind | 'void';
    if (returnType === 'void') returnKind = 'void';
    else if (returnType.includes('*')) throw new HarnessUnsupportedError(`${name} returns a pointer (ownership unknown)`);
    else {
      const k2 = scalarKind(returnType);
      if (!k2) throw new HarnessUnsupportedError(`${name} returns \`${returnType}\`, which ParaForge cannot compare`);
      returnKind = k2;
    }
    const paramText = clean.slice(open + 1, close).trim();
    const params = paramText === '' || paramText === 'void' ? [] : splitTopLevel(paramText).map((p) => parseParam(p, name));
    for (const call of ['rand', 'srand', 'time', 'getenv', 'scanf', 'fopen']) {
      if (new RegExp(`\\b${call}\\s*\\(`).test(body)) throw new HarnessUnsupportedError(`${name} calls ${call}() (hidden global state or I/O the harness cannot replay)`);
    }
    const conditions = loopConditions(body);
    const sizeParams = params.filter((p) => !p.pointer && (p.kind === 'int' || p.kind === 'uint') && new RegExp(`\\b${p.name}\\b`).test(conditions)).map((p) => p.name);
    return { name, returnType, returnKind, params, sizeParams, loopDepth: Math.max(1, forDepth(body)), globals: fileScopeGlobals(clean, body, name), body: text.slice(k, bodyEnd + 1) };
  }
  throw new HarnessUnsupportedError(`no definition of ${name}() found at file scope`);
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[' || ch === '<') depth++;
    else if (ch === ')' || ch === ']' || ch === '>') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

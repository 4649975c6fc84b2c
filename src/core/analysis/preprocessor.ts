import type { Node } from 'web-tree-sitter';
import { parseIntegerLiteral } from './literals';

/**
 * What the file's own preprocessor directives say about each macro name. Tree-sitter sees the
 * unexpanded text and both sides of every `#if`, so the analysis trusts a macro's value only when
 * it cannot depend on which branch the compiler takes or on where in the file the use is: an
 * integer literal defined exactly once, outside any conditional, never `#undef`ined. Every other
 * macro is opaque, and a loop that uses one is refused (not expanded by guesswork).
 */
export interface MacroInfo {
  readonly name: string;
  /** How many `#define`s of this name the file has. */
  readonly definitions: number;
  /** True when some definition sits inside `#if`/`#ifdef`/`#else` (its value depends on the build). */
  readonly conditional: boolean;
  readonly undefined: boolean;
  readonly functionLike: boolean;
  /** The integer value of the (single) definition, when it is an integer literal. */
  readonly value: number | undefined;
  /**
   * True when the one definition is not a directive of the code (it lies in a comment) or the
   * code names the macro above it, where the name means something else (see macroTable).
   */
  readonly shadowed?: boolean;
  /** True when the (last) definition's literal has a `u` suffix: an unsigned constant. */
  readonly unsignedLiteral: boolean;
}

/**
 * Every macro the file defines or undefines, by name. Read from the text line by line (joining
 * backslash continuations, tracking `#if` nesting): far cheaper than querying the tree of a
 * 10k-line file, and it sees directives wherever they are. A directive inside a block comment
 * counts too, which can only make more macros opaque; a trusted integer macro is then checked
 * against the tree (definedInCode).
 */
export function macroTable(root: Node): ReadonlyMap<string, MacroInfo> {
  const table = macroTableOfText(root.text);
  let lines: string[] | null = null;
  let rows: Map<string, number> | null = null;
  let out: Map<string, MacroInfo> | null = null;
  for (const [name, info] of table) {
    if (trustedIntMacro(info) === undefined) continue;
    lines ??= root.text.split('\n');
    rows ??= defineRows(lines);
    if (definedInCode(root, lines, name, rows.get(name))) continue;
    out ??= new Map(table);
    out.set(name, { ...info, shadowed: true });
  }
  return out ?? table;
}

/** The first line of each `#define NAME` (0-based). */
function defineRows(lines: readonly string[]): Map<string, number> {
  const rows = new Map<string, number>();
  lines.forEach((l, row) => {
    const name = /^\s*#\s*define\s+([A-Za-z_]\w*)/.exec(l)?.[1];
    if (name && !rows.has(name)) rows.set(name, row);
  });
  return rows;
}

/** Identifier-like node types: a name the code declares or uses. */
const NAME_NODES = ['identifier', 'type_identifier', 'field_identifier', 'namespace_identifier', 'statement_identifier'];

/**
 * True when `name`'s one `#define` is a directive of the code (not text in a comment, which the
 * line scan also reads) and nothing in the code names it before that line. A name the code uses
 * above the `#define` is something else there (`enum { J = 2 }` in a function, with `#define J 3`
 * further down): the compiler reads 2 at those uses, so 3 may not be assumed anywhere. Below the
 * directive no declaration of the name can compile, so that covers every other meaning.
 */
function definedInCode(root: Node, lines: readonly string[], name: string, row: number | undefined): boolean {
  if (row === undefined) return false;
  const def = root.descendantsOfType('preproc_def', { row, column: 0 }, { row: row + 1, column: 0 }).find((d) => d.childForFieldName('name')?.text === name);
  if (!def) return false;
  const word = new RegExp(`\\b${name}\\b`);
  if (!lines.slice(0, row).some((l) => word.test(l))) return true;
  return !root.descendantsOfType(NAME_NODES, { row: 0, column: 0 }, { row, column: 0 }).some((n) => n.text === name);
}

/** The macro table of source text (see macroTable). */
export function macroTableOfText(text: string): ReadonlyMap<string, MacroInfo> {
  const table = new Map<string, { definitions: number; conditional: boolean; undefined: boolean; functionLike: boolean; value: number | undefined; unsignedLiteral: boolean }>();
  const entry = (name: string) => {
    let e = table.get(name);
    if (!e) {
      e = { definitions: 0, conditional: false, undefined: false, functionLike: false, value: undefined, unsignedLiteral: false };
      table.set(name, e);
    }
    return e;
  };
  const joined = text.replace(/\\\r?\n/g, ' ');
  let depth = 0;
  // Only lines with a `#` can be directives: jump from one `#` to the next instead of splitting
  // every line (a line is what split(/\r?\n/) gives: a `\r` before the `\n` is not part of it).
  for (let hash = joined.indexOf('#'); hash >= 0; ) {
    const start = joined.lastIndexOf('\n', hash) + 1;
    const newline = joined.indexOf('\n', hash);
    const end = newline < 0 ? joined.length : newline > start && joined[newline - 1] === '\r' ? newline - 1 : newline;
    const line = joined.slice(start, end);
    hash = newline < 0 ? -1 : joined.indexOf('#', newline + 1);
    const m = /^\s*#\s*(\w+)(.*)$/.exec(line);
    if (!m) continue;
    const [, directive, rest] = m;
    if (directive === 'if' || directive === 'ifdef' || directive === 'ifndef') depth++;
    else if (directive === 'endif') depth = Math.max(0, depth - 1);
    else if (directive === 'undef') {
      const name = /^\s*([A-Za-z_]\w*)/.exec(rest)?.[1];
      if (name) entry(name).undefined = true;
    } else if (directive === 'define') {
      const d = /^\s+([A-Za-z_]\w*)(\()?(.*)$/.exec(rest);
      if (!d) continue;
      const e = entry(d[1]);
      e.definitions++;
      if (depth > 0) e.conditional = true;
      if (d[2]) e.functionLike = true;
      const value = d[3].replace(/\/\*.*?\*\//g, ' ').replace(/\/\/.*$/, '').trim();
      e.value = d[2] ? undefined : parseIntegerLiteral(value);
      e.unsignedLiteral = /^[(\s-]*(?:0[xX][0-9a-fA-F']+|[0-9']+)[lLzZ]*[uU]/.test(value);
    }
  }
  const out = new Map<string, MacroInfo>();
  for (const [name, e] of table) out.set(name, { name, ...e });
  return out;
}

/** The value of a macro the analysis may use as a constant, or undefined when it must stay opaque. */
export function trustedIntMacro(info: MacroInfo | undefined): number | undefined {
  if (!info || info.definitions !== 1 || info.conditional || info.undefined || info.functionLike || info.shadowed) return undefined;
  return info.value;
}

/** Why a use of this macro cannot be analysed, or null when it is a trusted integer constant. */
export function macroProblem(info: MacroInfo): string | null {
  if (trustedIntMacro(info) !== undefined) return null;
  if (info.functionLike) return `\`${info.name}(…)\` is a function-like macro: ParaForge analyses the unexpanded text and cannot see what it does`;
  if (info.conditional) return `\`${info.name}\` is defined under \`#if\`/\`#ifdef\`: its value depends on which branch the compiler takes, which ParaForge does not decide`;
  if (info.shadowed) return `\`${info.name}\` is named above its \`#define\` (or that \`#define\` lies in a comment): the code there means something else by it, so ParaForge does not use the macro's value`;
  if (info.definitions > 1 || info.undefined) return `\`${info.name}\` is defined more than once (or \`#undef\`ined) in this file: ParaForge cannot tell which definition this loop sees`;
  return `\`${info.name}\` is a macro whose expansion is not a plain integer: ParaForge analyses the unexpanded text and cannot see what it does`;
}

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
}

/** Every macro the file defines or undefines, by name. */
export function macroTable(root: Node): ReadonlyMap<string, MacroInfo> {
  const table = new Map<string, { definitions: number; conditional: boolean; undefined: boolean; functionLike: boolean; value: number | undefined }>();
  const entry = (name: string) => {
    let e = table.get(name);
    if (!e) {
      e = { definitions: 0, conditional: false, undefined: false, functionLike: false, value: undefined };
      table.set(name, e);
    }
    return e;
  };
  const inConditional = (n: Node): boolean => {
    for (let p = n.parent; p; p = p.parent) if (/^preproc_(if|ifdef|else|elif|elifdef)$/.test(p.type)) return true;
    return false;
  };
  // One native query instead of a JavaScript walk: the file may have 10k lines.
  for (const n of root.descendantsOfType(['preproc_def', 'preproc_function_def', 'preproc_call'])) {
    if (!n) continue;
    if (n.type === 'preproc_call') {
      const directive = n.childForFieldName('directive')?.text ?? '';
      const arg = (n.childForFieldName('argument')?.text ?? '').trim();
      if (directive === '#undef' && /^[A-Za-z_]\w*$/.test(arg)) entry(arg).undefined = true;
      continue;
    }
    const name = n.childForFieldName('name')?.text;
    if (!name) continue;
    const e = entry(name);
    e.definitions++;
    if (inConditional(n)) e.conditional = true;
    if (n.type === 'preproc_function_def') e.functionLike = true;
    const value = n.childForFieldName('value');
    e.value = n.type === 'preproc_def' && value ? parseIntegerLiteral(value.text) : undefined;
  }
  const out = new Map<string, MacroInfo>();
  for (const [name, e] of table) out.set(name, { name, ...e });
  return out;
}

/** The value of a macro the analysis may use as a constant, or undefined when it must stay opaque. */
export function trustedIntMacro(info: MacroInfo | undefined): number | undefined {
  if (!info || info.definitions !== 1 || info.conditional || info.undefined || info.functionLike) return undefined;
  return info.value;
}

/** Why a use of this macro cannot be analysed, or null when it is a trusted integer constant. */
export function macroProblem(info: MacroInfo): string | null {
  if (trustedIntMacro(info) !== undefined) return null;
  if (info.functionLike) return `\`${info.name}(…)\` is a function-like macro: ParaForge analyses the unexpanded text and cannot see what it does`;
  if (info.conditional) return `\`${info.name}\` is defined under \`#if\`/\`#ifdef\`: its value depends on which branch the compiler takes, which ParaForge does not decide`;
  if (info.definitions > 1 || info.undefined) return `\`${info.name}\` is defined more than once (or \`#undef\`ined) in this file: ParaForge cannot tell which definition this loop sees`;
  return `\`${info.name}\` is a macro whose expansion is not a plain integer: ParaForge analyses the unexpanded text and cannot see what it does`;
}

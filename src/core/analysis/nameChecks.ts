import type { Node } from 'web-tree-sitter';
import type { Findings } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import { macroProblem } from './preprocessor';
import { enclosingFunction, type SoundIndex } from './soundIndex';
import { walkWithAncestors } from './syntax';

/** Names from standard headers that are plain constants (safe wherever they appear). */
const STANDARD_CONSTANTS = new Set([
  'NULL', 'EOF', 'EXIT_SUCCESS', 'EXIT_FAILURE', 'RAND_MAX', 'CHAR_BIT', 'CHAR_MAX', 'CHAR_MIN', 'SCHAR_MAX', 'SCHAR_MIN', 'UCHAR_MAX',
  'SHRT_MAX', 'SHRT_MIN', 'USHRT_MAX', 'INT_MAX', 'INT_MIN', 'UINT_MAX', 'LONG_MAX', 'LONG_MIN', 'ULONG_MAX', 'LLONG_MAX', 'LLONG_MIN',
  'ULLONG_MAX', 'SIZE_MAX', 'INT8_MAX', 'INT16_MAX', 'INT32_MAX', 'INT64_MAX', 'INT32_MIN', 'INT64_MIN', 'UINT8_MAX', 'UINT16_MAX',
  'UINT32_MAX', 'UINT64_MAX', 'DBL_MAX', 'DBL_MIN', 'DBL_EPSILON', 'FLT_MAX', 'FLT_MIN', 'FLT_EPSILON', 'HUGE_VAL', 'HUGE_VALF',
  'INFINITY', 'NAN', 'M_PI', 'M_E', 'M_PI_2', 'M_PI_4', 'M_SQRT2', 'M_LN2', 'M_LN10', 'M_1_PI', 'M_2_PI', 'M_LOG2E', 'M_LOG10E',
]);

function isDeclaratorName(n: Node, p: Node | undefined): boolean {
  return p !== undefined && (p.type === 'init_declarator' || p.type.endsWith('declarator') || p.type === 'declaration' || p.type === 'parameter_declaration') && p.childForFieldName('declarator')?.id === n.id;
}

/**
 * Every name the loop uses must be one the analysis understands: a variable it resolved, a
 * function or enumerator declared once in the file, or a standard constant. Macros it cannot
 * trust make the loop not analysable; names declared more than once (a local enum shadowing a
 * global, namespaces) or not at all (implicit members, header globals like `errno`) block it.
 */
export function nameChecks(ctx: AnalysisContext, ix: SoundIndex, loop: Node, findings: Findings): void {
  const { resolver, file } = ctx;
  const fn = enclosingFunction(loop);
  walkWithAncestors(loop, (n, ancestors) => {
    if (n.type === 'lambda_expression') return false;
    if (n.type === 'declaration' && /^\s*extern\b/.test(n.text)) {
      findings.block('extern-in-loop', `\`${n.text.trim()}\` declares a global inside the loop: every iteration shares it`, n);
      return false;
    }
    if (n.type !== 'identifier') return undefined;
    const name = n.text;
    const p = ancestors[ancestors.length - 1];
    if (p?.type === 'qualified_identifier') return undefined;
    const macro = ix.macros.get(name);
    if (macro) {
      const problem = macroProblem(macro);
      if (problem) findings.unanalysable('macro', problem, n);
      return undefined;
    }
    if (isDeclaratorName(n, p)) return undefined;
    const d = resolver.resolve(name, n);
    const isCallee = p?.type === 'call_expression' && p.childForFieldName('function')?.id === n.id;
    if (d) {
      if (d.kind === 'global' && ix.nameCount(name, fn) > 1) {
        findings.block('ambiguous-name', `\`${name}\` is declared more than once in this file (a local enum, another namespace or scope): ParaForge cannot tell which one this loop uses`, n);
      }
      return undefined;
    }
    if (isCallee || ix.functionDefs.has(name)) return undefined;
    if (file.enumerators.has(name) || (fn !== null && ix.localEnumeratorsOf(fn).has(name))) {
      if (ix.nameCount(name, fn) > 1) findings.block('ambiguous-name', `\`${name}\` is declared more than once in this file (enumerators of different enums or scopes): ParaForge cannot tell which value this loop uses`, n);
      return undefined;
    }
    if (name === 'errno') {
      findings.block('errno', '`errno` is per thread under OpenMP: the serial loop\'s errno handling would change', n);
      return undefined;
    }
    if (STANDARD_CONSTANTS.has(name)) return undefined;
    if (/^[A-Z][A-Z0-9_]*$/.test(name)) {
      findings.unanalysable('macro', `\`${name}\` is not declared in this file: most likely a macro from a header, which ParaForge cannot see through`, n);
      return undefined;
    }
    findings.block('unknown-name', `\`${name}\` is not declared in this function or file (an implicit member \`this->${name}\`, or a name from a header): ParaForge cannot tell what memory it is`, n);
    return undefined;
  });
}

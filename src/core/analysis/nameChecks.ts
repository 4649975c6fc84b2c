import type { Node } from 'web-tree-sitter';
import type { Findings } from './findings';
import type { AnalysisContext } from './levelAnalysis';
import { macroProblem } from './preprocessor';
import { functionSites, type Site } from './functionSites';
import type { SoundIndex } from './soundIndex';
import { functionDeclarator } from './syntax';

/** Names from standard headers that are plain constants (safe wherever they appear). */
export const STANDARD_CONSTANTS: ReadonlySet<string> = new Set([
  'NULL', 'EOF', 'EXIT_SUCCESS', 'EXIT_FAILURE', 'RAND_MAX', 'CHAR_BIT', 'CHAR_MAX', 'CHAR_MIN', 'SCHAR_MAX', 'SCHAR_MIN', 'UCHAR_MAX',
  'SHRT_MAX', 'SHRT_MIN', 'USHRT_MAX', 'INT_MAX', 'INT_MIN', 'UINT_MAX', 'LONG_MAX', 'LONG_MIN', 'ULONG_MAX', 'LLONG_MAX', 'LLONG_MIN',
  'ULLONG_MAX', 'SIZE_MAX', 'INT8_MAX', 'INT16_MAX', 'INT32_MAX', 'INT64_MAX', 'INT32_MIN', 'INT64_MIN', 'UINT8_MAX', 'UINT16_MAX',
  'UINT32_MAX', 'UINT64_MAX', 'DBL_MAX', 'DBL_MIN', 'DBL_EPSILON', 'FLT_MAX', 'FLT_MIN', 'FLT_EPSILON', 'HUGE_VAL', 'HUGE_VALF',
  'INFINITY', 'NAN', 'M_PI', 'M_E', 'M_PI_2', 'M_PI_4', 'M_SQRT2', 'M_LN2', 'M_LN10', 'M_1_PI', 'M_2_PI', 'M_LOG2E', 'M_LOG10E',
]);

/** True for the name a declarator declares: the (first) `declarator` child of a declarator or declaration. */
function isDeclaratorName(s: Site): boolean {
  const p = s.parentType;
  return p !== null && (p === 'init_declarator' || p.endsWith('declarator') || p === 'declaration' || p === 'parameter_declaration') && s.field === 'declarator' && s.firstOfField;
}

/**
 * Every name the loop uses must be one the analysis understands: a variable it resolved, a
 * function or enumerator declared once in the file, or a standard constant. Macros it cannot
 * trust make the loop not analysable; names declared more than once (a local enum shadowing a
 * global, namespaces) or not at all (implicit members, header globals like `errno`) block it.
 */
export function nameChecks(ctx: AnalysisContext, ix: SoundIndex, loop: Node, findings: Findings): void {
  const { resolver, file } = ctx;
  const sites = functionSites(resolver, loop);
  // The walk's root is the function around the loop (or the loop itself outside any function).
  const fn = sites.root.type === 'function_definition' ? sites.root : null;
  const at = sites.siteOf(loop)?.index ?? -1;
  for (const s of sites.inside(loop)) {
    // Lambdas and `extern` declarations are not looked into (the declaration itself is refused).
    if (s.lambdaOrExtern > at) continue;
    const n = s.node;
    if (s.type === 'declaration' && /^\s*extern\b/.test(n.text)) {
      findings.block('extern-in-loop', `\`${n.text.trim()}\` declares a global inside the loop: every iteration shares it`, n);
      continue;
    }
    if (s.type !== 'identifier') continue;
    const name = n.text;
    if (s.parentType === 'qualified_identifier') continue;
    const macro = ix.macros.get(name);
    if (macro) {
      const problem = macroProblem(macro);
      if (problem) findings.unanalysable('macro', problem, n);
      continue;
    }
    if (isDeclaratorName(s)) continue;
    const d = resolver.resolve(name, n);
    const isCallee = s.parentType === 'call_expression' && s.field === 'function' && s.firstOfField;
    if (d) {
      if (d.kind === 'global' && ix.nameCount(name, fn) > 1) {
        findings.block('ambiguous-name', `\`${name}\` is declared more than once in this file (a local enum, another namespace or scope): ParaForge cannot tell which one this loop uses`, n);
      }
      continue;
    }
    if (isCallee || ix.functionDefs.has(name)) continue;
    if (file.enumerators.has(name) || (fn !== null && ix.localEnumeratorsOf(fn).has(name))) {
      if (ix.nameCount(name, fn) > 1) findings.block('ambiguous-name', `\`${name}\` is declared more than once in this file (enumerators of different enums or scopes): ParaForge cannot tell which value this loop uses`, n);
      continue;
    }
    if (name === 'errno') {
      findings.block('errno', '`errno` is per thread under OpenMP: the serial loop\'s errno handling would change', n);
      continue;
    }
    if (STANDARD_CONSTANTS.has(name)) continue;
    if (isDefaultedParameter(name, n)) {
      findings.block('default-argument', `\`${name}\` is a parameter with a default argument: a call may leave it out and pass the default, which ParaForge does not follow, so it does not analyse such parameters`, n);
      continue;
    }
    if (isTemplateParameter(name, n)) {
      findings.block('template-parameter', `\`${name}\` is a template parameter: its value or type depends on the instantiation, which ParaForge does not analyse`, n);
      continue;
    }
    if (/^[A-Z][A-Z0-9_]*$/.test(name)) {
      findings.unanalysable('macro', `\`${name}\` is not declared in this file: most likely a macro from a header, which ParaForge cannot see through`, n);
      continue;
    }
    findings.block('unknown-name', `\`${name}\` is not declared in this function or file (an implicit member \`this->${name}\`, or a name from a header): ParaForge cannot tell what memory it is`, n);
  }
}

/** True when `name` is a parameter of a template around `at` (`template <std::size_t N>`). */
function isTemplateParameter(name: string, at: Node): boolean {
  for (let p = at.parent; p; p = p.parent) {
    if (p.type !== 'template_declaration') continue;
    const params = p.childForFieldName('parameters');
    for (const q of params?.namedChildren ?? []) {
      if (!q) continue;
      // `std::size_t N = 4` has a declarator, `typename T = int` a name, `typename T` a bare type_identifier.
      const declared = q.childForFieldName('declarator') ?? q.childForFieldName('name') ?? q.namedChildren.find((c) => c?.type === 'type_identifier') ?? null;
      const id = declared?.type === 'identifier' || declared?.type === 'type_identifier' ? declared : declared?.descendantsOfType('identifier')[0];
      if (id?.text === name) return true;
    }
  }
  return false;
}

/** True when `name` is a parameter with a default argument (`std::vector<double> &h = g`) of the function around `at`. */
export function isDefaultedParameter(name: string, at: Node): boolean {
  for (let p = at.parent; p; p = p.parent) {
    if (p.type !== 'function_definition' && p.type !== 'lambda_expression') continue;
    const declarator = p.type === 'function_definition' ? functionDeclarator(p) : p.childForFieldName('declarator');
    for (const q of declarator?.childForFieldName('parameters')?.namedChildren ?? []) {
      if (q?.type !== 'optional_parameter_declaration') continue;
      const d = q.childForFieldName('declarator');
      const id = d?.type === 'identifier' ? d : d?.descendantsOfType('identifier')[0];
      if (id?.text === name) return true;
    }
  }
  return false;
}

import * as path from 'node:path';
import type { LoopVerdict, OmpClauses, Reason } from '../core/model';
import { analyzeLoops, reportLoops } from '../core/analysis';
import { bundledParserHost } from './host';
import { readSourceFile } from './input';
import { EXIT, UserError } from './errors';
import { maxSizeMb } from './options';
import { formatTable } from '../core/table';
import type { Verb } from './verb';

/** The JSON shape of one loop nest in `paraforge analyze --json` (lines are 1-based). */
export interface LoopJson {
  function: string | null;
  line: number;
  endLine: number;
  depth: number;
  kind: string;
  hasParseErrors: boolean;
  verdict: LoopVerdict['verdict'];
  /** 1-based level of the nest that gets the pragma, or null. */
  parallelLevel: number | null;
  clauses: Omit<OmpClauses, 'simd'> & { simd: boolean } | null;
  reasons: ReasonJson[];
  assumptions: { message: string; line: number; column: number }[];
  existingPragma: { text: string; line: number; races: ReasonJson[]; missingClauses: string[] } | null;
}

/** A reason as `analyze --json` prints it (1-based line and column). */
export interface ReasonJson {
  code: string;
  message: string;
  line: number;
  column: number;
}

/** Converts a reason to its JSON form. */
export function reasonJson(r: Reason): ReasonJson {
  return { code: r.code, message: r.message, line: r.range.start.line + 1, column: r.range.start.column + 1 };
}

/** `paraforge analyze FILE [--json]`: lists the loop nests of a file. */
export const analyzeVerb: Verb = {
  name: 'analyze',
  summary: 'list the loop nests of a C/C++/CUDA file and whether each can run in parallel',
  usage: 'paraforge analyze FILE [--json] [--language c|cpp|cuda-cpp] [--max-size MB]',
  options: {
    json: { type: 'boolean' },
    language: { type: 'string' },
    'max-size': { type: 'string' },
  },
  async run(values, positionals, ctx) {
    if (positionals.length !== 1) throw new UserError(`usage: ${this.usage}`);
    const file = positionals[0];
    const maxSize = maxSizeMb(values['max-size']);
    const source = readSourceFile(file, { language: values.language as string | undefined, maxSizeMb: maxSize });
    const tree = await bundledParserHost().parse(source.language, source.text);
    try {
      const report = reportLoops(tree);
      const loops = analyzeLoops(tree, source.language, source.text).map(toJson);
      const errors = report.syntaxProblems.map((p) => ({ message: p.message, line: p.range.start.line + 1, column: p.range.start.column + 1 }));
      if (values.json) {
        ctx.stdout(JSON.stringify({ file, language: source.language, loops, errors }, null, 2) + '\n');
      } else {
        ctx.stdout(formatHuman(file, source.language, loops, errors));
      }
      return EXIT.ok;
    } finally {
      tree.delete();
    }
  },
};

function toJson(v: LoopVerdict): LoopJson {
  const nest = v.nest;
  return {
    function: nest.functionName,
    line: nest.root.range.start.line + 1,
    endLine: nest.root.range.end.line + 1,
    depth: nest.depth,
    kind: nest.root.kind,
    hasParseErrors: nest.hasParseErrors,
    verdict: v.verdict,
    parallelLevel: v.parallelLevel,
    clauses: v.clauses ? { ...v.clauses, reduction: v.clauses.reduction.map((r) => ({ op: r.op, var: r.var })) } : null,
    reasons: v.reasons.map(reasonJson),
    assumptions: v.assumptions.map((a) => ({ message: a.message, line: a.range.start.line + 1, column: a.range.start.column + 1 })),
    existingPragma: v.existingPragma
      ? { text: v.existingPragma.text, line: v.existingPragma.range.start.line + 1, races: v.existingPragma.races.map(reasonJson), missingClauses: [...v.existingPragma.missingClauses] }
      : null,
  };
}

function formatHuman(file: string, language: string, loops: LoopJson[], errors: { message: string; line: number; column: number }[]): string {
  const lines = [`${path.basename(file)} (${language}): ${loops.length} loop nest${loops.length === 1 ? '' : 's'}`];
  if (loops.length > 0) {
    lines.push(
      formatTable(
        ['lines', 'function', 'kind', 'depth', 'verdict', 'why'],
        loops.map((l) => [`${l.line}-${l.endLine}`, l.function ?? '(file scope)', l.kind, String(l.depth), verdictCell(l), firstReason(l)]),
      ),
    );
  }
  for (const e of errors) lines.push(`  syntax: line ${e.line}:${e.column}: ${e.message}`);
  return lines.join('\n') + '\n';
}

function verdictCell(l: LoopJson): string {
  if (l.verdict !== 'parallel') return l.existingPragma?.races.length ? `${l.verdict}, pragma races` : l.verdict;
  return l.parallelLevel && l.parallelLevel > 1 ? `parallel (level ${l.parallelLevel})` : 'parallel';
}

function firstReason(l: LoopJson): string {
  const r = l.existingPragma?.races[0] ?? l.reasons.find((x) => x.code !== 'independent-iterations') ?? l.reasons[0];
  if (!r) return '';
  const text = `line ${r.line}: ${r.message}`;
  return text.length > 110 ? `${text.slice(0, 107)}...` : text;
}

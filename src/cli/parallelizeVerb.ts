import * as fs from 'node:fs';
import { analyzeLoops } from '../core/analysis';
import type { LoopVerdict } from '../core/model';
import { type LoopFilter, parallelizeSource, type SourceRewrite } from '../core/transform';
import { reasonJson } from './analyzeVerb';
import { EXIT, UserError } from './errors';
import { bundledParserHost } from './host';
import { readSourceFile, type SourceFile } from './input';
import type { Verb } from './verb';

/** The rewrite of one file, before it is written out (the seam where verification plugs in). */
export interface ParallelizePlan {
  readonly source: SourceFile;
  readonly rewrite: SourceRewrite;
}

/** Parses, analyses and rewrites a file; pure apart from reading it. */
export async function planParallelize(file: string, filter: LoopFilter, options: { language?: string; maxSizeMb?: number }): Promise<ParallelizePlan> {
  const source = readSourceFile(file, options);
  const tree = await bundledParserHost().parse(source.language, source.text);
  try {
    const verdicts = analyzeLoops(tree, source.language, source.text);
    const rewrite = parallelizeSource(source.text, verdicts, source.language, filter);
    if (filter.functionName !== undefined && rewrite.rewritten.length + rewrite.skipped.length === 0) {
      throw new UserError(`${file}: no loop in a function named '${filter.functionName}'`);
    }
    if (filter.line !== undefined && rewrite.rewritten.length + rewrite.skipped.length === 0) {
      throw new UserError(`${file}: no loop at line ${filter.line + 1}`);
    }
    return { source, rewrite };
  } finally {
    tree.delete();
  }
}

function loopLine(v: LoopVerdict): number {
  return (v.parallelRange ?? v.nest.root.range).start.line + 1;
}

function whyNot(v: LoopVerdict): string {
  if (v.existingPragma) return `already has \`${v.existingPragma.text}\``;
  const r = v.reasons[0];
  return r ? `${r.message} (line ${r.range.start.line + 1})` : v.verdict;
}

/** `paraforge parallelize FILE --target openmp`: inserts OpenMP pragmas on every loop proven safe. */
export const parallelizeVerb: Verb = {
  name: 'parallelize',
  summary: 'add OpenMP pragmas to the loops proven safe to run in parallel',
  usage: 'paraforge parallelize FILE --target openmp [--function NAME] [--line N] [--out OUT] [--json] [--language c|cpp|cuda-cpp]',
  options: {
    target: { type: 'string' },
    function: { type: 'string' },
    line: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    language: { type: 'string' },
    'max-size': { type: 'string' },
  },
  async run(values, positionals, ctx) {
    if (positionals.length !== 1) throw new UserError(`usage: ${this.usage}`);
    const target = (values.target as string | undefined) ?? 'openmp';
    if (target !== 'openmp') throw new UserError(`--target ${target} is not supported yet; use --target openmp`);
    const lineText = values.line as string | undefined;
    const line = lineText === undefined ? undefined : Number(lineText);
    if (line !== undefined && !(Number.isInteger(line) && line >= 1)) throw new UserError(`--line wants a positive line number, got '${lineText}'`);
    const maxSizeMb = values['max-size'] === undefined ? undefined : Number(values['max-size']);
    if (maxSizeMb !== undefined && !(maxSizeMb > 0)) throw new UserError(`--max-size wants a positive number of MB, got '${values['max-size']}'`);
    const filter: LoopFilter = { functionName: values.function as string | undefined, line: line === undefined ? undefined : line - 1 };
    const file = positionals[0];
    const { source, rewrite } = await planParallelize(file, filter, { language: values.language as string | undefined, maxSizeMb });
    const out = values.out as string | undefined;
    if (out) {
      try {
        fs.writeFileSync(out, rewrite.text);
      } catch (e) {
        throw new UserError(`${out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
    if (values.json) {
      const json = {
        file,
        language: source.language,
        target,
        out: out ?? null,
        rewritten: rewrite.rewritten.map((v) => ({ line: loopLine(v), function: v.nest.functionName, parallelLevel: v.parallelLevel, clauses: v.clauses })),
        skipped: rewrite.skipped.map((v) => ({ line: loopLine(v), function: v.nest.functionName, verdict: v.verdict, reasons: v.reasons.map(reasonJson) })),
        ...(out ? {} : { source: rewrite.text }),
      };
      ctx.stdout(JSON.stringify(json, null, 2) + '\n');
    } else if (!out) {
      ctx.stdout(rewrite.text);
    }
    // The summary goes to stderr so stdout stays the rewritten source.
    const summary = [`paraforge: ${file}: parallelised ${rewrite.rewritten.length} loop${rewrite.rewritten.length === 1 ? '' : 's'}${out ? `, wrote ${out}` : ''}`];
    for (const v of rewrite.skipped) summary.push(`  line ${loopLine(v)}: ${v.verdict}: ${whyNot(v)}`);
    if (!values.json) process.stderr.write(summary.join('\n') + '\n');
    return EXIT.ok;
  },
};

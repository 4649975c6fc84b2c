import { analyzeLoops } from '../core/analysis';
import type { LoopVerdict } from '../core/model';
import type { Candidate, Evidence } from '../core/model';
import { candidateId, createSession, verify } from '../core/pipeline';
import { formatEvidence, type CompilerFamily, type PartEvidence } from '../core/runner';
import { definesMain } from '../core/runner/staticChecks';
import { type LoopFilter, parallelizeSource, pragmaText, type SourceRewrite } from '../core/transform';
import { reasonJson } from './analyzeVerb';
import { EXIT, UserError } from './errors';
import { bundledParserHost } from './host';
import { readSourceFile, type SourceFile, writeOutputFile } from './input';
import { countList, maxSizeMb, oneOf } from './options';
import { LLM_OPTIONS, runParallelizeLlm } from './parallelizeLlm';
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

function indent(text: string): string {
  return text.trimEnd().split('\n').map((l) => `  ${l}`).join('\n');
}

function whyNot(v: LoopVerdict): string {
  if (v.existingPragma) return `already has \`${v.existingPragma.text}\``;
  const r = v.reasons[0];
  return r ? `${r.message} (line ${r.range.start.line + 1})` : v.verdict;
}

/**
 * Verifies a rewrite through core's pipeline: one Candidate (origin 'rules') for the whole
 * program when the file has `main`, otherwise one per rewritten function, all in one session.
 * The rewrite is verified only if every part is.
 */
async function verifyPlan(
  file: string,
  source: SourceFile,
  rewrite: SourceRewrite,
  settings: { threads?: number[]; compiler?: CompilerFamily },
  ctx: Parameters<Verb['run']>[2],
): Promise<{ verified: boolean; parts: PartEvidence[] }> {
  const parser = bundledParserHost();
  const tree = await parser.parse(source.language, source.text);
  let wholeProgram: boolean;
  try {
    wholeProgram = definesMain(tree);
  } finally {
    tree.delete();
  }
  const functions = wholeProgram ? [null] : [...new Set(rewrite.rewritten.map((v) => v.nest.functionName).filter((f): f is string => f !== null))];
  const session = createSession({ parser });
  const parts: PartEvidence[] = [];
  for (const functionName of functions) {
    const candidate: Candidate = {
      id: candidateId('openmp', 'rules', source.text, rewrite.text, []),
      target: 'openmp',
      origin: 'rules',
      parent: null,
      source: { path: file, language: source.language, text: source.text, version: null },
      region: { functionName, range: null },
      text: rewrite.text,
      edits: [],
      description: `${rewrite.rewritten.length} loop(s) of ${file}${functionName ? ` (${functionName})` : ''}`,
    };
    const evidence: Evidence = await verify(candidate, session, settings, { signal: ctx.signal, log: ctx.log, progress: { report: (m) => ctx.log.info(m) } });
    parts.push({ functionName, evidence });
  }
  return { verified: parts.length > 0 && parts.every((p) => p.evidence.verdict === 'verified'), parts };
}

/** `paraforge parallelize FILE --target openmp`: inserts OpenMP pragmas on every loop proven safe. */
export const parallelizeVerb: Verb = {
  name: 'parallelize',
  summary: 'add OpenMP pragmas to the loops proven safe to run in parallel',
  usage:
    'paraforge parallelize FILE --target openmp [--function NAME] [--line N] [--out OUT] [--json] [--language c|cpp|cuda-cpp] ' +
    '[--verify [--threads 1,2] [--compiler gcc|clang]] [--engine llm --function NAME --target openmp|mpi|cuda --base-url URL --model M]',
  options: {
    target: { type: 'string' },
    function: { type: 'string' },
    line: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    language: { type: 'string' },
    'max-size': { type: 'string' },
    verify: { type: 'boolean' },
    threads: { type: 'string' },
    compiler: { type: 'string' },
    ...LLM_OPTIONS,
  },
  async run(values, positionals, ctx) {
    // The LLM engine (core/agent) lives in parallelizeLlm.ts; the rules engine below is the default.
    if (values.engine !== undefined && values.engine !== 'rules') {
      if (values.engine !== 'llm') throw new UserError(`--engine must be rules or llm; got '${values.engine}'`);
      return runParallelizeLlm(values, positionals, ctx);
    }
    if (positionals.length !== 1) throw new UserError(`usage: ${this.usage}`);
    const target = (values.target as string | undefined) ?? 'openmp';
    if (target !== 'openmp') throw new UserError(`--target ${target} is not supported yet; use --target openmp`);
    const lineText = values.line as string | undefined;
    const line = lineText === undefined ? undefined : Number(lineText);
    if (line !== undefined && !(Number.isInteger(line) && line >= 1)) throw new UserError(`--line wants a positive line number, got '${lineText}'`);
    const maxSize = maxSizeMb(values['max-size']);
    const filter: LoopFilter = { functionName: values.function as string | undefined, line: line === undefined ? undefined : line - 1 };
    const file = positionals[0];
    const { source, rewrite } = await planParallelize(file, filter, { language: values.language as string | undefined, maxSizeMb: maxSize });
    const out = values.out as string | undefined;
    const threads = countList('threads', values.threads);
    const compiler = oneOf<CompilerFamily>('compiler', values.compiler, ['gcc', 'clang']);
    if (!values.verify && (threads || compiler)) throw new UserError('--threads and --compiler apply to --verify');
    let verification: { verified: boolean; parts: PartEvidence[] } | undefined;
    if (values.verify && rewrite.rewritten.length > 0) {
      verification = await verifyPlan(file, source, rewrite, { threads, compiler }, ctx);
    }
    // A rewrite that failed verification is never written out: the evidence says why.
    const rejected = verification !== undefined && !verification.verified;
    if (out && !rejected) {
      writeOutputFile(out, rewrite.text);
    }
    if (values.json) {
      const json = {
        file,
        language: source.language,
        target,
        out: out && !rejected ? out : null,
        verified: verification ? verification.verified : null,
        rewritten: rewrite.rewritten.map((v) => ({ line: loopLine(v), function: v.nest.functionName, parallelLevel: v.parallelLevel, clauses: v.clauses })),
        skipped: rewrite.skipped.map((v) => ({ line: loopLine(v), function: v.nest.functionName, verdict: v.verdict, reasons: v.reasons.map(reasonJson) })),
        ...(verification ? { evidence: verification.parts } : {}),
        ...(out || rejected ? {} : { source: rewrite.text }),
      };
      ctx.stdout(JSON.stringify(json, null, 2) + '\n');
    } else if (!out && !rejected) {
      ctx.stdout(rewrite.text);
    }
    // The summary goes to stderr so stdout stays the rewritten source.
    const n = rewrite.rewritten.length;
    const status = !verification ? (values.verify ? 'nothing to verify' : 'not verified (add --verify)') : verification.verified ? 'VERIFIED' : 'FAILED verification: not written';
    const summary = [`paraforge: ${file}: parallelised ${n} loop${n === 1 ? '' : 's'}, ${status}${out && !rejected ? `, wrote ${out}` : ''}`];
    for (const v of rewrite.rewritten) summary.push(`  line ${loopLine(v)}: ${v.nest.functionName ?? '(file scope)'}: ${v.clauses ? pragmaText(v.clauses) : 'parallel'}`);
    for (const v of rewrite.skipped) summary.push(`  line ${loopLine(v)}: ${v.verdict}: ${whyNot(v)}`);
    for (const part of verification?.parts ?? []) summary.push(indent(formatEvidence(part.functionName ? `${file} (${part.functionName})` : file, part.evidence)));
    if (!values.json) process.stderr.write(summary.join('\n') + '\n');
    return rejected ? EXIT.failed : EXIT.ok;
  },
};

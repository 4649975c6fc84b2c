import * as path from 'node:path';
import type { Candidate, Evidence, LoopVerdict } from '../core/model';
import { candidateId, createSession, propose, verify } from '../core/pipeline';
import { formatEvidence, slowdownFactor, type CompilerFamily, type PartEvidence } from '../core/runner';
import { applyEdits, pragmaText } from '../core/transform';
import { argReductionSummary } from '../core/transform/openmp/argReductionEdits';
import { sumNestSummary } from '../core/transform/sumNests';
import { reasonJson } from './analyzeVerb';
import { EXIT, UserError } from './errors';
import { bundledParserHost } from './host';
import { readSourceFile, type SourceFile, writeOutputFile } from './input';
import { countList, maxSizeMb, oneOf } from './options';
import { LLM_OPTIONS, runParallelizeLlm } from './parallelizeLlm';
import type { Verb } from './verb';

/** Which loops to rewrite: all, those of one function, or the nest at a 0-based line. */
interface LoopFilter {
  readonly functionName?: string;
  readonly line?: number;
}

/** The file's rewrite: core's proven candidates (one per function, or one for a whole program) merged into one text. */
interface FileRewrite {
  readonly source: SourceFile;
  readonly candidates: readonly Candidate[];
  readonly text: string;
  readonly rewritten: readonly LoopVerdict[];
  readonly skipped: readonly LoopVerdict[];
}

/** Proposes through core's `propose()` (rules engine, proven rewrites only) and merges the candidates. */
async function proposeFile(file: string, filter: LoopFilter, options: { language?: string; maxSizeMb?: number }): Promise<FileRewrite> {
  const source = readSourceFile(file, options);
  const region = { functionName: filter.functionName, lines: filter.line === undefined ? undefined : { start: filter.line, end: filter.line } };
  const proposal = await propose({ path: file, language: source.language, text: source.text, version: null }, region, { target: 'openmp', parser: bundledParserHost(), includeAssumed: false });
  if (proposal.verdicts.length === 0 && filter.functionName !== undefined) throw new UserError(`${file}: no loop in a function named '${filter.functionName}'`);
  if (proposal.verdicts.length === 0 && filter.line !== undefined) throw new UserError(`${file}: no loop at line ${filter.line + 1}`);
  const rewritten = new Set(proposal.rewritten);
  return {
    source,
    candidates: proposal.candidates,
    text: applyEdits(source.text, proposal.candidates.flatMap((c) => c.edits)),
    rewritten: proposal.rewritten,
    skipped: proposal.verdicts.filter((v) => !rewritten.has(v)),
  };
}

/** `out/x.c` → `out/x.slowdown.c`: where a verified but slower rewrite goes with --mark-slowdown. */
function slowdownPath(out: string): string {
  const ext = path.extname(out);
  return path.join(path.dirname(out), `${path.basename(out, ext)}.slowdown${ext}`);
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
 * Verifies the rewrite through core's pipeline: each of core's candidates (one per rewritten
 * function, or one for the whole program when the file has `main`) is verified on the merged text,
 * the one that is written out, all in one session. The rewrite is verified only if every part is.
 */
async function verifyCandidates(
  rewrite: FileRewrite,
  settings: { threads?: number[]; compiler?: CompilerFamily },
  ctx: Parameters<Verb['run']>[2],
): Promise<{ verified: boolean; parts: PartEvidence[] }> {
  const session = createSession({ parser: bundledParserHost() });
  const parts: PartEvidence[] = [];
  const edits = rewrite.candidates.flatMap((c) => c.edits);
  for (const proposed of rewrite.candidates) {
    const candidate: Candidate = { ...proposed, id: candidateId('openmp', 'rules', rewrite.source.text, rewrite.text, edits), text: rewrite.text, edits };
    const evidence: Evidence = await verify(candidate, session, settings, { signal: ctx.signal, log: ctx.log, progress: { report: (m) => ctx.log.info(m) } });
    parts.push({ functionName: candidate.region.functionName, evidence });
  }
  return { verified: parts.length > 0 && parts.every((p) => p.evidence.verdict === 'verified'), parts };
}

/** `paraforge parallelize FILE --target openmp`: inserts OpenMP pragmas on every loop proven safe. */
export const parallelizeVerb: Verb = {
  name: 'parallelize',
  summary: 'add OpenMP pragmas to the loops proven safe to run in parallel',
  usage:
    'paraforge parallelize FILE --target openmp [--function NAME] [--line N] [--out OUT] [--json] [--language c|cpp|cuda-cpp] ' +
    '[--verify [--threads 1,2] [--compiler gcc|clang] [--mark-slowdown]] [--engine llm --function NAME --target openmp|mpi|cuda --base-url URL --model M]',
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
    'mark-slowdown': { type: 'boolean' },
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
    const rewrite = await proposeFile(file, filter, { language: values.language as string | undefined, maxSizeMb: maxSize });
    const { source } = rewrite;
    const out = values.out as string | undefined;
    const threads = countList('threads', values.threads);
    const compiler = oneOf<CompilerFamily>('compiler', values.compiler, ['gcc', 'clang']);
    if (!values.verify && (threads || compiler)) throw new UserError('--threads and --compiler apply to --verify');
    if (!values.verify && values['mark-slowdown']) throw new UserError('--mark-slowdown applies to --verify');
    let verification: { verified: boolean; parts: PartEvidence[] } | undefined;
    if (values.verify && rewrite.rewritten.length > 0) {
      verification = await verifyCandidates(rewrite, { threads, compiler }, ctx);
    }
    // A rewrite that failed verification is never written out: the evidence says why.
    const rejected = verification !== undefined && !verification.verified;
    // Verified but measured slower (any part): with --mark-slowdown it goes to NAME.slowdown.EXT, not to --out.
    const slower = verification?.verified ? Math.max(0, ...verification.parts.map((p) => slowdownFactor(p.evidence.timings) ?? 0)) : 0;
    const written = out && !rejected ? (slower > 0 && values['mark-slowdown'] ? slowdownPath(out) : out) : null;
    if (written) writeOutputFile(written, rewrite.text);
    if (values.json) {
      const json = {
        file,
        language: source.language,
        target,
        out: written,
        verified: verification ? verification.verified : null,
        slowdown: slower > 0 ? slower : null,
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
    const where = written ? `, wrote ${written}${written !== out ? ` instead of ${out}` : ''}` : '';
    const slowNote = slower > 0 ? `; SLOWDOWN: ${slower.toFixed(2)}× slower than the original at best${written && written !== out ? ', so not written as an improvement' : ''}` : '';
    const summary = [`paraforge: ${file}: parallelised ${n} loop${n === 1 ? '' : 's'}, ${status}${where}${slowNote}`];
    for (const v of rewrite.rewritten) summary.push(`  line ${loopLine(v)}: ${v.nest.functionName ?? '(file scope)'}: ${v.argReductions?.length ? argReductionSummary(v.argReductions) : v.clauses ? pragmaText(v.clauses) : 'parallel'}${sumNestSummary(v) ? ` + ${sumNestSummary(v)} (exact: every result keeps its bits)` : ''}`);
    for (const v of rewrite.skipped) summary.push(`  line ${loopLine(v)}: ${v.verdict}: ${whyNot(v)}`);
    for (const part of verification?.parts ?? []) summary.push(indent(formatEvidence(part.functionName ? `${file} (${part.functionName})` : file, part.evidence)));
    if (!values.json) process.stderr.write(summary.join('\n') + '\n');
    return rejected ? EXIT.failed : EXIT.ok;
  },
};

import * as path from 'node:path';
import { analyzeLoops } from '../analysis';
import type { Candidate, CandidateTarget, Evidence, LoopVerdict, SourceRange, TextEdit } from '../model';
import { ParserHost } from '../parse';
import { candidateId, verify } from '../pipeline';
import { definesMain } from '../runner/staticChecks';
import { LlmError, type AgentContext, type AgentRequest, type AgentResult, type Attempt, type ChatMessage, type LlmProvider } from './api';
import { pragmaRaces } from './factsCheck';
import { fitnessOf, type FitnessOptions } from './fitness';
import { meteredProvider } from './openAiProvider';
import { promptId } from './prompts/common';
import { cudaPrompt } from './prompts/cuda';
import { mpiPrompt } from './prompts/mpi';
import { applyPragmaReply, functionLoops, ompPragmaPrompt } from './prompts/ompPragma';
import { evidenceFeedback, repairMessage } from './prompts/repair';
import { restructurePrompt } from './prompts/restructure';
import { extractCode } from './reply';
import { llmHarness } from './tester';
import { functionRange, spliceFunction, spliceWholeFile } from './splice';

/** Which prompt strategy proposes the rewrite. */
export type Strategy = 'omp-pragma' | 'restructure' | 'mpi' | 'cuda';

/** Options of one LLM proposal with repair rounds. */
export interface LlmParallelizeOptions {
  /** Default: by target; for OpenMP, pragmas when the analysis found a parallel (or assumable) loop, else restructuring. */
  readonly strategy?: Strategy;
  /** Repair rounds after the first proposal (default 3). */
  readonly maxRounds?: number;
  /** Cap on each reply's tokens (default 4096). */
  readonly maxTokens?: number;
  /** Start from this candidate's text instead of the original (evolve's LLM mutations), and derive from it. */
  readonly from?: Candidate;
  /** Feedback on `from` to open with (evolve's repair mutation). */
  readonly feedback?: string;
  /** When the generated harness cannot drive the signature, ask the model for one (the Tester; default true). */
  readonly tester?: boolean;
  readonly fitness?: FitnessOptions;
}

/** The parser the bundles ship (`dist/wasm` beside `dist/cli.js` and `dist/extension.js`). */
export function bundledParser(): ParserHost {
  return new ParserHost((file) => path.join(__dirname, 'wasm', file));
}

/** The default strategy for a target, from what the analysis says about the function's loops. */
export function chooseStrategy(target: CandidateTarget, verdicts: readonly LoopVerdict[]): Strategy {
  if (target === 'mpi') return 'mpi';
  if (target === 'cuda') return 'cuda';
  return verdicts.some((v) => v.verdict === 'parallel' || v.ifAssumed) ? 'omp-pragma' : 'restructure';
}

const ANSWER_FUNCTION = 'Answer with the complete function in one ```c code block.';
const ANSWER_FILE = 'Answer with the complete file in one ```c code block.';

interface Proposed {
  readonly text: string;
  readonly edits: readonly TextEdit[];
  readonly range: SourceRange | null;
  readonly description: string;
}

function rejectedCandidate(request: AgentRequest, text: string, operator: string, pid: string, parent: string | null, reason: string): Candidate {
  const { source } = request;
  return {
    id: candidateId(request.target, 'llm', source.text, text, []),
    target: request.target,
    origin: 'llm',
    parent,
    source,
    region: { functionName: request.functionName, range: null },
    text,
    edits: [],
    description: `rejected before running: ${reason}`,
    operator,
    promptId: pid,
  };
}

/**
 * One LLM proposal for `request.functionName` with bounded repair rounds: each reply is parsed and
 * checked (parse, signature, region, clause facts) before the gate; each candidate goes through
 * pipeline.verify; the compiler, test, race and timing feedback goes back to the model until a
 * candidate verifies or the rounds run out. Never throws for provider failures: the result says.
 */
export async function llmParallelize(request: AgentRequest, provider: LlmProvider, ctx: AgentContext, options: LlmParallelizeOptions = {}): Promise<AgentResult> {
  const parser = ctx.parser ?? ctx.session.parser ?? bundledParser();
  const { source, functionName, target } = request;
  let settings = ctx.settings;
  let testerTried = false;
  const meter = meteredProvider(provider);
  const attempts: Attempt[] = [];
  const base = options.from?.text ?? source.text;
  // A whole program when the file defines main, read from the tree (not a regex over the text).
  const sourceTree = await parser.parse(source.language, source.text);
  let wholeProgram: boolean;
  try {
    wholeProgram = definesMain(sourceTree);
  } finally {
    sourceTree.delete();
  }
  const region = { functionName: wholeProgram || target === 'mpi' ? null : functionName };
  const done = (stoppedBecause: string, error?: LlmError): AgentResult => {
    const verified = attempts.filter((a) => a.evidence && a.fitness > 0);
    const best = verified.length ? verified.reduce((a, b) => (b.fitness > a.fitness ? b : a)) : null;
    return { best, attempts, tokens: meter.used(), stoppedBecause, ...(error ? { error: { kind: error.kind, message: error.message } } : {}) };
  };

  const tree = await parser.parse(source.language, base);
  let verdicts: LoopVerdict[];
  try {
    verdicts = analyzeLoops(tree, source.language, base).filter((v) => v.nest.functionName === functionName || v.nest.functionName?.split('::').pop() === functionName);
  } finally {
    tree.delete();
  }
  const strategy = options.strategy ?? chooseStrategy(target, verdicts);
  const fnRange = await functionRange(parser, source.language, base, functionName);
  if (!fnRange && strategy !== 'mpi') return done(`no function named '${functionName}' in the file`);
  const fnText = fnRange ? base.slice(fnRange.startOffset, fnRange.endOffset) : '';
  const firstLine = (fnRange?.start.line ?? 0) + 1;

  let messages: ChatMessage[];
  let answerFormat: string;
  const loops = strategy === 'omp-pragma' ? ((await functionLoops(parser, source.language, base, functionName))?.loops ?? []) : [];
  if (strategy === 'omp-pragma') {
    if (loops.length === 0) return done(`\`${functionName}\` has no loops to parallelise`);
    messages = ompPragmaPrompt(functionName, fnText, firstLine, loops);
    answerFormat = `End with one line per loop: ${loops.map((l) => `${l.id}: #pragma omp … (or none)`).join(', ')}.`;
  } else if (strategy === 'restructure') {
    messages = restructurePrompt('openmp', functionName, fnText, firstLine, verdicts);
    answerFormat = ANSWER_FUNCTION;
  } else if (strategy === 'mpi') {
    messages = mpiPrompt(source.path ? path.basename(source.path) : `input.${source.language === 'c' ? 'c' : 'cpp'}`, base, functionName);
    answerFormat = ANSWER_FILE;
  } else {
    messages = cudaPrompt(functionName, fnText, firstLine, base);
    answerFormat = ANSWER_FUNCTION;
  }
  if (options.from && options.feedback) messages = [...messages, { role: 'user', content: `The current version was judged: ${options.feedback}` }];

  const maxRounds = options.maxRounds ?? 3;
  let parent: string | null = options.from?.id ?? null;
  for (let round = 0; round <= maxRounds; round++) {
    if (ctx.signal?.aborted) return done('cancelled');
    const pid = promptId(round === 0 ? strategy : 'repair', messages);
    const operator = round === 0 ? strategy : 'repair';
    ctx.progress?.report(`asking ${provider.name} (${operator}, round ${round + 1} of ${maxRounds + 1})`);
    let reply: string;
    try {
      reply = (await meter.provider.complete(messages, { signal: ctx.signal, maxTokens: options.maxTokens ?? 4096 })).text;
    } catch (e) {
      if (e instanceof LlmError) {
        ctx.log?.info(`model call failed: ${e.message}`);
        return done(e.kind === 'cancelled' ? 'cancelled' : `the model call failed (${e.kind})`, e);
      }
      throw e;
    }
    messages = [...messages, { role: 'assistant', content: reply }];

    // Parse and check the reply; anything refused here never runs.
    let proposed: Proposed | { reason: string; text: string };
    if (strategy === 'omp-pragma') {
      const applied = applyPragmaReply(base, loops, reply);
      if (!applied.ok) proposed = { reason: applied.reason, text: base };
      else {
        const races = await pragmaRaces(parser, source.language, applied.text, functionName);
        proposed = races.length
          ? { reason: `the dependence analysis proves this clause set racy: ${races.join('; ')}`, text: applied.text }
          : { text: applied.text, edits: applied.edits, range: fnRange, description: `LLM (${provider.name}): ${applied.pragmas.join('; ')}` };
      }
    } else {
      // A CUDA reply is the whole translation (kernels + host function): it replaces the parent's kernels, so it is spliced into the user's original.
      const code = extractCode(reply, strategy === 'mpi' ? null : functionName);
      if (!code.ok) proposed = { reason: code.reason, text: base };
      else {
        const s = strategy === 'mpi' ? await spliceWholeFile(parser, source.language, base, functionName, code.code, code.truncated) : await spliceFunction(parser, source.language, strategy === 'cuda' ? source.text : base, functionName, code.code, code.truncated, { kernels: strategy === 'cuda' });
        proposed = s.ok ? { text: s.text, edits: s.edits, range: s.range, description: `LLM (${provider.name}) ${strategy} rewrite of ${functionName}${s.notes.length ? `; ${s.notes.join('; ')}` : ''}` } : { reason: s.reason, text: code.code };
      }
    }
    if ('reason' in proposed) {
      ctx.log?.info(`reply refused: ${proposed.reason}`);
      attempts.push({ candidate: rejectedCandidate(request, proposed.text, operator, pid, parent, proposed.reason), evidence: null, rejectedBecause: proposed.reason, fitness: 0 });
      messages = [...messages, repairMessage(`Your answer was refused before running: ${proposed.reason}.`, answerFormat)];
      continue;
    }
    // Edits are always against the user's original text, so hosts can apply them.
    const edits: readonly TextEdit[] = options.from ? [{ startOffset: 0, endOffset: source.text.length, newText: proposed.text }] : proposed.edits;
    const candidate: Candidate = {
      id: candidateId(target, 'llm', source.text, proposed.text, edits),
      target,
      origin: 'llm',
      parent,
      source,
      region: { functionName: region.functionName, range: region.functionName === null ? null : proposed.range },
      text: proposed.text,
      edits,
      description: proposed.description,
      operator,
      promptId: pid,
    };
    ctx.progress?.report(`verifying ${candidate.id}`);
    let evidence: Evidence;
    try {
      evidence = await verify(candidate, ctx.session, settings, { signal: ctx.signal, log: ctx.log, progress: ctx.progress });
      // The Tester: a signature the generated harness cannot drive gets a harness from the model, checked before use.
      if (evidence.verdict === 'not-run' && /cannot generate a harness/i.test(evidence.summary) && !settings.harnessFile && options.tester !== false && !testerTried) {
        testerTried = true;
        ctx.progress?.report(`asking ${provider.name} for a test harness (tester)`);
        const h = await llmHarness(request, meter.provider, { ...ctx, parser }, { whyNoHarness: evidence.summary.replace(/^cannot generate a harness for \S+: /, '') });
        if (h.harnessFile) {
          ctx.log?.info(`using the model's harness ${h.harnessFile}`);
          settings = { ...settings, harnessFile: h.harnessFile };
          evidence = await verify(candidate, ctx.session, settings, { signal: ctx.signal, log: ctx.log, progress: ctx.progress });
        } else {
          ctx.log?.info(`no usable harness from the model: ${h.reasons.join('; ')}`);
        }
      }
    } catch (e) {
      if (ctx.signal?.aborted) return done('cancelled');
      throw e;
    }
    const fitness = fitnessOf(evidence, options.fitness);
    attempts.push({ candidate, evidence, fitness });
    if (fitness > 0) return done(`verified in round ${round + 1}`);
    // The machine, not the candidate, stopped it: another round would ask the model to fix nothing.
    if (evidence.verdict === 'not-run' && /no GPU/.test(evidence.summary)) return done(`compiled in round ${round + 1}, but this machine has no GPU to run it`);
    parent = candidate.id;
    messages = [...messages, repairMessage(evidenceFeedback(evidence, candidate.text), answerFormat)];
  }
  return done(`no verified candidate after ${maxRounds + 1} rounds`);
}

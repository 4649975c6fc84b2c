import * as os from 'node:os';
import type { Candidate, Evidence, TextEdit } from '../../model';
import { candidateId, propose, verify } from '../../pipeline';
import { LlmError, type AgentContext, type AgentRequest, type AgentResult, type Attempt, type LlmProvider } from '../api';
import { pragmaRaces } from '../factsCheck';
import { fitnessOf } from '../fitness';
import { bundledParser, llmParallelize } from '../llmParallelize';
import { meteredProvider } from '../openAiProvider';
import { evidenceFeedback } from '../prompts/repair';
import { DETERMINISTIC_OPERATORS, seededRng, type MutationOperator, type Rng } from './mutations';
import { pragmaSites } from './pragma';

/**
 * The evolve loop, after ParEVO: a population of candidates for one function, improved over
 * generations by mutation, kept by elitism and tournament selection, every member judged by
 * pipeline.verify. Fitness is 0 unless verified, else the measured speedup at the target thread
 * count (rank count for MPI). For OpenMP it starts from the rules engine's candidate and mutates its
 * pragmas deterministically; with a provider it also asks the model to rewrite, restructure or repair.
 * MPI and CUDA have no deterministic mutations: every member comes from the model (no provider, no
 * run). CUDA members are compiled with nvcc and, on a machine without a GPU, judged not-run (fitness 0).
 */

/** Limits on one evolve run; the first reached stops it. */
export interface EvolveBudget {
  readonly seconds?: number;
  /** Candidates judged by the gate (refusals before running do not count). */
  readonly candidates?: number;
  /** Prompt + completion tokens. */
  readonly tokens?: number;
}

/** Options of one evolve run. */
export interface EvolveOptions {
  readonly generations?: number;
  readonly population?: number;
  /** Best members kept unchanged into the next generation (default 2). */
  readonly elites?: number;
  /** Members drawn per tournament (default 3). */
  readonly tournament?: number;
  readonly seed?: number;
  readonly budget?: EvolveBudget;
  /** Thread count whose speedup is the fitness (default: the largest timed count, else the cores); for MPI the rank count (default: the largest checked). */
  readonly targetThreads?: number;
  /** With a provider, a share of children (default 0.25) come from the model instead of a deterministic mutation. */
  readonly provider?: LlmProvider;
  readonly llmShare?: number;
  /** Benchmarks on machines without clang/Archer: outputs-match-but-not-race-checked also scores (still labelled unverified). */
  readonly acceptUnraceChecked?: boolean;
  /** Fitness of judged evidence (tests inject a deterministic one); default: fitnessOf at targetThreads. */
  readonly fitness?: (evidence: Evidence, candidate: Candidate) => number;
  /** Deterministic operators to use (default all). */
  readonly operators?: readonly MutationOperator[];
}

/** What evolve returns: AgentResult plus the first verified candidate's fitness (the baseline the run improves on). */
export interface EvolveResult extends AgentResult {
  /** The first member that passed, usually the rules engine's candidate. */
  readonly firstPassing: Attempt | null;
  readonly generations: number;
  readonly evaluated: number;
  readonly elapsedSeconds: number;
}

/** A single edit from `a` to `b` (common prefix and suffix kept), so hosts can apply it. */
export function diffEdit(a: string, b: string): TextEdit {
  let s = 0;
  while (s < a.length && s < b.length && a[s] === b[s]) s++;
  let e = 0;
  while (e < a.length - s && e < b.length - s && a[a.length - 1 - e] === b[b.length - 1 - e]) e++;
  return { startOffset: s, endOffset: a.length - e, newText: b.slice(s, b.length - e) };
}

/** Picks the fittest of `k` members drawn at random (ties by draw order). */
export function tournamentPick<T extends { fitness: number }>(pool: readonly T[], k: number, rng: Rng): T {
  let best = pool[rng.int(pool.length)];
  for (let i = 1; i < k; i++) {
    const c = pool[rng.int(pool.length)];
    if (c.fitness > best.fitness) best = c;
  }
  return best;
}

/**
 * The next population, distinct texts only: the `elites` fittest kept as they are, the other places
 * filled by tournaments among the rest (so weaker but different members survive: diversity).
 */
export function selectSurvivors<T extends { fitness: number; candidate: { text: string } }>(pool: readonly T[], size: number, elites: number, k: number, rng: Rng): T[] {
  const seen = new Set<string>();
  const distinct: T[] = [];
  for (const a of [...pool].sort((x, y) => y.fitness - x.fitness)) {
    if (seen.has(a.candidate.text)) continue;
    seen.add(a.candidate.text);
    distinct.push(a);
  }
  const out = distinct.slice(0, elites);
  const rest = distinct.slice(elites);
  while (out.length < size && rest.length > 0) {
    const pick = tournamentPick(rest, k, rng);
    out.push(pick);
    rest.splice(rest.indexOf(pick), 1);
  }
  return out.sort((x, y) => y.fitness - x.fitness);
}

/** Runs `work` on each item with at most `limit` at once, in order of start. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const runner = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, runner));
  return out;
}

/** ParEVO-style evolution of one function's parallel rewrite; returns the best verified candidate so far when stopped. */
export async function evolve(request: AgentRequest, options: EvolveOptions, ctx: AgentContext): Promise<EvolveResult> {
  const parser = ctx.parser ?? ctx.session.parser ?? bundledParser();
  const clock = ctx.session.clock;
  const started = clock.now();
  const rng = seededRng(options.seed ?? 1);
  const generations = options.generations ?? 4;
  const populationSize = Math.max(2, options.population ?? 6);
  const elites = Math.min(options.elites ?? 2, populationSize - 1);
  const tournament = options.tournament ?? 3;
  const budget = options.budget ?? {};
  const openmp = request.target === 'openmp';
  const settingsThreads = ctx.settings.timingThreads;
  const defaultTarget = request.target === 'mpi' ? Math.max(...(ctx.settings.ranks ?? [1, 2, 4])) : settingsThreads?.length ? Math.max(...settingsThreads) : os.availableParallelism();
  const targetThreads = options.targetThreads ?? defaultTarget;
  const settings = { ...ctx.settings, timingThreads: settingsThreads ?? [targetThreads] };
  const meter = options.provider ? meteredProvider(options.provider) : null;
  // Pragma and loop mutations are OpenMP's; MPI and CUDA members all come from the model.
  const operators = openmp ? (options.operators ?? DETERMINISTIC_OPERATORS) : [];
  const llmStrategy = request.target === 'mpi' ? 'mpi' : request.target === 'cuda' ? 'cuda' : 'restructure';
  const fitnessFn = options.fitness ?? ((e: Evidence) => fitnessOf(e, { targetThreads, acceptUnraceChecked: options.acceptUnraceChecked }));
  const { source, functionName } = request;

  const attempts: Attempt[] = [];
  const seenTexts = new Set<string>([source.text]);
  let evaluated = 0;
  let generation = 0;
  let completed = 0;
  let stopped: string | null = null;
  let llmError: LlmError | null = null;
  let firstPassing: Attempt | null = null;
  const elapsed = () => (clock.now() - started) / 1000;
  const tokens = () => meter?.used() ?? { promptTokens: 0, completionTokens: 0 };
  const overBudget = (): string | null => {
    if (ctx.signal?.aborted) return 'cancelled';
    if (budget.seconds !== undefined && elapsed() >= budget.seconds) return `time budget (${budget.seconds} s) spent`;
    if (budget.candidates !== undefined && evaluated >= budget.candidates) return `candidate budget (${budget.candidates}) spent`;
    const t = tokens();
    if (budget.tokens !== undefined && t.promptTokens + t.completionTokens >= budget.tokens) return `token budget (${budget.tokens}) spent`;
    return null;
  };
  const result = (why: string): EvolveResult => {
    const passing = attempts.filter((a) => a.evidence && a.fitness > 0);
    const best = passing.length ? passing.reduce((a, b) => (b.fitness > a.fitness ? b : a)) : null;
    return {
      best,
      attempts,
      tokens: tokens(),
      stoppedBecause: why,
      firstPassing,
      generations: completed,
      evaluated,
      elapsedSeconds: elapsed(),
      ...(llmError ? { error: { kind: llmError.kind, message: llmError.message } } : {}),
    };
  };

  /** Judges candidates (in parallel within the session's limit); cancelled ones are dropped. */
  const judge = async (cands: readonly Candidate[], gen: number): Promise<Attempt[]> => {
    const out = await pool(cands, ctx.session.maxConcurrent, async (c): Promise<Attempt | null> => {
      // The starting candidates are always judged (a result needs a baseline); only cancelling stops them.
      if (gen === 0 ? ctx.signal?.aborted : overBudget()) return null;
      evaluated++;
      ctx.progress?.report(`generation ${gen}: judging ${c.description}`);
      let evidence: Evidence;
      try {
        evidence = await verify(c, ctx.session, settings, { signal: ctx.signal, log: ctx.log });
      } catch (e) {
        if (ctx.signal?.aborted) return null;
        throw e;
      }
      const a: Attempt = { candidate: c, evidence, generation: gen, fitness: fitnessFn(evidence, c) };
      attempts.push(a);
      if (a.fitness > 0 && !firstPassing) firstPassing = a;
      return a;
    });
    return out.filter((a): a is Attempt => a !== null);
  };

  if (!openmp && !meter) return result(`evolve for ${request.target} needs an LLM endpoint: it has no deterministic mutations for ${request.target}`);
  // Generation 0: the rules engine's candidates for the function (proven first), or the model's.
  const proposal = await propose(source, { functionName, lines: request.lines }, { target: request.target, parser });
  const seeds = proposal.candidates.filter((c) => !c.assumptions).length ? proposal.candidates.filter((c) => !c.assumptions) : proposal.candidates;
  for (const s of seeds) seenTexts.add(s.text);
  let population = await judge(seeds, 0);
  if (meter && population.every((a) => a.fitness === 0)) {
    const llm = await llmParallelize(request, meter.provider, ctx, { fitness: { targetThreads, acceptUnraceChecked: options.acceptUnraceChecked } });
    for (const a of llm.attempts) {
      const rescored = a.evidence ? { ...a, generation: 0, fitness: fitnessFn(a.evidence, a.candidate) } : { ...a, generation: 0 };
      attempts.push(rescored);
      if (a.evidence) {
        evaluated++;
        population.push(rescored);
        if (rescored.fitness > 0 && !firstPassing) firstPassing = rescored;
      }
    }
    if (llm.error) llmError = new LlmError(llm.error.message, llm.error.kind);
  }
  if (population.length === 0) return result(seeds.length ? (overBudget() ?? 'nothing judged') : `nothing to start from: the rules engine has no candidate for '${functionName}'${meter ? ' and the model found none' : ' (add an LLM endpoint to start from a model proposal)'}`);

  const region = population[0].candidate.region;
  for (generation = 1; generation <= generations; generation++) {
    stopped = overBudget();
    if (stopped) break;
    const children: Candidate[] = [];
    const llmChildren: Promise<void>[] = [];
    let tries = 0;
    while (children.length + llmChildren.length < populationSize && tries++ < populationSize * 12) {
      const parent = tournamentPick(population, tournament, rng);
      if (meter && !llmError && (!openmp || rng.next() < (options.llmShare ?? 0.25))) {
        // LLM mutation: repair a failing parent from its evidence, or ask a passing one to go faster.
        const feedback = parent.evidence ? evidenceFeedback(parent.evidence, parent.candidate.text) : (parent.rejectedBecause ?? '');
        llmChildren.push(
          llmParallelize(request, meter.provider, { ...ctx, settings }, { from: parent.candidate, feedback, maxRounds: 0, strategy: llmStrategy, fitness: { targetThreads, acceptUnraceChecked: options.acceptUnraceChecked } }).then((r) => {
            if (r.error) llmError = new LlmError(r.error.message, r.error.kind);
            for (const a of r.attempts) {
              const op = parent.fitness > 0 ? 'llm-rewrite' : 'llm-repair';
              const c: Candidate = { ...a.candidate, origin: 'evolve', operator: op, parent: parent.candidate.id };
              // Deterministic mutations never re-judge a text the model already produced.
              seenTexts.add(c.text);
              const scored = a.evidence ? { ...a, candidate: c, generation, fitness: fitnessFn(a.evidence, c) } : { ...a, candidate: c, generation };
              attempts.push(scored);
              if (a.evidence) evaluated++;
              if (a.evidence && scored.fitness > 0 && !firstPassing) firstPassing = scored;
              if (a.evidence) population.push(scored);
            }
          }),
        );
        continue;
      }
      if (operators.length === 0) break;
      const tree = await parser.parse(source.language, parent.candidate.text);
      let child: Candidate | null = null;
      try {
        const sites = pragmaSites(tree, functionName);
        if (sites.length === 0) continue;
        const site = rng.pick(sites);
        const op = rng.pick(operators);
        const mutant = op.apply({ text: parent.candidate.text, tree, language: source.language, site, rng, targetThreads, functionName });
        if (!mutant || seenTexts.has(mutant.text)) continue;
        seenTexts.add(mutant.text);
        const edit = diffEdit(source.text, mutant.text);
        child = {
          id: candidateId(request.target, 'evolve', source.text, mutant.text, [edit]),
          target: request.target,
          origin: 'evolve',
          parent: parent.candidate.id,
          source,
          region,
          text: mutant.text,
          edits: [edit],
          description: mutant.description,
          operator: op.name,
        };
        if (!mutant.skipFactsCheck) {
          const races = await pragmaRaces(parser, source.language, mutant.text, functionName);
          if (races.length) {
            attempts.push({ candidate: child, evidence: null, rejectedBecause: `the dependence analysis proves it racy: ${races.join('; ')}`, generation, fitness: 0 });
            continue;
          }
        }
      } finally {
        tree.delete();
      }
      if (child) children.push(child);
    }
    const judged = await judge(children, generation);
    await Promise.all(llmChildren);
    population = selectSurvivors([...population, ...judged], populationSize, elites, tournament, rng);
    const best = population[0];
    completed = generation;
    ctx.log?.info(`evolve generation ${generation}: best fitness ${best.fitness.toFixed(2)} (${best.candidate.description})`);
    if (ctx.signal?.aborted) {
      stopped = 'cancelled';
      break;
    }
  }
  return result(stopped ?? `${generations} generations done`);
}

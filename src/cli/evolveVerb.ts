import { evolve, type Attempt } from '../core/agent';
import { packCudaCandidate } from '../core/agent/cudaPack';
import type { CandidateTarget } from '../core/model';
import { createSession } from '../core/pipeline';
import { formatEvidence } from '../core/runner';
import { EXIT, UserError } from './errors';
import { bundledParserHost } from './host';
import { readSourceFile, writeOutputFile } from './input';
import { countList } from './options';
import { attemptJson, finalVerdict, HOW_TO_ADD_LLM, LLM_OPTIONS, providerFromFlags, settingsFromFlags } from './parallelizeLlm';
import type { Verb } from './verb';

function positiveInt(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 0)) throw new UserError(`--${flag} wants an integer ≥ 0, got '${value}'`);
  return n;
}

/** The chain of candidates from the first ancestor to `a`, oldest first. */
function lineage(a: Attempt, all: readonly Attempt[]): Attempt[] {
  const byId = new Map(all.map((x) => [x.candidate.id, x]));
  const chain: Attempt[] = [a];
  for (let p = a.candidate.parent; p && byId.has(p) && chain.length < 100; p = byId.get(p)!.candidate.parent) chain.unshift(byId.get(p)!);
  return chain;
}

/** `paraforge evolve FILE --function NAME …`: ParEVO-style search over verified rewrites; works with no model. */
export const evolveVerb: Verb = {
  name: 'evolve',
  summary: 'search for a faster verified rewrite of one function by mutating pragmas and loops (and asking a model, if given; MPI and CUDA need one)',
  usage:
    'paraforge evolve FILE --function NAME [--target openmp|mpi|cuda] [--ranks 1,2,4] [--pack-dir DIR] [--generations N] [--population N] [--budget-seconds S] [--budget-candidates N] ' +
    '[--seed K] [--threads T] [--check-threads 1,2,T] [--repeats N] [--timeout S] [--compiler gcc|clang] [--no-race-check] [--base-url URL --model M] [--out OUT] [--json] [-- PROGRAM ARGS…]',
  options: {
    function: { type: 'string' },
    target: { type: 'string' },
    generations: { type: 'string' },
    population: { type: 'string' },
    'budget-seconds': { type: 'string' },
    'budget-candidates': { type: 'string' },
    'check-threads': { type: 'string' },
    ranks: { type: 'string' },
    'pack-dir': { type: 'string' },
    seed: { type: 'string' },
    threads: { type: 'string' },
    repeats: { type: 'string' },
    timeout: { type: 'string' },
    compiler: { type: 'string' },
    'no-race-check': { type: 'boolean' },
    language: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    ...LLM_OPTIONS,
  },
  async run(values, positionals, ctx) {
    if (positionals.length < 1) throw new UserError(`usage: ${this.usage}`);
    const functionName = values.function as string | undefined;
    if (!functionName) throw new UserError('evolve improves one function: pass --function NAME');
    const target = (values.target as string | undefined) ?? 'openmp';
    if (!['openmp', 'mpi', 'cuda'].includes(target)) throw new UserError(`--target wants openmp, mpi or cuda, got '${target}'`);
    if (values['pack-dir'] && target !== 'cuda') throw new UserError('--pack-dir packs CUDA candidates for a GPU machine: it needs --target cuda');
    const threadList = settingsFromFlags(values, []).threads;
    if (threadList && threadList.length !== 1) throw new UserError('--threads for evolve is the one thread count whose speedup is the fitness, e.g. --threads 16');
    const targetThreads = threadList?.[0];
    const provider = providerFromFlags(values);
    // MPI and CUDA rewrites restructure the code: no deterministic mutation makes them, only a model.
    if (!provider && target !== 'openmp') throw new UserError(`MPI/CUDA evolve needs an LLM: --target ${target} has no deterministic mutations; ${HOW_TO_ADD_LLM}`);
    if (!provider) ctx.log.warn(`no LLM endpoint: deterministic mutations only; to add model rewrites, ${HOW_TO_ADD_LLM}`);
    const file = positionals[0];
    const source = readSourceFile(file, { language: values.language as string | undefined });
    const budgetSeconds = values['budget-seconds'] === undefined ? undefined : Number(values['budget-seconds']);
    if (budgetSeconds !== undefined && !(budgetSeconds > 0)) throw new UserError(`--budget-seconds wants seconds > 0, got '${values['budget-seconds']}'`);
    const base = settingsFromFlags({ ...values, threads: undefined }, positionals.slice(1));
    // Outputs are compared at these counts for every candidate (default 1, 2 and the target).
    const checked = countList('check-threads', values['check-threads']) ?? [...new Set([1, 2, ...(targetThreads ? [targetThreads] : [])])];
    const noRace = Boolean(values['no-race-check']);
    const result = await evolve(
      { source: { path: source.path, language: source.language, text: source.text, version: null }, functionName, target: target as CandidateTarget },
      {
        generations: positiveInt('generations', values.generations),
        population: positiveInt('population', values.population),
        seed: positiveInt('seed', values.seed),
        budget: { seconds: budgetSeconds, candidates: positiveInt('budget-candidates', values['budget-candidates']) },
        targetThreads,
        provider: provider ?? undefined,
        acceptUnraceChecked: noRace,
      },
      {
        session: createSession(),
        settings: { ...base, threads: checked, ...(targetThreads ? { timingThreads: [targetThreads] } : {}), ...(values.ranks !== undefined ? { ranks: countList('ranks', values.ranks) } : {}) },
        signal: ctx.signal,
        log: ctx.log,
        progress: { report: (m) => ctx.log.info(m) },
        parser: bundledParserHost(),
      },
    );
    const best = result.best;
    const first = result.firstPassing;
    const out = values.out as string | undefined;
    if (out && best) {
      writeOutputFile(out, best.candidate.text);
    }
    // CUDA without a GPU: candidates that compiled are 'not-run'; packed, a GPU machine can run them.
    const compiled = result.attempts.filter((a) => a.evidence?.verdict === 'not-run' && /compiled, not run/.test(a.evidence.summary));
    const packDir = values['pack-dir'] as string | undefined;
    const packs = packDir ? await Promise.all(compiled.map((a) => packCudaCandidate(packDir, a.candidate.source, a.candidate, functionName, bundledParserHost(), base.args ?? []))) : [];
    const verdict = finalVerdict(result);
    const perMinute = result.elapsedSeconds > 0 ? (result.evaluated * 60) / result.elapsedSeconds : 0;
    const gain = best && first && first.fitness > 0 ? best.fitness / first.fitness : null;
    if (values.json) {
      ctx.stdout(
        `${JSON.stringify(
          {
            file,
            function: functionName,
            target,
            engine: provider ? `evolve + ${provider.name}` : 'evolve (deterministic mutations)',
            verdict,
            verified: verdict === 'verified',
            raceChecked: !noRace,
            stoppedBecause: result.stoppedBecause,
            targetThreads: targetThreads ?? null,
            generations: result.generations,
            evaluated: result.evaluated,
            elapsedSeconds: result.elapsedSeconds,
            candidatesPerMinute: perMinute,
            tokens: result.tokens,
            first: first ? attemptJson(first) : null,
            best: best ? { ...attemptJson(best), edits: best.candidate.edits, ...(out ? {} : { source: best.candidate.text }) } : null,
            gainOverFirst: gain,
            ...(target === 'cuda' ? { compiledNotRun: compiled.map((a) => a.candidate.id), packed: packs.map((p) => p.dir) } : {}),
            evidence: best?.evidence ?? null,
            lineage: best ? lineage(best, result.attempts).map(attemptJson) : [],
            attempts: result.attempts.map(attemptJson),
            ...(result.error ? { error: result.error } : {}),
          },
          null,
          2,
        )}\n`,
      );
    } else {
      if (best && !out) ctx.stdout(best.candidate.text);
      const lines = [
        `paraforge: ${file} (${functionName}): evolve ${result.stoppedBecause}; ${result.evaluated} candidates judged in ${result.elapsedSeconds.toFixed(0)} s (${perMinute.toFixed(1)}/min)`,
        ...(target === 'cuda' && compiled.length ? [`  ${compiled.length} CUDA candidate(s) compiled with nvcc, not run (no GPU here): not verified${packs.length ? `; packed for a GPU machine in ${packDir}` : ''}`] : []),
        best ? `  best: ${best.candidate.description} — fitness ${best.fitness.toFixed(2)}${gain ? `, ${gain.toFixed(2)}× the first passing candidate` : ''}${noRace ? ' (race check off: NOT verified)' : ''}` : '  no candidate passed',
      ];
      if (best) for (const a of lineage(best, result.attempts)) lines.push(`    ${a.candidate.operator ?? a.candidate.origin} ${a.candidate.id}: ${a.candidate.description} (fitness ${a.fitness.toFixed(2)})`);
      if (best?.evidence) lines.push(formatEvidence(file, best.evidence));
      process.stderr.write(`${lines.join('\n')}\n`);
    }
    return best ? EXIT.ok : EXIT.failed;
  },
};

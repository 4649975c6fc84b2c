import type { Candidate, Evidence, Target } from '../core/model';
import { candidateId, createSession, verify } from '../core/pipeline';
import { formatEvidence, VerifyInputError, type CompilerFamily, type MpiFlavour } from '../core/runner';
import { bundledParserHost } from './host';
import { readSourceFile } from './input';
import { EXIT, UserError } from './errors';
import { countList, oneOf } from './options';
import type { Verb } from './verb';

const TARGETS: readonly Target[] = ['openmp', 'mpi', 'cuda'];
const BACKENDS = ['local', 'mpirun', 'slurm'] as const;

/** `paraforge verify ORIGINAL CANDIDATE …`: compiles, runs, race-checks and times a candidate. */
export const verifyVerb: Verb = {
  name: 'verify',
  summary: 'check a parallel candidate against its original by compiling, running, race-checking and timing it',
  usage:
    'paraforge verify ORIGINAL CANDIDATE [--function NAME] [--target openmp|mpi|cuda] [--threads 1,2] [--ranks 1,2,4] ' +
    '[--backend local|mpirun|slurm] [--compiler gcc|clang] [--mpi openmpi|mpich] [--harness FILE] [--tolerance REL] ' +
    '[--timeout SECONDS] [--repeats N] [--partition NAME] [--input FILE]… [--no-race-check] [--json] [-- PROGRAM ARGS…]',
  options: {
    function: { type: 'string' },
    target: { type: 'string' },
    threads: { type: 'string' },
    ranks: { type: 'string' },
    backend: { type: 'string' },
    compiler: { type: 'string' },
    mpi: { type: 'string' },
    harness: { type: 'string' },
    tolerance: { type: 'string' },
    timeout: { type: 'string' },
    repeats: { type: 'string' },
    partition: { type: 'string' },
    input: { type: 'string', multiple: true },
    language: { type: 'string' },
    json: { type: 'boolean' },
    'no-race-check': { type: 'boolean' },
  },
  async run(values, positionals, ctx) {
    // Anything after ORIGINAL CANDIDATE (normally after `--`) is passed to whole programs as arguments.
    if (positionals.length < 2) throw new UserError(`verify takes ORIGINAL and CANDIDATE\nusage: ${this.usage}`);
    const original = readSourceFile(positionals[0], { language: values.language as string | undefined });
    const candidate = readSourceFile(positionals[1], { language: values.language as string | undefined });
    const target = oneOf('target', values.target, TARGETS) ?? (original.language === 'cuda-cpp' ? 'cuda' : /\bMPI_Init\b/.test(candidate.text) ? 'mpi' : 'openmp');
    const tolerance = values.tolerance === undefined ? undefined : Number(values.tolerance);
    if (tolerance !== undefined && !(tolerance >= 0)) throw new UserError(`--tolerance wants a relative tolerance ≥ 0, got '${values.tolerance}'`);
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(timeout > 0)) throw new UserError(`--timeout wants seconds > 0, got '${values.timeout}'`);
    const repeats = values.repeats === undefined ? undefined : Number(values.repeats);
    if (repeats !== undefined && !(Number.isInteger(repeats) && repeats >= 1)) throw new UserError(`--repeats wants an integer ≥ 1, got '${values.repeats}'`);
    // The user's candidate goes through the same pipeline as every engine's: a Candidate of origin 'user'.
    const functionName = values.function as string | undefined;
    const candidateRecord: Candidate = {
      id: candidateId(target, 'user', original.text, candidate.text, []),
      target,
      origin: 'user',
      parent: null,
      source: { path: original.path, language: original.language, text: original.text, version: null },
      region: { functionName: functionName ?? null, range: null },
      text: candidate.text,
      edits: [],
      description: `${candidate.path} (the user's candidate)`,
    };
    let evidence: Evidence;
    try {
      evidence = await verify(
        candidateRecord,
        createSession({ parser: bundledParserHost() }),
        {
          candidatePath: candidate.path,
          threads: countList('threads', values.threads),
          ranks: countList('ranks', values.ranks),
          backend: oneOf('backend', values.backend, BACKENDS),
          compiler: oneOf<CompilerFamily>('compiler', values.compiler, ['gcc', 'clang']),
          mpi: oneOf<MpiFlavour>('mpi', values.mpi, ['openmpi', 'mpich']),
          harnessFile: values.harness as string | undefined,
          args: positionals.slice(2),
          inputFiles: values.input as string[] | undefined,
          tolerance,
          timeoutMs: timeout === undefined ? undefined : timeout * 1000,
          repeats,
          slurm: values.partition ? { partition: values.partition as string } : undefined,
          // For machines without clang + Archer: outputs and timings only, and never 'verified'.
          raceCheck: values['no-race-check'] ? false : undefined,
        },
        { signal: ctx.signal, log: ctx.log, progress: { report: (m) => ctx.log.info(m) } },
      );
    } catch (e) {
      if (e instanceof VerifyInputError) throw new UserError(e.message);
      throw e;
    }
    if (values.json) ctx.stdout(JSON.stringify(evidence, null, 2) + '\n');
    else ctx.stdout(formatEvidence(candidate.path, evidence));
    // Any verdict but 'verified' (rejected, race, wrong-output, not-run, …) is a failure.
    return evidence.verdict === 'verified' ? EXIT.ok : EXIT.failed;
  },
};

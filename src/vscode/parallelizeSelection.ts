import * as path from 'node:path';
import type { Node as SyntaxNode } from 'web-tree-sitter';
import * as vscode from 'vscode';
import type { Attempt } from '../core/agent/api';
import type { Candidate, CandidateSource, CandidateTarget, Evidence, LoopVerdict } from '../core/model';
import { propose, verify, type ProposeRegion } from '../core/pipeline';
import type { LineageEntry } from '../core/report';
import { detectSandbox } from '../core/runner';
import { describeProvider, explainMissingProvider, runAgent, type EngineKind } from './agentBridge';
import { showCandidateDiff } from './candidatePreview';
import type { ParaForgeContext } from './context';
import { DocumentTrees } from './documents';
import { bestSpeedup, isVerified, makeReport, type CandidateResult } from './results';
import { readSettings, verifySettings, type Settings } from './settings';
import { explainRestricted, mayRun, RESTRICTED_MESSAGE } from './trust';

/** Arguments of `paraforge.parallelizeSelection`; every field is optional (the palette passes none). */
export interface ParallelizeArgs {
  /** The document; default the active editor's. */
  readonly uri?: string;
  /** Skips the target pick. */
  readonly target?: CandidateTarget;
  /** Skips the engine pick. */
  readonly engine?: EngineKind;
  /** 0-based inclusive lines to parallelise (a loop from the Loops view, tests); default the selection or the function at the cursor. */
  readonly lines?: { readonly start: number; readonly end: number };
  /** Open the diff preview (default true). */
  readonly preview?: boolean;
}

/** What a run ended with. */
export type ParallelizeStatus = 'preview' | 'verified-none' | 'no-candidates' | 'cancelled' | 'refused' | 'unavailable';

/** What `paraforge.parallelizeSelection` returns once the run is over (without waiting for Accept/Reject). */
export interface ParallelizeResult {
  readonly status: ParallelizeStatus;
  /** One sentence for the user (also shown as a message). */
  readonly message: string;
  readonly candidates: readonly { readonly id: string; readonly description: string; readonly verdict: string; readonly verified: boolean }[];
  /** The candidate shown in the diff preview. */
  readonly chosen?: string;
  readonly previewUri?: string;
}

/** One target of the target pick. */
interface TargetItem extends vscode.QuickPickItem {
  readonly target: CandidateTarget;
}

const TARGETS: readonly TargetItem[] = [
  { target: 'openmp', label: '$(server-process) OpenMP', description: 'threads on one node', detail: 'Rules engine (proven pragmas) or LLM engines' },
  { target: 'mpi', label: '$(server-environment) MPI', description: 'ranks across nodes', detail: 'LLM engines only: the rules engine has no MPI rewriter yet' },
  { target: 'cuda', label: '$(circuit-board) CUDA', description: 'kernels on an NVIDIA GPU', detail: 'LLM engines only: the rules engine has no CUDA rewriter yet' },
  { target: 'offload', label: '$(chip) OpenMP offload', description: '#pragma omp target to a GPU', detail: 'Not available yet: no engine writes offload rewrites, and none could be run on a GPU here' },
];

/**
 * Why offload is refused before any engine runs: the LLM engines' pragma prompt asks for host
 * pragmas and the reply check refuses map clauses with array sections, and the runner runs a target
 * region on the host (no offload compiler, no GPU), which says nothing about the device.
 */
const OFFLOAD_MISSING =
  'OpenMP offload is not available yet: no engine writes `#pragma omp target` rewrites (the LLM engine asks for host pragmas), and the runner could only run a target region on the host, which proves nothing about the GPU. Choose OpenMP (threads) or CUDA.';

/** The region a run works on, and how to say it. */
interface Region {
  readonly region: ProposeRegion;
  /** "lines 4–12", "function dot", "the whole file". */
  readonly label: string;
  /** The function the agent engines rewrite (they rewrite one function). */
  readonly functionName: string | null;
}

/**
 * `ParaForge: Parallelize Selection`: proposes rewrites of the selection (or the function at the
 * cursor) for the chosen target with the chosen engine, verifies each one under a cancellable
 * progress notification, and opens a diff of the best one with Accept / Reject. Nothing is compiled
 * or run in Restricted Mode. Resolves when the preview opens (not when the user decides).
 */
export async function parallelizeSelection(ctx: ParaForgeContext, args: ParallelizeArgs = {}): Promise<ParallelizeResult> {
  const done = (status: ParallelizeStatus, message: string, extra: Partial<ParallelizeResult> = {}): ParallelizeResult => {
    const result: ParallelizeResult = { status, message, candidates: [], ...extra };
    if (status !== 'preview') {
      if (status === 'cancelled') void vscode.window.showInformationMessage(`ParaForge: ${message}`);
      else void vscode.window.showWarningMessage(`ParaForge: ${message}`);
    }
    return result;
  };
  const editor = vscode.window.activeTextEditor;
  const document = args.uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri) : editor?.document;
  if (!document) return done('refused', 'open a C, C++ or CUDA file and select the code to parallelise.');
  const language = DocumentTrees.languageOf(document);
  if (!language) return done('refused', `ParaForge parallelises C, C++ and CUDA files; this one is '${document.languageId}'.`);
  const settings = readSettings(document);
  const region = await regionOf(ctx, document, args.lines, !args.uri || editor?.document === document ? editor?.selection : undefined);
  const target = args.target ?? (await pickTarget(region.label));
  if (!target) return done('cancelled', 'cancelled: no target chosen.');
  if (target === 'offload') return done('unavailable', OFFLOAD_MISSING);
  const engine = args.engine ?? (await pickEngine(target, settings));
  if (!engine) return done('cancelled', 'cancelled: no engine chosen.');
  if (engine === 'rules' && target !== 'openmp') {
    return done('unavailable', `the rules engine rewrites OpenMP only; for ${TARGETS.find((t) => t.target === target)!.label.replace(/^\$\([^)]*\) /, '')} choose the LLM or evolve engine (it needs a language model: ${describeProvider(settings)}).`);
  }
  const source: CandidateSource = {
    path: document.uri.scheme === 'file' ? document.uri.fsPath : null,
    language,
    text: document.getText(),
    version: document.version,
  };
  const trusted = mayRun();
  if (engine !== 'rules' && !trusted) {
    explainRestricted('the LLM engine');
    return done('refused', RESTRICTED_MESSAGE);
  }

  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ParaForge: parallelizing ${region.label} (${target}, ${engine})`, cancellable: true },
    (progress, token) => runPipeline(ctx, { source, document, region, target, engine, settings, trusted }, progress, token),
  );
  const candidates = outcome.results.map((r) => ({
    id: r.candidate.id,
    description: r.candidate.description,
    verdict: r.report.evidence?.verdict ?? 'not-run',
    verified: isVerified(r),
  }));
  if (outcome.stop) return done(outcome.stop.status, outcome.stop.message, { candidates });
  // Offsets of every candidate are into the text that was read: a document edited while the runner
  // worked would get the rewrite of a program that no longer exists.
  if (document.version !== source.version) {
    return done('refused', `the file changed while ParaForge was working (version ${source.version}, now ${document.version}); nothing was applied. Run Parallelize Selection again.`, { candidates });
  }
  if (outcome.results.length === 0) return done('no-candidates', outcome.noCandidatesBecause ?? `no rewrite was proposed for ${region.label}.`);
  const verified = outcome.results.filter(isVerified).sort((a, b) => bestSpeedup(b.report.evidence) - bestSpeedup(a.report.evidence));
  // Without a verified one, show the first that was judged by running it, else the first rewrite at
  // all: an LLM reply refused before running is no rewrite (no edits; its text is the reply's code).
  const chosen = verified[0] ?? outcome.results.find((r) => r.report.evidence) ?? outcome.results.find((r) => r.candidate.edits.length > 0);
  if (!chosen) {
    return done('verified-none', `none of ${outcome.results.length} replies was usable, nothing was run: ${outcome.results[0].report.notRunBecause ?? 'refused'}.`, { candidates });
  }
  if (!trusted) explainRestricted('verification');
  const message = verified.length
    ? `${verified.length} of ${outcome.results.length} candidates verified; showing the fastest (${bestSpeedup(chosen.report.evidence).toFixed(2)}× best speedup).`
    : `none of ${outcome.results.length} candidates was verified; showing the first${chosen === outcome.results[0] ? '' : ' that was run'} (${chosen.report.evidence?.verdict ?? 'not run'}), labelled NOT VERIFIED.`;
  ctx.log.info(`Parallelize Selection on ${path.basename(document.fileName)} ${region.label}: ${message}`);
  const previewUri = args.preview === false ? undefined : (await showCandidateDiff(ctx, chosen)).toString();
  return { status: verified.length ? 'preview' : 'verified-none', message, candidates, chosen: chosen.candidate.id, ...(previewUri ? { previewUri } : {}) };
}

interface PipelineInput {
  readonly source: CandidateSource;
  readonly document: vscode.TextDocument;
  readonly region: Region;
  readonly target: CandidateTarget;
  readonly engine: EngineKind;
  readonly settings: Settings;
  readonly trusted: boolean;
}

interface PipelineOutcome {
  readonly results: CandidateResult[];
  readonly stop?: { readonly status: ParallelizeStatus; readonly message: string };
  readonly noCandidatesBecause?: string;
}

/** The stages under the notification: propose, then verify each candidate within the budget. */
async function runPipeline(
  ctx: ParaForgeContext,
  input: PipelineInput,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<PipelineOutcome> {
  const run = ctx.runs.start(token);
  const stage = (message: string, increment?: number) => {
    progress.report({ message, increment });
    run.report(message);
  };
  const uri = input.document.uri.toString();
  const results: CandidateResult[] = [];
  try {
    if (input.engine !== 'rules') return await runAgentEngine(ctx, input, run, stage, results);
    stage('proposing candidates (rules engine)…');
    const proposal = await propose(input.source, input.region.region, { target: input.target, parser: ctx.toolParsers });
    const candidates = proposal.candidates.slice(0, input.settings.budget.maxCandidates);
    if (candidates.length === 0) return { results, noCandidatesBecause: noCandidateReason(proposal.verdicts, input.region.label) };
    const skipped = proposal.candidates.length - candidates.length;
    stage(`${proposal.candidates.length} candidate${proposal.candidates.length === 1 ? '' : 's'}${skipped ? ` (verifying ${candidates.length}: paraforge.budget.maxCandidates)` : ''}`);
    const notRun = whyNotRun(input);
    const deadline = Date.now() + input.settings.budget.maxMinutes * 60_000;
    for (const [i, candidate] of candidates.entries()) {
      const of = `candidate ${i + 1}/${candidates.length}`;
      let evidence: Evidence | null = null;
      let because = notRun;
      if (!because && Date.now() > deadline) because = `the run's time budget (paraforge.budget.maxMinutes = ${input.settings.budget.maxMinutes}) was spent`;
      if (!because) {
        stage(`verifying ${of}: ${candidate.description}`, 100 / candidates.length / 2);
        try {
          evidence = await verify(candidate, ctx.session, verifySettings(input.settings), {
            signal: run.signal,
            log: ctx.log,
            progress: { report: (m) => stage(`${of}: ${m}`) },
          });
        } catch (e) {
          if (run.signal.aborted) return { results, stop: { status: 'cancelled', message: 'cancelled; every process it started was stopped and nothing was applied.' } };
          ctx.log.error(`verifying ${candidate.id}: ${(e as Error).stack ?? e}`);
          because = `the runner could not verify it: ${(e as Error).message}`;
        }
      }
      const result: CandidateResult = { candidate, uri, report: makeReport(candidate, evidence, { engine: 'rules', notRunBecause: because }) };
      ctx.results.add(result);
      results.push(result);
      stage(`${of}: ${evidence ? evidence.verdict : 'not run'}`, 100 / candidates.length / 2);
    }
    return { results };
  } finally {
    run.dispose();
  }
}

/** Why candidates cannot be run at all here (Restricted Mode, sandbox required but missing), or undefined. */
function whyNotRun(input: PipelineInput): string | undefined {
  if (!input.trusted) return RESTRICTED_MESSAGE;
  if (input.settings.sandbox === 'required') {
    const warning = detectSandbox().warning;
    if (warning) return `paraforge.runner.sandbox is "required" but the sandbox is not available: ${warning}`;
  }
  return undefined;
}

/** The LLM / evolve engines: one function at a time, through core/agent. */
async function runAgentEngine(
  ctx: ParaForgeContext,
  input: PipelineInput,
  run: { readonly signal: AbortSignal },
  stage: (message: string) => void,
  results: CandidateResult[],
): Promise<PipelineOutcome> {
  const functionName = input.region.functionName;
  if (!functionName) {
    return { results, stop: { status: 'refused', message: `the ${input.engine} engine rewrites one function: put the cursor in a function (or select inside one).` } };
  }
  stage(`asking the ${input.engine === 'llm' ? 'LLM' : 'evolve'} engine (${describeProvider(input.settings)})…`);
  let outcome: Awaited<ReturnType<typeof runAgent>>;
  try {
    outcome = await runAgent(ctx, input.engine as Exclude<EngineKind, 'rules'>, { source: input.source, functionName, target: input.target, ...(input.region.region.lines ? { lines: input.region.region.lines } : {}) }, input.settings, {
      session: ctx.session,
      settings: verifySettings(input.settings),
      signal: run.signal,
      log: ctx.log,
      progress: { report: (m) => stage(m) },
    });
  } catch (e) {
    if (run.signal.aborted) return { results, stop: { status: 'cancelled', message: 'cancelled; every process it started was stopped and nothing was applied.' } };
    return { results, stop: { status: 'refused', message: `the ${input.engine} engine failed: ${(e as Error).message}` } };
  }
  if ('missing' in outcome) {
    explainMissingProvider(outcome.missing);
    return { results, stop: { status: 'unavailable', message: outcome.missing } };
  }
  const lineage: LineageEntry[] = outcome.result.attempts.map(lineageEntry);
  const engineLabel = `${input.engine} (${outcome.provider})`;
  const uri = input.document.uri.toString();
  for (const attempt of outcome.result.attempts) {
    const result: CandidateResult = {
      candidate: attempt.candidate,
      uri,
      report: makeReport(attempt.candidate, attempt.evidence, { engine: engineLabel, notRunBecause: attempt.rejectedBecause, lineage }),
    };
    ctx.results.add(result);
    results.push(result);
  }
  stage(`${outcome.result.attempts.length} attempts; stopped because ${outcome.result.stoppedBecause}`);
  return { results, ...(results.length ? {} : { noCandidatesBecause: `the ${input.engine} engine proposed nothing (${outcome.result.stoppedBecause}).` }) };
}

function lineageEntry(a: Attempt): LineageEntry {
  return {
    id: a.candidate.id,
    parent: a.candidate.parent,
    origin: a.candidate.origin,
    ...(a.candidate.operator ? { operator: a.candidate.operator } : {}),
    ...(a.generation !== undefined ? { generation: a.generation } : {}),
    fitness: a.fitness,
    verdict: a.evidence?.verdict ?? `rejected${a.rejectedBecause ? `: ${a.rejectedBecause}` : ''}`,
  };
}

/** Why the rules engine proposed nothing: the first reason of each loop in the region. */
function noCandidateReason(verdicts: readonly LoopVerdict[], label: string): string {
  if (verdicts.length === 0) return `there is no loop in ${label}.`;
  const reasons = verdicts.slice(0, 3).map((v) => `line ${v.nest.root.range.start.line + 1}: ${v.existingPragma ? 'already has an OpenMP pragma' : (v.reasons[0]?.message ?? v.assumptions[0]?.message ?? v.verdict)}`);
  return `no loop in ${label} can be parallelised by the rules engine (${reasons.join('; ')}${verdicts.length > 3 ? '; …' : ''}).`;
}

async function pickTarget(label: string): Promise<CandidateTarget | undefined> {
  const pick = await vscode.window.showQuickPick(TARGETS, { title: `ParaForge: parallelize ${label} — target`, placeHolder: 'Which parallel model?' });
  return pick?.target;
}

async function pickEngine(target: CandidateTarget, settings: Settings): Promise<EngineKind | undefined> {
  const provider = settings.llm.provider === 'none' ? 'no provider set — choose to see how to add one' : describeProvider(settings);
  const items: (vscode.QuickPickItem & { engine: EngineKind })[] = [
    { engine: 'rules', label: '$(law) Rules', description: target === 'openmp' ? 'proven pragmas, no network' : 'OpenMP only', detail: 'Static analysis proves each loop parallel and writes the exact pragma.' },
    { engine: 'llm', label: '$(sparkle) LLM', description: provider, detail: 'A language model writes candidates; each one is verified by running it.' },
    {
      engine: 'evolve',
      label: '$(beaker) Evolve',
      description: settings.llm.provider === 'none' ? 'pragma mutations only — add an LLM provider for model mutations' : provider,
      detail: `Mutates and re-verifies the best candidates for ${settings.budget.evolveGenerations} generations (paraforge.budget.*).`,
    },
  ];
  if (target !== 'openmp') items.push(items.shift()!);
  const pick = await vscode.window.showQuickPick(items, { title: `ParaForge: ${target} — engine`, placeHolder: 'Which engine writes the candidates?' });
  return pick?.engine;
}

/**
 * The region: the explicit lines, else a non-empty selection, else the function at the cursor,
 * else the whole file.
 */
async function regionOf(ctx: ParaForgeContext, document: vscode.TextDocument, lines: ParallelizeArgs['lines'], selection: vscode.Selection | undefined): Promise<Region> {
  const fn = await functionAt(ctx, document, (lines ? new vscode.Position(lines.start, 0) : selection?.active) ?? new vscode.Position(0, 0));
  if (lines) return { region: { lines }, label: lines.start === lines.end ? `line ${lines.start + 1}` : `lines ${lines.start + 1}–${lines.end + 1}`, functionName: fn?.name ?? null };
  if (selection && !selection.isEmpty) {
    const end = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line - 1 : selection.end.line;
    const whole = selection.start.line === 0 && end >= document.lineCount - 2;
    return { region: { lines: { start: selection.start.line, end } }, label: whole ? 'the whole file' : `lines ${selection.start.line + 1}–${end + 1}`, functionName: fn?.name ?? null };
  }
  if (fn) return { region: { functionName: fn.name }, label: `function ${fn.name}`, functionName: fn.name };
  return { region: {}, label: 'the whole file', functionName: null };
}

/** The name of the function definition around `position`, read from the syntax tree. */
async function functionAt(ctx: ParaForgeContext, document: vscode.TextDocument, position: vscode.Position): Promise<{ name: string } | undefined> {
  const parsed = await ctx.trees.get(document);
  if (!parsed) return undefined;
  let node: SyntaxNode | null = parsed.tree.rootNode.descendantForIndex(document.offsetAt(position));
  while (node && node.type !== 'function_definition') node = node.parent;
  let declarator = node?.childForFieldName('declarator') ?? null;
  while (declarator && declarator.type !== 'function_declarator') declarator = declarator.childForFieldName('declarator');
  const name = declarator?.childForFieldName('declarator')?.text;
  return name ? { name } : undefined;
}

/** The candidate kinds the status bar and chat describe. */
export function describeCandidate(c: Candidate): string {
  return `${c.target} ${c.origin} candidate: ${c.description}`;
}

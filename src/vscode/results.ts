import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import * as vscode from 'vscode';
import type { Candidate, Evidence } from '../core/model';
import type { EvidenceReport, LineageEntry } from '../core/report';

/** One candidate ParaForge made for a document, with its judgement: what the diff, the report and Apply work from. */
export interface CandidateResult {
  readonly candidate: Candidate;
  /** The document the candidate rewrites (its URI string) at `candidate.source.version`. */
  readonly uri: string;
  readonly report: EvidenceReport;
}

/** True when the runner verified the candidate. */
export function isVerified(result: CandidateResult): boolean {
  return result.report.evidence?.verdict === 'verified';
}

/** The best speedup a candidate's timings show, 0 without timings. */
export function bestSpeedup(evidence: Evidence | null): number {
  return Math.max(0, ...(evidence?.timings ?? []).map((t) => t.speedup));
}

/** Builds the report of a candidate (diff included) from what the pipeline returned. */
export function makeReport(
  candidate: Candidate,
  evidence: Evidence | null,
  options: { readonly engine: string; readonly notRunBecause?: string; readonly lineage?: readonly LineageEntry[] },
): EvidenceReport {
  const file = candidate.source.path ?? `untitled.${candidate.source.language === 'cuda-cpp' ? 'cu' : candidate.source.language}`;
  const name = path.basename(file);
  const diff = createTwoFilesPatch(`a/${name}`, `b/${name}`, candidate.source.text, candidate.text, undefined, undefined, { context: 3 });
  return {
    file,
    documentVersion: candidate.source.version,
    candidate: {
      id: candidate.id,
      target: candidate.target,
      origin: candidate.origin,
      parent: candidate.parent,
      description: candidate.description,
      ...(candidate.operator ? { operator: candidate.operator } : {}),
      ...(candidate.assumptions?.length ? { assumptions: candidate.assumptions } : {}),
      functionName: candidate.region.functionName,
    },
    // The first two lines of a two-file patch are the "====" banner; the report shows --- / +++ on.
    diff: diff.split('\n').slice(diff.startsWith('===') ? 1 : 0).join('\n'),
    evidence,
    ...(evidence ? {} : { notRunBecause: options.notRunBecause ?? 'not run' }),
    ...(options.lineage?.length ? { lineage: options.lineage } : {}),
    engine: options.engine,
    createdAt: new Date().toISOString(),
  };
}

/**
 * Every candidate made in this window, by id, so a verified one can be applied later (from its
 * report or `ParaForge: Apply Verified Rewrite`) until its document changes. An edit to the
 * document makes its candidates stale; they stay readable in their reports but never apply.
 */
export class ResultStore implements vscode.Disposable {
  private readonly results = new Map<string, CandidateResult>();
  private readonly latestByUri = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with a document URI when its candidates became stale, or undefined when one was added. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  /** Candidates whose document was closed: reopened, it starts again at version 1, which proves nothing. */
  private readonly closed = new Set<string>();

  constructor() {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && [...this.results.values()].some((r) => r.uri === e.document.uri.toString())) this.changed.fire(e.document.uri.toString());
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const uri = d.uri.toString();
        const ids = [...this.results.values()].filter((r) => r.uri === uri).map((r) => r.candidate.id);
        ids.forEach((id) => this.closed.add(id));
        if (ids.length) this.changed.fire(uri);
      }),
    );
  }

  /** Keeps a result; the last one added for a document is what "Apply Verified Rewrite" applies. */
  add(result: CandidateResult): void {
    this.results.set(result.candidate.id, result);
    this.closed.delete(result.candidate.id);
    this.latestByUri.set(result.uri, result.candidate.id);
    this.changed.fire(undefined);
  }

  get(id: string): CandidateResult | undefined {
    return this.results.get(id);
  }

  /** The latest result for a document, or the latest overall. */
  latest(uri?: string): CandidateResult | undefined {
    if (uri) {
      const id = this.latestByUri.get(uri);
      return id ? this.results.get(id) : undefined;
    }
    return [...this.results.values()].pop();
  }

  /** Verified results whose document is still at the version they were made from. */
  applicable(): CandidateResult[] {
    return [...this.results.values()].filter((r) => isVerified(r) && this.whyNotApplicable(r) === undefined);
  }

  /** Why a result cannot be applied now (document closed since, or changed), or undefined when it can. */
  whyNotApplicable(result: CandidateResult): string | undefined {
    const name = path.basename(result.report.file);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.uri);
    if (!document) return `${name} is not open`;
    if (this.closed.has(result.candidate.id)) return `${name} was closed after the candidate was made; run Parallelize Selection again`;
    if (document.version !== result.candidate.source.version) {
      return `the file changed after the candidate was made (version ${result.candidate.source.version}, now ${document.version}); run Parallelize Selection again`;
    }
    return undefined;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.results.clear();
  }
}

import type * as vscode from 'vscode';
import type { LoopVerdict } from '../core/model';
import type { LineWindow, ParsedDocument } from '../core/parse';
import type { DocumentTrees } from './documents';
import type { LoopEngine } from './engine';

/** The verdicts of the loop nests overlapping a window, for one version of a document. */
export interface AnalysedWindow {
  readonly parsed: ParsedDocument;
  readonly verdicts: readonly LoopVerdict[];
}

interface Entry {
  version: number;
  /** By the nest's start offset: one verdict per outermost loop. */
  readonly nests: Map<number, LoopVerdict>;
  /** Line spans whose overlapping nests have all been analysed at this version. */
  readonly covered: LineWindow[];
}

/**
 * Analyses only the lines asked for (the visible range, the lines under a code action) and keeps
 * the verdicts of the current version, so diagnostics and code actions share one analysis and a
 * large file is never analysed whole. A new version starts empty: what an edit did not touch is
 * carried over by the diagnostics, which know the edit's line shifts.
 */
export class LoopVerdicts {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly trees: DocumentTrees,
    private readonly engine: LoopEngine,
  ) {}

  /**
   * Verdicts of the nests that overlap `window` (0-based lines, inclusive), in source order; undefined
   * when the document is not C/C++/CUDA or changed while it was being parsed.
   */
  async inWindow(document: vscode.TextDocument, window: LineWindow): Promise<AnalysedWindow | undefined> {
    const parsed = await this.trees.get(document);
    if (!parsed || parsed.version !== document.version) return undefined;
    const key = document.uri.toString();
    let entry = this.entries.get(key);
    if (!entry || entry.version !== parsed.version) {
      entry = { version: parsed.version, nests: new Map(), covered: [] };
      this.entries.set(key, entry);
    }
    for (const part of uncovered(window, entry.covered)) {
      const verdicts = this.engine.analyze(parsed, part);
      let { startLine, endLine } = part;
      for (const verdict of verdicts) {
        entry.nests.set(verdict.nest.root.range.startOffset, verdict);
        startLine = Math.min(startLine, verdict.nest.root.range.start.line);
        endLine = Math.max(endLine, verdict.nest.root.range.end.line);
      }
      entry.covered.push({ startLine, endLine });
    }
    const verdicts = [...entry.nests.values()]
      .filter((v) => v.nest.root.range.start.line <= window.endLine && v.nest.root.range.end.line >= window.startLine)
      .sort((a, b) => a.nest.root.range.startOffset - b.nest.root.range.startOffset);
    return { parsed, verdicts };
  }

  /** Forgets a document (closed) or everything (settings changed). */
  forget(document?: vscode.TextDocument): void {
    if (document) this.entries.delete(document.uri.toString());
    else this.entries.clear();
  }
}

/** The parts of `window` not inside any of `covered`, as maximal line spans. */
export function uncovered(window: LineWindow, covered: readonly LineWindow[]): LineWindow[] {
  const parts: LineWindow[] = [];
  const sorted = [...covered].sort((a, b) => a.startLine - b.startLine);
  let next = window.startLine;
  for (const c of sorted) {
    if (c.endLine < next) continue;
    if (c.startLine > window.endLine) break;
    if (c.startLine > next) parts.push({ startLine: next, endLine: c.startLine - 1 });
    next = Math.max(next, c.endLine + 1);
    if (next > window.endLine) break;
  }
  if (next <= window.endLine) parts.push({ startLine: next, endLine: window.endLine });
  return parts;
}

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoopNode, LoopVerdict } from '../core/model';
import type { LineWindow } from '../core/parse';
import type { ParaForgeContext } from './context';
import { toRange } from './convert';
import { DocumentTrees } from './documents';
import { proposedPragma } from './loopText';
import { uncovered } from './loopVerdicts';
import { readSettings, type Settings } from './settings';

/** `diagnostic.source` of everything ParaForge reports; code actions find their diagnostics by it. */
export const DIAGNOSTIC_SOURCE = 'ParaForge';
/** `diagnostic.code` of the hint on a loop that can be parallelised. */
export const PARALLELIZABLE_CODE = 'parallelizable';

/** Lines analysed beyond the visible range, so a short scroll needs no new analysis. */
const MARGIN_LINES = 20;
/** Lines of a newly opened file analysed before its editor is known to this host. */
const FIRST_SCREEN_LINES = 60;

interface NestDiagnostics {
  startLine: number;
  endLine: number;
  diagnostics: vscode.Diagnostic[];
}

interface DocumentState {
  /** One entry per analysed nest (also those without diagnostics, so an edit knows to redo them). */
  nests: NestDiagnostics[];
  /** Line spans whose nests are all in `nests`, at the document's current version. */
  covered: LineWindow[];
  timer?: ReturnType<typeof setTimeout>;
  /** Set once the first analysis of the document has been published. */
  analysedOnce?: boolean;
}

/**
 * Loop diagnostics, kept incrementally: only the visible lines (plus a margin) are analysed; an edit
 * shifts what it did not touch and drops only the nests it touched, which are re-analysed after a
 * quiet period (`paraforge.diagnostics.delayMs`). Nothing is analysed for files nobody looks at.
 */
class LoopDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('paraforge');
  private readonly states = new Map<string, DocumentState>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private settings: Settings = readSettings();

  constructor(private readonly ctx: ParaForgeContext) {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.schedule(e.document, 0))),
      // A file just opened is analysed at once, before its editor reaches the extension host (on a
      // busy machine that takes a while): its first screen is where the user looks first.
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.schedule(e.textEditor.document)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('paraforge.diagnostics')) return;
        this.settings = readSettings();
        for (const key of [...this.states.keys()]) this.forget(vscode.Uri.parse(key));
        this.refreshVisible();
      }),
    );
    this.refreshVisible();
  }

  private refreshVisible(): void {
    for (const editor of vscode.window.visibleTextEditors) this.schedule(editor.document, 0);
    // The file that activated the extension may not have a visible editor in this host yet.
    for (const document of vscode.workspace.textDocuments) if (!this.states.get(document.uri.toString())?.analysedOnce) this.schedule(document, 0);
  }

  private state(uri: vscode.Uri): DocumentState {
    const key = uri.toString();
    let state = this.states.get(key);
    if (!state) {
      state = { nests: [], covered: [] };
      this.states.set(key, state);
    }
    return state;
  }

  private forget(uri: vscode.Uri): void {
    const state = this.states.get(uri.toString());
    if (state?.timer) clearTimeout(state.timer);
    this.states.delete(uri.toString());
    this.collection.delete(uri);
  }

  /**
   * Moves what an edit did not touch and forgets what it did. VS Code lists a multi-range edit's
   * changes bottom-up, so each change's old line numbers are still valid when it is applied here.
   */
  private onChange(e: vscode.TextDocumentChangeEvent): void {
    const state = this.states.get(e.document.uri.toString());
    if (!state || e.contentChanges.length === 0) return;
    for (const change of e.contentChanges) {
      const start = change.range.start.line;
      const end = change.range.end.line;
      const delta = change.text.split('\n').length - 1 - (end - start);
      // The line above a nest counts as part of it: typing a `#pragma omp` there changes its verdict.
      const touched = state.nests.filter((n) => n.endLine >= start && n.startLine - 1 <= end);
      // A nest the edit touched may now be parallel or not, or may have merged with a neighbour:
      // its diagnostics go at once.
      state.nests = state.nests
        .filter((n) => !touched.includes(n))
        .map((n) => (n.startLine > end ? shiftNest(n, delta) : n));
    }
    // An edit outside a nest can still change its verdict (a `restrict` dropped from a parameter,
    // a global redeclared): every visible nest is analysed again once the edits pause. Until then
    // the untouched ones keep their shifted diagnostics, so nothing flickers.
    state.covered = [];
    this.publish(e.document.uri, state);
    this.schedule(e.document);
  }

  private schedule(document: vscode.TextDocument, delayMs = this.settings.diagnosticsDelayMs): void {
    if (!DocumentTrees.languageOf(document) || document.uri.scheme === 'output') return;
    if (!this.settings.diagnosticsEnabled) {
      this.collection.delete(document.uri);
      return;
    }
    const state = this.state(document.uri);
    if (state.timer) clearTimeout(state.timer);
    // A file never analysed gets its first hints at once: while a new editor lays out, its visible
    // ranges change several times, and each change would otherwise restart the quiet period.
    if (!state.analysedOnce) delayMs = 0;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.refresh(document, state).catch((err: Error) => this.ctx.log.error(`diagnostics for ${document.uri.fsPath}: ${err.message}`));
    }, delayMs);
  }

  /** Analyses the visible lines not yet covered at this version and publishes the result. */
  private async refresh(document: vscode.TextDocument, state: DocumentState): Promise<void> {
    const version = document.version;
    const windows = vscode.window.visibleTextEditors
      .filter((e) => e.document === document)
      .flatMap((e) => e.visibleRanges)
      .map((r) => ({ startLine: Math.max(0, r.start.line - MARGIN_LINES), endLine: Math.min(document.lineCount - 1, r.end.line + MARGIN_LINES) }));
    // No editor shows it yet: its first screen (plus the margin), where a newly opened file starts.
    if (windows.length === 0 && !state.analysedOnce) windows.push({ startLine: 0, endLine: Math.min(document.lineCount - 1, FIRST_SCREEN_LINES + MARGIN_LINES) });
    for (const window of windows) {
      for (const part of uncovered(window, state.covered)) {
        const result = await this.ctx.verdicts.inWindow(document, part);
        // A newer edit has already re-scheduled this document; these verdicts are for an old text.
        if (!result || document.version !== version || this.states.get(document.uri.toString()) !== state) return;
        // The nest's span includes its pragma, so editing the pragma (the race quick fix) redoes it.
        // A sequential nest may come with verdicts for its inner loops: spans then nest inside each other.
        const fresh = result.verdicts.map((verdict) => ({
          startLine: Math.min(verdict.nest.root.range.start.line, verdict.existingPragma?.range.start.line ?? Infinity),
          endLine: verdict.nest.root.range.end.line,
          diagnostics: diagnosticsFor(document.uri, verdict, this.settings),
        }));
        const overlapsFresh = (n: NestDiagnostics) => fresh.some((f) => n.endLine >= f.startLine && n.startLine <= f.endLine);
        state.nests = [...state.nests.filter((n) => !overlapsFresh(n)), ...fresh];
        state.covered.push({
          startLine: Math.min(part.startLine, ...fresh.map((f) => f.startLine)),
          endLine: Math.max(part.endLine, ...fresh.map((f) => f.endLine)),
        });
      }
    }
    if (!state.analysedOnce) {
      state.analysedOnce = true;
      const since = Math.round(performance.now() - this.ctx.activatedAt);
      // The first file of the session says how long the first hint took (issue #10's benchmark reads it too).
      if (this.ctx.firstHintMs === undefined) {
        this.ctx.firstHintMs = since;
        this.ctx.log.info(`first diagnostics (${path.basename(document.uri.fsPath)}) ${since} ms after activation started`);
      }
    }
    this.publish(document.uri, state);
  }

  private publish(uri: vscode.Uri, state: DocumentState): void {
    this.collection.set(uri, state.nests.flatMap((n) => n.diagnostics));
  }

  dispose(): void {
    for (const state of this.states.values()) if (state.timer) clearTimeout(state.timer);
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Registers loop diagnostics: hints on parallelisable loops, warnings on racy OpenMP pragmas. */
export function registerDiagnostics(ctx: ParaForgeContext): vscode.Disposable {
  return new LoopDiagnostics(ctx);
}

/** What one nest's verdict shows in the Problems panel. */
export function diagnosticsFor(uri: vscode.Uri, verdict: LoopVerdict, settings: Settings): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  const pragma = verdict.existingPragma;
  if (verdict.verdict === 'parallel' && !pragma && settings.parallelizableHints) {
    const loop = loopAt(verdict.nest.root, verdict.parallelRange?.startOffset) ?? verdict.nest.root;
    // Not verified: the runner has not compiled, run and race-checked the rewrite yet.
    const proposed = proposedPragma(verdict);
    // Hints are faint dots the Problems panel leaves out; users who want them listed opt in and get Information.
    const d = new vscode.Diagnostic(
      toRange(loop.headerRange),
      `This loop can be parallelised with ${proposed?.text ?? '#pragma omp parallel for'} (static analysis; not yet verified by running it).`,
      settings.showInProblems ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Hint,
    );
    d.code = PARALLELIZABLE_CODE;
    d.source = DIAGNOSTIC_SOURCE;
    out.push(d);
  }
  for (const race of pragma?.races ?? []) {
    const d = new vscode.Diagnostic(toRange(pragma!.range), raceMessage(race.message), vscode.DiagnosticSeverity.Warning);
    d.code = race.code;
    d.source = DIAGNOSTIC_SOURCE;
    d.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toRange(race.range)), race.message)];
    out.push(d);
  }
  return out;
}

/**
 * "This OpenMP pragma races on `s`: every iteration updates it, …": the analysis words a race as
 * "likely data race on `s`: …"; the variable moves to the front, where the Problems panel shows it.
 */
export function raceMessage(reason: string): string {
  const m = /^likely data race(?: on `([^`]+)`)?:\s*/.exec(reason);
  if (m?.[1]) return `This OpenMP pragma races on \`${m[1]}\`: ${reason.slice(m[0].length)}`;
  return `This OpenMP pragma likely races: ${m ? reason.slice(m[0].length) : reason}`;
}

/** The loop of a nest that starts at `offset` (the one that gets the pragma). */
export function loopAt(root: LoopNode, offset: number | undefined): LoopNode | undefined {
  if (offset === undefined) return undefined;
  if (root.range.startOffset === offset) return root;
  for (const child of root.children) {
    const found = loopAt(child, offset);
    if (found) return found;
  }
  return undefined;
}

function shiftNest(n: NestDiagnostics, delta: number): NestDiagnostics {
  if (delta === 0) return n;
  return {
    startLine: n.startLine + delta,
    endLine: n.endLine + delta,
    diagnostics: n.diagnostics.map((d) => {
      const moved = new vscode.Diagnostic(
        new vscode.Range(d.range.start.translate(delta), d.range.end.translate(delta)),
        d.message,
        d.severity,
      );
      moved.code = d.code;
      moved.source = d.source;
      moved.relatedInformation = d.relatedInformation?.map(
        (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(r.location.uri, new vscode.Range(r.location.range.start.translate(delta), r.location.range.end.translate(delta))), r.message),
      );
      return moved;
    }),
  };
}

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { reportToJson, reportToMarkdown } from '../core/report';
import type { ParaForgeContext } from './context';
import { makeNonce, reportHtml } from './reportHtml';
import { type CandidateResult } from './results';

/** What the page says after it drew a report (tests wait for it). */
export interface RenderedReport {
  readonly id: string;
  readonly chart: boolean;
  readonly sections: readonly string[];
  readonly applicable: boolean;
}

/** Arguments of `paraforge.showReport`; without them, the latest candidate of the active file (or of any file). */
export interface ShowReportArgs {
  readonly id?: string;
}

/** Arguments of `paraforge.exportEvidence`. */
export interface ExportArgs {
  readonly id: string;
  readonly format: 'json' | 'markdown';
  /** Where to write (scripted callers); default: a save dialog. */
  readonly path?: string;
}

type FromPage =
  | { type: 'ready' }
  | { type: 'rendered'; id: string; chart: boolean; sections: string[]; applicable: boolean }
  | { type: 'apply'; id: string }
  | { type: 'reveal'; file: string; line: number }
  | { type: 'export'; id: string; format: 'json' | 'markdown' };

/**
 * The evidence report webview, one panel per candidate: media/report.js draws the diff, verdict,
 * tests, races, a speedup/efficiency chart, lineage and toolchain from the report posted to it.
 * Its Apply button runs `paraforge.acceptCandidate`, so a verified candidate stays applicable
 * from here until its document changes; the page is told when that happens.
 */
export class ReportPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly rendered = new vscode.EventEmitter<RenderedReport>();
  /** Fires each time a page finished drawing a report. */
  readonly onDidRender = this.rendered.event;
  private readonly subscriptions: vscode.Disposable[] = [this.rendered];

  constructor(private readonly ctx: ParaForgeContext) {
    this.subscriptions.push(ctx.results.onDidChange(() => this.refresh()));
  }

  /** Opens (or reveals) the report of a candidate. */
  show(result: CandidateResult): vscode.WebviewPanel {
    const id = result.candidate.id;
    const existing = this.panels.get(id);
    if (existing) {
      existing.reveal();
      this.post(existing, result);
      return existing;
    }
    const media = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel('paraforge.report', `Evidence: ${path.basename(result.report.file)} (${result.candidate.target})`, vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    panel.iconPath = vscode.Uri.joinPath(media, 'loops.svg');
    const webview = panel.webview;
    webview.html = reportHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce((n) => randomBytes(n)),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.css')).toString(),
      title: panel.title,
    });
    const listener = webview.onDidReceiveMessage((m: FromPage) => this.onMessage(panel, id, m));
    panel.onDidDispose(() => {
      listener.dispose();
      this.panels.delete(id);
    });
    this.panels.set(id, panel);
    return panel;
  }

  /** Tells every open page whether its candidate can still be applied (after an edit or an apply). */
  refresh(): void {
    for (const [id, panel] of this.panels) {
      const result = this.ctx.results.get(id);
      if (result) void panel.webview.postMessage({ type: 'state', ...this.state(result) });
    }
  }

  /** The panel of a candidate, when open (tests press its buttons through it). */
  panel(id: string): vscode.WebviewPanel | undefined {
    return this.panels.get(id);
  }

  private state(result: CandidateResult): { applicable: boolean; reason?: string } {
    const why = this.ctx.results.whyNotApplicable(result);
    return why ? { applicable: false, reason: `Cannot apply: ${why}.` } : { applicable: true };
  }

  private post(panel: vscode.WebviewPanel, result: CandidateResult): void {
    void panel.webview.postMessage({ type: 'report', report: result.report, ...this.state(result) });
  }

  private async onMessage(panel: vscode.WebviewPanel, id: string, m: FromPage): Promise<void> {
    const result = this.ctx.results.get(id);
    switch (m.type) {
      case 'ready':
        if (result) this.post(panel, result);
        return;
      case 'rendered':
        this.rendered.fire({ id: m.id, chart: m.chart, sections: m.sections, applicable: m.applicable });
        return;
      case 'apply':
        await vscode.commands.executeCommand('paraforge.acceptCandidate', { id });
        this.refresh();
        return;
      case 'reveal':
        await revealLine(m.file, m.line, result?.uri);
        return;
      case 'export':
        await exportEvidence(this.ctx, { id, format: m.format === 'markdown' ? 'markdown' : 'json' });
        return;
    }
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Opens `file` (or the candidate's own document when the race names it by base name) at a 1-based line. */
async function revealLine(file: string, line: number, documentUri: string | undefined): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file || (documentUri === d.uri.toString() && path.basename(d.uri.fsPath) === path.basename(file)));
  const document = open ?? (await vscode.workspace.openTextDocument(vscode.Uri.file(file)).then((d) => d, () => undefined));
  if (!document) {
    void vscode.window.showWarningMessage(`ParaForge: cannot open ${file}.`);
    return;
  }
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
}

/** `paraforge.showReport`: the report of a candidate (by id, else the latest of the active file, else the latest). */
export function showReport(ctx: ParaForgeContext, args?: ShowReportArgs): { id: string } | undefined {
  const result = args?.id ? ctx.results.get(args.id) : (ctx.results.latest(vscode.window.activeTextEditor?.document.uri.toString()) ?? ctx.results.latest());
  if (!result) {
    void vscode.window.showInformationMessage('ParaForge: no evidence yet; run Parallelize Selection first.');
    return undefined;
  }
  ctx.reports.show(result);
  return { id: result.candidate.id };
}

/** `paraforge.exportEvidence`: writes a candidate's report as JSON or Markdown. */
export async function exportEvidence(ctx: ParaForgeContext, args: ExportArgs): Promise<{ path: string } | undefined> {
  const result = ctx.results.get(args.id);
  if (!result) return undefined;
  const ext = args.format === 'json' ? 'json' : 'md';
  const base = `${path.basename(result.report.file)}.paraforge-evidence.${ext}`;
  let target = args.path;
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(path.dirname(result.report.file));
    const chosen = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(folder, base), filters: args.format === 'json' ? { JSON: ['json'] } : { Markdown: ['md'] } });
    if (!chosen) return undefined;
    target = chosen.fsPath;
  }
  await fs.writeFile(target, args.format === 'json' ? reportToJson(result.report) : reportToMarkdown(result.report), 'utf8');
  ctx.log.info(`evidence of ${result.candidate.id} exported to ${target}`);
  return { path: target };
}

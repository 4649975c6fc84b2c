import * as vscode from 'vscode';
import type { LoopVerdict } from '../core/model';
import type { ParaForgeContext } from './context';
import { toRange } from './convert';
import { DocumentTrees } from './documents';
import { firstReason, loopLabel, proposedPragma, verdictIcon, verdictWord } from './loopText';

/** One row of the Loops view: a loop nest with its verdict, or one of its reasons. */
export interface LoopItem {
  readonly kind: 'loop' | 'reason';
  readonly uri: string;
  readonly verdict: LoopVerdict;
  /** For reasons: the message and where it points. */
  readonly message?: string;
  readonly range?: vscode.Range;
}

/**
 * The Loops view (Explorer): the active file's loop nests with a verdict icon, the pragma or first
 * reason as description, the reasons as children (each reveals its code), and inline actions
 * (Parallelize This Loop, Why?). It follows the active editor and refreshes after edits pause.
 */
export class LoopsView implements vscode.TreeDataProvider<LoopItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LoopItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The items last listed, for callers (tests, the chat) that want the verdicts without the UI. */
  lastItems: readonly LoopItem[] = [];

  constructor(private readonly ctx: ParaForgeContext) {
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.refresh(500);
      }),
    );
  }

  /** Redraws the view after `delayMs` (edits are coalesced). */
  refresh(delayMs = 0): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changed.fire(undefined), delayMs);
  }

  /** The active file's loop nests with their verdicts (analysed whole: the view lists every nest). */
  async loops(): Promise<LoopItem[]> {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !DocumentTrees.languageOf(document)) return [];
    const analysed = await this.ctx.verdicts.inWindow(document, { startLine: 0, endLine: Math.max(0, document.lineCount - 1) });
    return (analysed?.verdicts ?? []).map((verdict) => ({ kind: 'loop', uri: document.uri.toString(), verdict }));
  }

  async getChildren(element?: LoopItem): Promise<LoopItem[]> {
    if (!element) {
      this.lastItems = await this.loops();
      return [...this.lastItems];
    }
    if (element.kind !== 'loop') return [];
    const v = element.verdict;
    return [
      ...(v.existingPragma?.races ?? []).map((r) => ({ kind: 'reason' as const, uri: element.uri, verdict: v, message: r.message, range: toRange(r.range) })),
      ...v.reasons.map((r) => ({ kind: 'reason' as const, uri: element.uri, verdict: v, message: r.message, range: toRange(r.range) })),
      ...v.assumptions.map((a) => ({ kind: 'reason' as const, uri: element.uri, verdict: v, message: `assumption: ${a.message}`, range: toRange(a.range) })),
    ];
  }

  getTreeItem(element: LoopItem): vscode.TreeItem {
    const v = element.verdict;
    if (element.kind === 'reason') {
      const item = new vscode.TreeItem(element.message!.replace(/`/g, ''), vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('debug-breakpoint-log-unverified');
      item.description = `line ${element.range!.start.line + 1}`;
      item.tooltip = new vscode.MarkdownString(element.message);
      item.command = { command: 'paraforge.loops.reveal', title: 'Go to code', arguments: [{ uri: element.uri, line: element.range!.start.line, character: element.range!.start.character }] };
      return item;
    }
    const hasChildren = v.reasons.length + v.assumptions.length + (v.existingPragma?.races.length ?? 0) > 0;
    const item = new vscode.TreeItem(`${loopLabel(v)} — ${verdictWord(v)}`, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    const pragma = proposedPragma(v);
    item.description = pragma ? `${pragma.text}${pragma.assumed ? ' (if assumed)' : ''}` : (v.existingPragma?.text ?? firstReason(v)?.replace(/`/g, ''));
    item.iconPath = new vscode.ThemeIcon(verdictIcon(v), new vscode.ThemeColor(v.verdict === 'parallel' ? 'testing.iconPassed' : v.existingPragma?.races.length ? 'problemsWarningIcon.foreground' : 'descriptionForeground'));
    const tip = new vscode.MarkdownString(`**${loopLabel(v)}**: ${verdictWord(v)}\n\n`);
    if (pragma) tip.appendCodeblock(pragma.text, 'c');
    for (const r of v.reasons) tip.appendMarkdown(`- ${r.message}\n`);
    item.tooltip = tip;
    item.contextValue = v.verdict === 'parallel' && !v.existingPragma ? 'loop-parallel' : 'loop';
    const start = v.nest.root.range.start;
    item.command = { command: 'paraforge.loops.reveal', title: 'Go to loop', arguments: [{ uri: element.uri, line: start.line, character: start.column }] };
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Arguments of the Loops view's row commands. */
export interface LoopRowArgs {
  readonly uri: string;
  readonly line: number;
  readonly character?: number;
}

/** `paraforge.loops.reveal`: moves the cursor to a loop or a reason. */
export async function revealLoop(args: LoopRowArgs): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
  const position = new vscode.Position(args.line, args.character ?? 0);
  const editor = await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** Turns a view row (or row args) into the loop's document and line span. */
export function loopRowTarget(arg: LoopItem | LoopRowArgs | undefined): { uri: string; start: number; end: number } | undefined {
  if (!arg) return undefined;
  if ('verdict' in arg) return { uri: arg.uri, start: arg.verdict.nest.root.range.start.line, end: arg.verdict.nest.root.range.end.line };
  return { uri: arg.uri, start: arg.line, end: arg.line };
}

/** Registers the Loops view. */
export function registerLoopsView(ctx: ParaForgeContext): vscode.Disposable {
  const view = ctx.loopsView;
  const tree = vscode.window.createTreeView('paraforge.loops', { treeDataProvider: view, showCollapseAll: true });
  return vscode.Disposable.from(tree);
}

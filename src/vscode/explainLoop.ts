import * as vscode from 'vscode';
import type { LoopVerdict, SourceRange, VerdictKind } from '../core/model';
import type { ParaForgeContext } from './context';
import { toRange } from './convert';
import { loopLabel, proposedPragma, verdictWord } from './loopText';

/** Arguments of `paraforge.explainLoop` when a code action runs it; the palette passes none. */
export interface ExplainArgs {
  readonly uri: string;
  /** 0-based line of the loop to explain. */
  readonly line: number;
}

/** One reason, as returned to callers (1-based line and column, like the CLI). */
export interface ExplainedReason {
  readonly message: string;
  readonly code: string;
  readonly line: number;
  readonly column: number;
}

/** What `paraforge.explainLoop` returns without waiting for the pick: the verdict and its reasons. */
export interface Explanation {
  readonly functionName: string | null;
  readonly line: number;
  readonly verdict: VerdictKind;
  readonly reasons: readonly ExplainedReason[];
  readonly assumptions: readonly ExplainedReason[];
}

/**
 * `ParaForge: Why Is This Loop Not Parallel?`: lists the reasons (and the assumptions a labelled
 * rewrite could make) of the loop nest at the cursor, or at the line a code action passes; choosing
 * one selects the code it is about.
 */
export async function explainLoop(ctx: ParaForgeContext, args?: ExplainArgs): Promise<Explanation | undefined> {
  const editor = args ? undefined : vscode.window.activeTextEditor;
  const document = args ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri) : editor?.document;
  if (!document) {
    void vscode.window.showInformationMessage('ParaForge: put the cursor on a loop in a C, C++ or CUDA file.');
    return undefined;
  }
  const line = args?.line ?? editor!.selection.active.line;
  const analysed = await ctx.verdicts.inWindow(document, { startLine: line, endLine: line + 1 });
  const verdict = analysed?.verdicts.find((v) => v.nest.root.range.start.line <= line + 1 && v.nest.root.range.end.line >= line);
  if (!verdict) {
    void vscode.window.showInformationMessage('ParaForge: there is no loop at this line.');
    return undefined;
  }
  const explanation = explain(verdict);
  const pragma = proposedPragma(verdict);
  const items: (vscode.QuickPickItem & { range?: SourceRange })[] = [];
  // Distinct icons: a parallel loop's pragma, a racing pragma, a reason against, an assumption.
  if (verdict.verdict === 'parallel') {
    items.push({ label: `$(pass) Parallel${pragma ? `: ${pragma.text}` : ''}`, description: `line ${explanation.line}`, detail: 'Proven by static analysis; "Parallelize and verify" also runs it.', range: verdict.nest.root.headerRange });
  }
  for (const r of verdict.existingPragma?.races ?? []) items.push({ label: `$(warning) ${plain(r.message)}`, description: `line ${r.range.start.line + 1}`, detail: `${r.code}: the pragma misses ${verdict.existingPragma!.missingClauses.join(' ') || 'a clause'}`, range: r.range });
  for (const r of verdict.reasons) items.push({ label: `$(circle-slash) ${plain(r.message)}`, description: `line ${r.range.start.line + 1}`, detail: r.code, range: r.range });
  for (const a of verdict.assumptions) {
    items.push({ label: `$(question) ${plain(a.message)}`, description: `line ${a.range.start.line + 1}`, detail: `assumption (${a.code})${pragma?.assumed ? `: ${pragma.text}` : ''}; a separate, labelled code action can parallelise under it`, range: a.range });
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`ParaForge: the loop at line ${explanation.line} is ${verdict.verdict}, with no reason recorded.`);
    return explanation;
  }
  const markdown: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('markdown'), tooltip: 'Open the full explanation as Markdown' };
  const pick = vscode.window.createQuickPick<(typeof items)[number]>();
  pick.title = `ParaForge: why the loop at ${loopLabel(verdict)} is ${verdict.verdict === 'parallel' ? 'parallel' : 'not parallel'}`;
  pick.placeholder = 'Choose a reason to select the code it is about';
  pick.items = items;
  pick.buttons = [markdown];
  pick.matchOnDetail = true;
  pick.onDidTriggerButton(() => {
    pick.hide();
    void ctx.explanations.show(document, verdict);
  });
  pick.onDidAccept(async () => {
    const range = pick.selectedItems[0]?.range;
    pick.hide();
    if (!range) return;
    const target = await vscode.window.showTextDocument(document);
    target.selection = new vscode.Selection(toRange(range).start, toRange(range).end);
    target.revealRange(toRange(range), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
  return explanation;
}

/** A reason for a one-line pick label: backticks would show literally there, so code gets quotes. */
function plain(message: string): string {
  return message.replace(/`([^`]+)`/g, '‘$1’');
}

/** URI scheme of the Markdown explanations. */
export const EXPLAIN_SCHEME = 'paraforge-why';

/** The "Why" explanations as rendered Markdown previews of read-only virtual documents, every reason in full. */
export class Explanations implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Opens the explanation of a loop's verdict beside the editor; returns the Markdown. */
  async show(document: vscode.TextDocument, verdict: LoopVerdict): Promise<string> {
    const md = new vscode.MarkdownString();
    const pragma = proposedPragma(verdict);
    md.appendMarkdown(`# ${verdict.verdict === 'parallel' ? '✅' : '⛔'} Loop at ${loopLabel(verdict)}: ${verdictWord(verdict)}\n\n`);
    if (pragma) {
      md.appendMarkdown(pragma.assumed ? 'Parallel if its assumptions hold, with:\n\n' : 'Parallel, with exactly:\n\n');
      md.appendCodeblock(pragma.text, 'c');
    }
    const section = (title: string, rs: readonly { message: string; code: string; range: SourceRange }[], icon: string) => {
      if (!rs.length) return;
      md.appendMarkdown(`\n## ${title}\n\n`);
      for (const r of rs) md.appendMarkdown(`- ${icon} ${r.message} — line ${r.range.start.line + 1} (\`${r.code}\`)\n`);
    };
    section('Races in the existing pragma', verdict.existingPragma?.races ?? [], '⚠️');
    section('Why not', verdict.reasons, '⛔');
    section('Assumptions a labelled rewrite could make', verdict.assumptions, '❓');
    const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${document.uri.path.split('/').pop()} line ${verdict.nest.root.range.start.line + 1}.md` });
    if (this.texts.size > 50) this.texts.clear();
    this.texts.set(uri.toString(), md.value);
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    return md.value;
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}

function explain(verdict: LoopVerdict): Explanation {
  const reason = (r: { message: string; code: string; range: SourceRange }): ExplainedReason => ({
    message: r.message,
    code: r.code,
    line: r.range.start.line + 1,
    column: r.range.start.column + 1,
  });
  return {
    functionName: verdict.nest.functionName,
    line: verdict.nest.root.range.start.line + 1,
    verdict: verdict.verdict,
    reasons: verdict.reasons.map(reason),
    assumptions: verdict.assumptions.map(reason),
  };
}

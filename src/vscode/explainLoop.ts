import * as vscode from 'vscode';
import type { LoopVerdict, SourceRange, VerdictKind } from '../core/model';
import type { ParaForgeContext } from './context';
import { toRange } from './convert';

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
  const items: (vscode.QuickPickItem & { range?: SourceRange })[] = [
    ...verdict.reasons.map((r) => ({ label: `$(circle-slash) ${r.message}`, description: `line ${r.range.start.line + 1}`, detail: r.code, range: r.range })),
    ...verdict.assumptions.map((a) => ({
      label: `$(question) ${a.message}`,
      description: `line ${a.range.start.line + 1}`,
      detail: `assumption (${a.code}): a separate, labelled code action can parallelise under it`,
      range: a.range,
    })),
  ];
  if (items.length === 0) {
    void vscode.window.showInformationMessage(
      verdict.verdict === 'parallel'
        ? `ParaForge: the loop at line ${explanation.line} can be parallelised.`
        : `ParaForge: the loop at line ${explanation.line} is ${verdict.verdict}, with no reason recorded.`,
    );
    return explanation;
  }
  const pick = vscode.window.createQuickPick<(typeof items)[number]>();
  pick.title = `ParaForge: why the loop at line ${explanation.line} is ${verdict.verdict === 'parallel' ? 'parallel' : 'not parallel'}`;
  pick.placeholder = 'Choose a reason to select the code it is about';
  pick.items = items;
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

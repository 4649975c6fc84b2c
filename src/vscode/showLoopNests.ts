import * as vscode from 'vscode';
import type { LoopNest, LoopVerdict } from '../core/model';
import { findLoopNests } from '../core/parse';
import type { ParaForgeContext } from './context';
import { firstReason, proposedPragma, verdictIcon, verdictWord } from './loopText';

/** What the command returns (used by tests and other extensions): the nests shown in the pick list. */
export interface LoopNestItem {
  readonly functionName: string | null;
  readonly line: number;
  readonly endLine: number;
  readonly depth: number;
  readonly kind: string;
  readonly hasParseErrors: boolean;
  /** "parallel", "not parallel", "parallel if assumed", "has a pragma", "pragma races", "not analysable". */
  readonly verdict?: string;
  /** The pragma the rules engine would write, or the first reason it would not. */
  readonly why?: string;
}

/**
 * `ParaForge: Show Loop Nests`: a QuickPick of the active document's loop nests; choosing one
 * moves the cursor to it. Returns the listed nests without waiting for the choice.
 */
export async function showLoopNests(ctx: ParaForgeContext): Promise<LoopNestItem[] | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('ParaForge: open a C, C++ or CUDA file to list its loop nests.');
    return undefined;
  }
  const parsed = await ctx.trees.get(editor.document);
  if (!parsed) {
    void vscode.window.showInformationMessage(`ParaForge reads C, C++ and CUDA files; this one is '${editor.document.languageId}'.`);
    return undefined;
  }
  const nests = findLoopNests(parsed.tree);
  const analysed = await ctx.verdicts.inWindow(editor.document, { startLine: 0, endLine: Math.max(0, editor.document.lineCount - 1) }).catch(() => undefined);
  const verdictOf = (nest: LoopNest) => analysed?.verdicts.find((v) => v.nest.root.range.startOffset === nest.root.range.startOffset);
  const items = nests.map((nest) => toItem(nest, verdictOf(nest)));
  if (nests.length === 0) {
    void vscode.window.showInformationMessage('ParaForge: no loops in this file.');
    return items;
  }
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { nest: LoopNest }>();
  pick.title = 'ParaForge: loop nests';
  pick.placeholder = 'Choose a loop nest to go to it';
  pick.items = nests.map((nest) => {
    const verdict = verdictOf(nest);
    const pragma = verdict && proposedPragma(verdict);
    return {
      nest,
      label: `$(${verdict ? verdictIcon(verdict) : 'sync'}) ${nest.functionName ?? '(file scope)'}: line ${nest.root.range.start.line + 1} — ${verdict ? verdictWord(verdict) : 'not analysed'}`,
      description: `${nest.root.kind}, depth ${nest.depth}`,
      detail: nest.hasParseErrors
        ? '$(warning) parse errors nearby: ParaForge will not rewrite this loop'
        : pragma
          ? `${pragma.text}${pragma.assumed ? ' (if assumed)' : ''}`
          : verdict && firstReason(verdict)?.replace(/`([^`]+)`/g, '‘$1’'),
    };
  });
  const document = editor.document;
  pick.onDidAccept(async () => {
    const chosen = pick.selectedItems[0]?.nest;
    pick.hide();
    if (!chosen) return;
    const target = await vscode.window.showTextDocument(document, editor.viewColumn);
    const start = new vscode.Position(chosen.root.range.start.line, chosen.root.range.start.column);
    target.selection = new vscode.Selection(start, start);
    target.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
  return items;
}

function toItem(nest: LoopNest, verdict: LoopVerdict | undefined): LoopNestItem {
  const pragma = verdict && proposedPragma(verdict);
  return {
    ...(verdict ? { verdict: verdictWord(verdict), why: pragma?.text ?? firstReason(verdict) } : {}),
    functionName: nest.functionName,
    line: nest.root.range.start.line + 1,
    endLine: nest.root.range.end.line + 1,
    depth: nest.depth,
    kind: nest.root.kind,
    hasParseErrors: nest.hasParseErrors,
  };
}

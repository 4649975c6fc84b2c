import * as vscode from 'vscode';
import type { LoopVerdict } from '../core/model';
import type { ParaForgeContext } from './context';
import { loopAt } from './diagnostics';
import type { ExplainArgs } from './explainLoop';
import { loopLabel, proposedPragma, verdictWord } from './loopText';
import type { ParallelizeArgs } from './parallelizeSelection';

/** Commands the hover's links may run (and nothing else: the Markdown is only trusted for these). */
const HOVER_COMMANDS = ['paraforge.parallelizeSelection', 'paraforge.explainLoop', 'paraforge.showReport'];

function commandLink(title: string, command: string, args: unknown): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([args]))})`;
}

/** The hover of one loop: verdict, the exact pragma, the reasons, and ParaForge's own actions as links. */
export function loopHover(document: vscode.TextDocument, verdict: LoopVerdict): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: HOVER_COMMANDS };
  md.supportThemeIcons = true;
  const pragma = proposedPragma(verdict);
  const icon = verdict.verdict === 'parallel' ? '$(pass)' : verdict.existingPragma?.races.length ? '$(warning)' : verdict.assumptions.length ? '$(question)' : '$(circle-slash)';
  md.appendMarkdown(`${icon} **ParaForge: loop at ${loopLabel(verdict)} — ${verdictWord(verdict)}**\n\n`);
  if (pragma) {
    md.appendMarkdown(pragma.assumed ? `Would be parallel with this pragma if ${verdict.assumptions.map((a) => a.message.replace(/^safe if /, '')).join(' and ')}:\n` : 'Static analysis proves it parallel with exactly this pragma (not yet verified by running it):\n');
    md.appendCodeblock(pragma.text, 'c');
  } else if (verdict.existingPragma) {
    md.appendCodeblock(verdict.existingPragma.text, 'c');
    if (verdict.existingPragma.missingClauses.length) md.appendMarkdown(`Missing: \`${verdict.existingPragma.missingClauses.join(' ')}\`\n\n`);
  }
  const reasons = [...(verdict.existingPragma?.races ?? []), ...verdict.reasons];
  for (const r of reasons.slice(0, 4)) md.appendMarkdown(`- ${r.message} (line ${r.range.start.line + 1})\n`);
  if (reasons.length > 4) md.appendMarkdown(`- … ${reasons.length - 4} more\n`);
  md.appendMarkdown('\n');
  const line = verdict.nest.root.range.start.line;
  const lines = { start: line, end: verdict.nest.root.range.end.line };
  const links: string[] = [];
  if (verdict.verdict === 'parallel' && !verdict.existingPragma) {
    links.push(commandLink('$(rocket) Parallelize and verify', 'paraforge.parallelizeSelection', { uri: document.uri.toString(), lines, target: 'openmp', engine: 'rules' } satisfies ParallelizeArgs));
  } else {
    links.push(commandLink('$(rocket) Parallelize…', 'paraforge.parallelizeSelection', { uri: document.uri.toString(), lines } satisfies ParallelizeArgs));
  }
  links.push(commandLink('$(question) Why?', 'paraforge.explainLoop', { uri: document.uri.toString(), line } satisfies ExplainArgs));
  md.appendMarkdown(links.join(' · '));
  return md;
}

/** Hovers on loop headers (and racy pragmas): the verdict, the exact pragma, and ParaForge's actions. */
class LoopHoverProvider implements vscode.HoverProvider {
  constructor(private readonly ctx: ParaForgeContext) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const analysed = await this.ctx.verdicts.inWindow(document, { startLine: position.line, endLine: position.line + 1 }).catch(() => undefined);
    if (!analysed || token.isCancellationRequested) return undefined;
    for (const verdict of analysed.verdicts) {
      const loop = loopAt(verdict.nest.root, verdict.parallelRange?.startOffset) ?? verdict.nest.root;
      const header = loop.headerRange;
      const onHeader = position.line >= header.start.line && position.line <= header.end.line;
      const pragma = verdict.existingPragma?.range;
      const onPragma = pragma && position.line >= pragma.start.line && position.line <= pragma.end.line;
      const root = verdict.nest.root.headerRange;
      const onRoot = position.line >= root.start.line && position.line <= root.end.line;
      if (onHeader || onPragma || onRoot) {
        return new vscode.Hover(loopHover(document, verdict), new vscode.Range(position.line, 0, position.line, document.lineAt(position.line).text.length));
      }
    }
    return undefined;
  }
}

/** Registers the loop hover for C, C++ and CUDA. */
export function registerHover(ctx: ParaForgeContext): vscode.Disposable {
  return vscode.languages.registerHoverProvider(['c', 'cpp', 'cuda-cpp'].map((language) => ({ language })), new LoopHoverProvider(ctx));
}

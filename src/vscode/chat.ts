import * as vscode from 'vscode';
import type { ParaForgeContext } from './context';
import { firstReason, loopLabel, proposedPragma, verdictWord } from './loopText';
import type { ParallelizeResult } from './parallelizeSelection';

/** True when this VS Code has chat participants (the API is missing in some builds, e.g. without a chat provider). */
export function hasChatApi(): boolean {
  return typeof (vscode as { chat?: { createChatParticipant?: unknown } }).chat?.createChatParticipant === 'function';
}

/** `@paraforge` in the chat view, registered only where the chat API exists (handler: `chatHandler`). */
export function registerChatParticipant(ctx: ParaForgeContext): vscode.Disposable {
  if (!hasChatApi()) return new vscode.Disposable(() => {});
  const participant = vscode.chat.createChatParticipant('paraforge.chat', ctx.chatHandler);
  participant.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'icon.png');
  return participant;
}

/**
 * The `@paraforge` participant's handler: "/why" (or any question about a loop) explains the verdict
 * of the loop at the cursor with the same analysis as the hover; "/parallelize" runs Parallelize
 * Selection with the rules engine and answers with the verdict of each candidate.
 */
export function chatHandler(ctx: ParaForgeContext): vscode.ChatRequestHandler {
  return async (request, _context, stream, token) => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      stream.markdown('Open a C, C++ or CUDA file and put the cursor on a loop.');
      return;
    }
    const wantsRewrite = request.command === 'parallelize' || (request.command !== 'why' && /\bparalleli[sz]e\b/i.test(request.prompt) && !/\bwhy\b/i.test(request.prompt));
    if (wantsRewrite) {
      stream.progress('Proposing and verifying candidates…');
      const result = await vscode.commands.executeCommand<ParallelizeResult>('paraforge.parallelizeSelection', { uri: editor.document.uri.toString(), target: 'openmp', engine: 'rules' });
      if (token.isCancellationRequested) return;
      ctx.log.info(`@paraforge /parallelize: ${result.status}: ${result.message}`);
      stream.markdown(`**${result.message}**\n\n`);
      for (const c of result.candidates) stream.markdown(`- ${c.verified ? '✅' : '❌'} \`${c.verdict}\` ${c.description}\n`);
      if (result.chosen) stream.button({ command: 'paraforge.showReport', title: 'Show Evidence', arguments: [{ id: result.chosen }] });
      return;
    }
    const line = editor.selection.active.line;
    const analysed = await ctx.verdicts.inWindow(editor.document, { startLine: line, endLine: line + 1 });
    const verdict = analysed?.verdicts.find((v) => v.nest.root.range.start.line <= line + 1 && v.nest.root.range.end.line >= line);
    if (!verdict) {
      stream.markdown('There is no loop at the cursor. Put the cursor on a `for` or `while` loop and ask again.');
      return;
    }
    const pragma = proposedPragma(verdict);
    ctx.log.info(`@paraforge /why: the loop at ${loopLabel(verdict)} is ${verdictWord(verdict)}`);
    stream.markdown(`The loop at ${loopLabel(verdict)} is **${verdictWord(verdict)}**.\n\n`);
    if (pragma) stream.markdown(`${pragma.assumed ? 'Under its assumptions the' : 'The'} pragma would be:\n\n\`\`\`c\n${pragma.text}\n\`\`\`\n`);
    for (const r of [...(verdict.existingPragma?.races ?? []), ...verdict.reasons, ...verdict.assumptions]) {
      stream.markdown(`- ${r.message} `);
      stream.anchor(new vscode.Location(editor.document.uri, new vscode.Position(r.range.start.line, r.range.start.column)), `line ${r.range.start.line + 1}`);
      stream.markdown('\n');
    }
    if (!firstReason(verdict) && verdict.verdict !== 'parallel') stream.markdown('No reason was recorded.');
    stream.button({ command: 'paraforge.parallelizeSelection', title: 'Parallelize…', arguments: [{ uri: editor.document.uri.toString(), lines: { start: verdict.nest.root.range.start.line, end: verdict.nest.root.range.end.line } }] });
  };
}

import * as vscode from 'vscode';
import { describeProvider } from './agentBridge';
import type { ParaForgeContext } from './context';
import { readSettings, type Settings } from './settings';
import { mayRun } from './trust';

/**
 * The status bar item: where candidates run (backend, threads or ranks) and which language model
 * the LLM engines use (its name in the text, the endpoint in the tooltip), "Restricted" in an
 * untrusted workspace, and the current stage while a run is in flight. Clicking it opens
 * ParaForge's settings (or the trust dialog when restricted).
 */
export function registerStatusBar(ctx: ParaForgeContext): vscode.Disposable & { readonly item: vscode.StatusBarItem } {
  const item = vscode.window.createStatusBarItem('paraforge.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'ParaForge';
  let stage: string | undefined;
  const update = () => {
    const s = readSettings();
    const where = s.backend === 'slurm' ? `slurm${s.slurm.partition ? `:${s.slurm.partition}` : ''}` : s.backend;
    const trusted = mayRun();
    const model = shortProvider(s);
    item.text = ctx.runs.active > 0 ? `$(sync~spin) ParaForge: ${stage ?? 'working'}`.slice(0, 80) : trusted ? `$(server-process) ParaForge: ${where}${model ? ` · ${model}` : ''}` : '$(shield) ParaForge: Restricted';
    const tip = new vscode.MarkdownString(
      trusted
        ? `**ParaForge**\n\n- runner: ${where}, threads ${s.verifyThreads.join(', ')}, ranks ${s.verifyRanks.join(', ')}, ${s.verifyCompiler}\n- language model: ${describeProvider(s)}\n\nClick to change the settings.`
        : '**ParaForge — Restricted Mode**\n\nLoops are analysed and rewrites proposed, but nothing is compiled or run until you trust this workspace. Click to manage Workspace Trust.',
    );
    item.tooltip = tip;
    item.command = trusted ? 'paraforge.openSettings' : 'paraforge.manageTrust';
    const active = vscode.window.activeTextEditor?.document.languageId;
    if (ctx.runs.active > 0 || active === 'c' || active === 'cpp' || active === 'cuda-cpp') item.show();
    else item.hide();
  };
  update();
  const registrations = vscode.Disposable.from(
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('paraforge') && update()),
    vscode.workspace.onDidGrantWorkspaceTrust(update),
    ctx.runs.onDidReportStage((s) => {
      stage = s.message;
      update();
      // The stage is cleared once the run ends (the registry has no end event; poll once later).
      setTimeout(update, 1500);
    }),
  );
  return Object.assign(registrations, { item });
}

/** The language model in a few characters for the item's text (the tooltip has the whole line); none when no provider is set. */
function shortProvider(s: Settings): string | undefined {
  if (s.llm.provider === 'none') return undefined;
  if (s.llm.provider === 'vscode-lm') return s.llm.model ? `VS Code LM ${s.llm.model}` : 'VS Code LM';
  return s.llm.model || 'LLM';
}

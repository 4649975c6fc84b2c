import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { ParserHost } from '../core/parse';
import { createSession, type VerificationSession } from '../core/pipeline';
import { registerCandidateDocuments } from './candidatePreview';
import { chatHandler, registerChatParticipant } from './chat';
import { registerCodeActions } from './codeActions';
import { createCommands } from './commands';
import { createCoreEngine } from './coreEngine';
import { registerDiagnostics } from './diagnostics';
import { DocumentTrees } from './documents';
import type { LoopEngine } from './engine';
import { createLog } from './log';
import { Explanations } from './explainLoop';
import { registerHover } from './hover';
import { LoopVerdicts } from './loopVerdicts';
import { LoopsView, registerLoopsView } from './loopsView';
import { ReportPanels } from './reportPanel';
import { ResultStore } from './results';
import { RunRegistry } from './runs';
import { registerStatusBar } from './statusBar';
import { VerifiedRewrites } from './verifyLoop';

/** Owns everything the extension registers; disposing it undoes activation. */
export class ParaForgeContext implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** Rewrites the runner verified, waiting for the user's "Apply", and their evidence reports. */
  readonly verifiedRewrites = new VerifiedRewrites();
  /** Every candidate made in this window with its report, until its document changes. */
  readonly results = new ResultStore();
  /** Runs in flight, each cancellable (their AbortSignals reach core). */
  readonly runs = new RunRegistry();
  /** The evidence report webviews. */
  readonly reports: ReportPanels;
  /** The "Why" Markdown explanations. */
  readonly explanations = new Explanations();
  /** The Loops view's data. */
  readonly loopsView: LoopsView;
  /** `performance.now()` when activation started (for the first-hint timing in the log). */
  activatedAt = 0;
  /** How long `create()` took (the bundle's own start-up is before it). */
  activationMs = 0;
  /** Activation start → the first diagnostics published, once known. */
  firstHintMs: number | undefined;
  /** Tree-sitter for core's pipeline, runner and agent (not the document trees'). */
  readonly toolParsers: ParserHost;
  /** Verification state shared by every run in this window (reference outputs, the cache folder). */
  readonly session: VerificationSession;
  /** The `@paraforge` chat participant's handler (exported, so it can be called where the chat view cannot be driven). */
  readonly chatHandler: vscode.ChatRequestHandler;
  /** The status bar item (runner target, provider), once registered. */
  statusBar: vscode.StatusBarItem | undefined;

  private constructor(
    readonly extension: vscode.ExtensionContext,
    readonly log: Logger,
    /** Where the tree-sitter wasm files are read from: the bundle's `dist/wasm`. */
    readonly wasmDir: string,
    readonly parsers: ParserHost,
    readonly trees: DocumentTrees,
    readonly engine: LoopEngine,
    /** Loop verdicts of the current version of each document, shared by diagnostics and code actions. */
    readonly verdicts: LoopVerdicts,
  ) {
    this.reports = new ReportPanels(this);
    this.loopsView = new LoopsView(this);
    // Builds of the user's code and reference outputs live in the extension's own storage (core makes
    // it private, 0700); the runner's static checks parse with our grammars.
    // Core's pipeline, runner and agent parse with parsers of their own: the editor's document trees
    // are edited and re-parsed incrementally, and no other code shares their Parser objects.
    this.toolParsers = new ParserHost((file) => `${wasmDir}/${file}`);
    this.session = createSession({ cacheDir: vscode.Uri.joinPath(extension.globalStorageUri, 'verify-cache').fsPath, parser: this.toolParsers });
    this.chatHandler = chatHandler(this);
  }

  /** Activates the extension; a failure is shown to the user (VS Code would only log it). */
  static async create(extension: vscode.ExtensionContext): Promise<ParaForgeContext> {
    const started = performance.now();
    const { channel, logger } = createLog();
    extension.subscriptions.push(channel);
    try {
      const wasmDir = vscode.Uri.joinPath(extension.extensionUri, 'dist', 'wasm').fsPath;
      const parsers = new ParserHost((file) => `${wasmDir}/${file}`);
      // Load the runtime and the grammar of the file that activated us now, so a broken install
      // fails at activation, visibly; the first hint needs it anyway.
      const opened = vscode.window.activeTextEditor?.document.languageId;
      await parsers.parserFor(opened === 'cpp' || opened === 'cuda-cpp' ? opened : 'c');
      const trees = new DocumentTrees(parsers);
      const engine = createCoreEngine();
      const ctx = new ParaForgeContext(extension, logger, wasmDir, parsers, trees, engine, new LoopVerdicts(trees, engine));
      const statusBar = registerStatusBar(ctx);
      ctx.statusBar = statusBar.item;
      ctx.disposables.push(
        trees,
        ctx.verifiedRewrites,
        ctx.results,
        ctx.runs,
        ctx.explanations,
        ctx.reports,
        ctx.loopsView,
        registerCandidateDocuments(ctx),
        registerLoopsView(ctx),
        registerHover(ctx),
        statusBar,
        registerChatParticipant(ctx),
        vscode.workspace.onDidCloseTextDocument((d) => ctx.verdicts.forget(d)),
        registerDiagnostics(ctx),
        registerCodeActions(ctx),
      );
      for (const [id, run] of Object.entries(createCommands(ctx))) {
        ctx.disposables.push(vscode.commands.registerCommand(id, run));
      }
      extension.subscriptions.push(ctx);
      void vscode.commands.executeCommand('setContext', 'paraforge.active', true);
      ctx.activatedAt = started;
      ctx.activationMs = performance.now() - started;
      logger.info(`ParaForge ${extension.extension.packageJSON.version} activated in ${Math.round(performance.now() - started)} ms (VS Code ${vscode.version})`);
      return ctx;
    } catch (e) {
      const message = `ParaForge failed to activate: ${(e as Error).message}`;
      logger.error(message);
      void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => choice && channel.show());
      throw e;
    }
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

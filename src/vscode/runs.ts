import * as vscode from 'vscode';

/** A stage of a running Parallelize Selection or verification, as shown in its notification. */
export interface RunStage {
  readonly runId: number;
  readonly message: string;
}

/**
 * The long runs in flight (Parallelize Selection, verification). Each owns an AbortController whose
 * signal core receives: cancelling (the notification's button or `ParaForge: Cancel Running
 * Verification`) aborts it, and core kills every process tree it started.
 */
export class RunRegistry implements vscode.Disposable {
  private readonly controllers = new Map<number, AbortController>();
  private next = 0;
  private readonly stages = new vscode.EventEmitter<RunStage>();
  /** Every stage message of every run: the status bar shows it, tests wait on it. */
  readonly onDidReportStage = this.stages.event;

  /** Starts a run; `token` (the notification's cancel) aborts it too. Dispose the handle when the run ends. */
  start(token?: vscode.CancellationToken): { readonly id: number; readonly signal: AbortSignal; report(message: string): void; dispose(): void } {
    const id = ++this.next;
    const controller = new AbortController();
    this.controllers.set(id, controller);
    const subscription = token?.onCancellationRequested(() => controller.abort(new Error('cancelled')));
    return {
      id,
      signal: controller.signal,
      report: (message: string) => this.stages.fire({ runId: id, message }),
      dispose: () => {
        subscription?.dispose();
        this.controllers.delete(id);
      },
    };
  }

  /** How many runs are in flight. */
  get active(): number {
    return this.controllers.size;
  }

  /** Aborts every run in flight; returns how many. */
  cancelAll(): number {
    const n = this.controllers.size;
    for (const c of this.controllers.values()) c.abort(new Error('cancelled'));
    return n;
  }

  dispose(): void {
    this.cancelAll();
    this.stages.dispose();
  }
}

import * as vscode from 'vscode';
import type { Logger } from '../core/ports';

/** The "ParaForge" log channel, seen by core through the Logger port. */
export function createLog(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('ParaForge', { log: true });
  const logger: Logger = {
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
  return { channel, logger };
}

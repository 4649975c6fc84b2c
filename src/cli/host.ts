import * as path from 'node:path';
import type { Logger } from '../core/ports';
import { ParserHost } from '../core/parse';

/** Logs to stderr (stdout is kept for results); debug lines only with PARAFORGE_DEBUG set. */
export function stderrLogger(): Logger {
  const write = (level: string) => (message: string) => process.stderr.write(`paraforge: ${level}${message}\n`);
  return {
    debug: process.env.PARAFORGE_DEBUG ? write('debug: ') : () => {},
    info: process.env.PARAFORGE_DEBUG ? write('') : () => {},
    warn: write('warning: '),
    error: write('error: '),
  };
}

/** The bundle ships the wasm files in `dist/wasm`, beside `dist/cli.js`. */
export function bundledParserHost(): ParserHost {
  const dir = path.join(__dirname, 'wasm');
  return new ParserHost((file) => path.join(dir, file));
}

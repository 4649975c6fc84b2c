import * as path from 'node:path';
import { ParserHost } from '../../src/core/parse';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '../..');

/** A fixture file's absolute path, from a path relative to test/fixtures. */
export function fixture(relative: string): string {
  return path.join(ROOT, 'test/fixtures', relative);
}

const WASM_PACKAGE: Record<string, string> = {
  'web-tree-sitter.wasm': 'web-tree-sitter',
  'tree-sitter-c.wasm': 'tree-sitter-c',
  'tree-sitter-cpp.wasm': 'tree-sitter-cpp',
  'tree-sitter-cuda.wasm': 'tree-sitter-cuda',
};

/** A ParserHost that loads the grammars straight from node_modules (no bundle needed). */
export function testParserHost(): ParserHost {
  return new ParserHost((file) => path.join(ROOT, 'node_modules', WASM_PACKAGE[file] ?? '', file));
}

/** Path of the bundled CLI (built by the global setup). */
export const CLI = path.join(ROOT, 'dist/cli.js');

import { Language, Parser, type Tree } from 'web-tree-sitter';
import type { LanguageId } from '../model';
import { GRAMMAR_WASM, RUNTIME_WASM } from './languages';

/** Maps a wasm file name (`tree-sitter-c.wasm`, …) to an absolute path on disk. */
export type WasmLocator = (fileName: string) => string;

/**
 * Owns the tree-sitter runtime and one parser per language. Grammars load lazily, once.
 * The host decides where the wasm files live: the extension's `dist/wasm`, the CLI's bundle
 * folder, or node_modules in unit tests.
 */
export class ParserHost {
  private static runtime: Promise<void> | undefined;
  private readonly parsers = new Map<LanguageId, Promise<Parser>>();

  constructor(private readonly locate: WasmLocator) {}

  /** Parses `text` from scratch, or incrementally when `oldTree` was edited to match it. */
  async parse(language: LanguageId, text: string, oldTree?: Tree): Promise<Tree> {
    const parser = await this.parserFor(language);
    const tree = parser.parse(text, oldTree ?? null);
    if (!tree) throw new Error(`tree-sitter returned no tree for a ${language} document`);
    return tree;
  }

  /** The parser for a language, loading its grammar on first use. */
  parserFor(language: LanguageId): Promise<Parser> {
    let parser = this.parsers.get(language);
    if (!parser) {
      parser = this.loadParser(language);
      // A failed load must not poison the cache: the next call retries (and reports again).
      parser.catch(() => this.parsers.delete(language));
      this.parsers.set(language, parser);
    }
    return parser;
  }

  private async loadParser(language: LanguageId): Promise<Parser> {
    await this.initRuntime();
    const wasm = this.locate(GRAMMAR_WASM[language]);
    let grammar: Language;
    try {
      grammar = await Language.load(wasm);
    } catch (e) {
      throw new Error(`cannot load the ${language} grammar from ${wasm}: ${(e as Error).message}`);
    }
    const parser = new Parser();
    parser.setLanguage(grammar);
    return parser;
  }

  private initRuntime(): Promise<void> {
    // The emscripten module is process-wide: initialise it once for all hosts.
    if (!ParserHost.runtime) {
      const runtimeWasm = this.locate(RUNTIME_WASM);
      ParserHost.runtime = Parser.init({ locateFile: () => runtimeWasm }).catch((e: Error) => {
        ParserHost.runtime = undefined;
        throw new Error(`cannot start tree-sitter from ${runtimeWasm}: ${e.message}`);
      });
    }
    return ParserHost.runtime;
  }
}

import * as vscode from 'vscode';
import type { LanguageId } from '../core/model';
import { DocumentCache, languageFromId, type ParsedDocument, type ParserHost } from '../core/parse';

/** Keeps core's DocumentCache in step with the editor: incremental re-parse on every change. */
export class DocumentTrees implements vscode.Disposable {
  private readonly cache: DocumentCache;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Per document, the latest pending update, so readers wait for the parse of the newest version. */
  private readonly pending = new Map<string, Promise<ParsedDocument>>();

  constructor(parsers: ParserHost) {
    this.cache = new DocumentCache(parsers);
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const key = d.uri.toString();
        this.pending.delete(key);
        this.cache.close(key);
      }),
    );
  }

  /** The ParaForge language of a document, or undefined when it is not C, C++ or CUDA. */
  static languageOf(document: vscode.TextDocument): LanguageId | undefined {
    return languageFromId(document.languageId);
  }

  /** The syntax tree of the document at its current version. */
  async get(document: vscode.TextDocument): Promise<ParsedDocument | undefined> {
    const language = DocumentTrees.languageOf(document);
    if (!language) return undefined;
    const key = document.uri.toString();
    const pending = this.pending.get(key);
    if (pending) {
      const parsed = await pending;
      if (parsed.version === document.version) return parsed;
    }
    return this.cache.get(key, language, document.version, document.getText());
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    const language = DocumentTrees.languageOf(e.document);
    if (!language || e.contentChanges.length === 0) return;
    const key = e.document.uri.toString();
    const changes = e.contentChanges.map((c) => ({
      rangeOffset: c.rangeOffset,
      rangeLength: c.rangeLength,
      text: c.text,
      start: { line: c.range.start.line, column: c.range.start.character },
      end: { line: c.range.end.line, column: c.range.end.character },
    }));
    const previous = this.pending.get(key) ?? Promise.resolve(undefined);
    // Updates are chained so each applies its edits to the tree of the version before it.
    const next = previous
      .catch(() => undefined)
      .then(() => this.cache.update(key, language, e.document.version, e.document.getText(), changes));
    this.pending.set(key, next);
    next.catch(() => this.pending.delete(key));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.cache.dispose();
  }
}

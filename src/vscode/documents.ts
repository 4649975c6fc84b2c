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

  /**
   * The syntax tree of the document at its current version. Use it before the next `await`: a later
   * parse of the same document frees it.
   */
  async get(document: vscode.TextDocument): Promise<ParsedDocument | undefined> {
    const language = DocumentTrees.languageOf(document);
    if (!language) return undefined;
    const key = document.uri.toString();
    const pending = this.pending.get(key);
    if (pending) {
      const parsed = await pending.catch(() => undefined);
      if (parsed?.version === document.version) return parsed;
    }
    // Queued behind every parse of this document: two parses racing would each free the other's tree.
    return this.enqueue(key, () => this.cache.get(key, language, document.version, document.getText()));
  }

  /** Runs `parse` after the document's pending parses; readers wait for the newest. */
  private enqueue(key: string, parse: () => Promise<ParsedDocument>): Promise<ParsedDocument> {
    const previous = this.pending.get(key) ?? Promise.resolve(undefined);
    const next = previous.catch(() => undefined).then(parse);
    this.pending.set(key, next);
    next.catch(() => {
      if (this.pending.get(key) === next) this.pending.delete(key);
    });
    return next;
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
    // Version and text are read now: by the time the queue gets here the document may have moved on,
    // and these changes describe exactly this version.
    const version = e.document.version;
    const text = e.document.getText();
    // Updates are queued so each applies its edits to the tree of the version before it.
    void this.enqueue(key, () => this.cache.update(key, language, version, text, changes)).catch(() => {});
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.cache.dispose();
  }
}

import { Edit, type Tree } from 'web-tree-sitter';
import type { LanguageId } from '../model';
import type { ParserHost } from './parserHost';

/** One contiguous change, as VS Code reports it (offsets and positions in UTF-16 units). */
export interface TextChange {
  readonly rangeOffset: number;
  readonly rangeLength: number;
  readonly text: string;
  readonly start: { line: number; column: number };
  readonly end: { line: number; column: number };
}

interface Entry {
  language: LanguageId;
  version: number;
  text: string;
  tree: Tree;
}

/** A parsed document at a known version. The tree belongs to the cache: do not delete it. */
export interface ParsedDocument {
  readonly language: LanguageId;
  readonly version: number;
  readonly text: string;
  readonly tree: Tree;
}

/**
 * Keeps one syntax tree per open document and re-parses incrementally from change events,
 * so a one-character edit costs milliseconds, not a full parse.
 */
export class DocumentCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly parsers: ParserHost) {}

  /** The tree for `text` at `version`, reusing the cached tree when the version matches. */
  async get(key: string, language: LanguageId, version: number, text: string): Promise<ParsedDocument> {
    const entry = this.entries.get(key);
    if (entry && entry.version === version && entry.language === language && entry.text === text) return entry;
    return this.replace(key, language, version, text, undefined);
  }

  /**
   * Applies change events (in the order VS Code lists them) and re-parses incrementally.
   * Falls back to a full parse when the cache does not hold the previous version.
   */
  async update(key: string, language: LanguageId, version: number, text: string, changes: readonly TextChange[]): Promise<ParsedDocument> {
    const entry = this.entries.get(key);
    if (!entry || entry.language !== language) return this.replace(key, language, version, text, undefined);
    const oldTree = entry.tree.copy();
    for (const change of changes) oldTree.edit(toEdit(change));
    try {
      return await this.replace(key, language, version, text, oldTree);
    } finally {
      oldTree.delete();
    }
  }

  /** Forgets a document and frees its tree. */
  close(key: string): void {
    this.entries.get(key)?.tree.delete();
    this.entries.delete(key);
  }

  /** Frees every tree. */
  dispose(): void {
    for (const key of [...this.entries.keys()]) this.close(key);
  }

  private async replace(key: string, language: LanguageId, version: number, text: string, oldTree: Tree | undefined): Promise<ParsedDocument> {
    const tree = await this.parsers.parse(language, text, oldTree);
    this.entries.get(key)?.tree.delete();
    const entry: Entry = { language, version, text, tree };
    this.entries.set(key, entry);
    return entry;
  }
}

function toEdit(change: TextChange): Edit {
  const lines = change.text.split('\n');
  const lastLine = lines[lines.length - 1];
  const newEnd =
    lines.length === 1
      ? { row: change.start.line, column: change.start.column + lastLine.length }
      : { row: change.start.line + lines.length - 1, column: lastLine.length };
  return new Edit({
    startIndex: change.rangeOffset,
    oldEndIndex: change.rangeOffset + change.rangeLength,
    newEndIndex: change.rangeOffset + change.text.length,
    startPosition: { row: change.start.line, column: change.start.column },
    oldEndPosition: { row: change.end.line, column: change.end.column },
    newEndPosition: newEnd,
  });
}

/** A position in a document: 0-based line, 0-based column in UTF-16 code units (as in VS Code). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A half-open range in a document, with UTF-16 offsets alongside line/column positions. */
export interface SourceRange {
  readonly start: SourcePosition;
  readonly end: SourcePosition;
  readonly startOffset: number;
  readonly endOffset: number;
}

/** One replacement on the original text, by UTF-16 offsets; edits never overlap. */
export interface TextEdit {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly newText: string;
}

import * as vscode from 'vscode';
import type { SourceRange } from '../core/model';

/** Core ranges are 0-based lines and UTF-16 columns, exactly VS Code's positions. */
export function toRange(range: SourceRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.column, range.end.line, range.end.column);
}

/** True when two line spans (inclusive) share a line. */
export function linesOverlap(a: { startLine: number; endLine: number }, b: { startLine: number; endLine: number }): boolean {
  return a.startLine <= b.endLine && b.startLine <= a.endLine;
}

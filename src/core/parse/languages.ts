import type { LanguageId } from '../model';

/** The one place that decides which grammar reads which file. */
const EXTENSIONS: Record<string, LanguageId> = {
  '.c': 'c',
  '.h': 'c',
  '.cpp': 'cpp',
  '.cc': 'cpp',
  '.cxx': 'cpp',
  '.c++': 'cpp',
  '.hpp': 'cpp',
  '.hh': 'cpp',
  '.hxx': 'cpp',
  '.cu': 'cuda-cpp',
  '.cuh': 'cuda-cpp',
};

/** File name of the grammar wasm for each language. */
export const GRAMMAR_WASM: Record<LanguageId, string> = {
  c: 'tree-sitter-c.wasm',
  cpp: 'tree-sitter-cpp.wasm',
  'cuda-cpp': 'tree-sitter-cuda.wasm',
};

/** File name of the tree-sitter runtime wasm. */
export const RUNTIME_WASM = 'web-tree-sitter.wasm';

/** Language for a file path by its extension, or undefined when ParaForge does not read it. */
export function languageFromPath(filePath: string): LanguageId | undefined {
  const dot = filePath.lastIndexOf('.');
  const slash = Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\'));
  if (dot <= slash) return undefined;
  return EXTENSIONS[filePath.slice(dot).toLowerCase()];
}

/** Language for a VS Code language id (`c`, `cpp`, `cuda-cpp`, also `cuda`), or undefined. */
export function languageFromId(languageId: string): LanguageId | undefined {
  switch (languageId) {
    case 'c':
      return 'c';
    case 'cpp':
      return 'cpp';
    case 'cuda-cpp':
    case 'cuda':
      return 'cuda-cpp';
    default:
      return undefined;
  }
}

/** The file extensions ParaForge reads, for messages. */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(EXTENSIONS);

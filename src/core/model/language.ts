/** The languages ParaForge reads, named by their VS Code language ids. */
export type LanguageId = 'c' | 'cpp' | 'cuda-cpp';

/** All supported language ids, in a stable order. */
export const LANGUAGE_IDS: readonly LanguageId[] = ['c', 'cpp', 'cuda-cpp'];

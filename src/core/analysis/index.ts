export * from './loopReport';
export * from './analyzeLoops';
export { parsePragma, pragmaBefore, type PragmaClauses } from './existingPragma';

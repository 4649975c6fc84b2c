export * from './pragma';
export * from './edits';
export * from './parallelizeSource';
export * from './addClauses';

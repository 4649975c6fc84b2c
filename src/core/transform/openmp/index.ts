export * from './pragma';
export * from './edits';
export * from './parallelizeSource';
export * from './addClauses';
export * from './planClauses';
export * from './costModel';

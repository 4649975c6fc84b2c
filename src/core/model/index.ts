export * from './source';
export * from './language';
export * from './loop';
export * from './verdict';
export * from './evidence';
export * from './candidate';
export * from './loopFacts';

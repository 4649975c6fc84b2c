export * from './loopReport';

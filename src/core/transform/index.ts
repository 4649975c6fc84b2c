export * from './openmp';

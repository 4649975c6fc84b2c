export * from './openmp';
export * from './interchange';
export * from './tiling';

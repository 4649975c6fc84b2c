// The kernels of the compiler comparison (issue #7 §4): whole serial C/C++ programs in bench/kernels/,
// each taking its size on the command line and printing `checksum X` and `kernel_time SECONDS`.
// Sizes: tiny (unit test: builds and prints in milliseconds), local (2 threads on the 2-core dev
// machine, about 0.3 s serial) and large (16 threads on the GPU machine's CPU, about 0.3-0.8 s serial there,
// kept modest so that three interleaved rounds of four methods fit one device call).

export type KernelLang = 'c' | 'cpp';

export interface SuiteKernel {
  name: string;
  lang: KernelLang;
  category: string;
  /** Command-line arguments per size set. */
  tiny: string;
  local: string;
  large: string;
  /** Relative tolerance for the checksum against serial (0: must be identical). */
  tolerance: number;
}

const FLOAT = 1e-6;

export const SUITE: SuiteKernel[] = [
  { name: 'gemm', lang: 'c', category: 'dense LA', tiny: '8', local: '600', large: '1000', tolerance: FLOAT },
  { name: 'gemv', lang: 'c', category: 'dense LA', tiny: '8 2', local: '2000 25', large: '4000 25', tolerance: FLOAT },
  { name: 'gemv_t', lang: 'c', category: 'dense LA', tiny: '8 2', local: '2000 25', large: '4000 25', tolerance: FLOAT },
  { name: 'syrk_tri', lang: 'c', category: 'dense LA, triangular', tiny: '8 4', local: '1000 200', large: '2000 250', tolerance: FLOAT },
  { name: 'lu', lang: 'c', category: 'dense LA, C89', tiny: '8', local: '800', large: '1400', tolerance: FLOAT },
  { name: 'covariance', lang: 'c', category: 'statistics, triangular', tiny: '6 8', local: '400 800', large: '800 1500', tolerance: FLOAT },
  { name: 'matmul_vec', lang: 'cpp', category: 'dense LA, std::vector', tiny: '8', local: '500', large: '900', tolerance: FLOAT },
  { name: 'heat1d', lang: 'c', category: '1-D stencil, time loop', tiny: '16 3', local: '1000000 120', large: '4000000 100', tolerance: FLOAT },
  { name: 'stencil_vec', lang: 'cpp', category: '1-D stencil, time loop, std::vector', tiny: '16 3', local: '1000000 100', large: '4000000 150', tolerance: FLOAT },
  { name: 'jacobi2d_c89', lang: 'c', category: '2-D stencil, time loop, C89', tiny: '8 3', local: '1000 50', large: '2000 60', tolerance: FLOAT },
  { name: 'wave2d', lang: 'c', category: '2-D stencil, time loop', tiny: '8 3', local: '1000 40', large: '2000 50', tolerance: FLOAT },
  { name: 'redblack', lang: 'c', category: '2-D stencil, step-2 loops', tiny: '8 3', local: '1000 30', large: '2000 50', tolerance: FLOAT },
  { name: 'conv2d', lang: 'c', category: '2-D stencil (5x5 filter)', tiny: '9 2', local: '2000 2', large: '4000 2', tolerance: FLOAT },
  { name: 'heat3d', lang: 'c', category: '3-D stencil, time loop', tiny: '6 3', local: '160 12', large: '256 15', tolerance: FLOAT },
  { name: 'stats', lang: 'c', category: 'reductions (+, min, max)', tiny: '16 3', local: '5000000 6', large: '20000000 6', tolerance: FLOAT },
  { name: 'dot', lang: 'c', category: 'reduction', tiny: '16 3', local: '5000000 20', large: '20000000 25', tolerance: FLOAT },
  { name: 'count_if', lang: 'c', category: 'reduction, branchy', tiny: '16 3', local: '5000000 5', large: '10000000 10', tolerance: FLOAT },
  { name: 'pi_integrate', lang: 'c', category: 'reduction, compute-bound', tiny: '100', local: '8000000', large: '25000000', tolerance: FLOAT },
  { name: 'reduce_vec', lang: 'cpp', category: 'reductions, range-for, std::vector', tiny: '16 3', local: '5000000 12', large: '10000000 12', tolerance: FLOAT },
  { name: 'argmax', lang: 'c', category: 'search (index of max)', tiny: '16 3', local: '5000000 20', large: '10000000 20', tolerance: 0 },
  { name: 'histogram', lang: 'c', category: 'histogram', tiny: '64 2', local: '10000000 10', large: '40000000 10', tolerance: 0 },
  { name: 'bincount_vec', lang: 'cpp', category: 'histogram, std::vector', tiny: '64 10 2', local: '5000000 1000 10', large: '20000000 1000 12', tolerance: FLOAT },
  { name: 'prefix_sum', lang: 'c', category: 'scan', tiny: '16 3', local: '5000000 8', large: '10000000 8', tolerance: 0 },
  { name: 'cumsum_rows', lang: 'c', category: 'scan per row', tiny: '4 8 2', local: '2000 2000 15', large: '3000 3000 15', tolerance: FLOAT },
  { name: 'spmv_csr', lang: 'c', category: 'CSR SpMV', tiny: '5 2', local: '500 20', large: '1000 20', tolerance: FLOAT },
  { name: 'spmv_vec', lang: 'cpp', category: 'CSR SpMV, std::vector', tiny: '32 2 2', local: '500000 8 10', large: '2000000 8 10', tolerance: FLOAT },
  { name: 'saxpy_vec', lang: 'cpp', category: 'streaming, std::vector', tiny: '16 3', local: '5000000 12', large: '20000000 12', tolerance: FLOAT },
  { name: 'nbody_vec', lang: 'cpp', category: 'all pairs, std::vector of structs', tiny: '8 1', local: '3000 2', large: '7000 2', tolerance: FLOAT },
  { name: 'mandelbrot', lang: 'c', category: 'imbalanced', tiny: '8 20', local: '600 500', large: '1000 600', tolerance: 0 },
  { name: 'primes', lang: 'c', category: 'imbalanced, early exit', tiny: '100', local: '1200000', large: '3000000', tolerance: 0 },
];

export const METHODS = ['serial', 'gccpar', 'polly', 'paraforge'] as const;
export type Method = (typeof METHODS)[number];

/** The compile command of each method (the gcc auto-paralleliser's thread count is fixed at build time). */
export function compileCommand(method: Method | 'gccpar-n', lang: KernelLang, src: string, exe: string, threads = 2): string[] {
  const cxx = lang === 'cpp';
  const libs = cxx ? [] : ['-lm'];
  switch (method) {
    case 'serial':
      return [cxx ? 'g++' : 'gcc', '-O2', src, '-o', exe, ...libs];
    case 'gccpar':
    case 'gccpar-n':
      return [cxx ? 'g++' : 'gcc', '-O2', `-ftree-parallelize-loops=${threads}`, src, '-o', exe, ...libs];
    case 'polly':
      return [cxx ? 'clang++' : 'clang', '-O3', '-mllvm', '-polly', '-mllvm', '-polly-parallel', src, '-o', exe, '-lgomp', ...libs];
    case 'paraforge':
      return [cxx ? 'g++' : 'gcc', '-O2', '-fopenmp', src, '-o', exe, ...libs];
  }
}

/** A small seeded generator (LCG) so every benchmark run reads the same file. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const KERNELS: ((name: string) => string)[] = [
  (f) => `void ${f}(int n, const float *restrict x, float *restrict y, float a) {
  for (int i = 0; i < n; i++) {
    y[i] = a * x[i] + y[i];
  }
}`,
  (f) => `double ${f}(int n, const double *x) {
  double s = 0.0;
  for (int i = 0; i < n; i++) {
    s += x[i] * x[i];
  }
  return s;
}`,
  (f) => `void ${f}(int nx, int ny, double in[nx][ny], double out[nx][ny]) {
  for (int i = 1; i < nx - 1; i++) {
    for (int j = 1; j < ny - 1; j++) {
      out[i][j] = 0.25 * (in[i - 1][j] + in[i + 1][j] + in[i][j - 1] + in[i][j + 1]);
    }
  }
}`,
  (f) => `void ${f}(int n, long *a) {
  for (int i = 1; i < n; i++) {
    a[i] = a[i] + a[i - 1];
  }
}`,
  (f) => `void ${f}(int n, const double *a, const double *b, double *c) {
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      double acc = 0.0;
      for (int k = 0; k < n; k++) {
        acc += a[i * n + k] * b[k * n + j];
      }
      c[i * n + j] = acc;
    }
  }
}`,
  (f) => `void ${f}(int n, const int *key, int *bins) {
  for (int i = 0; i < n; i++) {
    bins[key[i]]++;
  }
}`,
  (f) => `double ${f}(int n, const double *v) {
  double m = v[0];
  int where = 0;
  for (int i = 1; i < n; i++) {
    if (v[i] > m) {
      m = v[i];
    }
    where = i;
  }
  return m + where;
}`,
  (f) => `void ${f}(int n, float *a) {
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < i; j++) {
      a[i * n + j] = sqrtf((float)(i + j));
    }
  }
}`,
];

/** A C file of about `lines` lines made of typical HPC kernels (maps, stencils, reductions, recurrences). */
export function generateCFile(lines: number, seed = 1): string {
  const next = rng(seed);
  const parts = ['#include <math.h>', '#include <stdio.h>', ''];
  let count = 3;
  for (let k = 0; count < lines; k++) {
    const kernel = KERNELS[Math.floor(next() * KERNELS.length)](`kernel_${k}`);
    parts.push(kernel, '');
    count += kernel.split('\n').length + 1;
  }
  return parts.join('\n');
}

/* Symmetric rank-k update, lower triangle only: C[i][j] = sum_k A[i][k]*A[j][k] for j <= i.
   Triangular: row i costs i+1 dot products, so equal chunks are imbalanced. Usage: syrk_tri N K */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void syrk_lower(int n, int m, const double *restrict A, double *restrict C) {
  #pragma omp parallel proc_bind(close)
  for (int i = 0; i < n; i++) {
    #pragma omp for simd
    for (int j = 0; j <= i; j++) {
      double s = 0.0;
      for (int k = 0; k < m; k++) {
        s += A[i * m + k] * A[j * m + k];
      }
      C[i * n + j] = s;
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 500;
  int m = argc > 2 ? atoi(argv[2]) : 200;
  double *A = malloc(sizeof(double) * n * m);
  double *C = calloc((size_t)n * n, sizeof(double));
  for (int i = 0; i < n; i++) {
    for (int k = 0; k < m; k++) {
      A[i * m + k] = (double)((i * 3 + k * 7) % 19) / 19.0 - 0.3;
    }
  }
  double t0 = now();
  syrk_lower(n, m, A, C);
  double t1 = now();
  double cs = 0.0;
  for (int i = 0; i < n; i++) {
    for (int j = 0; j <= i; j++) {
      cs += C[i * n + j] * (1 + (i + j) % 5);
    }
  }
  printf("checksum %.12e\n", cs);
  free(A);
  free(C);
  return 0;
}

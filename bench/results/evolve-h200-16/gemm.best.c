/* Dense matrix product C = alpha*A*B + beta*C (row-major, linearised subscripts, i-k-j order).
   Usage: gemm N */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void gemm(int n, double alpha, double beta, const double *restrict A, const double *restrict B, double *restrict C) {
  #pragma omp parallel for proc_bind(close) schedule(static)
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      C[i * n + j] *= beta;
    }
    for (int k = 0; k < n; k++) {
      double a = alpha * A[i * n + k];
      for (int j = 0; j < n; j++) {
        C[i * n + j] += a * B[k * n + j];
      }
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 256;
  double *A = malloc(sizeof(double) * n * n);
  double *B = malloc(sizeof(double) * n * n);
  double *C = malloc(sizeof(double) * n * n);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      A[i * n + j] = (double)((i * j + 1) % n) / n;
      B[i * n + j] = (double)((i + 2 * j) % n) / n - 0.5;
      C[i * n + j] = (double)(i - j) / n;
    }
  }
  double t0 = now();
  gemm(n, 1.5, 0.5, A, B, C);
  double t1 = now();
  double cs = 0.0;
  for (int i = 0; i < n * n; i++) {
    cs += C[i] * (1 + i % 7);
  }
  printf("checksum %.12e\n", cs);
  free(A);
  free(B);
  free(C);
  return 0;
}

/* Transposed matrix-vector product y = A^T x, written row by row as users do (the i loop carries
   a dependence on every y[j]; the j loop is the parallel one). Usage: gemv_t N REPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void gemv_t(int n, const double *restrict A, const double *restrict x, double *restrict y) {
  for (int j = 0; j < n; j++) {
    y[j] = 0.0;
  }
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      y[j] += A[(long)i * n + j] * x[i];
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  int reps = argc > 2 ? atoi(argv[2]) : 10;
  double *A = malloc(sizeof(double) * n * n);
  double *x = malloc(sizeof(double) * n);
  double *y = malloc(sizeof(double) * n);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      A[(long)i * n + j] = 1.0 / (1 + (2 * i + j) % 13);
    }
    x[i] = 1.0 / (1 + i % 11);
  }
  double t0 = now();
  double acc = 0.0;
  for (int r = 0; r < reps; r++) {
    gemv_t(n, A, x, y);
    x[r % n] += 1e-3 * y[(r * 7) % n];
    acc += y[r % n];
  }
  double t1 = now();
  double cs = acc;
  for (int j = 0; j < n; j++) {
    cs += y[j] * (1 + j % 4);
  }
  printf("checksum %.12e\n", cs);
  printf("kernel_time %.6f\n", t1 - t0);
  free(A);
  free(x);
  free(y);
  return 0;
}

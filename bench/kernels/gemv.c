/* Matrix-vector products y = A x, repeated, with x relaxed towards y between products.
   Row-wise dot products (an inner reduction per row). Usage: gemv N REPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void gemv(int n, const double *A, const double *x, double *y) {
  for (int i = 0; i < n; i++) {
    double s = 0.0;
    for (int j = 0; j < n; j++) {
      s += A[(long)i * n + j] * x[j];
    }
    y[i] = s;
  }
}

static void relax(int n, double *x, const double *y) {
  for (int i = 0; i < n; i++) {
    x[i] = 0.5 * x[i] + 0.5 * y[i] / n;
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
      A[(long)i * n + j] = 1.0 / (1 + (i + j) % 17) + (i == j ? 2.0 : 0.0);
    }
    x[i] = 1.0 + (i % 5) * 0.1;
  }
  double t0 = now();
  for (int r = 0; r < reps; r++) {
    gemv(n, A, x, y);
    relax(n, x, y);
  }
  double t1 = now();
  double cs = 0.0;
  for (int i = 0; i < n; i++) {
    cs += x[i] * (1 + i % 3) + y[i];
  }
  printf("checksum %.12e\n", cs);
  printf("kernel_time %.6f\n", t1 - t0);
  free(A);
  free(x);
  free(y);
  return 0;
}

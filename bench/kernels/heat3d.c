/* 3-D 7-point heat stencil with a time loop and a pointer swap; linearised subscripts
   a[(i*n + j)*n + k]. Usage: heat3d N STEPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void step(int n, const double *restrict in, double *restrict out) {
  for (int i = 1; i < n - 1; i++) {
    for (int j = 1; j < n - 1; j++) {
      for (int k = 1; k < n - 1; k++) {
        out[(i * n + j) * n + k] = 0.4 * in[(i * n + j) * n + k]
          + 0.1 * (in[((i - 1) * n + j) * n + k] + in[((i + 1) * n + j) * n + k]
                   + in[(i * n + j - 1) * n + k] + in[(i * n + j + 1) * n + k]
                   + in[(i * n + j) * n + k - 1] + in[(i * n + j) * n + k + 1]);
      }
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 64;
  int steps = argc > 2 ? atoi(argv[2]) : 10;
  size_t total = (size_t)n * n * n;
  double *a = malloc(sizeof(double) * total);
  double *b = malloc(sizeof(double) * total);
  for (size_t p = 0; p < total; p++) {
    a[p] = (double)(p % 29) / 29.0;
    b[p] = a[p];
  }
  double t0 = now();
  for (int t = 0; t < steps; t++) {
    step(n, a, b);
    double *tmp = a;
    a = b;
    b = tmp;
  }
  double t1 = now();
  double cs = 0.0;
  for (size_t p = 0; p < total; p++) {
    cs += a[p] * (1 + p % 5);
  }
  printf("checksum %.12e\n", cs);
  printf("kernel_time %.6f\n", t1 - t0);
  free(a);
  free(b);
  return 0;
}

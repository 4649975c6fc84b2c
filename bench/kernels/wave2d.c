/* 2-D wave equation, leapfrog in time with three grids rotated by pointer between steps.
   Usage: wave2d N STEPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 500;
  int steps = argc > 2 ? atoi(argv[2]) : 20;
  double *prev = calloc((size_t)n * n, sizeof(double));
  double *cur = calloc((size_t)n * n, sizeof(double));
  double *next = calloc((size_t)n * n, sizeof(double));
  for (int i = n / 4; i < n / 2; i++) {
    for (int j = n / 3; j < n / 2; j++) {
      cur[i * n + j] = 1.0;
      prev[i * n + j] = 1.0;
    }
  }
  const double c2 = 0.2;
  double t0 = now();
  for (int t = 0; t < steps; t++) {
    for (int i = 1; i < n - 1; i++) {
      for (int j = 1; j < n - 1; j++) {
        double lap = cur[(i - 1) * n + j] + cur[(i + 1) * n + j] + cur[i * n + j - 1] + cur[i * n + j + 1] - 4.0 * cur[i * n + j];
        next[i * n + j] = 2.0 * cur[i * n + j] - prev[i * n + j] + c2 * lap;
      }
    }
    double *tmp = prev;
    prev = cur;
    cur = next;
    next = tmp;
  }
  double t1 = now();
  double cs = 0.0;
  for (int i = 0; i < n * n; i++) {
    cs += cur[i] * (1 + i % 7) + prev[i];
  }
  printf("checksum %.12e\n", cs);
  printf("kernel_time %.6f\n", t1 - t0);
  free(prev);
  free(cur);
  free(next);
  return 0;
}

/* 1-D heat equation, explicit, time-stepped with a pointer swap between steps. Usage: heat1d N STEPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100000;
  int steps = argc > 2 ? atoi(argv[2]) : 100;
  double *a = malloc(sizeof(double) * n);
  double *b = malloc(sizeof(double) * n);
  for (int i = 0; i < n; i++) {
    a[i] = (i % 100 == 0) ? 100.0 : 0.0;
    b[i] = a[i];
  }
  const double r = 0.25;
  double t0 = now();
  for (int t = 0; t < steps; t++) {
    for (int i = 1; i < n - 1; i++) {
      b[i] = a[i] + r * (a[i - 1] - 2.0 * a[i] + a[i + 1]);
    }
    double *tmp = a;
    a = b;
    b = tmp;
  }
  double t1 = now();
  double cs = 0.0;
  for (int i = 0; i < n; i++) {
    cs += a[i] * (1 + i % 9);
  }
  printf("checksum %.12e\n", cs);
  printf("kernel_time %.6f\n", t1 - t0);
  free(a);
  free(b);
  return 0;
}

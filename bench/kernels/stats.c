/* Summary statistics of a series that drifts between passes: mean, two-pass variance, min and max.
   Usage: stats N REPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void drift(int n, double *x, double f) {
  for (int i = 0; i < n; i++) {
    x[i] = x[i] * f + 0.001 * (i % 17);
  }
}

static void summary(int n, const double *x, double *mean, double *var, double *lo, double *hi) {
  double s = 0.0;
  for (int i = 0; i < n; i++) {
    s += x[i];
  }
  double m = s / n;
  double ss = 0.0;
  double mn = x[0], mx = x[0];
  for (int i = 0; i < n; i++) {
    double d = x[i] - m;
    ss += d * d;
    if (x[i] < mn) mn = x[i];
    if (x[i] > mx) mx = x[i];
  }
  *mean = m;
  *var = ss / (n - 1);
  *lo = mn;
  *hi = mx;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000000;
  int reps = argc > 2 ? atoi(argv[2]) : 10;
  double *x = malloc(sizeof(double) * n);
  unsigned s = 12345u;
  for (int i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    x[i] = (double)(s >> 8) / 16777216.0;
  }
  double acc = 0.0;
  double t0 = now();
  for (int r = 0; r < reps; r++) {
    double mean, var, lo, hi;
    drift(n, x, 0.99);
    summary(n, x, &mean, &var, &lo, &hi);
    acc += mean + var + 0.5 * lo + 0.25 * hi;
  }
  double t1 = now();
  printf("checksum %.12e\n", acc);
  printf("kernel_time %.6f\n", t1 - t0);
  free(x);
  return 0;
}

/* Vector norms and a scaled update: reductions (+ and max) over large arrays. Size from argv: N REPS. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double l2sq(int n, const double *x) {
  double s = 0.0;
  #pragma omp parallel for simd reduction(+:s)
  for (int i = 0; i < n; i++) {
    s += x[i] * x[i];
  }
  return s;
}

static double linf(int n, const double *x) {
  double m = 0.0;
  #pragma omp parallel for reduction(max:m)
  for (int i = 0; i < n; i++) {
    double v = fabs(x[i]);
    if (v > m) m = v;
  }
  return m;
}

static void axpby(int n, double a, const double *restrict x, double b, double *restrict y) {
  #pragma omp parallel for simd
  for (int i = 0; i < n; i++) {
    y[i] = a * x[i] + b * y[i];
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100000;
  int reps = argc > 2 ? atoi(argv[2]) : 10;
  double *x = malloc(sizeof(double) * n);
  double *y = malloc(sizeof(double) * n);
  #pragma omp parallel for
  for (int i = 0; i < n; i++) {
    x[i] = sin(i * 0.001);
    y[i] = cos(i * 0.002);
  }
  double acc = 0.0, peak = 0.0;
  for (int r = 0; r < reps; r++) {
    axpby(n, 0.5, x, 0.5, y);
    acc += l2sq(n, y);
    double p = linf(n, y);
    if (p > peak) peak = p;
  }
  printf("norms n=%d reps=%d l2sq %.8e linf %.8e\n", n, reps, acc, peak);
  free(x);
  free(y);
  return 0;
}

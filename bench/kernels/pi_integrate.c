/* Numerical integration (midpoint rule) of a smooth function with transcendental calls:
   a compute-bound scalar reduction. Usage: pi_integrate N */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static double integrate(long n) {
  double h = 1.0 / (double)n;
  double sum = 0.0;
  for (long i = 0; i < n; i++) {
    double x = (i + 0.5) * h;
    sum += 4.0 / (1.0 + x * x) + 0.01 * exp(-x) * sin(8.0 * x);
  }
  return sum * h;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 10000000;
  double t0 = now();
  double v = integrate(n);
  double t1 = now();
  printf("checksum %.12e\n", v);
  printf("kernel_time %.6f\n", t1 - t0);
  return 0;
}

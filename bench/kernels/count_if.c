/* Counting and summing the elements that fall in a band (branchy integer and double reductions),
   for several bands. Usage: count_if N REPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000000;
  int reps = argc > 2 ? atoi(argv[2]) : 10;
  double *x = malloc(sizeof(double) * n);
  unsigned s = 4242u;
  for (int i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    x[i] = (double)(s >> 8) / 16777216.0;
  }
  long total = 0;
  double band_sum = 0.0;
  double t0 = now();
  for (int r = 0; r < reps; r++) {
    double lo = 0.05 * (r % 10), hi = lo + 0.3;
    long count = 0;
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      if (x[i] >= lo && x[i] < hi) {
        count++;
        sum += x[i];
      }
    }
    total += count;
    band_sum += sum;
  }
  double t1 = now();
  printf("checksum %.12e\n", (double)total + band_sum);
  printf("kernel_time %.6f\n", t1 - t0);
  free(x);
  return 0;
}

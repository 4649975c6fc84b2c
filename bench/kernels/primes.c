/* Counting primes below N by trial division: the cost per candidate grows with it (imbalanced),
   and the inner loop exits early. Usage: primes N */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int is_prime(int v) {
  if (v < 2) return 0;
  for (int d = 2; (long)d * d <= v; d++) {
    if (v % d == 0) return 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000000;
  double t0 = now();
  long count = 0;
  long sum = 0;
  for (int v = 2; v < n; v++) {
    if (is_prime(v)) {
      count++;
      sum += v % 1000;
    }
  }
  double t1 = now();
  printf("checksum %.12e\n", (double)count * 1000.0 + (double)sum);
  printf("kernel_time %.6f\n", t1 - t0);
  return 0;
}

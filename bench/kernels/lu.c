/* LU factorisation without pivoting of a diagonally dominant matrix, in place, C89 style
   (counters declared at function scope). The k loop is sequential; for each k the i loop is
   parallel (rows below the pivot row). Usage: lu N */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void lu(int n, double *a) {
  int i, j, k;
  double f;
  for (k = 0; k < n; k++) {
    for (i = k + 1; i < n; i++) {
      f = a[i * n + k] / a[k * n + k];
      a[i * n + k] = f;
      for (j = k + 1; j < n; j++) {
        a[i * n + j] -= f * a[k * n + j];
      }
    }
  }
}

int main(int argc, char **argv) {
  int n, i, j;
  double *a, t0, t1, cs;
  n = argc > 1 ? atoi(argv[1]) : 400;
  a = malloc(sizeof(double) * n * n);
  for (i = 0; i < n; i++) {
    for (j = 0; j < n; j++) {
      a[i * n + j] = (i == j) ? 2.0 * n : 1.0 / (1 + (i * 5 + j * 3) % 23);
    }
  }
  t0 = now();
  lu(n, a);
  t1 = now();
  cs = 0.0;
  for (i = 0; i < n; i++) {
    for (j = 0; j < n; j++) {
      cs += a[i * n + j] * (1 + (i + 2 * j) % 7);
    }
  }
  printf("checksum %.12e\n", cs);
  printf("kernel_time %.6f\n", t1 - t0);
  free(a);
  return 0;
}

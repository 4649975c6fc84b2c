/* Time-stepped 2-D Jacobi (5-point), C89 style: every counter declared at function scope, the
   grids passed as plain pointers, the copy-back as a second nest inside the time loop.
   Usage: jacobi2d_c89 N STEPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void solve(int n, int steps, double *a, double *b) {
  int t, i, j;
  for (t = 0; t < steps; t++) {
    for (i = 1; i < n - 1; i++) {
      for (j = 1; j < n - 1; j++) {
        b[i * n + j] = 0.2 * (a[i * n + j] + a[(i - 1) * n + j] + a[(i + 1) * n + j] + a[i * n + j - 1] + a[i * n + j + 1]);
      }
    }
    for (i = 1; i < n - 1; i++) {
      for (j = 1; j < n - 1; j++) {
        a[i * n + j] = b[i * n + j];
      }
    }
  }
}

int main(int argc, char **argv) {
  int n, steps, i, j;
  double *a, *b, t0, t1, cs;
  n = argc > 1 ? atoi(argv[1]) : 500;
  steps = argc > 2 ? atoi(argv[2]) : 20;
  a = malloc(sizeof(double) * n * n);
  b = malloc(sizeof(double) * n * n);
  for (i = 0; i < n; i++) {
    for (j = 0; j < n; j++) {
      a[i * n + j] = (i == 0 || j == n - 1) ? 1.0 : (double)((i * j) % 10) / 10.0;
      b[i * n + j] = a[i * n + j];
    }
  }
  t0 = now();
  solve(n, steps, a, b);
  t1 = now();
  cs = 0.0;
  for (i = 0; i < n; i++) {
    for (j = 0; j < n; j++) {
      cs += a[i * n + j] * (1 + (i + j) % 3);
    }
  }
  printf("checksum %.12e\n", cs);
  printf("kernel_time %.6f\n", t1 - t0);
  free(a);
  free(b);
  return 0;
}

/* Red-black Gauss-Seidel on a 2-D grid, in place: each colour is a step-2 inner loop whose
   updates read only the other colour, so each colour's i loop is parallel. Usage: redblack N SWEEPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void sweep(int n, double *u, const double *f, double h2) {
  for (int color = 0; color < 2; color++) {
    for (int i = 1; i < n - 1; i++) {
      for (int j = 1 + (i + color) % 2; j < n - 1; j += 2) {
        u[i * n + j] = 0.25 * (u[(i - 1) * n + j] + u[(i + 1) * n + j] + u[i * n + j - 1] + u[i * n + j + 1] - h2 * f[i * n + j]);
      }
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 500;
  int sweeps = argc > 2 ? atoi(argv[2]) : 20;
  double *u = calloc((size_t)n * n, sizeof(double));
  double *f = malloc(sizeof(double) * n * n);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      f[i * n + j] = ((i / 8 + j / 8) % 2) ? 1.0 : -1.0;
    }
  }
  for (int j = 0; j < n; j++) {
    u[j] = 1.0;
  }
  double h2 = 1.0 / ((double)n * n);
  double t0 = now();
  for (int s = 0; s < sweeps; s++) {
    sweep(n, u, f, h2);
  }
  double t1 = now();
  double cs = 0.0;
  for (int i = 0; i < n * n; i++) {
    cs += u[i] * (1 + i % 11);
  }
  printf("checksum %.12e\n", cs);
  printf("kernel_time %.6f\n", t1 - t0);
  free(u);
  free(f);
  return 0;
}

/* Jacobi 2-D sweeps, out of place: the classic memory-bound stencil. Size from argv: N SWEEPS. */
#include <stdio.h>
#include <stdlib.h>

static void sweep(int n, const double in[restrict n][n], double out[restrict n][n]) {
  #pragma omp parallel for
  for (int i = 1; i < n - 1; i++) {
    for (int j = 1; j < n - 1; j++) {
      out[i][j] = 0.25 * (in[i - 1][j] + in[i + 1][j] + in[i][j - 1] + in[i][j + 1]);
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 500;
  int sweeps = argc > 2 ? atoi(argv[2]) : 20;
  double (*a)[n] = malloc(sizeof(double[n][n]));
  double (*b)[n] = malloc(sizeof(double[n][n]));
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      a[i][j] = (i == 0 || j == 0) ? 100.0 : 0.0;
      b[i][j] = a[i][j];
    }
  }
  for (int t = 0; t < sweeps; t++) {
    sweep(n, (const double (*)[n])a, b);
    sweep(n, (const double (*)[n])b, a);
  }
  double sum = 0.0;
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      sum += a[i][j];
    }
  }
  printf("jacobi2d n=%d sweeps=%d checksum %.10e\n", n, sweeps, sum);
  free(a);
  free(b);
  return 0;
}

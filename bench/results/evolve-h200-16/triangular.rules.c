/* Lower-triangular work per row (load imbalance: schedule(dynamic)). Size from argv: N. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void lower_kernel(int n, const double *restrict x, double *restrict out) {
  #pragma omp parallel for schedule(dynamic)
  for (int i = 0; i < n; i++) {
    double s = 0.0;
    for (int j = 0; j <= i; j++) {
      s += sqrt(x[j] + (double)i);
    }
    out[i] = s;
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 3000;
  double *x = malloc(sizeof(double) * n);
  double *out = malloc(sizeof(double) * n);
  for (int i = 0; i < n; i++) {
    x[i] = (i % 101) * 0.01;
  }
  lower_kernel(n, x, out);
  double sum = 0.0;
  for (int i = 0; i < n; i++) {
    sum += out[i];
  }
  printf("triangular n=%d sum %.10e\n", n, sum);
  free(x);
  free(out);
  return 0;
}

/* Dense matrix multiply, i-k-j order: compute-bound. Size from argv: N. */
#include <stdio.h>
#include <stdlib.h>

static void matmul(int n, const double *restrict a, const double *restrict b, double *restrict c) {
  #pragma omp parallel for
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      c[i * n + j] = 0.0;
    }
    for (int k = 0; k < n; k++) {
      double aik = a[i * n + k];
      for (int j = 0; j < n; j++) {
        c[i * n + j] += aik * b[k * n + j];
      }
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 300;
  double *a = malloc(sizeof(double) * n * n);
  double *b = malloc(sizeof(double) * n * n);
  double *c = malloc(sizeof(double) * n * n);
  #pragma omp parallel for simd
  for (int i = 0; i < n * n; i++) {
    a[i] = (i % 17) * 0.25;
    b[i] = (i % 13) * 0.5;
  }
  matmul(n, a, b, c);
  double trace = 0.0;
  #pragma omp parallel for simd reduction(+:trace)
  for (int i = 0; i < n; i++) {
    trace += c[i * n + i];
  }
  printf("matmul n=%d trace %.6f\n", n, trace);
  free(a);
  free(b);
  free(c);
  return 0;
}

/* SAXPY and a dot product: the simplest map and reduction. */
#include <stdio.h>
#include <stdlib.h>

void saxpy(int n, float a, const float *restrict x, float *restrict y) {
  for (int i = 0; i < n; i++) {
    y[i] = a * x[i] + y[i];
  }
}

double dot(int n, const double *x, const double *y) {
  double sum = 0.0;
  for (int i = 0; i < n; i++) {
    sum += x[i] * y[i];
  }
  return sum;
}

int main(void) {
  enum { N = 1 << 20 };
  float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
  double *u = malloc(N * sizeof *u), *v = malloc(N * sizeof *v);
  for (int i = 0; i < N; i++) {
    x[i] = (float)(i % 97) / 97.0f;
    y[i] = (float)(i % 13);
    u[i] = 1.0 / (1 + i % 7);
    v[i] = (double)(i % 5);
  }
  saxpy(N, 2.5f, x, y);
  double s = dot(N, u, v);
  double check = 0.0;
  for (int i = 0; i < N; i++) check += y[i];
  printf("saxpy checksum %.6e\ndot %.10e\n", check, s);
  free(x); free(y); free(u); free(v);
  return 0;
}

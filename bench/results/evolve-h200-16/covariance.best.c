/* Covariance matrix of N samples of M variables (polybench style): column means, centring, then
   the upper triangle of data^T data, mirrored. Triangular and imbalanced. Usage: covariance M N */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void covariance(int m, int n, double *data, double *cov, double *mean) {
  for (int j = 0; j < m; j++) {
    mean[j] = 0.0;
    for (int i = 0; i < n; i++) {
      mean[j] += data[i * m + j];
    }
    mean[j] /= n;
  }
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < m; j++) {
      data[i * m + j] -= mean[j];
    }
  }
  for (int i = 0; i < m; i++) {
    for (int j = i; j < m; j++) {
      double s = 0.0;
      #pragma omp parallel for reduction(+:s)
      for (int k = 0; k < n; k++) {
        s += data[k * m + i] * data[k * m + j];
      }
      cov[i * m + j] = s / (n - 1);
      cov[j * m + i] = cov[i * m + j];
    }
  }
}

int main(int argc, char **argv) {
  int m = argc > 1 ? atoi(argv[1]) : 300;
  int n = argc > 2 ? atoi(argv[2]) : 400;
  double *data = malloc(sizeof(double) * n * m);
  double *cov = malloc(sizeof(double) * m * m);
  double *mean = malloc(sizeof(double) * m);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < m; j++) {
      data[i * m + j] = (double)((i * j) % 31) / 31.0 + 0.01 * i;
    }
  }
  double t0 = now();
  covariance(m, n, data, cov, mean);
  double t1 = now();
  double cs = 0.0;
  for (int i = 0; i < m * m; i++) {
    cs += cov[i] * (1 + i % 3);
  }
  printf("checksum %.12e\n", cs);
  free(data);
  free(cov);
  free(mean);
  return 0;
}

/* Dot products of single-precision vectors accumulated in double, repeated. Usage: dot N REPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static double dot(int n, const float *x, const float *y) {
  double s = 0.0;
  #pragma omp parallel for reduction(+:s)
  for (int i = 0; i < n; i++) {
    s += (double)x[i] * y[i];
  }
  return s;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000000;
  int reps = argc > 2 ? atoi(argv[2]) : 10;
  float *x = malloc(sizeof(float) * n);
  float *y = malloc(sizeof(float) * n);
  for (int i = 0; i < n; i++) {
    x[i] = (float)(i % 1000) / 1000.0f;
    y[i] = (float)((i * 3) % 997) / 997.0f - 0.25f;
  }
  double acc = 0.0;
  double t0 = now();
  for (int r = 0; r < reps; r++) {
    acc += dot(n, x, y);
    x[r % n] += 0.5f;
  }
  double t1 = now();
  printf("checksum %.12e\n", acc);
  free(x);
  free(y);
  return 0;
}

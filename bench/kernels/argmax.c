/* Search loop: index of the largest |x[i]| (first one on ties), a conditional last assignment of
   both the value and the index; repeated on a moving series. Usage: argmax N REPS */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int argmax_abs(int n, const double *x) {
  double best = -1.0;
  int idx = -1;
  for (int i = 0; i < n; i++) {
    double v = fabs(x[i]);
    if (v > best) {
      best = v;
      idx = i;
    }
  }
  return idx;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000000;
  int reps = argc > 2 ? atoi(argv[2]) : 10;
  double *x = malloc(sizeof(double) * n);
  unsigned s = 777u;
  for (int i = 0; i < n; i++) {
    s = s * 1103515245u + 12345u;
    x[i] = (double)((int)(s >> 4) % 2000001 - 1000000) / 1000.0;
  }
  long acc = 0;
  double t0 = now();
  for (int r = 0; r < reps; r++) {
    int k = argmax_abs(n, x);
    acc += k;
    x[k] = 0.0;
  }
  double t1 = now();
  printf("checksum %.12e\n", (double)acc);
  printf("kernel_time %.6f\n", t1 - t0);
  free(x);
  return 0;
}

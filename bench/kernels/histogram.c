/* Histogram of byte-sized values into 256 bins (h[bin(x[i])]++: an array reduction with
   data-dependent subscripts), repeated. Usage: histogram N REPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

#define NBINS 256

static void histogram(int n, const unsigned char *v, long *h) {
  for (int i = 0; i < n; i++) {
    h[v[i]]++;
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000000;
  int reps = argc > 2 ? atoi(argv[2]) : 10;
  unsigned char *v = malloc(n);
  long h[NBINS];
  unsigned s = 99u;
  for (int i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    v[i] = (unsigned char)((s >> 24) ^ (i & 15));
  }
  for (int b = 0; b < NBINS; b++) {
    h[b] = 0;
  }
  double t0 = now();
  for (int r = 0; r < reps; r++) {
    histogram(n, v, h);
  }
  double t1 = now();
  double cs = 0.0;
  for (int b = 0; b < NBINS; b++) {
    cs += (double)h[b] * (b + 1);
  }
  printf("checksum %.12e\n", cs);
  printf("kernel_time %.6f\n", t1 - t0);
  free(v);
  return 0;
}

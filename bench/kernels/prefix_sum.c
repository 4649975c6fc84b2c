/* Inclusive prefix sum (a true loop-carried scan), then the input is refreshed from the output.
   Usage: prefix_sum N REPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void scan(int n, const long *in, long *out) {
  out[0] = in[0];
  for (int i = 1; i < n; i++) {
    out[i] = out[i - 1] + in[i];
  }
}

static void refresh(int n, long *in, const long *out) {
  for (int i = 0; i < n; i++) {
    in[i] = (out[i] ^ i) & 1023;
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000000;
  int reps = argc > 2 ? atoi(argv[2]) : 10;
  long *in = malloc(sizeof(long) * n);
  long *out = malloc(sizeof(long) * n);
  for (int i = 0; i < n; i++) {
    in[i] = (i * 37) % 101;
  }
  long acc = 0;
  double t0 = now();
  for (int r = 0; r < reps; r++) {
    scan(n, in, out);
    acc += out[n - 1] % 1000003;
    refresh(n, in, out);
  }
  double t1 = now();
  printf("checksum %.12e\n", (double)acc);
  printf("kernel_time %.6f\n", t1 - t0);
  free(in);
  free(out);
  return 0;
}

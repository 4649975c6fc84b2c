/* Running sums along each row of a matrix (a scan per row): the row loop is parallel, the column
   loop is not. Usage: cumsum_rows ROWS COLS REPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void cumsum_rows(int rows, int cols, const double *restrict a, double *restrict c) {
  for (int r = 0; r < rows; r++) {
    double run = 0.0;
    for (int k = 0; k < cols; k++) {
      run += a[r * cols + k];
      c[r * cols + k] = run;
    }
  }
}

int main(int argc, char **argv) {
  int rows = argc > 1 ? atoi(argv[1]) : 1000;
  int cols = argc > 2 ? atoi(argv[2]) : 1000;
  int reps = argc > 3 ? atoi(argv[3]) : 5;
  double *a = malloc(sizeof(double) * rows * cols);
  double *c = malloc(sizeof(double) * rows * cols);
  for (int i = 0; i < rows * cols; i++) {
    a[i] = (double)(i % 13) - 6.0;
  }
  double acc = 0.0;
  double t0 = now();
  for (int r = 0; r < reps; r++) {
    cumsum_rows(rows, cols, a, c);
    acc += c[(r * 7919) % (rows * cols)];
    a[(r * 104729) % (rows * cols)] += 1.0;
  }
  double t1 = now();
  double cs = acc;
  for (int i = 0; i < rows * cols; i++) {
    cs += c[i] * (1 + i % 5);
  }
  printf("checksum %.12e\n", cs);
  printf("kernel_time %.6f\n", t1 - t0);
  free(a);
  free(c);
  return 0;
}

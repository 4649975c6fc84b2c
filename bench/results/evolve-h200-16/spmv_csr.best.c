/* Sparse matrix-vector products in CSR format (indirect column subscripts), iterated with a
   normalising update: a power-iteration shape. The matrix is a 2-D 5-point Laplacian plus a few
   long-range entries per row. Usage: spmv_csr GRID ITERS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void spmv(int n, const int *restrict rowptr, const int *restrict col, const double *restrict val, const double *restrict x, double *restrict y) {
  #pragma omp parallel for simd
  for (int i = 0; i < n; i++) {
    double s = 0.0;
    for (int p = rowptr[i]; p < rowptr[i + 1]; p++) {
      s += val[p] * x[col[p]];
    }
    y[i] = s;
  }
}

int main(int argc, char **argv) {
  int g = argc > 1 ? atoi(argv[1]) : 300;
  int iters = argc > 2 ? atoi(argv[2]) : 20;
  int n = g * g;
  int *rowptr = malloc(sizeof(int) * (n + 1));
  int *col = malloc(sizeof(int) * n * 7);
  double *val = malloc(sizeof(double) * n * 7);
  double *x = malloc(sizeof(double) * n);
  double *y = malloc(sizeof(double) * n);
  int nnz = 0;
  for (int i = 0; i < g; i++) {
    for (int j = 0; j < g; j++) {
      int r = i * g + j;
      rowptr[r] = nnz;
      if (i > 0) { col[nnz] = r - g; val[nnz++] = -1.0; }
      if (j > 0) { col[nnz] = r - 1; val[nnz++] = -1.0; }
      col[nnz] = r; val[nnz++] = 4.5;
      if (j < g - 1) { col[nnz] = r + 1; val[nnz++] = -1.0; }
      if (i < g - 1) { col[nnz] = r + g; val[nnz++] = -1.0; }
      col[nnz] = (int)(((long)r * 7919 + 13) % n); val[nnz++] = 0.01;
      col[nnz] = (int)(((long)r * 104729 + 7) % n); val[nnz++] = 0.02;
    }
  }
  rowptr[n] = nnz;
  for (int i = 0; i < n; i++) {
    x[i] = 1.0 + (i % 10) * 0.01;
  }
  double t0 = now();
  for (int it = 0; it < iters; it++) {
    spmv(n, rowptr, col, val, x, y);
    for (int i = 0; i < n; i++) {
      x[i] = y[i] * 0.125;
    }
  }
  double t1 = now();
  double cs = 0.0;
  for (int i = 0; i < n; i++) {
    cs += x[i] * (1 + i % 3);
  }
  printf("checksum %.12e\n", cs);
  free(rowptr);
  free(col);
  free(val);
  free(x);
  free(y);
  return 0;
}

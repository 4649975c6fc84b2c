/* Mandelbrot set: escape-time iteration counts per pixel. The work per row varies a lot
   (imbalanced); the inner while loop exits early. Usage: mandelbrot N MAXITER */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void mandel(int n, int maxiter, int *counts) {
  #pragma omp parallel for proc_bind(close) schedule(static,16)
  for (int py = 0; py < n; py++) {
    for (int px = 0; px < n; px++) {
      double cr = -2.0 + 2.5 * px / n;
      double ci = -1.25 + 2.5 * py / n;
      double zr = 0.0, zi = 0.0;
      int it = 0;
      while (it < maxiter && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        it++;
      }
      counts[py * n + px] = it;
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 500;
  int maxiter = argc > 2 ? atoi(argv[2]) : 200;
  int *counts = malloc(sizeof(int) * n * n);
  double t0 = now();
  mandel(n, maxiter, counts);
  double t1 = now();
  double cs = 0.0;
  for (int i = 0; i < n * n; i++) {
    cs += (double)counts[i] * (1 + i % 3);
  }
  printf("checksum %.12e\n", cs);
  free(counts);
  return 0;
}

/* Jacobi 2-D heat stencil: out-of-place sweeps (parallel) and an in-place Gauss-Seidel sweep (not). */
#include <stdio.h>
#include <stdlib.h>

#define NX 512
#define NY 512

static void jacobi_step(int nx, int ny, double in[restrict nx][ny], double out[restrict nx][ny]) {
  for (int i = 1; i < nx - 1; i++) {
    for (int j = 1; j < ny - 1; j++) {
      out[i][j] = 0.25 * (in[i - 1][j] + in[i + 1][j] + in[i][j - 1] + in[i][j + 1]);
    }
  }
}

static void gauss_seidel_step(int nx, int ny, double u[nx][ny]) {
  for (int i = 1; i < nx - 1; i++) {
    for (int j = 1; j < ny - 1; j++) {
      u[i][j] = 0.25 * (u[i - 1][j] + u[i + 1][j] + u[i][j - 1] + u[i][j + 1]);
    }
  }
}

int main(void) {
  double (*a)[NY] = malloc(sizeof(double[NX][NY]));
  double (*b)[NY] = malloc(sizeof(double[NX][NY]));
  for (int i = 0; i < NX; i++)
    for (int j = 0; j < NY; j++)
      a[i][j] = b[i][j] = (i == 0 || j == 0) ? 100.0 : 0.0;
  for (int t = 0; t < 50; t++) {
    jacobi_step(NX, NY, a, b);
    jacobi_step(NX, NY, b, a);
  }
  gauss_seidel_step(NX, NY, b);
  double sum = 0.0;
  for (int i = 0; i < NX; i++)
    for (int j = 0; j < NY; j++) sum += a[i][j] + b[i][j];
  printf("stencil checksum %.8e\n", sum);
  free(a); free(b);
  return 0;
}

// CSR sparse matrix-vector products with the matrix in a struct of std::vectors, iterated.
// Banded matrix with a run-time bandwidth (rows of equal length). Usage: spmv_vec N BAND ITERS
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

struct Csr {
  std::vector<int> rowptr;
  std::vector<int> col;
  std::vector<double> val;
};

static void spmv(const Csr &a, const std::vector<double> &x, std::vector<double> &y) {
  const int n = (int)y.size();
  for (int i = 0; i < n; i++) {
    double s = 0.0;
    for (int p = a.rowptr[i]; p < a.rowptr[i + 1]; p++) {
      s += a.val[p] * x[a.col[p]];
    }
    y[i] = s;
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  int band = argc > 2 ? std::atoi(argv[2]) : 8;
  int iters = argc > 3 ? std::atoi(argv[3]) : 10;
  Csr a;
  a.rowptr.push_back(0);
  for (int i = 0; i < n; i++) {
    for (int d = -band; d <= band; d++) {
      int j = ((i + d * 37) % n + n) % n;
      a.col.push_back(j);
      a.val.push_back(d == 0 ? 2.0 : -1.0 / (2 * band + 1));
    }
    a.rowptr.push_back((int)a.col.size());
  }
  std::vector<double> x(n), y(n);
  for (int i = 0; i < n; i++) {
    x[i] = 1.0 + (i % 17) * 0.01;
  }
  auto t0 = std::chrono::steady_clock::now();
  for (int it = 0; it < iters; it++) {
    spmv(a, x, y);
    for (int i = 0; i < n; i++) {
      x[i] = 0.5 * y[i];
    }
  }
  auto t1 = std::chrono::steady_clock::now();
  double cs = 0.0;
  for (int i = 0; i < n; i++) {
    cs += x[i] * (1 + i % 4);
  }
  std::printf("checksum %.12e\n", cs);
  std::printf("kernel_time %.6f\n", std::chrono::duration<double>(t1 - t0).count());
  return 0;
}

// Matrix product on std::vector<double> (row-major, linearised), passed by const reference,
// with the accumulator in a local. Usage: matmul_vec N
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

static void matmul(int n, const std::vector<double> &a, const std::vector<double> &bt, std::vector<double> &c) {
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      double s = 0.0;
      for (int k = 0; k < n; k++) {
        s += a[i * n + k] * bt[j * n + k];
      }
      c[i * n + j] = s;
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 300;
  std::vector<double> a(n * n), bt(n * n), c(n * n);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      a[i * n + j] = (double)((i + j) % 10) / 10.0;
      bt[i * n + j] = (double)((i * 2 + j) % 7) / 7.0 - 0.3;
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  matmul(n, a, bt, c);
  auto t1 = std::chrono::steady_clock::now();
  double cs = 0.0;
  for (int i = 0; i < n * n; i++) {
    cs += c[i] * (1 + i % 5);
  }
  std::printf("checksum %.12e\n", cs);
  std::printf("kernel_time %.6f\n", std::chrono::duration<double>(t1 - t0).count());
  return 0;
}

// 1-D 3-point smoothing on std::vector<double> in a time loop, buffers exchanged with std::swap.
// Usage: stencil_vec N STEPS
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

static void smooth(const std::vector<double> &in, std::vector<double> &out) {
  const std::size_t n = in.size();
  for (std::size_t i = 1; i + 1 < n; i++) {
    out[i] = (in[i - 1] + 2.0 * in[i] + in[i + 1]) * 0.25;
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  int steps = argc > 2 ? std::atoi(argv[2]) : 100;
  std::vector<double> a(n), b(n);
  for (int i = 0; i < n; i++) {
    a[i] = (i % 50 == 0) ? 10.0 : (double)(i % 7);
  }
  b = a;
  auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < steps; t++) {
    smooth(a, b);
    std::swap(a, b);
  }
  auto t1 = std::chrono::steady_clock::now();
  double cs = 0.0;
  for (int i = 0; i < n; i++) {
    cs += a[i] * (1 + i % 9);
  }
  std::printf("checksum %.12e\n", cs);
  std::printf("kernel_time %.6f\n", std::chrono::duration<double>(t1 - t0).count());
  return 0;
}

// Range-for reductions over a std::vector<double>: sum of squares and the largest magnitude
// (std::max, std::abs), then an in-place scale with a range-for reference. Usage: reduce_vec N REPS
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <vector>

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 1000000;
  int reps = argc > 2 ? std::atoi(argv[2]) : 10;
  std::vector<double> x(n);
  for (int i = 0; i < n; i++) {
    x[i] = std::sin(i * 0.001) * (1 + i % 3);
  }
  double acc = 0.0;
  auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < reps; r++) {
    double ss = 0.0;
    double peak = 0.0;
    for (double v : x) {
      ss += v * v;
      peak = std::max(peak, std::abs(v));
    }
    const double scale = 1.0 / std::sqrt(1.0 + ss / n);
    for (double &v : x) {
      v = v * scale + 0.001;
    }
    acc += ss + peak;
  }
  auto t1 = std::chrono::steady_clock::now();
  std::printf("checksum %.12e\n", acc);
  std::printf("kernel_time %.6f\n", std::chrono::duration<double>(t1 - t0).count());
  return 0;
}

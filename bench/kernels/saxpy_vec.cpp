// a*x + y on std::vector<float> with x.size() bounds, then a norm of the result; repeated.
// Usage: saxpy_vec N REPS
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

static void saxpy(float a, const std::vector<float> &x, std::vector<float> &y) {
  for (std::size_t i = 0; i < y.size(); i++) {
    y[i] = a * x[i] + y[i];
  }
}

static double sumsq(const std::vector<float> &y) {
  double s = 0.0;
  for (std::size_t i = 0; i < y.size(); i++) {
    s += (double)y[i] * y[i];
  }
  return s;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 1000000;
  int reps = argc > 2 ? std::atoi(argv[2]) : 10;
  std::vector<float> x(n), y(n);
  for (int i = 0; i < n; i++) {
    x[i] = (float)(i % 100) / 100.0f;
    y[i] = (float)(i % 37) / 37.0f;
  }
  double acc = 0.0;
  auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < reps; r++) {
    saxpy(r % 2 ? -0.5f : 0.5f, x, y);
    acc += sumsq(y);
  }
  auto t1 = std::chrono::steady_clock::now();
  std::printf("checksum %.12e\n", acc);
  std::printf("kernel_time %.6f\n", std::chrono::duration<double>(t1 - t0).count());
  return 0;
}

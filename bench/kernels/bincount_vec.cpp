// Weighted histogram with a run-time number of bins on std::vector (an array reduction with
// data-dependent subscripts and double weights). Usage: bincount_vec N BINS REPS
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

static void bincount(const std::vector<int> &key, const std::vector<double> &w, std::vector<double> &hist) {
  for (std::size_t i = 0; i < key.size(); i++) {
    hist[key[i]] += w[i];
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 1000000;
  int bins = argc > 2 ? std::atoi(argv[2]) : 1000;
  int reps = argc > 3 ? std::atoi(argv[3]) : 10;
  std::vector<int> key(n);
  std::vector<double> w(n), hist(bins, 0.0);
  unsigned s = 2024u;
  for (int i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    key[i] = (int)((s >> 8) % (unsigned)bins);
    w[i] = 0.5 + (i % 5) * 0.25;
  }
  auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < reps; r++) {
    bincount(key, w, hist);
  }
  auto t1 = std::chrono::steady_clock::now();
  double cs = 0.0;
  for (int b = 0; b < bins; b++) {
    cs += hist[b] * (1 + b % 7);
  }
  std::printf("checksum %.12e\n", cs);
  std::printf("kernel_time %.6f\n", std::chrono::duration<double>(t1 - t0).count());
  return 0;
}

// Dense matrix multiply (collapse-able outer pair) and a row-wise max (max-reduction idiom).
#include <cstdio>
#include <vector>

void matmul(int n, const double *__restrict__ a, const double *__restrict__ b, double *__restrict__ c) {
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      double acc = 0.0;
      for (int k = 0; k < n; k++) {
        acc += a[i * n + k] * b[k * n + j];
      }
      c[i * n + j] = acc;
    }
  }
}

double max_element(int n, const double *v) {
  double m = v[0];
  for (int i = 1; i < n; i++) {
    if (v[i] > m) m = v[i];
  }
  return m;
}

int main() {
  const int n = 256;
  std::vector<double> a(n * n), b(n * n), c(n * n);
  for (int i = 0; i < n * n; i++) {
    a[i] = (i % 11) * 0.5;
    b[i] = (i % 7) * 0.25;
  }
  matmul(n, a.data(), b.data(), c.data());
  double trace = 0.0;
  for (int i = 0; i < n; i++) trace += c[i * n + i];
  std::printf("matmul trace %.6f max %.6f\n", trace, max_element(n * n, c.data()));
  return 0;
}

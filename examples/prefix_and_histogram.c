/* Loops that must NOT be parallelised as written: a prefix sum (carried dependence) and a
   histogram through an index array (unknown subscripts). */
#include <stdio.h>

#define N 100000

void prefix_sum(int n, long *a) {
  for (int i = 1; i < n; i++) {
    a[i] = a[i] + a[i - 1];
  }
}

void histogram(int n, const int *key, int *bins) {
  for (int i = 0; i < n; i++) {
    bins[key[i]]++;
  }
}

int main(void) {
  static long a[N];
  static int key[N], bins[16];
  for (int i = 0; i < N; i++) {
    a[i] = i % 3;
    key[i] = (i * 7) % 16;
  }
  prefix_sum(N, a);
  histogram(N, key, bins);
  printf("prefix last %ld bins[3] %d\n", a[N - 1], bins[3]);
  return 0;
}

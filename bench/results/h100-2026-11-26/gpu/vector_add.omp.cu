// Vector add: a CUDA kernel and its host loop twin.
#include <cstdio>
#include <cuda_runtime.h>

__global__ void vector_add(const float *a, const float *b, float *c, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) c[i] = a[i] + b[i];
}

void vector_add_host(const float *a, const float *b, float *c, int n) {
  for (int i = 0; i < n; i++) {
    c[i] = a[i] + b[i];
  }
}

int main() {
  const int n = 1 << 20;
  float *a, *b, *c;
  cudaMallocManaged(&a, n * sizeof(float));
  cudaMallocManaged(&b, n * sizeof(float));
  cudaMallocManaged(&c, n * sizeof(float));
  for (int i = 0; i < n; i++) {
    a[i] = i * 0.5f;
    b[i] = 2.0f;
  }
  vector_add<<<(n + 255) / 256, 256>>>(a, b, c, n);
  cudaError_t err = cudaDeviceSynchronize();
  if (err != cudaSuccess) {
    std::printf("CUDA error: %s\n", cudaGetErrorString(err));
    return 1;
  }
  double sum = 0.0;
  #pragma omp parallel for simd reduction(+:sum)
  for (int i = 0; i < n; i++) sum += c[i];
  std::printf("vector_add checksum %.6e\n", sum);
  cudaFree(a); cudaFree(b); cudaFree(c);
  return 0;
}

// A kernel whose bounds check is off by one: the last thread writes past the end of the array,
// which compute-sanitizer's memcheck reports as an invalid global write.
#include <cstdio>
#include <cuda_runtime.h>

__global__ void fill(float *a, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) a[i] = 1.0f;
}

int main() {
  const int n = 1000;
  float *a;
  cudaMalloc(&a, n * sizeof(float));
  fill<<<(n + 1 + 127) / 128, 128>>>(a, n);
  cudaError_t err = cudaDeviceSynchronize();
  std::printf("fill done: %s\n", cudaGetErrorString(err));
  cudaFree(a);
  return 0;
}

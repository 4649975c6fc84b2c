/* 5x5 convolution of a single-precision image (out of place, borders left untouched), repeated.
   Usage: conv2d N REPS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void conv5(int h, int w, const float *restrict img, const float k[5][5], float *restrict out) {
  for (int y = 2; y < h - 2; y++) {
    for (int x = 2; x < w - 2; x++) {
      float s = 0.0f;
      for (int dy = -2; dy <= 2; dy++) {
        for (int dx = -2; dx <= 2; dx++) {
          s += k[dy + 2][dx + 2] * img[(y + dy) * w + (x + dx)];
        }
      }
      out[y * w + x] = s;
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  float *img = malloc(sizeof(float) * n * n);
  float *out = calloc((size_t)n * n, sizeof(float));
  float k[5][5];
  for (int a = 0; a < 5; a++) {
    for (int b = 0; b < 5; b++) {
      k[a][b] = (float)(1 + (a * 5 + b) % 4) / 50.0f;
    }
  }
  for (int i = 0; i < n * n; i++) {
    img[i] = (float)((i * 7) % 256) / 255.0f;
  }
  double t0 = now();
  for (int r = 0; r < reps; r++) {
    conv5(n, n, img, (const float (*)[5])k, out);
    img[(r * 131) % (n * n)] += out[(r * 977) % (n * n)];
  }
  double t1 = now();
  double cs = 0.0;
  for (int i = 0; i < n * n; i++) {
    cs += out[i] * (1 + i % 13);
  }
  printf("checksum %.12e\n", cs);
  printf("kernel_time %.6f\n", t1 - t0);
  free(img);
  free(out);
  return 0;
}

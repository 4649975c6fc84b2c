// All-pairs gravitational accelerations on a std::vector of structs (O(N^2), compute-bound),
// followed by a position update; a few steps. Usage: nbody_vec N STEPS
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

struct Body {
  double x, y, z, m;
};

static void accelerations(const std::vector<Body> &b, std::vector<double> &ax, std::vector<double> &ay, std::vector<double> &az) {
  const int n = (int)b.size();
  for (int i = 0; i < n; i++) {
    double fx = 0.0, fy = 0.0, fz = 0.0;
    for (int j = 0; j < n; j++) {
      double dx = b[j].x - b[i].x;
      double dy = b[j].y - b[i].y;
      double dz = b[j].z - b[i].z;
      double r2 = dx * dx + dy * dy + dz * dz + 1e-3;
      double inv = b[j].m / (r2 * std::sqrt(r2));
      fx += dx * inv;
      fy += dy * inv;
      fz += dz * inv;
    }
    ax[i] = fx;
    ay[i] = fy;
    az[i] = fz;
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 2000;
  int steps = argc > 2 ? std::atoi(argv[2]) : 2;
  std::vector<Body> bodies(n);
  std::vector<double> ax(n), ay(n), az(n);
  for (int i = 0; i < n; i++) {
    bodies[i] = Body{std::cos(i * 0.7) * (1 + i % 13), std::sin(i * 1.3) * (1 + i % 7), (double)(i % 11) - 5.0, 1.0 + (i % 3)};
  }
  auto t0 = std::chrono::steady_clock::now();
  for (int s = 0; s < steps; s++) {
    accelerations(bodies, ax, ay, az);
    for (int i = 0; i < n; i++) {
      bodies[i].x += 1e-4 * ax[i];
      bodies[i].y += 1e-4 * ay[i];
      bodies[i].z += 1e-4 * az[i];
    }
  }
  auto t1 = std::chrono::steady_clock::now();
  double cs = 0.0;
  for (int i = 0; i < n; i++) {
    cs += bodies[i].x + 2.0 * bodies[i].y + 3.0 * bodies[i].z;
  }
  std::printf("checksum %.12e\n", cs);
  std::printf("kernel_time %.6f\n", std::chrono::duration<double>(t1 - t0).count());
  return 0;
}

#!/usr/bin/env bash
# Installs the Debian packages ParaForge's tests and main job need. Idempotent: a package already
# installed is skipped, and apt is not touched at all when everything is present.
set -euo pipefail
PKGS=(
  # compilers, OpenMP runtimes, Archer (libomp 14 loads /usr/lib/llvm-14/lib/libarcher.so)
  clang libclang-rt-14-dev libomp-dev clang-tools-14
  # MPI: OpenMPI (default mpicc) and MPICH
  openmpi-bin libopenmpi-dev mpich libmpich-dev
  # single-node Slurm for the runner's tests, sandbox, process tools
  slurm-wlm munge bubblewrap hwloc util-linux procps
  # random C programs for the analysis fuzz test
  csmith libcsmith-dev
  # the real VS Code server's native modules build against kerberos; chromium drives its workbench
  chromium libkrb5-dev
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: done"

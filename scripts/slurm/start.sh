#!/bin/bash
# Starts a private single-node Slurm (slurmctld + slurmd) and munge on 127.0.0.1, as root, with all
# state under DIR (default ${TMPDIR:-/tmp}/paraforge-slurm). Idempotent: when this DIR's daemons are
# already running and the node is idle, it only prints the env file. Clients: `. DIR/env.sh`.
# Adapted from the verified reference in shared/reference/slurm.
set -euo pipefail
DIR=${1:-${TMPDIR:-/tmp}/paraforge-slurm}
HERE=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "start.sh: must run as root (slurmd and munge run as root here)" >&2; exit 1; }
for tool in munged slurmctld slurmd sinfo; do
  command -v "$tool" >/dev/null || { echo "start.sh: $tool not found; install it with: apt-get install slurm-wlm munge" >&2; exit 1; }
done
mkdir -p "$DIR"/run/munge "$DIR"/state/ctld "$DIR"/state/d "$DIR"/log "$DIR"/munge
HOST=$(hostname -s)
CPUS=$(nproc)
cat > "$DIR"/env.sh <<ENV
export SLURM_CONF=$DIR/slurm.conf
export MUNGE_SOCKET=$DIR/run/munge/munge.socket.2
ENV
. "$DIR"/env.sh

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
node_state() { sinfo -h -n "$HOST" -o %T 2>/dev/null | tr -d '*' || true; }

if alive "$DIR"/run/munge/munged.pid && alive "$DIR"/run/slurmctld.pid && alive "$DIR"/run/slurmd.pid; then
  if [ "$(node_state)" = idle ] || [ "$(node_state)" = mixed ] || [ "$(node_state)" = allocated ]; then
    echo "slurm already up: node $HOST $(node_state) ($DIR)"
    exit 0
  fi
fi
# Partly running (a crash, a killed test): stop what is left by PID file, then start clean.
"$HERE"/stop.sh "$DIR" >/dev/null 2>&1 || true

sed -e "s#@DIR@#$DIR#g" -e "s#@HOST@#$HOST#g" -e "s#@CPUS@#$CPUS#g" "$HERE"/slurm.conf.template > "$DIR"/slurm.conf
chmod 0755 "$DIR"/run/munge
[ -s "$DIR"/munge/munge.key ] || dd if=/dev/urandom of="$DIR"/munge/munge.key bs=1024 count=1 status=none
chmod 0700 "$DIR"/munge
chmod 0400 "$DIR"/munge/munge.key
munged --key-file="$DIR"/munge/munge.key --socket="$MUNGE_SOCKET" --pid-file="$DIR"/run/munge/munged.pid \
       --log-file="$DIR"/log/munged.log --seed-file="$DIR"/munge/munged.seed --force
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N "$HOST"
st=""
for _ in $(seq 1 300); do
  st=$(node_state); [ "$st" = idle ] && break; sleep 0.1
done
if [ "$st" != idle ]; then
  echo "start.sh: node $HOST did not become idle (state '${st:-unknown}'); see $DIR/log/" >&2
  tail -5 "$DIR"/log/slurmctld.log "$DIR"/log/slurmd.log >&2 || true
  exit 1
fi
echo "slurm up: node $HOST idle ($DIR)"

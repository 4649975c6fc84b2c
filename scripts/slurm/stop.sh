#!/bin/bash
# Stops the private Slurm + munge started by start.sh for DIR, by PID file only (never by process
# name: other Slurm or munge instances on the machine are left alone). Idempotent.
DIR=${1:-${TMPDIR:-/tmp}/paraforge-slurm}
for f in "$DIR"/run/slurmd.pid "$DIR"/run/slurmctld.pid "$DIR"/run/munge/munged.pid; do
  [ -s "$f" ] || continue
  p=$(cat "$f")
  if kill -0 "$p" 2>/dev/null; then
    kill -TERM "$p" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p"
  fi
  rm -f "$f"
done
echo "slurm stopped ($DIR)"

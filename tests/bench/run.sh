#!/bin/sh
# run.sh - runs every tests/bench/bench_*.sh and prints their reports.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export CLINECFG_TOP="$TOP"
for b in "$TOP"/tests/bench/bench_*.sh; do
  [ -f "$b" ] || continue
  echo "== $(basename "$b" .sh)"
  sh "$b"
done

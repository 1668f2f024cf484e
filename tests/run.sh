#!/bin/sh
# run.sh - runs every unit test binary and integration script and ends with
# one summary line.  A test exits 0 (pass), 77 (skip, with a reason printed)
# or anything else (fail).  CLINECFG_VALGRIND=1 runs everything under
# valgrind; TESTS="pattern" limits the run to matching names.
set -u
: "${CLINECFG_BUILD:?}" "${CLINECFG_BIN:?}"
export CLINECFG_BIN CLINECFG_BUILD
TOP=$(cd "$(dirname "$0")/.." && pwd)
export CLINECFG_TOP="$TOP"
pass=0 fail=0 skip=0 failed=""
VG=""
if [ "${CLINECFG_VALGRIND:-}" = 1 ]; then
  VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --suppressions=$TOP/tests/valgrind.supp"
  export CLINECFG_WRAP="$VG"
fi
LOGDIR="$CLINECFG_BUILD/test-logs"
mkdir -p "$LOGDIR"

run_one() { # name command...
  name=$1; shift
  case "$name" in *${TESTS:-}*) ;; *) return;; esac
  log="$LOGDIR/$name.log"; mkdir -p "$(dirname "$log")"
  "$@" >"$log" 2>&1
  rc=$?
  if [ $rc = 0 ]; then pass=$((pass+1)); echo "PASS $name"
  elif [ $rc = 77 ]; then skip=$((skip+1)); echo "SKIP $name: $(tail -n 1 "$log")"
  else fail=$((fail+1)); failed="$failed $name"; echo "FAIL $name (exit $rc, log $log)"; tail -n 30 "$log" | sed 's/^/    /'
  fi
}

for t in "$CLINECFG_BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  n=$(basename "$t")
  # cmocka tests find their data relative to the source tree.
  ( cd "$TOP" && run_one "unit/$n" $VG "$t" )
  # propagate counters from the subshell through a file
done 2>/dev/null | tee "$LOGDIR/unit.summary"
pass=$(grep -c '^PASS' "$LOGDIR/unit.summary"); fail=$(grep -c '^FAIL' "$LOGDIR/unit.summary"); skip=$(grep -c '^SKIP' "$LOGDIR/unit.summary")
failed=$(grep '^FAIL' "$LOGDIR/unit.summary" | awk '{printf " %s", $2}')

for t in "$TOP"/tests/integration/*.sh "$TOP"/tests/e2e/*.sh; do
  [ -f "$t" ] || continue
  kind=$(basename "$(dirname "$t")")
  run_one "$kind/$(basename "$t" .sh)" sh "$t"
done

echo "clinecfg tests: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ] || { echo "failed:$failed"; exit 1; }

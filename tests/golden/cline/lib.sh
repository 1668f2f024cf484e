# lib.sh - helpers for the Cline target tests (tests/integration/cline_*.sh,
# tests/e2e/cline_e2e.sh).  Source after tests/lib.sh.
#
#   cline_driver_build     sets $CLINE_DRIVER to the driver `make unit` built from driver.c
#   run_drv ARGS...        runs the driver like run_cc: sets $rc, $out, $err
#   expect_drv N ARGS...   run_drv and fail unless the exit code is N
#   tree_snapshot DIR      prints "mode size sha256 path" (and link targets) for every entry under DIR
GOLDEN_CLINE="$CLINECFG_TOP/tests/golden/cline"

cline_driver_build() {
  CLINE_DRIVER="$CLINECFG_BUILD/tests/cline_driver"
  [ -x "$CLINE_DRIVER" ] || fail "no $CLINE_DRIVER: 'make unit' builds the test drivers"
  export CLINE_DRIVER
}

run_drv() { run_prog "$CLINE_DRIVER" "$@"; }
expect_drv() { want_rc=$1; shift; expect_prog_rc "$want_rc" "$CLINE_DRIVER" "$@"; }

tree_snapshot() {
  ( cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r p; do
      if [ -L "$p" ]; then echo "link $p -> $(readlink "$p")"
      elif [ -d "$p" ]; then echo "dir $(stat -c %a "$p") $p"
      else echo "file $(stat -c '%a %s' "$p") $(sha256sum < "$p" | cut -c1-64) $p"; fi
    done )
}

# JSON field from the driver's or clinecfg's --json output: json_get '.files[0].changed'
json_get() { printf '%s' "$out" | python3 -c 'import json,sys
v=json.load(sys.stdin)
for part in sys.argv[1].strip(".").replace("]","").split("."):
    if not part: continue
    for k in part.split("["):
        if k == "": continue
        v = v[int(k)] if k.isdigit() else v.get(k) if isinstance(v, dict) else None
print(json.dumps(v) if not isinstance(v, str) else v)' "$1"; }

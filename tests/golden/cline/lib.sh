# lib.sh - helpers for the Cline target tests (tests/integration/cline_*.sh,
# tests/e2e/cline_e2e.sh).  Source after tests/lib.sh.
#
#   cline_driver_build     compiles driver.c against $CLINECFG_BUILD/libclinecfg.a
#                          into $CLINE_DRIVER (skips the test when the library is missing)
#   run_drv ARGS...        runs the driver like run_cc: sets $rc, $out, $err
#   expect_drv N ARGS...   run_drv and fail unless the exit code is N
#   tree_snapshot DIR      prints "mode size sha256 path" (and link targets) for every entry under DIR
GOLDEN_CLINE="$CLINECFG_TOP/tests/golden/cline"

cline_driver_build() {
  lib="$CLINECFG_BUILD/libclinecfg.a"
  [ -f "$lib" ] || skip "no $lib (run make first)"
  CLINE_DRIVER="$CLINECFG_BUILD/tests/cline_driver"
  mkdir -p "$CLINECFG_BUILD/tests"
  if [ ! -x "$CLINE_DRIVER" ] || [ "$GOLDEN_CLINE/driver.c" -nt "$CLINE_DRIVER" ] || [ "$lib" -nt "$CLINE_DRIVER" ]; then
    cc_=${CC:-cc}
    san=""
    # a sanitizer build of the library needs the same runtime in the driver
    if nm "$lib" 2>/dev/null | grep -q '__asan_report'; then
      cc_=clang; san="-fsanitize=address,undefined -fno-omit-frame-pointer"
    fi
    pkgs="libcurl openssl libcjson libsecret-1"
    # shellcheck disable=SC2046
    $cc_ -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 $san -I"$CLINECFG_TOP/include" -I"$CLINECFG_BUILD/gen" \
      $(pkg-config --cflags $pkgs) -o "$CLINE_DRIVER.tmp.$$" "$GOLDEN_CLINE/driver.c" "$lib" \
      $(pkg-config --libs $pkgs) -lpthread || fail "cannot build the Cline test driver"
    mv -f "$CLINE_DRIVER.tmp.$$" "$CLINE_DRIVER"
  fi
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

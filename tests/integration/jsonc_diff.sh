#!/bin/sh
# jsonc_diff.sh - differential test of the JSONC editor against the anchor,
# npm jsonc-parser (modify + applyEdits): tests/diff/jsonc_diff.js generates
# JSONC_DIFF_COUNT (default 2500) seeded documents with comments and edits,
# tests/diff/jsonc_driver.c (built here against $CLINECFG_BUILD/libclinecfg.a)
# applies them with the C engine, and the results must parse to the same
# values, with every comment of the input kept.  The first
# JSONC_DIFF_CLI_COUNT documents (default 300; 30 under valgrind) go through
# `clinecfg config --file F set|unset` instead, with negative numbers given
# as plain arguments (issue 13: `config set /x -2.5`).  jsonc-parser is installed
# once into $CLINECFG_BUILD/npm-jsonc.  Skips when node/npm are missing.
. "$CLINECFG_TOP/tests/lib.sh"

command -v node >/dev/null 2>&1 || skip "node is not installed (needed to run jsonc-parser)"
BUILD=${CLINECFG_BUILD:-$CLINECFG_TOP/build}
LIB="$BUILD/libclinecfg.a"
[ -f "$LIB" ] || fail "$LIB not built"
CACHE="$BUILD/npm-jsonc"
if [ ! -f "$CACHE/node_modules/jsonc-parser/package.json" ]; then
  command -v npm >/dev/null 2>&1 || skip "npm is not installed (needed to fetch jsonc-parser)"
  mkdir -p "$CACHE"
  npm install --no-audit --no-fund --silent --prefix "$CACHE" jsonc-parser@3 >"$CACHE/install.log" 2>&1 ||
    skip "npm install jsonc-parser failed (offline?): $(tail -n 1 "$CACHE/install.log")"
fi
note "jsonc-parser $(node -p "require('$CACHE/node_modules/jsonc-parser/package.json').version")"

W=$(t_tmpdir)
# The driver is built by `make unit` with the library's own flags.
[ -x "$CLINECFG_BUILD/tests/jsonc_driver" ] || fail "no $CLINECFG_BUILD/tests/jsonc_driver: 'make unit' builds the test drivers"
DRIVER="$CLINECFG_BUILD/tests/jsonc_driver"
if [ -n "${CLINECFG_WRAP:-}" ]; then
  # under valgrind: one process runs every case, so leaks and errors show
  printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$CLINECFG_WRAP" "$CLINECFG_BUILD/tests/jsonc_driver" >"$W/wrapped"
  chmod +x "$W/wrapped"
  DRIVER="$W/wrapped"
fi
# The command line, wrapped like the driver; its backups go to a throwaway HOME.
t_home
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${CLINECFG_WRAP:-}" "$CLINECFG_BIN" >"$W/cli"
chmod +x "$W/cli"
CLI_COUNT=${JSONC_DIFF_CLI_COUNT:-300}
[ -z "${CLINECFG_WRAP:-}" ] || CLI_COUNT=${JSONC_DIFF_CLI_COUNT:-30}
node "$CLINECFG_TOP/tests/diff/jsonc_diff.js" "$CACHE/node_modules" "$DRIVER" "$W/cases" \
  "${JSONC_DIFF_COUNT:-2500}" "${JSONC_DIFF_SEED:-1}" "$W/cli" "$CLI_COUNT" || {
  rm -rf "$BUILD/jsonc-diff-failed"; cp -r "$W/cases" "$BUILD/jsonc-diff-failed"
  fail "differential test failed (cases copied to $BUILD/jsonc-diff-failed)"; }

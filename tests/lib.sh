# lib.sh - shared helpers for tests/integration/*.sh (POSIX sh).
#
#   . "$CLINECFG_TOP/tests/lib.sh"
#   t_home                      # throwaway HOME + file keyring; cleaned on exit
#   fake_aws_start [--seed F] [server args...]   # exports FAKE_AWS_URL, AWS_ENDPOINT_URL
#   run_cc ARGS...              # runs clinecfg; sets $rc, $out (stdout), $err (stderr file)
#   expect_rc N ARGS...         # run_cc and fail unless the exit code is N
#   assert_contains FILE TEXT / assert_not_contains FILE TEXT / fail MSG / skip MSG
#
# Tests exit 0 on success, 77 to skip (last line says why), anything else fails.
set -eu
: "${CLINECFG_BIN:?run through make check}"
: "${CLINECFG_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
CONFORMANCE="${CLINECFG_CONFORMANCE:-$CLINECFG_TOP/../shared/conformance}"
T_CLEANUP=""

t_cleanup() {
  for p in $T_PIDS; do kill "$p" 2>/dev/null || true; done
  [ -n "$T_CLEANUP" ] && rm -rf $T_CLEANUP
  return 0
}
T_PIDS=""
trap 't_cleanup' EXIT INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skipped: $*"; exit 77; }
note() { echo "-- $*" >&2; }

t_tmpdir() { d=$(mktemp -d "${TMPDIR:-/tmp}/clinecfg-test.XXXXXX"); T_CLEANUP="$T_CLEANUP $d"; echo "$d"; }

# A fresh HOME with nothing in it and libsecret's file back end (no D-Bus).
t_home() {
  T_HOME=$(t_tmpdir)
  export HOME="$T_HOME/home"
  mkdir -p "$HOME"
  export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state" XDG_DATA_HOME="$HOME/.local/share"
  export SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$T_HOME/test.keyring" SECRET_FILE_TEST_PASSWORD=test-password
  unset AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
        AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_BEDROCK AWS_ENDPOINT_URL_STS \
        AWS_ENDPOINT_URL_SSO AWS_ENDPOINT_URL_BEDROCK_RUNTIME AWS_CA_BUNDLE CLINE_DIR CLINE_DATA_DIR \
        CLINE_PROVIDER_SETTINGS_PATH DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR 2>/dev/null || true
  for v in $(env | sed -n 's/^\(CLINECFG_[A-Z_]*\)=.*/\1/p'); do
    case "$v" in CLINECFG_BIN|CLINECFG_TOP|CLINECFG_BUILD|CLINECFG_WRAP|CLINECFG_VALGRIND|CLINECFG_CONFORMANCE) ;; *) unset "$v";; esac
  done
  export CLINECFG_ORG_CONFIG="$T_HOME/etc-clinecfg-config.json"  # absent unless a test writes it
  # Tests hand setup keys in the environment; setup keeps them in the test
  # keyring for Cline (unset it to see setup refuse keys it cannot keep).
  export CLINECFG_STORE_ENV_KEYS=1
}

# run_prog PROGRAM ARGS...: runs PROGRAM (under $CLINECFG_WRAP) with stdout
# in $out, stderr in the file $err and the exit code in $rc; never fails.
run_prog() {
  prog=$1; shift
  err="$T_HOME/stderr.$$"
  set +e
  out=$(${CLINECFG_WRAP:-} "$prog" "$@" 2>"$err")
  rc=$?
  set -e
  return 0
}

# expect_prog_rc WANT PROGRAM ARGS...: run_prog, and fail with everything it
# printed unless it exited WANT.
expect_prog_rc() {
  want=$1; shift
  run_prog "$@"
  if [ "$rc" != "$want" ]; then
    echo "command: $*" >&2; echo "stdout: $out" >&2; echo "stderr:" >&2; cat "$err" >&2
    fail "expected exit $want, got $rc"
  fi
}

run_cc() { run_prog "$CLINECFG_BIN" "$@"; }
expect_rc() { want_rc=$1; shift; expect_prog_rc "$want_rc" "$CLINECFG_BIN" "$@"; }

assert_contains() { grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; cat "$1" >&2; fail "'$2' not found in $1"; }; }
assert_not_contains() { if grep -qF -- "$2" "$1"; then fail "'$2' unexpectedly found in $1"; fi; }
assert_eq() { [ "$1" = "$2" ] || fail "expected '$2', got '$1' ${3:-}"; }

# Starts the loopback AWS emulator.  Default seed: tests/fake_aws/seed-default.json.
fake_aws_start() {
  seed="$CLINECFG_TOP/tests/fake_aws/seed-default.json"
  if [ "${1:-}" = "--seed" ]; then seed=$2; shift 2; fi
  FAKE_AWS_DIR=$(t_tmpdir)
  python3 "$CLINECFG_TOP/tests/fake_aws/server.py" --seed "$seed" --port-file "$FAKE_AWS_DIR/port" \
    --log "$FAKE_AWS_DIR/requests.jsonl" --lifetime 600 "$@" >"$FAKE_AWS_DIR/server.log" 2>&1 &
  T_PIDS="$T_PIDS $!"
  i=0
  while [ ! -s "$FAKE_AWS_DIR/port" ]; do
    i=$((i+1)); [ $i -lt 100 ] || { cat "$FAKE_AWS_DIR/server.log" >&2; fail "fake_aws did not start"; }
    sleep 0.1
  done
  FAKE_AWS_PORT=$(cat "$FAKE_AWS_DIR/port")
  FAKE_AWS_URL="http://127.0.0.1:$FAKE_AWS_PORT"
  export FAKE_AWS_URL FAKE_AWS_PORT FAKE_AWS_DIR AWS_ENDPOINT_URL="$FAKE_AWS_URL"
}

# Checks the last run_cc stdout with a jq expression (dash's echo would
# mangle JSON escapes, so always go through printf).
# The emulator writes its request log just after it answers, so a client can
# return before the line is there: retry a check of the log for up to 5 s.
await_log() { # CMD...: succeeds as soon as CMD does
  i=0
  until "$@"; do i=$((i+1)); [ $i -lt 50 ] || return 1; sleep 0.1; done
}

json_ok() { printf '%s\n' "$out" | jq -e "$@" >/dev/null 2>&1 || fail "jq $* failed on: $out"; }

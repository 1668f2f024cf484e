#!/bin/sh
# The keyring against a real Secret Service: gnome-keyring on a private
# D-Bus session (dbus-run-session), as CI runs it.
#  - store, lookup, replace, delete and credential-process work, with one
#    item per (account, kind), stable attributes and the private schema;
#  - each diagnosed condition gives its own err code, message and exit 7:
#    no D-Bus session; a bus with no Secret Service; KWallet without the
#    Secret Service API; no default collection with -y; a locked collection
#    with -y; an unlock prompt that cannot be shown (dismissed); an unlock
#    prompt nobody answers (bounded by CLINECFG_KEYRING_TIMEOUT);
#  - no secret in argv, stderr or any file under HOME.
# Skips (exit 77) when dbus-run-session, gnome-keyring-daemon, secret-tool
# or gdbus are missing.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/integration/keyring_common.sh.inc"

for tool in dbus-run-session:dbus gnome-keyring-daemon:gnome-keyring secret-tool:libsecret-tools gdbus:libglib2.0-bin; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || skip "${tool%%:*} not installed (package ${tool#*:}); the real Secret Service tests need it"
done

# Waits until org.freedesktop.secrets has an owner on the current bus.
wait_for_secrets() {
  i=0
  until gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus -m org.freedesktop.DBus.NameHasOwner \
        org.freedesktop.secrets 2>/dev/null | grep -q true; do
    i=$((i+1)); [ $i -lt 100 ] || fail "gnome-keyring did not take org.freedesktop.secrets"
    sleep 0.05
  done
}

# A session bus config: only the service files in $1 (none of the system's).
bus_config() { # DIR SERVICE-DIR
  cat >"$1/session.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$1</listen>
  <servicedir>$2</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
}

# run_on_bus CONF ARGS...: clinecfg on a fresh private bus; sets rc, out, err.
run_on_bus() {
  conf=$1; shift
  err="$T_HOME/stderr.bus"
  set +e
  out=$(dbus-run-session --config-file="$conf" -- ${CLINECFG_WRAP:-} "$CLINECFG_BIN" "$@" 2>"$err")
  rc=$?
  set -e
  grep -v 'fd limit\|dbus-daemon\[' "$err" >"$err.clean" || true
  mv "$err.clean" "$err"
  cat "$err" >>"$T_HOME/all-stderr.log"
}

expect_keyring_error() { # CODE TEXT: the last run failed with exit 7, that code, that text
  [ "$rc" = 7 ] || { echo "stdout: $out" >&2; cat "$err" >&2; fail "expected exit 7 ($1), got $rc"; }
  code=$(json_get error | python3 -c 'import ast,sys; print(ast.literal_eval(sys.stdin.read())["code"])')
  assert_eq "$code" "$1" "(error code)"
  printf '%s' "$out" | grep -qF -- "$2" || fail "message for $1 lacks '$2': $out"
  printf '%s' "$out" | grep -q '"hint":"[^"]' || fail "no hint for $1: $out"
}

if [ "${KR_STAGE:-}" = "" ]; then
  t_home
  unset SECRET_BACKEND SECRET_FILE_TEST_PATH SECRET_FILE_TEST_PASSWORD
  export XDG_RUNTIME_DIR="$T_HOME/run"
  mkdir -m 700 "$XDG_RUNTIME_DIR"
  fake_aws_start
  export AWS_REGION=ap-northeast-1 T_HOME KR_STAGE=main
  # HOME is set before the bus starts: services it activates inherit it.
  set +e
  dbus-run-session -- sh -c 'echo test-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec sh "$0"' "$0" \
    >"$T_HOME/session.log" 2>&1
  rc=$?
  set -e
  grep -v 'fd limit\|dbus-daemon\[' "$T_HOME/session.log" || true
  exit $rc
fi

if [ "$KR_STAGE" = main ]; then
  T_PIDS=""
  T_CLEANUP=""
  wait_for_secrets
  printf '%s\n' "$ALICE_SECRET" >"$T_HOME/alice.secret"
  : >"$T_HOME/empty"
  items() { secret-tool search --all service clinecfg "$@" 2>&1 | grep -c '^attribute.kind' || true; }
  argv_watch_start

  # Store + lookup through login / credential-process.
  expect_in 0 "$T_HOME/alice.secret" --json login --access-key-id "$ALICE_ID" --secret-stdin
  case "$(json_get keyring)" in "Secret Service"*) ;; *) fail "not the Secret Service: $(json_get keyring)";; esac
  assert_eq "$(items account default)" 1
  secret-tool search --all service clinecfg account default kind long-term 2>&1 | grep -v '^secret = ' >"$T_HOME/item.txt" || true
  assert_contains "$T_HOME/item.txt" "schema = io.clinecfg.Credential"
  assert_contains "$T_HOME/item.txt" "attribute.service = clinecfg"
  assert_contains "$T_HOME/item.txt" "attribute.account = default"
  secret-tool lookup service clinecfg account default kind long-term | python3 -c '
import json,sys
d=json.load(sys.stdin)
assert d["version"]==1 and d["type"]=="long-term" and d["access_key_id"]=="AKIAFAKEALICE0000000", d
assert d["arn"]=="arn:aws:iam::123456789012:user/alice", d' || fail "the stored payload is not ours"

  expect_in 0 "$T_HOME/empty" credential-process
  printf '%s' "$out" >"$T_HOME/cp1.json"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["Version"]==1 and d["SessionToken"] and d["Expiration"]' \
    "$T_HOME/cp1.json" || fail "credential-process output: $out"
  SESSION_SECRET=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["SecretAccessKey"])' "$T_HOME/cp1.json")
  SESSION_TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["SessionToken"])' "$T_HOME/cp1.json")
  assert_eq "$(items account default)" 2
  n=$(grep -c '"op":"GetSessionToken"' "$FAKE_AWS_DIR/requests.jsonl")
  expect_in 0 "$T_HOME/empty" credential-process
  printf '%s' "$out" | cmp -s - "$T_HOME/cp1.json" || fail "the cached lookup returned other credentials"
  assert_eq "$(grep -c '"op":"GetSessionToken"' "$FAKE_AWS_DIR/requests.jsonl")" "$n" "(cached: no STS call)"

  # Replace: still one long-term item, and the stale session is gone.
  expect_in 0 "$T_HOME/alice.secret" login --access-key-id "$ALICE_ID" --secret-stdin
  assert_eq "$(items account default kind long-term)" 1
  assert_eq "$(items account default kind session)" 0
  expect_in 0 "$T_HOME/empty" credential-process
  assert_eq "$(items account default)" 2

  # Delete.
  expect_in 0 "$T_HOME/empty" --json logout
  assert_eq "$(json_get removed)" "True"
  assert_eq "$(items account default)" 0
  expect_in 4 "$T_HOME/empty" credential-process
  expect_in 0 "$T_HOME/alice.secret" login --access-key-id "$ALICE_ID" --secret-stdin

  # No D-Bus session at all (with and without -y).
  mkdir -p "$T_HOME/empty-run"
  for y in -y ""; do
    rc=0
    out=$(env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY XDG_RUNTIME_DIR="$T_HOME/empty-run" \
          ${CLINECFG_WRAP:-} "$CLINECFG_BIN" --json $y credential-process 2>"$T_HOME/e.txt") || rc=$?
    cat "$T_HOME/e.txt" >>"$T_HOME/all-stderr.log"
    expect_keyring_error keyring.no_dbus "DBUS_SESSION_BUS_ADDRESS is not set"
  done

  # A bus with no Secret Service (nothing activatable either).
  mkdir -p "$T_HOME/bus-none/services"
  bus_config "$T_HOME/bus-none" "$T_HOME/bus-none/services"
  run_on_bus "$T_HOME/bus-none/session.conf" --json -y credential-process
  expect_keyring_error keyring.no_secret_service "nothing provides the Secret Service"
  printf '%s' "$out" | grep -q 'gnome-keyring' || fail "the hint must name gnome-keyring"
  printf '%s' "$out" | grep -q 'KeePassXC' || fail "the hint must name KeePassXC"
  run_on_bus "$T_HOME/bus-none/session.conf" --json credential-process
  expect_keyring_error keyring.no_secret_service "nothing provides the Secret Service"

  # KWallet on the bus, without the Secret Service API.
  mkdir -p "$T_HOME/bus-kwallet/services"
  printf '[D-BUS Service]\nName=org.kde.kwalletd5\nExec=/bin/false\n' \
    >"$T_HOME/bus-kwallet/services/org.kde.kwalletd5.service"
  bus_config "$T_HOME/bus-kwallet" "$T_HOME/bus-kwallet/services"
  run_on_bus "$T_HOME/bus-kwallet/session.conf" --json -y credential-process
  expect_keyring_error keyring.kwallet "KWallet (org.kde.kwalletd5)"

  # Locked collection with -y: refused before any prompt, for every command.
  gdbus call --session -d org.freedesktop.secrets -o /org/freedesktop/secrets \
    -m org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null
  expect_in 7 "$T_HOME/empty" --json -y credential-process
  expect_keyring_error keyring.locked "-y forbids the unlock prompt"
  expect_in 7 "$T_HOME/alice.secret" --json -y login --access-key-id "$ALICE_ID" --secret-stdin
  expect_keyring_error keyring.locked "-y forbids the unlock prompt"
  expect_in 7 "$T_HOME/empty" --json -y logout
  expect_keyring_error keyring.locked "-y forbids the unlock prompt"

  # Locked, prompts allowed, but no prompter can show itself (no display):
  # gnome-keyring dismisses the prompt; reported as such, before the keyring
  # timeout (20 s here) would have ended the wait: each command is timed on
  # its own, so a slow machine (valgrind) does not add the three up.
  dismissed_before_timeout() { # STDIN-FILE ARGS...
    start=$(date +%s)
    CLINECFG_KEYRING_TIMEOUT=20 expect_in 7 "$@"
    expect_keyring_error keyring.dismissed "dismissed"
    [ $(( $(date +%s) - start )) -lt 20 ] || fail "$*: a prompt that cannot be shown waited for the keyring timeout"
  }
  dismissed_before_timeout "$T_HOME/empty" --json credential-process
  dismissed_before_timeout "$T_HOME/empty" --json logout
  dismissed_before_timeout "$T_HOME/alice.secret" --json login --account other --access-key-id "$ALICE_ID" --secret-stdin

  # Unlocked again (replace the daemon with an unlocked one): works again.
  echo test-pw | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null 2>&1
  sleep 0.5
  wait_for_secrets
  expect_in 0 "$T_HOME/empty" credential-process
  expect_in 0 "$T_HOME/empty" -y credential-process

  argv_watch_stop
  assert_no_secret "$ALICE_SECRET" "$SESSION_SECRET" "$SESSION_TOKEN"

  # An unlock prompt nobody answers: a prompter that never starts.
  mkdir -p "$T_HOME/bus-hang/services"
  for p in SystemPrompter PrivatePrompter; do
    printf '[D-BUS Service]\nName=org.gnome.keyring.%s\nExec=/bin/sleep 60\n' "$p" \
      >"$T_HOME/bus-hang/services/org.gnome.keyring.$p.service"
  done
  bus_config "$T_HOME/bus-hang" "$T_HOME/bus-hang/services"
  KR_STAGE=hang dbus-run-session --config-file="$T_HOME/bus-hang/session.conf" -- sh -c \
    'echo test-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec sh "$0"' "$0" \
    || fail "the hung-prompt stage failed"

  # No default collection yet (a fresh keyring daemon, never unlocked), -y.
  mkdir -p "$T_HOME/bus-fresh/services" "$T_HOME/fresh-home"
  bus_config "$T_HOME/bus-fresh" "$T_HOME/bus-fresh/services"
  HOME="$T_HOME/fresh-home" XDG_DATA_HOME="$T_HOME/fresh-home/.local/share" KR_STAGE=fresh \
    dbus-run-session --config-file="$T_HOME/bus-fresh/session.conf" -- sh -c \
    'gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1; exec sh "$0"' "$0" \
    || fail "the no-default-collection stage failed"
  echo "ok"
  exit 0
fi

if [ "$KR_STAGE" = hang ]; then
  T_PIDS=""
  T_CLEANUP=""
  wait_for_secrets
  printf '{"version":1,"type":"session"}' | secret-tool store --label=t service clinecfg account default kind session \
    xdg:schema io.clinecfg.Credential
  gdbus call --session -d org.freedesktop.secrets -o /org/freedesktop/secrets \
    -m org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null
  start=$(date +%s)
  CLINECFG_KEYRING_TIMEOUT=2 expect_in 7 "$T_HOME/empty" --json credential-process
  elapsed=$(( $(date +%s) - start ))
  expect_keyring_error keyring.timeout "did not answer within 2.0 s"
  printf '%s' "$out" | grep -q "unlock prompt was not answered" || fail "the timeout must say it was the unlock prompt"
  [ "$elapsed" -le 8 ] || fail "a 2 s keyring timeout took ${elapsed}s"
  exit 0
fi

if [ "$KR_STAGE" = fresh ]; then
  T_PIDS=""
  T_CLEANUP=""
  wait_for_secrets
  expect_in 7 "$T_HOME/empty" --json -y credential-process
  expect_keyring_error keyring.no_default_collection "no default keyring yet"
  expect_in 0 "$T_HOME/empty" --json logout
  assert_eq "$(json_get removed)" "False"
  exit 0
fi
fail "unknown KR_STAGE=$KR_STAGE"

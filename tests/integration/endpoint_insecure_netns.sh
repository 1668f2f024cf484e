#!/bin/sh
# endpoint_insecure_netns.sh - plain http:// to a host other than this
# machine is refused before any request leaves (exit 4, naming the endpoint
# and --allow-insecure-endpoint); with the flag the request goes out and a
# warning is printed.  And a stalled endpoint holds credential-process only
# for its deadline (CLINECFG_CREDENTIAL_TIMEOUT, default 20 s), not for
# 3 x 30 s: exit 6 naming the endpoint.
#
# Runs inside a network namespace of its own (unshare -n) whose loopback
# device also carries the TEST-NET address 198.51.100.7: no test traffic can
# reach a real non-loopback host.
. "$CLINECFG_TOP/tests/lib.sh"
if [ -z "${CLINECFG_IN_NETNS:-}" ]; then
  command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 || skip "unshare or ip is not installed"
  if unshare -n true 2>/dev/null; then how="-n"
  elif unshare -rn true 2>/dev/null; then how="-rn"
  else skip "cannot create a network namespace (unshare -n)"; fi
  trap - EXIT INT TERM
  CLINECFG_IN_NETNS=1 exec unshare $how sh "$0" "$@"
fi
ip link set lo up
ip addr add 198.51.100.7/32 dev lo
. "$CLINECFG_TOP/tests/integration/keyring_common.sh.inc"
t_home
fake_aws_start
printf '%s\n' "$ALICE_SECRET" >"$T_HOME/alice.secret"
expect_in 0 "$T_HOME/alice.secret" login --access-key-id "$ALICE_ID" --secret-stdin --region ap-northeast-1
unset AWS_ENDPOINT_URL

# listen HOST MODE: starts tcp_listener.py; sets $L_PORT and $L_LOG.
listen() {
  L_DIR=$(t_tmpdir)
  python3 "$CLINECFG_TOP/tests/integration/tcp_listener.py" "$1" "$L_DIR/port" "$L_DIR/requests" "$2" \
    >"$L_DIR/log" 2>&1 &
  T_PIDS="$T_PIDS $!"
  : >"$L_DIR/requests"
  i=0
  while [ ! -s "$L_DIR/port" ]; do
    i=$((i+1)); [ $i -lt 100 ] || { cat "$L_DIR/log" >&2; fail "listener on $1 did not start"; }
    sleep 0.1
  done
  L_PORT=$(cat "$L_DIR/port")
  L_LOG="$L_DIR/requests"
}
requests() { wc -l <"$L_LOG" | tr -d ' '; }

listen 198.51.100.7 answer
LAN="http://198.51.100.7:$L_PORT"

note "credential-process to a plain-http non-loopback endpoint: refused, nothing sent"
AWS_ENDPOINT_URL="$LAN" expect_rc 4 credential-process
assert_contains "$err" "$LAN"
assert_contains "$err" "--allow-insecure-endpoint"
sleep 0.3
assert_eq "$(requests)" 0 "(requests that reached $LAN without the flag)"

note "the same through AWS_ENDPOINT_URL_STS, and for whoami through a profile endpoint_url"
AWS_ENDPOINT_URL_STS="$LAN" expect_rc 4 credential-process
assert_contains "$err" "--allow-insecure-endpoint"
mkdir -p "$HOME/.aws"
printf '[default]\nendpoint_url = %s\n' "$LAN" >"$HOME/.aws/config"
AWS_ACCESS_KEY_ID=$ALICE_ID AWS_SECRET_ACCESS_KEY=$ALICE_SECRET expect_rc 4 whoami --region ap-northeast-1
assert_contains "$err" "$LAN"
rm "$HOME/.aws/config"
sleep 0.3
assert_eq "$(requests)" 0 "(requests that reached $LAN without the flag)"

note "loopback over plain http stays allowed"
AWS_ENDPOINT_URL="$FAKE_AWS_URL" expect_rc 0 credential-process
assert_not_contains "$err" "warning"
# login again drops the cached session, so the next credential-process calls STS
AWS_ENDPOINT_URL="$FAKE_AWS_URL" expect_in 0 "$T_HOME/alice.secret" login --access-key-id "$ALICE_ID" --secret-stdin \
  --region ap-northeast-1

note "with --allow-insecure-endpoint the request goes out, with a warning"
AWS_ENDPOINT_URL="$LAN" run_cc --allow-insecure-endpoint credential-process
[ "$rc" != 0 ] || fail "the listener answers 400, yet credential-process succeeded"
[ "$rc" != 4 ] || { cat "$err" >&2; fail "refused although --allow-insecure-endpoint was given"; }
assert_contains "$err" "warning"
assert_contains "$err" "http://198.51.100.7:$L_PORT"
await_log sh -c "[ \"\$(wc -l <'$L_LOG')\" -gt 0 ]" || fail "no request reached $LAN with the flag"
grep -q '^POST /' "$L_LOG" || fail "unexpected request at the listener: $(cat "$L_LOG")"

note "a stalled endpoint: credential-process gives up within its deadline, exit 6, naming it"
listen 127.0.0.1 stall
STALL="http://127.0.0.1:$L_PORT"
start=$(date +%s)
AWS_ENDPOINT_URL="$STALL" CLINECFG_CREDENTIAL_TIMEOUT=3 run_cc credential-process
took=$(( $(date +%s) - start ))
[ "$rc" = 6 ] || { cat "$err" >&2; fail "stalled endpoint: exit $rc, want 6"; }
assert_contains "$err" "127.0.0.1:$L_PORT"
[ "$took" -le 13 ] || fail "credential-process took $took s with CLINECFG_CREDENTIAL_TIMEOUT=3"

note "the default deadline is 20 s (not 3 x 30 s)"
start=$(date +%s)
AWS_ENDPOINT_URL="$STALL" run_cc credential-process
took=$(( $(date +%s) - start ))
[ "$rc" = 6 ] || { cat "$err" >&2; fail "stalled endpoint: exit $rc, want 6"; }
assert_contains "$err" "127.0.0.1:$L_PORT"
[ "$took" -le 35 ] || fail "credential-process took $took s with the default deadline"

note "a bad CLINECFG_CREDENTIAL_TIMEOUT is named"
AWS_ENDPOINT_URL="$STALL" CLINECFG_CREDENTIAL_TIMEOUT=soon expect_rc 4 credential-process
assert_contains "$err" "CLINECFG_CREDENTIAL_TIMEOUT"
echo "ok"

#!/bin/sh
# aws_keepalive.sh - connection reuse and TLS of the HTTP client against the
# loopback emulator, driven by build/tests/test_http --driver:
#   - 200 sequential calls use one TCP connection (emulator counts them);
#   - 60 calls at most 4 in flight open at most 4 connections;
#   - HTTPS with the emulator's CA (ca_bundle) works and keeps its one
#     connection; without that CA the call fails (exit 6) with a TLS hint
#     and is not retried: verification is always on;
#   - http_proxy from the environment is used (the emulator serves
#     absolute-form requests, so the real AWS host name never resolves);
#     plain http:// to that host needs --allow-insecure-endpoint, and is
#     refused before anything is sent without it.
. "$CLINECFG_TOP/tests/lib.sh"

DRIVER="$CLINECFG_BUILD/tests/test_http"
[ -x "$DRIVER" ] || skip "driver $DRIVER not built (run make unit first)"
[ -f "$CLINECFG_TOP/tests/fake_aws/server.py" ] || skip "emulator tests/fake_aws/server.py not present yet"
t_home
SEED="$CLINECFG_TOP/tests/fake_aws/seed-default.json"
seed_field() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([u for u in d["users"] if u["name"]==sys.argv[2]][0][sys.argv[3]])' "$SEED" "$1" "$2"
}
stat_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
json_field() { printf '%s' "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"; }
admin_stats() { curl -sS --noproxy '*' "$FAKE_AWS_URL/__admin/stats" >"$1" || fail "cannot read emulator stats"; }

AWS_ACCESS_KEY_ID=$(seed_field alice access_key_id)
AWS_SECRET_ACCESS_KEY=$(seed_field alice secret_access_key)
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
unset AWS_SESSION_TOKEN
D="$T_HOME/out"
mkdir -p "$D"
drive() {
  set +e
  summary=$(${CLINECFG_WRAP:-} "$DRIVER" --driver "$@" 2>"$D/$name.err")
  drc=$?
  set -e
}

# ---- 200 sequential calls, one connection
fake_aws_start --seed "$SEED" --tls-dir "$D/tls"
name=seq; drive --url "$FAKE_AWS_URL" --calls 200
admin_stats "$D/seq.json"
note "seq: $summary; connections $(stat_field "$D/seq.json" connections_opened)"
[ "$drc" = 0 ] || { cat "$D/$name.err" >&2; fail "sequential calls failed: exit $drc"; }
assert_eq "$(stat_field "$D/seq.json" requests_total)" 200 "requests seen by the emulator"
assert_eq "$(stat_field "$D/seq.json" connections_opened)" 1 "TCP connections for 200 sequential calls"

# ---- bounded concurrency: 4 in flight, 30 ms latency per request
curl -fsS --noproxy '*' -X POST -H 'Content-Type: application/json' -d '{"latency_ms":30}' \
  "$FAKE_AWS_URL/__admin/knobs" >/dev/null || fail "cannot set emulator latency"
admin_stats "$D/before-multi.json"
before=$(stat_field "$D/before-multi.json" connections_opened)
name=multi; drive --url "$FAKE_AWS_URL" --calls 60 --concurrency 4
admin_stats "$D/multi.json"
note "multi: $summary; connections $(stat_field "$D/multi.json" connections_opened) (before $before)"
[ "$drc" = 0 ] || { cat "$D/$name.err" >&2; fail "concurrent calls failed: exit $drc"; }
opened=$(( $(stat_field "$D/multi.json" connections_opened) - before ))
[ "$opened" -le 4 ] || fail "60 calls with 4 in flight opened $opened connections"

# ---- HTTPS with the emulator's CA
i=0
while [ ! -s "$D/tls/port" ]; do i=$((i+1)); [ $i -lt 100 ] || fail "emulator wrote no TLS port"; sleep 0.1; done
TLS_URL="https://localhost:$(cat "$D/tls/port")"
admin_stats "$D/before-tls.json"
before=$(stat_field "$D/before-tls.json" connections_opened)
name=tls; drive --url "$TLS_URL" --calls 50 --ca-bundle "$D/tls/ca.pem"
admin_stats "$D/tls.json"
note "tls: $summary"
[ "$drc" = 0 ] || { cat "$D/$name.err" >&2; fail "HTTPS with ca_bundle failed: exit $drc"; }
assert_eq "$(json_field "$summary" ok)" 50
assert_eq "$(( $(stat_field "$D/tls.json" connections_opened) - before ))" 1 "TLS connections for 50 sequential calls"

# ---- HTTPS without it: verification fails, no retry, exit 6 with a hint
name=tls_untrusted; drive --url "$TLS_URL" --calls 1
note "tls_untrusted: $summary"
assert_eq "$drc" 6 "untrusted certificate"
assert_eq "$(json_field "$summary" max_attempts_seen)" 1 "TLS failures are not retried"
assert_contains "$D/tls_untrusted.err" "AWS_CA_BUNDLE"
# ---- proxy from the environment: the request for the real host name goes to the emulator
admin_stats "$D/before-proxy.json"
before=$(stat_field "$D/before-proxy.json" requests_total)
set +e
http_proxy="$FAKE_AWS_URL" no_proxy= NO_PROXY= ${CLINECFG_WRAP:-} "$DRIVER" --driver \
  --url http://bedrock.ap-northeast-1.amazonaws.com --calls 1 --connect-timeout-ms 2000 >/dev/null 2>"$D/proxy-refused.err"
drc=$?
set -e
[ "$drc" = 4 ] || { cat "$D/proxy-refused.err" >&2; fail "plain http:// to an AWS host without the flag: exit $drc, want 4"; }
assert_contains "$D/proxy-refused.err" "--allow-insecure-endpoint"
admin_stats "$D/proxy-refused.json"
assert_eq "$(stat_field "$D/proxy-refused.json" requests_total)" "$before" "(requests sent without the flag)"
name=proxy
set +e
summary=$(http_proxy="$FAKE_AWS_URL" no_proxy= NO_PROXY= ${CLINECFG_WRAP:-} "$DRIVER" --driver \
  --url http://bedrock.ap-northeast-1.amazonaws.com --calls 2 --connect-timeout-ms 2000 --allow-insecure-endpoint \
  2>"$D/proxy.err")
drc=$?
set -e
admin_stats "$D/proxy.json"
note "proxy: $summary"
[ "$drc" = 0 ] || { cat "$D/proxy.err" >&2; fail "call through http_proxy failed: exit $drc"; }
assert_eq "$(( $(stat_field "$D/proxy.json" requests_total) - before ))" 2 "requests through the proxy"
echo "aws_keepalive: ok"

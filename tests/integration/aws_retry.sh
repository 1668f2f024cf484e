#!/bin/sh
# aws_retry.sh - the HTTP client's retry rules against the loopback emulator,
# driven by build/tests/test_http --driver (raw signed GET
# /inference-profiles/<id> calls through http_aws_call):
#   - 30% injected 500s: 200 calls all succeed, <= 3 attempts each, one
#     invocation id per call, never more than two failures in a row;
#   - dropped connections are retried too;
#   - throttling: the client backs off and succeeds;
#   - the emulator's clock an hour ahead: the client corrects its clock;
#   - unknown key: exit 5 without retries;
#   - service down: exit 6 within the configured bound;
#   - -v output never shows the secret key or the session token.
. "$CLINECFG_TOP/tests/lib.sh"

DRIVER="$CLINECFG_BUILD/tests/test_http"
[ -x "$DRIVER" ] || skip "driver $DRIVER not built (run make unit first)"
[ -f "$CLINECFG_TOP/tests/fake_aws/server.py" ] || skip "emulator tests/fake_aws/server.py not present yet"
t_home
SEED="$CLINECFG_TOP/tests/fake_aws/seed-default.json"
seed_field() { # user field
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([u for u in d["users"] if u["name"]==sys.argv[2]][0][sys.argv[3]])' "$SEED" "$1" "$2"
}
stat_field() { # json-file key
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}
json_field() { # json-text key
  printf '%s' "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}
admin_stats() { curl -sS --noproxy '*' "$FAKE_AWS_URL/__admin/stats" >"$1" || fail "cannot read emulator stats"; }

# carol: temporary credentials (key + secret + session token) from the seed
AWS_ACCESS_KEY_ID=$(seed_field carol access_key_id)
AWS_SECRET_ACCESS_KEY=$(seed_field carol secret_access_key)
AWS_SESSION_TOKEN=$(seed_field carol session_token)
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
D="$T_HOME/out"
mkdir -p "$D"

drive() { # name args... ; sets $summary and $drc
  set +e
  summary=$(${CLINECFG_WRAP:-} "$DRIVER" --driver "$@" 2>"$D/$name.err")
  drc=$?
  set -e
}

# ---- 30% injected 500s, sequential
fake_aws_start --seed "$SEED" --fail-rate 0.3 --fail-seed 7
name=fail30; drive --url "$FAKE_AWS_URL" --calls 200
admin_stats "$D/stats-fail30.json"
note "fail30: $summary"
[ "$drc" = 0 ] || { cat "$D/$name.err" >&2; fail "200 calls with 30% injected 500s: driver exit $drc"; }
assert_eq "$(json_field "$summary" ok)" 200 "calls succeeded"
[ "$(json_field "$summary" max_attempts_seen)" -le 3 ] || fail "a call used more than 3 attempts"
S="$D/stats-fail30.json"
[ "$(stat_field "$S" injected_failures)" -ge 30 ] || fail "emulator injected too few failures to test anything: $(cat "$S")"
[ "$(stat_field "$S" max_attempts_per_invocation)" -le 3 ] || fail "emulator saw more than 3 attempts for one invocation id"
[ "$(stat_field "$S" max_consecutive_injected_failures)" -le 2 ] || fail "an invocation failed more than twice in a row"
assert_eq "$(stat_field "$S" invocation_ids)" 200 "one invocation id per logical call"
[ "$(stat_field "$S" max_attempt_header)" -ge 2 ] || fail "amz-sdk-request never reported a retry attempt"
injected=$(stat_field "$S" injected_failures)
total=$(stat_field "$S" requests_total)
assert_eq "$total" "$((200 + injected))" "requests = calls + injected failures"

# ---- the same, 8 at a time through curl multi
name=fail30multi; drive --url "$FAKE_AWS_URL" --calls 100 --concurrency 8
note "fail30multi: $summary"
[ "$drc" = 0 ] || { cat "$D/$name.err" >&2; fail "100 concurrent calls with 30% injected 500s: driver exit $drc"; }
assert_eq "$(json_field "$summary" ok)" 100

# ---- dropped connections
fake_aws_start --seed "$SEED" --drop-rate 0.2 --fail-seed 11
name=drop20; drive --url "$FAKE_AWS_URL" --calls 50 --total-timeout-ms 5000
admin_stats "$D/stats-drop.json"
note "drop20: $summary"
[ "$drc" = 0 ] || { cat "$D/$name.err" >&2; fail "50 calls with 20% dropped connections: driver exit $drc"; }
[ "$(stat_field "$D/stats-drop.json" dropped_connections)" -ge 3 ] || fail "emulator dropped too few connections: $(cat "$D/stats-drop.json")"

# ---- throttling: 10 requests per second for this operation
fake_aws_start --seed "$SEED" --throttle GetInferenceProfile=10
name=throttle; drive --url "$FAKE_AWS_URL" --calls 40 --max-attempts 6
admin_stats "$D/stats-throttle.json"
note "throttle: $summary"
[ "$drc" = 0 ] || { cat "$D/$name.err" >&2; fail "throttled calls did not succeed: driver exit $drc"; }
assert_eq "$(json_field "$summary" ok)" 40
[ "$(stat_field "$D/stats-throttle.json" throttled)" -ge 1 ] || fail "the emulator never throttled; test proves nothing"
# 40 calls at 10/s cannot finish much faster than the bucket allows: the client waited
[ "$(json_field "$summary" elapsed_ms)" -ge 1500 ] || fail "throttled run finished too fast: no backoff"

# ---- clock skew: the emulator's clock is an hour ahead
fake_aws_start --seed "$SEED" --clock-offset 3600
name=skew; drive --url "$FAKE_AWS_URL" --calls 3 -v
note "skew: $summary"
[ "$drc" = 0 ] || { cat "$D/$name.err" >&2; fail "clock skew was not corrected: driver exit $drc"; }
assert_contains "$D/skew.err" "correcting"
# corrected once, then later calls sign with the corrected clock
assert_eq "$(json_field "$summary" max_attempts_seen)" 2

# ---- -v output carries no secret
assert_contains "$D/skew.err" "[redacted]"
assert_not_contains "$D/skew.err" "$AWS_SECRET_ACCESS_KEY"
assert_not_contains "$D/skew.err" "$AWS_SESSION_TOKEN"

# ---- unknown access key: AWS denies, no retries, exit 5
name=badkey
set +e
summary=$(AWS_ACCESS_KEY_ID=AKIAUNKNOWN000000000 AWS_SESSION_TOKEN= ${CLINECFG_WRAP:-} "$DRIVER" --driver --url "$FAKE_AWS_URL" --calls 1 2>"$D/badkey.err")
drc=$?
set -e
note "badkey: $summary"
assert_eq "$drc" 5 "unknown key"
assert_eq "$(json_field "$summary" max_attempts_seen)" 1
assert_contains "$D/badkey.err" "UnrecognizedClientException"

# ---- service down: nothing listens on the port; exit 6 within the bound
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
name=down; drive --url "http://127.0.0.1:$port" --calls 1 --connect-timeout-ms 1000 --total-timeout-ms 2000
note "down: $summary"
assert_eq "$drc" 6 "service down"
assert_eq "$(json_field "$summary" max_attempts_seen)" 3
[ "$(json_field "$summary" elapsed_ms)" -lt 5000 ] || fail "service-down call took longer than its bound"
assert_contains "$D/down.err" "after 3 attempts"
echo "aws_retry: ok"

#!/bin/sh
# exit_codes.sh - every exit code of the contract, each from a real
# situation, and every --json answer is one object with ok and exit_code
# (an error's hint is there only when it says something: issue 13).
. "$CLINECFG_TOP/tests/lib.sh"
t_home
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
SEED="$T_HOME/seed.json"
jq --arg src "arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/$MODEL" '.application_profiles = [
  {"name": "teamx-bedrock-alice", "tags": {"Team": "other"}, "copy_from": $src, "region": "ap-northeast-1"}]' \
  "$CLINECFG_TOP/tests/fake_aws/seed-default.json" > "$SEED"
fake_aws_start --seed "$SEED"
ALICE="AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe"
BOB="AWS_ACCESS_KEY_ID=AKIAFAKEBOB000000000 AWS_SECRET_ACCESS_KEY=fake/bob/SecretKey+fake/bob/SecretKey+fa"

# check CODE ENV... -- ARGS: runs clinecfg --json ARGS with ENV, checks the code and the JSON shape.
check() {
  want=$1; shift
  envs=""
  while [ "$1" != "--" ]; do envs="$envs $1"; shift; done
  shift
  rc=0
  env $envs "$CLINECFG_BIN" --json "$@" >"$T_HOME/o.json" 2>"$T_HOME/e.txt" || rc=$?
  [ "$rc" = "$want" ] || { cat "$T_HOME/e.txt"; cat "$T_HOME/o.json"; fail "clinecfg $*: exit $rc, want $want"; }
  [ "$(wc -l < "$T_HOME/o.json")" = 1 ] || fail "clinecfg $*: stdout is not exactly one line of JSON"
  jq -e --argjson c "$want" '(.ok == ($c == 0)) and .exit_code == $c and
     (if $c == 0 then (has("error") | not) else (.error.code | length > 0) and (.error.message | length > 0) and ((.error | has("hint") | not) or (.error.hint | length > 0)) end)' \
     "$T_HOME/o.json" >/dev/null || fail "clinecfg $*: bad JSON $(cat "$T_HOME/o.json")"
}

check 0 -- status
check 0 -- --version
check 2 -- frobnicate
check 2 -- setup --no-such-flag
check 2 -- setup --wait=abc
check 2 -- admin provision
mkdir -p "$XDG_CONFIG_HOME/clinecfg"
printf '{\n  // a comment is fine\n  "team": "teamA",\n  "region": "ap-northeast-1"\n  "model": "x"\n}\n' > "$XDG_CONFIG_HOME/clinecfg/config.json"
check 4 -- status
jq -e --arg p "$XDG_CONFIG_HOME/clinecfg/config.json" '.error.message | startswith($p + ":5:")' "$T_HOME/o.json" >/dev/null \
  || fail "syntax error without path:line:col: $(cat "$T_HOME/o.json")"
printf '{ "team": "teamA", "region": 7 }' > "$XDG_CONFIG_HOME/clinecfg/config.json"
check 4 -- status
jq -e '.error.message | test(":1:[0-9]+: region must be a string")' "$T_HOME/o.json" >/dev/null || fail "type error: $(cat "$T_HOME/o.json")"
printf '{ "team": "teamA", "colour": "blue" }' > "$XDG_CONFIG_HOME/clinecfg/config.json"
check 0 -- status
assert_contains "$T_HOME/e.txt" "unknown config key 'colour'"
rm "$XDG_CONFIG_HOME/clinecfg/config.json"
CLINECFG_ALLOWED_REGIONS=" " check 0 -- status
CLINECFG_SESSION_DURATION=abc check 4 -- status
assert_contains "$T_HOME/o.json" "CLINECFG_SESSION_DURATION"

check 3 $BOB -- setup -y --team teamA --model "$MODEL" --region ap-northeast-1
check 8 $ALICE -- setup -y --team teamX --model "$MODEL" --region ap-northeast-1
curl -sf -X POST -d '{"user": "alice", "action": "bedrock:ListInferenceProfiles"}' "$FAKE_AWS_URL/__admin/deny" >/dev/null
check 5 $ALICE -- setup -y --team teamY --model "$MODEL" --region ap-northeast-1
jq -e '.error.message | test("AccessDenied")' "$T_HOME/o.json" >/dev/null || fail "denied message: $(cat "$T_HOME/o.json")"
check 6 $ALICE AWS_ENDPOINT_URL=http://127.0.0.1:9 -- whoami --region ap-northeast-1
check 7 SECRET_BACKEND= DBUS_SESSION_BUS_ADDRESS= -- credential-process

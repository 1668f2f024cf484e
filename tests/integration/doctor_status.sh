#!/bin/sh
# doctor_status.sh - `doctor` checks every link (one line each, a fix for
# each problem, --live makes one Converse call) and `status` works offline.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
mkdir -p "$XDG_CONFIG_HOME/clinecfg"
printf '{ "team": "teamA", "model": "%s", "region": "ap-northeast-1" }\n' "$MODEL" > "$XDG_CONFIG_HOME/clinecfg/config.json"
printf '%s' 'fake/alice/SecretKey+fake/alice/SecretKe' > "$T_HOME/secret"
expect_rc 0 login --access-key-id AKIAFAKEALICE0000000 --secret-stdin < "$T_HOME/secret"
expect_rc 0 setup -y

note "doctor: everything ok, one line per check"
expect_rc 0 --json doctor --live
for c in config keyring credentials identity "cline files" profile "profile tags" credential_process "cline running" "cost tags" "live call"; do
  json_ok --arg c "$c" '[.checks[] | select(.check == $c and .result == "ok")] | length == 1'
done
# No IAM policy stops a direct call for alice on the emulator: doctor says so (a warning, not a failure).
json_ok '[.checks[] | select(.check == "enforcement" and .result == "warn" and (.message | test("^not enforced: a direct call on arn:aws:bedrock:")))] | length == 1'
curl -sf "$FAKE_AWS_URL/__admin/stats" | jq -e '[.converse_calls[] | select(.max_tokens == 1 and (.model_id | test("application-inference-profile")))] | length == 1' >/dev/null \
  || fail "doctor --live did not make exactly one maxTokens=1 Converse call on the profile"

note "a denied Cost Explorer call is reported, not fatal"
curl -sf -X POST -d '{"user": "alice", "action": "ce:ListCostAllocationTags"}' "$FAKE_AWS_URL/__admin/deny" >/dev/null
expect_rc 0 --json doctor
json_ok '[.checks[] | select(.check == "cost tags" and .result == "warn" and (.message | test("denied")))] | length == 1'

note "a broken link fails with its fix, the other checks still run"
mv "$HOME/.aws/config" "$T_HOME/config.saved"
expect_rc 4 --json doctor
json_ok '[.checks[] | select(.check == "credential_process" and .result == "fail" and (.fix | test("setup")))] | length == 1'
json_ok '[.checks[] | select(.check == "identity" and .result == "ok")] | length == 1'
mv "$T_HOME/config.saved" "$HOME/.aws/config"

note "status works with AWS unreachable and shows where values came from"
for p in $T_PIDS; do kill "$p" 2>/dev/null || true; done
AWS_ENDPOINT_URL=http://127.0.0.1:9 CLINECFG_TEAM=teamEnv expect_rc 0 --json status
json_ok '.config.team.value == "teamEnv" and .config.team.source == "env" and .config.region.source == "user"
  and (.config.region.origin | test("config.json:1:"))
  and .config["tag_keys.team"].source == "default" and .keyring.available == true and .keyring."long-term".stored == true
  and (.cline | type) == "object" and (.profile.arn | test("application-inference-profile"))'
printf '%s' "$out" | grep -q "fake/alice" && fail "status printed the secret"
note "a temp file left by an interrupted write is reported"
touch "$HOME/.cline/data/.globalState.json.clinecfg-tmp.ABC123"
expect_rc 0 --json status
json_ok '.stale_temp_files | length == 1'

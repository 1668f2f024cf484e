#!/bin/sh
# setup_messages.sh - what setup, login and restore say when the user made
# the mistake (issue 13): a --model that is no model is named with the
# region's list (exit 4) before any conflict and before a request is filed;
# the foundation-model id of the existing profile's model is no conflict; an
# unknown region is named as such (exit 4), not as a credentials problem; a
# wrong secret at login hints at the key pair (exit 5); --dry-run says
# "would create"; restore says the Bedrock profile itself still exists.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
FM=anthropic.claude-sonnet-4-5-20250929-v1:0
SRC=arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/$MODEL
SEED="$T_HOME/seed.json"
jq --arg src "$SRC" '.application_profiles = [
  {"name": "teama-bedrock-alice", "tags": {"Team": "teamA", "MemberName": "alice"}, "copy_from": $src, "region": "ap-northeast-1"}
]' "$CLINECFG_TOP/tests/fake_aws/seed-default.json" > "$SEED"
fake_aws_start --seed "$SEED"
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
ARN=$(curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0" | jq -r '.application_profiles[] | select(.name == "teama-bedrock-alice") | .arn')
[ -n "$ARN" ] && [ "$ARN" != null ] || fail "seeded profile has no ARN"
creates() { grep -c '"CreateInferenceProfile"' "$FAKE_AWS_DIR/requests.jsonl" || true; }

note "a --model that is no model: exit 4 with the region's models, not a conflict"
expect_rc 4 --json setup -y --team teamA --model claude-sonnet-4.5 --region ap-northeast-1
json_ok '.error.code == "model.unknown"'
json_ok '.error.message | startswith("unknown base model '"'"'claude-sonnet-4.5'"'"' (known in ap-northeast-1: ")'
json_ok --arg m "$MODEL" '(.error.message | contains($m)) and (.error.hint | contains($m))'
expect_rc 4 setup -y --team teamA --model claude-sonnet-4.5 --region ap-northeast-1
assert_not_contains "$err" "already exists"
assert_not_contains "$err" "conflict"
[ ! -e "$HOME/.cline" ] || fail "an unknown model wrote Cline files"
# A system-profile id of another geography is not in the region either.
expect_rc 4 setup -y --team teamA --model eu.anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1
assert_contains "$err" "unknown base model 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0'"

note "--dry-run: files it would create say so"
expect_rc 0 --dry-run setup -y --team teamA --model "$MODEL" --region ap-northeast-1
printf '%s\n' "$out" > "$T_HOME/dry.txt"
assert_contains "$T_HOME/dry.txt" "$HOME/.cline/data/globalState.json (would create)"
assert_not_contains "$T_HOME/dry.txt" "(would change)"

note "the foundation-model id of the existing profile's model is no conflict"
expect_rc 0 --json setup -y --team teamA --model "$FM" --region ap-northeast-1
json_ok --arg a "$ARN" '.profile.arn == $a and .profile.created == false'
assert_eq "$(creates)" 0 "(CreateInferenceProfile calls)"
# Another model is still a conflict.
expect_rc 8 setup -y --team teamA --model anthropic.claude-3-5-sonnet-20240620-v1:0 --region ap-northeast-1
assert_contains "$err" "copies another model"

note "an unknown region is named as such"
expect_rc 4 --json setup -y --team teamA --model "$MODEL" --region ap-northeast-9
json_ok '.error.code == "region.unknown" and (.error.message | startswith("unknown AWS region '"'"'ap-northeast-9'"'"'"))'
json_ok '(.error.hint | contains("whoami") | not) and (.error.hint | contains("IAM") | not)'
expect_rc 4 whoami --region ap-northeast-9
assert_contains "$err" "unknown AWS region 'ap-northeast-9'"

# Without an endpoint override the unknown region's STS host does not
# resolve: still named as the region, while a known region's failure stays a
# network error (exit 6).  Inside a network namespace, so nothing leaves.
if unshare -n true 2>/dev/null; then
  saved_wrap=${CLINECFG_WRAP:-}
  CLINECFG_WRAP="unshare -n $saved_wrap"
  AWS_ENDPOINT_URL= expect_rc 4 whoami --region ap-northeast-9
  assert_contains "$err" "unknown AWS region 'ap-northeast-9'"
  AWS_ENDPOINT_URL= expect_rc 6 whoami --region ap-northeast-1
  assert_not_contains "$err" "unknown AWS region"
  CLINECFG_WRAP=$saved_wrap
else
  note "unshare -n is not permitted here: the unresolvable-host case is not run"
fi

note "a member without create permission and an unknown model: exit 4, no request filed"
export AWS_ACCESS_KEY_ID=AKIAFAKEBOB000000000 AWS_SECRET_ACCESS_KEY=fake/bob/SecretKey+fake/bob/SecretKey+fa
expect_rc 4 setup -y --team teamA --model claude-sonnet-4.5 --region ap-northeast-1
assert_contains "$err" "unknown base model 'claude-sonnet-4.5'"
[ ! -d "$XDG_STATE_HOME/clinecfg/requests" ] || [ -z "$(ls "$XDG_STATE_HOME/clinecfg/requests")" ] ||
  fail "a request was filed for an unknown model"

note "restore after setup: the Bedrock profile is still there"
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
expect_rc 0 setup -y --team teamA --model "$MODEL" --region ap-northeast-1
expect_rc 0 restore
printf '%s\n' "$out" > "$T_HOME/restore.txt"
assert_contains "$T_HOME/restore.txt" "the Bedrock inference profile that setup found or created still exists"
expect_rc 0 --json setup -y --team teamA --model "$MODEL" --region ap-northeast-1
expect_rc 0 --json restore
json_ok '.note | contains("still exists")'

note "login: a wrong secret hints at the key pair, not at whoami or IAM policies"
export AWS_REGION=ap-northeast-1
AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretXX expect_rc 5 login --from-env
assert_contains "$err" "the keys were not stored"
assert_contains "$err" "secret access key does not belong to access key id AKIA"
assert_contains "$err" "GetCallerIdentity needs no IAM permission"
assert_not_contains "$err" "whoami"
assert_not_contains "$err" "IAM policy"
assert_not_contains "$err" "fake/alice"
AWS_ACCESS_KEY_ID=AKIAFAKEUNKNOWN00000 expect_rc 5 login --from-env
assert_contains "$err" "AWS does not know access key id"
echo "setup_messages: ok"

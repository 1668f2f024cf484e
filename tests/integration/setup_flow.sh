#!/bin/sh
# setup_flow.sh - `clinecfg setup` against the emulator: a fresh account, a
# re-run (one round trip, nothing changed), a profile that exists when this
# machine has never run setup, a dry run, root refused, data residency.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
state() { curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0"; }
count_named() { state | jq --arg n "$1" '[.application_profiles[] | select(.name == $n)] | length'; }

note "dry run on a fresh account: nothing is created or written"
expect_rc 0 --json --dry-run setup -y --team teamA --model "$MODEL" --region ap-northeast-1
json_ok '.ok and .profile.arn == null and .profile.created == false'
[ ! -e "$HOME/.cline" ] && [ ! -e "$HOME/.aws/config" ] || fail "dry run wrote files"
assert_eq "$(count_named teama-bedrock-alice)" 0

note "fresh account: the profile is created with the tags"
expect_rc 0 --json setup -y --team teamA --model "$MODEL" --region ap-northeast-1
json_ok '.ok and .exit_code == 0 and .profile.created == true and .identity.member == "alice"
  and .profile.tags.Team == "teamA" and .profile.tags.MemberName == "alice"
  and .profile.base_model == "anthropic.claude-sonnet-4-5-20250929-v1:0"
  and (.profile.routes_to_regions | sort) == ["ap-northeast-1","ap-northeast-3","ap-southeast-2"]
  and ([.files[] | select(.changed)] | length) >= 3'
ARN=$(printf '%s\n' "$out" | jq -r .profile.arn)
state | jq -e --arg a "$ARN" '.application_profiles[] | select(.arn == $a) | .tags.Team == "teamA" and .tags.MemberName == "alice"' >/dev/null \
  || fail "emulator does not hold $ARN with the tags"
assert_eq "$(jq -r .actModeApiModelId "$HOME/.cline/data/globalState.json")" "$ARN"
assert_eq "$(jq -r .providers.bedrock.settings.model "$HOME/.cline/data/settings/providers.json")" "$ARN"
assert_contains "$HOME/.aws/config" "credential_process = $CLINECFG_BIN credential-process --account default"

note "re-run: one round trip, nothing changed, says so"
expect_rc 0 --json setup -y --team teamA --model "$MODEL" --region ap-northeast-1
json_ok '.stats.round_trips == 1 and ([.files[] | select(.changed)] | length) == 0 and .profile.created == false'
expect_rc 0 setup -y --team teamA --model "$MODEL" --region ap-northeast-1
printf '%s\n' "$out" | grep -q "nothing changed" || fail "re-run did not say nothing changed: $out"
assert_eq "$(count_named teama-bedrock-alice)" 1

note "a new machine (new HOME) finds the existing profile by name and tags"
OLDHOME=$HOME; export HOME="$T_HOME/second"; mkdir -p "$HOME"
export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state"
expect_rc 0 --json setup -y --team teamA --model "$MODEL" --region ap-northeast-1
json_ok --arg a "$ARN" '.profile.arn == $a and .profile.created == false and .stats.list_pages == 1 and .stats.round_trips == .stats.list_pages + 1'
assert_eq "$(count_named teama-bedrock-alice)" 1

note "root credentials are refused with advice (exit 4)"
AWS_ACCESS_KEY_ID=AKIAFAKEROOT00000000 AWS_SECRET_ACCESS_KEY=fake/root/SecretKey+fake/root/SecretKey+ \
  expect_rc 4 setup -y --team teamA --model "$MODEL" --region ap-northeast-1
assert_contains "$err" "root user"

note "data residency: a model routing outside allowed_regions is refused before anything is created"
export HOME="$T_HOME/third"; mkdir -p "$HOME"; export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state"
before=$(state | jq '.application_profile_count')
CLINECFG_ALLOWED_REGIONS=ap-northeast-1 expect_rc 4 --json setup -y --team teamB --model "$MODEL" --region ap-northeast-1
json_ok '.error.message | test("ap-northeast-3") and test("ap-southeast-2") and (test("ap-northeast-1,") | not)'
assert_eq "$(state | jq '.application_profile_count')" "$before" "(profiles created despite residency)"
assert_eq "$(count_named teamb-bedrock-alice)" 0
[ ! -e "$HOME/.cline" ] || fail "residency refusal wrote Cline files"
CLINECFG_ALLOWED_REGIONS=ap-northeast-1,ap-northeast-3,ap-southeast-2 expect_rc 0 setup -y --team teamB --model "$MODEL" --region ap-northeast-1

note "a model that is not a system profile in the region: exit 4 with a hint"
expect_rc 4 setup -y --team teamC --model eu.anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1
assert_contains "$err" "--model"
HOME=$OLDHOME

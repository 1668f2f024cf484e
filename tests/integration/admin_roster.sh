#!/bin/sh
# admin_roster.sh - a roster of 200 members under 5 creates/s throttling:
# every member is provisioned, no duplicates, and a second run finds them all.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start --throttle CreateInferenceProfile=5 --throttle ListTagsForResource=20
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
ROSTER="$T_HOME/roster.csv"
{
  echo "team,member,model"
  echo "# contractors use the JP profile"
  i=0
  while [ $i -lt 200 ]; do
    if [ $((i % 10)) = 0 ]; then echo "team$((i % 4)),dev$i,jp.anthropic.claude-sonnet-4-5-20250929-v1:0"
    else echo "team$((i % 4)),dev$i"; fi
    i=$((i+1))
  done
} > "$ROSTER"
expect_rc 0 --json admin provision --roster "$ROSTER" --model apac.anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1 --concurrency 8
json_ok '.summary.created == 200 and .summary.failed == 0 and .summary.conflict == 0 and (.rows | length) == 200'
state=$(curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0")
printf '%s' "$state" | jq -e '[.application_profiles[] | select(.name | test("-bedrock-dev"))] | length == 200' >/dev/null \
  || fail "emulator holds $(printf '%s' "$state" | jq '[.application_profiles[] | select(.name | test("-bedrock-dev"))] | length') roster profiles"
printf '%s' "$state" | jq -e '[.application_profiles[].name] | length == (unique | length)' >/dev/null || fail "duplicate names"
printf '%s' "$state" | jq -e '[.application_profiles[] | select(.name == "team0-bedrock-dev0")][0] | (.tags.Team == "team0" and .tags.MemberName == "dev0" and (.models[0] | test("claude-sonnet-4-5")))' >/dev/null \
  || fail "dev0's tags or model are wrong"
throttled=$(curl -sf "$FAKE_AWS_URL/__admin/stats" | jq .throttled)
[ "$throttled" -gt 0 ] || fail "the emulator never throttled: the test did not exercise backoff"
note "throttled answers seen: $throttled"

note "second run: all existing, nothing created"
expect_rc 0 --json admin provision --roster "$ROSTER" --model apac.anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1
json_ok '.summary.existing == 200 and .summary.created == 0'

note "a malformed roster line: exit 4 naming file:line"
printf 'team,member\nteamA\n' > "$T_HOME/bad.csv"
expect_rc 4 admin provision --roster "$T_HOME/bad.csv" --model apac.anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1
assert_contains "$err" "$T_HOME/bad.csv:2"

#!/bin/sh
# limits_enforce_team.sh - `admin limits enforce --team T` judges only team
# T's members: it reads only T's budgets, so the profiles clinecfg-blocked
# denies for other teams' members stay denied.  Both teams' members over
# their limit are blocked; a raised limit in teamA and `enforce --team
# teamA` unblock alice and leave dave (teamB) blocked; `enforce --team
# teamB` then changes nothing.  `remove` by an admin without IAM rights,
# for a member whose limit has no budget action, removes the budget and
# warns that the deny policy could not be looked for.
. "$CLINECFG_TOP/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
t_home
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
COPY="arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/$MODEL"
jq --arg copy "$COPY" '.application_profiles += [
    {"name": "teama-bedrock-alice", "tags": {"Team": "teamA", "MemberName": "alice"}, "copy_from": $copy, "region": "ap-northeast-1"},
    {"name": "teamb-bedrock-dave", "tags": {"Team": "teamB", "MemberName": "dave"}, "copy_from": $copy, "region": "ap-northeast-1"}]' \
  "$CLINECFG_TOP/tests/fake_aws/seed-default.json" > "$T_HOME/seed.json"
fake_aws_start --seed "$T_HOME/seed.json"
. "$CLINECFG_TOP/tests/integration/principals.sh.inc"
teamA_config
state() { curl -sf "$FAKE_AWS_URL/__admin/$1"; }
profile_arn() { state "state?fillers=0" | jq -r --arg m "$1" '.application_profiles[] | select(.tags.MemberName == $m) | .arn'; }
use() {
  curl -sf -X POST -d "{\"records\": [{\"model_id\": \"$(profile_arn "$1" | sed 's|.*/||')\", \"time\": $(( $(date +%s) - 300 )), \"input_tokens\": 2000000}]}" \
    "$FAKE_AWS_URL/__admin/usage/records" >/dev/null || fail "usage records"
}
denied() {  # the members clinecfg-blocked denies now, as `limits list` reads them from the policy
  as_rc 0 ROOT --json admin limits list
  printf '%s' "$out" | jq -c '[.members[] | select(.blocked) | .member] | sort'
}

note "both teams' members over USD 5: one enforce blocks both"
as_rc 0 ROOT --json admin limits set --monthly-usd 5 --team teamA --member alice
as_rc 0 ROOT --json admin limits set --monthly-usd 5 --team teamB --member dave
use alice; use dave
as_rc 0 ROOT --json admin limits enforce
json_ok '(.blocked | sort) == ["alice", "dave"]'
assert_eq "$(denied)" '["alice","dave"]' "(both denied)"

note "teamA's raised limit and enforce --team teamA: alice unblocked, dave (teamB) still blocked"
as_rc 0 ROOT --json admin limits set --monthly-usd 50 --team teamA --member alice
as_rc 0 ROOT --json admin limits enforce --team teamA
json_ok '.unblocked == ["alice"] and (.blocked | length) == 0 and .policy == "updated"'
assert_eq "$(denied)" '["dave"]' "(dave still denied)"

note "enforce --team teamB: dave stays blocked, nothing to write"
as_rc 0 ROOT --json admin limits enforce --team teamB
json_ok '.policy == "unchanged" and ([.members[] | select(.blocked) | .member]) == ["dave"]'
assert_eq "$(denied)" '["dave"]' "(dave still denied)"
note "remove without IAM rights and without a budget action: the budget goes, a warning about the policy"
curl -sf -X POST -d '{"user": "root", "action": "iam:*"}' "$FAKE_AWS_URL/__admin/deny" >/dev/null || fail "deny endpoint"
as_rc 0 ROOT --json admin limits remove --team teamB --member dave
json_ok '.members[0].removed == 1 and (.members[0].policy_error | test("denied|AccessDenied"; "i"))'
assert_contains "$T_HOME/err" "could not look for the deny policy"
state budgets/state | jq -e '.budgets | has("clinecfg-teamB-dave") | not' >/dev/null || fail "the budget is still there"
echo "ok"

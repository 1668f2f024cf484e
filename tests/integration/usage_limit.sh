#!/bin/sh
# usage_limit.sh - `clinecfg usage` shows the member's limit: the budget
# `admin limits set` made (clinecfg-{team}-{member}: limit, actual,
# forecast) and the state of the hourly-token alarm, read in the same round
# as the metrics and cost (round trips unchanged); "none" before an admin
# set a limit; "not readable" naming the missing permission when the alarm
# or the budget read is denied (exit 0: the metrics are still the answer).
. "$CLINECFG_TOP/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
t_home
fake_aws_start
. "$CLINECFG_TOP/tests/integration/principals.sh.inc"
teamA_config
state() { curl -sf "$FAKE_AWS_URL/__admin/$1"; }

as_rc 0 ALICE --json setup -y --targets aws-config
ID=$(printf '%s' "$out" | jq -r '.profile.arn' | sed 's|.*/||')
[ -n "$ID" ] || fail "setup gave no profile ARN: $out"

note "before an admin set a limit: none, and why"
as_rc 0 ALICE --json usage --since 1h
json_ok '.limit == null and (.limit_unavailable | test("^none: there is no budget clinecfg-teamA-alice "))'
as_rc 0 ALICE usage --since 1h
assert_contains "$T_HOME/out" "limit: none: there is no budget clinecfg-teamA-alice"

note "admin limits set --monthly-usd 5 --hourly-tokens 1000; use passes both"
as_rc 0 ROOT --json admin limits set --monthly-usd 5 --member alice --hourly-tokens 1000
when=$(( $(date +%s) - 300 ))
curl -sf -X POST -d "{\"records\": [{\"model_id\": \"$ID\", \"time\": $when, \"input_tokens\": 2000000}]}" \
  "$FAKE_AWS_URL/__admin/usage/records" >/dev/null || fail "usage records"
curl -sf -X POST "$FAKE_AWS_URL/__admin/alarms/evaluate" >/dev/null || fail "alarms/evaluate"
as_rc 0 ROOT --json admin limits list
LIST=$(printf '%s' "$out" | jq -c '[.members[] | select(.member == "alice")][0]')

SEEN=$(wc -l < "$FAKE_AWS_DIR/requests.jsonl")
as_rc 0 ALICE --json usage --since 1h
printf '%s' "$out" | jq -e --argjson l "$LIST" '.limit.budget == "clinecfg-teamA-alice" and .limit.usd == 5
  and .limit.actual_usd == $l.billed_usd and .limit.actual_usd > 5 and (.limit.forecast_usd | type) == "number"
  and .limit.alarm_state == "ALARM" and $l.alarm == "ALARM" and (has("limit_unavailable") | not)' >/dev/null \
  || fail "usage limit $(printf '%s' "$out" | jq -c .limit) differs from admin limits list $LIST"
note "the Budgets and alarm reads ride with the metrics: still two round trips"
json_ok '.stats.round_trips == 2'
tail -n +"$((SEEN + 1))" "$FAKE_AWS_DIR/requests.jsonl" | jq -se '[.[] | select(.access_key_id == "AKIAFAKEALICE0000000") | .op] | (map(select(. == "DescribeBudget")) | length) == 1
  and (map(select(. == "DescribeAlarms")) | length) == 1' >/dev/null \
  || fail "requests: $(tail -n +"$((SEEN + 1))" "$FAKE_AWS_DIR/requests.jsonl" | jq -sc '[.[] | .op]')"
as_rc 0 ALICE usage --since 1h
assert_contains "$T_HOME/out" "limit (AWS Budgets clinecfg-teamA-alice): USD 5.00 a month, actual USD "
assert_contains "$T_HOME/out" ", forecast USD "
assert_contains "$T_HOME/out" "hourly-token alarm (clinecfg-teamA-alice-$ID-hourly-tokens): ALARM"

note "the alarm read denied: not readable, naming cloudwatch:DescribeAlarms; the budget still shows"
curl -sf -X POST -d '{"user": "alice", "action": "cloudwatch:DescribeAlarms"}' "$FAKE_AWS_URL/__admin/deny" >/dev/null || fail "deny endpoint"
as_rc 0 ALICE --json usage --since 1h
json_ok '.limit.usd == 5 and .limit.alarm_state == null and (.limit.alarm_unavailable | test("^not readable: .*cloudwatch:DescribeAlarms"))'
as_rc 0 ALICE usage --since 1h
assert_contains "$T_HOME/out" "hourly-token alarm: not readable: reading alarm clinecfg-teamA-alice-$ID-hourly-tokens is denied (the identity needs cloudwatch:DescribeAlarms)"

note "the budget read denied: not readable: null, naming budgets:ViewBudget, never a guess"
note "(the developer policy allows it now: usage_developer_policy.sh)"
curl -sf -X POST -d '{"user": "alice", "action": "budgets:ViewBudget"}' "$FAKE_AWS_URL/__admin/deny" >/dev/null || fail "deny endpoint"
as_rc 0 ALICE --json usage --since 1h
json_ok '.limit == null and (.limit_unavailable | test("^not readable: .*budgets:ViewBudget"))'
json_ok '.totals.input_tokens >= 2000000'
as_rc 0 ALICE usage --since 1h
assert_contains "$T_HOME/out" "limit: not readable: reading budget clinecfg-teamA-alice is denied (the identity needs budgets:ViewBudget)"

#!/bin/sh
# limits_billed_check.sh - whether AWS Budgets wants the member tag in a
# budget's FilterExpression as "MemberName" or "user:MemberName" is
# unconfirmed.  When reality is the other one, the budget selects nothing and
# reports USD 0; `admin limits list` and `enforce` must then say so (a
# warning naming the budget, the estimate and the unconfirmed key, a "?"
# after the billed figure, billed_check in --json) instead of showing the
# zero as a fact.  Recent use (billing lag) and a matching filter give no
# warning; a budget without a billed figure shows null, not 0.
. "$CLINECFG_TOP/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
t_home
fake_aws_start
. "$CLINECFG_TOP/tests/integration/principals.sh.inc"
teamA_config
admin() { curl -sf -X POST -d "$2" "$FAKE_AWS_URL/__admin/$1" >/dev/null || fail "admin $1"; }

as_rc 0 ALICE --json setup -y --targets aws-config
ID=$(printf '%s' "$out" | jq -r '.profile.arn' | sed 's|.*/||')
[ -n "$ID" ] || fail "setup gave no profile ARN: $out"
as_rc 0 ROOT --json admin limits set --monthly-usd 100 --member alice
row() { printf '%s' "$out" | jq -c '[.members[] | select(.member == "alice")][0]'; }

note "recent use only: billed or not, no warning (that is billing lag)"
admin budgets/config '{"filter_tag_key_prefix": "user:"}'
admin usage/records "{\"records\": [{\"model_id\": \"$ID\", \"time\": $(( $(date +%s) - 300 )), \"input_tokens\": 1000000}]}"
as_rc 0 ROOT --json admin limits list
row | jq -e '.billed_usd == 0 and .billed_check == "ok" and .estimated_usd > 1' >/dev/null || fail "recent use: $(row)"
assert_not_contains "$T_HOME/err" "unconfirmed"

# Use from the first minute of the month is over a day old once two days of
# the month have passed (the estimate is summed by day from the 1st).
now=$(date +%s)
month_start=$(date -u -d "$(date -u +%Y-%m-01)" +%s)
if [ $((now - month_start)) -lt $((2 * 86400 + 600)) ]; then
  note "the month is under two days old: no use can be over a day old yet, so no warning"
  admin usage/records "{\"records\": [{\"model_id\": \"$ID\", \"time\": $((month_start + 60)), \"input_tokens\": 1000000}]}"
  as_rc 0 ROOT --json admin limits list
  row | jq -e '.billed_check == "ok"' >/dev/null || fail "first days: $(row)"
  echo "ok (first two days of the month: the warning case needs day 3)"
  exit 0
fi
admin usage/records "{\"records\": [{\"model_id\": \"$ID\", \"time\": $((month_start + 60)), \"input_tokens\": 1000000}]}"

note "a filter that selects nothing while older use is real money: a warning, not a silent zero"
as_rc 0 ROOT --json admin limits list
row | jq -e '.billed_usd == 0 and (.billed_check | test("budget clinecfg-teamA-alice reports USD 0.00 billed")
  and test("unconfirmed") and test("user:MemberName"))' >/dev/null || fail "mismatch: $(row)"
assert_contains "$T_HOME/err" "may select nothing"
as_rc 0 ROOT admin limits list
printf '%s\n' "$out" | grep -q '^alice .* 0\.00? ' || fail "text: no '?' after the billed figure: $out"
as_rc 0 ROOT --json admin limits enforce
row | jq -e '.billed_check | test("unconfirmed")' >/dev/null || fail "enforce: $(row)"

note "the filter the emulator's Budgets wants: the figure is billed, no warning"
admin budgets/config '{"filter_tag_key_prefix": ""}'
as_rc 0 ROOT --json admin limits list
row | jq -e '.billed_usd > 1 and .billed_check == "ok"' >/dev/null || fail "matching filter: $(row)"
assert_not_contains "$T_HOME/err" "unconfirmed"
echo "ok"

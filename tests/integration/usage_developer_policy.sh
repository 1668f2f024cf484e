#!/bin/sh
# usage_developer_policy.sh - a member whose only permissions are the
# `developer` policy (the emulator evaluates identity policies) sees their
# limit in `clinecfg usage` once an admin ran `admin limits set`: the
# budget's limit, actual and forecast and the hourly-token alarm's state,
# not "not readable"; the metric listing is allowed too.  The policy names
# the member's own budget (clinecfg-{team}-${aws:username}): another
# member's budget stays unreadable.  Cost Explorer's GetCostAndUsage is
# left out of the policy on purpose (it would show the whole account's
# bill), so the billed line says it is denied.
. "$CLINECFG_TOP/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
t_home
fake_aws_start
. "$CLINECFG_TOP/tests/integration/principals.sh.inc"
teamA_config
# describe_budget WHO NAME -> HTTP status of Budgets' DescribeBudget signed as WHO
describe_budget() {
  python3 - "$FAKE_AWS_PORT" "$1" "$2" <<'PY'
import json, sys
sys.path.insert(0, __import__("os").environ["CLINECFG_TOP"] + "/tests/fake_aws")
from awsclient import user_client
client = user_client(int(sys.argv[1]), sys.argv[2], region="us-east-1")
body = json.dumps({"AccountId": "123456789012", "BudgetName": sys.argv[3]}).encode()
resp = client.call("POST", "/", None, body, "budgets", "application/x-amz-json-1.1",
                   {"x-amz-target": "AWSBudgetServiceGateway.DescribeBudget"})
print(resp.status)
PY
}

note "the developer policy names alice's own budget and the usage reads"
as_rc 0 ROOT --json admin policy developer --account 123456789012
json_ok '[.policy.Statement[] | select(.Sid == "ReadOwnBudget")][0].Resource
  == "arn:aws:budgets::123456789012:budget/clinecfg-teamA-${aws:username}"'
json_ok '[.policy.Statement[].Action[]] | (index("cloudwatch:ListMetrics") != null)
  and (index("cloudwatch:DescribeAlarms") != null) and (index("ce:GetCostAndUsage") == null)'

note "alice has only the developer policy; setup creates her profile"
as_rc 0 ROOT --json admin policy developer --apply --name clinecfg-developer --user alice
json_ok '.policy == "created" and .attachments[0].status == "attached"'
as_rc 0 ALICE --json setup -y --targets aws-config
ID=$(printf '%s' "$out" | jq -r '.profile.arn' | sed 's|.*/||')
[ -n "$ID" ] || fail "setup gave no profile ARN: $out"

note "an admin sets limits for alice and bob; alice's use passes both of hers"
as_rc 0 ROOT --json admin limits set --monthly-usd 5 --member alice --hourly-tokens 1000
as_rc 0 ROOT --json admin limits set --monthly-usd 7 --member bob
when=$(( $(date +%s) - 300 ))
curl -sf -X POST -d "{\"records\": [{\"model_id\": \"$ID\", \"time\": $when, \"input_tokens\": 2000000}]}" \
  "$FAKE_AWS_URL/__admin/usage/records" >/dev/null || fail "usage records"
curl -sf -X POST "$FAKE_AWS_URL/__admin/alarms/evaluate" >/dev/null || fail "alarms/evaluate"

note "usage under the developer policy: the limit and the alarm state, not 'not readable'"
SEEN=$(wc -l < "$FAKE_AWS_DIR/requests.jsonl")
as_rc 0 ALICE --json usage --since 1h
json_ok '.limit.budget == "clinecfg-teamA-alice" and .limit.usd == 5 and .limit.actual_usd > 5
  and (.limit.forecast_usd | type) == "number" and .limit.alarm_state == "ALARM"
  and (has("limit_unavailable") | not) and (.limit | has("alarm_unavailable") | not)'
json_ok '.totals.input_tokens >= 2000000'
json_ok '.billed == null and (.billed_unavailable | test("ce:GetCostAndUsage"))'
tail -n +"$((SEEN + 1))" "$FAKE_AWS_DIR/requests.jsonl" | jq -se '[.[] | select(.access_key_id == "AKIAFAKEALICE0000000")]
  | ([.[] | select(.op == "DescribeBudget" or .op == "DescribeAlarms" or .op == "ListMetrics"
        or .op == "GetMetricData" or .op == "ListCostAllocationTags") | .status] | length == 5 and all(. == 200))
  and ([.[] | select(.op == "GetCostAndUsage") | .status] != [200])' >/dev/null \
  || fail "alice's requests: $(tail -n +"$((SEEN + 1))" "$FAKE_AWS_DIR/requests.jsonl" | jq -sc '[.[] | {op, status}]')"
as_rc 0 ALICE usage --since 1h
assert_contains "$T_HOME/out" "limit (AWS Budgets clinecfg-teamA-alice): USD 5.00 a month, actual USD "
assert_contains "$T_HOME/out" ", forecast USD "
assert_contains "$T_HOME/out" "hourly-token alarm (clinecfg-teamA-alice-$ID-hourly-tokens): ALARM"
assert_not_contains "$T_HOME/out" "not readable"

note "alice still cannot read bob's budget (the admin can)"
assert_eq "$(describe_budget alice clinecfg-teamA-alice)" 200 "(alice's own budget)"
assert_eq "$(describe_budget alice clinecfg-teamA-bob)" 400 "(bob's budget, read by alice)"
assert_eq "$(describe_budget root clinecfg-teamA-bob)" 200 "(bob's budget, read by the admin)"

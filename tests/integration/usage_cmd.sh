#!/bin/sh
# usage_cmd.sh - `clinecfg usage` against the emulator: after real Converse
# calls through the profile setup created, --json reports exactly the input
# and output tokens the runtime returned and the estimate is tokens x the
# shipped prices; the metric and cost calls share one round trip after the
# profile lookup; the billed month-to-date cost carries its as-of date, or
# says why it is missing (inactive tags, not yet available, denied: exit 0
# with a warning naming ce:GetCostAndUsage); CloudWatch denied is exit 5
# naming cloudwatch:GetMetricData; bars are Unicode blocks in a UTF-8
# locale, '#' otherwise, never coloured off a terminal; bad SPECs exit 2.
. "$CLINECFG_TOP/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq not found"
t_home
fake_aws_start
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
export CLINECFG_PRICES_FILE="$CLINECFG_TOP/packaging/prices.json"
admin() { curl -sf -X "$1" -H 'content-type: application/json' ${3:+--data "$3"} "$FAKE_AWS_URL/__admin/$2"; }

note "before setup: usage says what to do (exit 4)"
expect_rc 4 usage
assert_contains "$err" "clinecfg setup"

expect_rc 0 --json setup -y --team teamA --model "$MODEL" --region ap-northeast-1
ARN=$(printf '%s\n' "$out" | jq -r .profile.arn)
ID=${ARN##*/}

note "Converse through the profile; usage reports what the runtime served"
python3 - "$FAKE_AWS_PORT" "$ARN" <<'PY' || fail "Converse calls failed"
import json, os, sys
sys.path.insert(0, os.environ["CLINECFG_TOP"] + "/tests/fake_aws")
from awsclient import user_client, load_seed, quote
port, arn = int(sys.argv[1]), sys.argv[2]
c = user_client(port, "alice", load_seed())
body = {"system": [{"text": "you are a careful helper " * 5}, {"cachePoint": {"type": "default"}}],
        "messages": [{"role": "user", "content": [{"text": "say hello to the team"}]}]}
for _ in range(3):
    r = c.call("POST", "/model/%s/converse" % quote(arn), body=json.dumps(body).encode(), content_type="application/json")
    assert r.status == 200, r
PY
served=$(admin GET "usage?model_id=$ID" | jq -c ".totals[\"$ID\"]")
admin POST reset-stats >/dev/null
# Cost Explorer bills with a lag; five minutes of it keeps the turns above out
# of the bill wherever the minute boundary falls while the test runs.
admin POST usage/config '{"ce_lag_seconds": 300}' >/dev/null
expect_rc 0 --json usage --since 1h
printf '%s' "$out" > "$T_HOME/usage.json"
jq -e --argjson s "$served" --arg arn "$ARN" --arg id "$ID" '
  .ok and .exit_code == 0 and .profile.arn == $arn and .profile.id == $id and .profile.tags.MemberName == "alice"
  and .totals.input_tokens == $s.input_tokens and .totals.output_tokens == $s.output_tokens
  and .totals.cache_read_tokens == $s.cache_read_tokens and .totals.cache_write_tokens == $s.cache_write_tokens
  and .totals.invocations == 3 and .period == "1d" and (.series | length) >= 1
  and ([.series[].input_tokens] | add) == $s.input_tokens
  and .prices.date != "" and .prices.source != ""
  and (.series[0] | has("start") and has("throttles") and has("errors") and has("estimated_usd"))' "$T_HOME/usage.json" >/dev/null \
  || fail "usage $(jq -c .totals "$T_HOME/usage.json") differs from what the runtime served $served"
jq -e --argjson s "$served" --slurpfile p "$CLINECFG_TOP/packaging/prices.json" '
  $p[0]["anthropic.claude-sonnet-4-5-20250929-v1:0"] as $pr |
  (($s.input_tokens * $pr.input + $s.output_tokens * $pr.output + $s.cache_read_tokens * $pr.cache_read
    + $s.cache_write_tokens * $pr.cache_write) / 1000) as $want |
  ((.totals.estimated_usd - $want) | fabs) < 1e-9 and .prices.date == $p[0].date
  and ((.totals.cache_share - ($s.cache_read_tokens / ($s.input_tokens + $s.cache_read_tokens + $s.cache_write_tokens))) | fabs) < 1e-9' \
  "$T_HOME/usage.json" >/dev/null || fail "estimate is not tokens x prices: $(jq -c .totals "$T_HOME/usage.json")"
jq -e '.stats.round_trips == 2' "$T_HOME/usage.json" >/dev/null || fail "round trips: $(jq -c .stats "$T_HOME/usage.json")"
stats=$(admin GET stats)
printf '%s' "$stats" | jq -e '.requests.GetMetricData == 1 and .ce_get_cost_and_usage_calls == 1' >/dev/null \
  || fail "one GetMetricData and one Cost Explorer call expected: $stats"

note "recent usage is not billed yet: billed is null and says why"
jq -e '.billed == null and (.billed_unavailable | test("not yet available"))' "$T_HOME/usage.json" >/dev/null \
  || fail "billed: $(jq -c '{billed, billed_unavailable}' "$T_HOME/usage.json")"

note "older usage is billed, with its as-of date"
now=$(date +%s)
admin POST usage/records "{\"records\": [{\"model_id\": \"$ID\", \"time\": $((now - 600)), \"input_tokens\": 1000, \"output_tokens\": 100}]}" >/dev/null
expect_rc 0 --json usage --since 24h --period 1h
today=$(date -u +%Y-%m-%d)
json_ok --arg t "$today" '.billed.usd > 0 and .billed.as_of == $t and .billed.start == ($t[0:8] + "01") and .period == "1h"
  and (.series | length) >= 24'
billed=$(printf '%s' "$out" | jq .billed.usd)
want=$(jq -n --slurpfile p "$CLINECFG_TOP/packaging/prices.json" '$p[0]["anthropic.claude-sonnet-4-5-20250929-v1:0"] as $pr | (1000 * $pr.input + 100 * $pr.output) / 1000')
jq -n --argjson b "$billed" --argjson w "$want" '(($b - $w) | fabs) < 1e-9' | grep -q true || fail "billed $billed, expected $want"

note "text: the billed figure with its date, the estimate with the table's date, ASCII bars outside UTF-8"
LANG=C LC_ALL=C expect_rc 0 usage --since 24h --period 1h
printf '%s\n' "$out" > "$T_HOME/text.out"
assert_contains "$T_HOME/text.out" "as of $today"
assert_contains "$T_HOME/text.out" "price table of $(jq -r .date "$CLINECFG_TOP/packaging/prices.json")"
printf '%s\n' "$out" | grep -q '#' || fail "no ASCII bar: $out"
printf '%s\n' "$out" | grep -q "$(printf '\033')" && fail "colour codes off a terminal"
LC_ALL=C.UTF-8 expect_rc 0 usage --since 24h --period 1h
printf '%s\n' "$out" | grep -q '█' || fail "no Unicode bar in a UTF-8 locale: $out"

note "cache metrics published under other names are absent (null, n/a), not zero"
admin POST usage/config '{"cache_metric_names": {"read": "CacheReadTokens", "write": null}}' >/dev/null
expect_rc 0 --json usage --since 1h
json_ok --argjson s "$served" '.totals.cache_read_tokens == null and .totals.cache_write_tokens == null and .totals.cache_share == null
  and .totals.input_tokens == $s.input_tokens + 1000 and .series[0].cache_read_tokens == null'
LC_ALL=C expect_rc 0 usage --since 1h
printf '%s\n' "$out" | grep -q "n/a" || fail "absent metrics not shown as n/a: $out"
admin POST usage/config '{"cache_metric_names": {"read": "CacheReadInputTokenCount", "write": "CacheWriteInputTokenCount"}}' >/dev/null

note "inactive member tag: billed is null and says so"
admin POST cost-tags '{"MemberName": "Inactive"}' >/dev/null
expect_rc 0 --json usage --since 24h
json_ok '.billed == null and (.billed_unavailable | test("inactive"))'
admin POST cost-tags '{"MemberName": "Active"}' >/dev/null

note "Cost Explorer denied: exit 0, CloudWatch figures, a warning naming ce:GetCostAndUsage"
admin POST deny '{"user": "alice", "action": "ce:GetCostAndUsage"}' >/dev/null
expect_rc 0 --json usage --since 1h
json_ok --argjson s "$served" '.ok and .totals.output_tokens == $s.output_tokens + 100 and .billed == null and (.billed_unavailable | test("ce:GetCostAndUsage"))'
assert_contains "$err" "ce:GetCostAndUsage"

note "CloudWatch denied: exit 5 naming cloudwatch:GetMetricData"
admin POST deny '{"user": "alice", "action": "cloudwatch:GetMetricData"}' >/dev/null
expect_rc 5 --json usage
json_ok '.exit_code == 5 and (.error.message + " " + .error.hint | test("cloudwatch:GetMetricData"))'

note "bad windows are usage errors (exit 2)"
expect_rc 2 usage --since yesterday
assert_contains "$err" "--since yesterday"
expect_rc 2 usage --period 5m
expect_rc 2 usage --since 2026-12-05 --until 2026-12-01
echo "usage command: ok"

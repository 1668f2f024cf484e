#!/bin/sh
# usage_clients.sh - the CloudWatch and Cost Explorer clients (src/aws/
# cloudwatch.c, costexplorer.c, through build/tests/usage_driver (tests/usage/driver.c)) against
# the emulator: real Converse calls come back from GetMetricData exactly as
# the runtime served them; absent cache metrics are discovered as absent;
# NextToken pages are followed (10 pages of 25 points, exact sums);
# 5,000 profiles x 8 metrics take ceil(40000 / 500) = 80 GetMetricData
# calls with the right totals; the billed cost per member is tokens x the
# shipped prices (one Cost Explorer call); denials exit 5 naming
# cloudwatch:GetMetricData and ce:GetCostAndUsage.
. "$CLINECFG_TOP/tests/lib.sh"
DRIVER="$CLINECFG_BUILD/tests/usage_driver"
[ -x "$DRIVER" ] || fail "no $DRIVER: 'make unit' builds the test drivers"
command -v jq >/dev/null 2>&1 || skip "jq not found"
t_home
fake_aws_start --filler 5000
SEED="$CLINECFG_TOP/tests/fake_aws/seed-default.json"
AWS_ACCESS_KEY_ID=$(jq -r '.users[] | select(.name == "alice") | .access_key_id' "$SEED")
AWS_SECRET_ACCESS_KEY=$(jq -r '.users[] | select(.name == "alice") | .secret_access_key' "$SEED")
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION=ap-northeast-1
admin() { curl -sf -X "$1" -H 'content-type: application/json' ${3:+--data "$3"} "$FAKE_AWS_URL/__admin/$2"; }

carol=$(admin GET 'state?fillers=0' | jq -r '.application_profiles[] | select(.name == "platform-bedrock-carol") | .id')
[ -n "$carol" ] || fail "no seeded profile for carol"

note "runtime calls through carol's profile are what GetMetricData reports under ModelId = the profile ID"
python3 - "$FAKE_AWS_PORT" "$SEED" "$carol" <<'PY' || fail "Converse calls failed"
import json, sys
sys.path.insert(0, sys.argv[0] and __import__("os").environ["CLINECFG_TOP"] + "/tests/fake_aws")
from awsclient import user_client, load_seed, quote
port, seed, carol = int(sys.argv[1]), load_seed(), sys.argv[3]
c = user_client(port, "carol", seed)
arn = "arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/" + carol
body = {"system": [{"text": "you are a careful helper " * 5}, {"cachePoint": {"type": "default"}}],
        "messages": [{"role": "user", "content": [{"text": "say hello to the team"}]}]}
for _ in range(3):
    r = c.call("POST", "/model/%s/converse" % quote(arn), body=json.dumps(body).encode(), content_type="application/json")
    assert r.status == 200, r
PY
served=$(admin GET "usage?model_id=$carol" | jq -c ".totals[\"$carol\"]")
now=$(date +%s)
printf '%s\n' "$carol" > "$T_HOME/one.txt"
expect_prog_rc 0 "$DRIVER" metrics "$T_HOME/one.txt" $((now - 3600)) $((now + 60)) 60
got=$(printf '%s' "$out" | jq -c ".models[\"$carol\"]")
printf "%s" "$served" | jq -e --argjson g "$got" '.invocations == 3 and .input_tokens == $g.InputTokenCount and
  .output_tokens == $g.OutputTokenCount and .cache_read_tokens == $g.CacheReadInputTokenCount and
  .cache_write_tokens == $g.CacheWriteInputTokenCount and $g.Invocations == 3 and .cache_read_tokens > 0' >/dev/null \
  || fail "GetMetricData $got differs from what the runtime served $served"
printf '%s' "$out" | jq -e '.calls == 1 and .rounds == 1' >/dev/null || fail "one call expected: $out"

note "cache metrics published under another name are ABSENT, not zero"
expect_prog_rc 0 "$DRIVER" discover "$carol"
printf '%s' "$out" | jq -e '.present.CacheReadInputTokenCount and .present.InputTokenCount' >/dev/null || fail "$out"
admin POST usage/config '{"cache_metric_names": {"read": "CacheReadTokens", "write": null}}' >/dev/null
expect_prog_rc 0 "$DRIVER" discover "$carol"
printf '%s' "$out" | jq -e '(.present.CacheReadInputTokenCount | not) and (.present.CacheWriteInputTokenCount | not)
  and .present.Invocations' >/dev/null || fail "$out"
admin POST usage/config '{"cache_metric_names": {"read": "CacheReadInputTokenCount", "write": "CacheWriteInputTokenCount"}}' >/dev/null

note "NextToken paging: 3 profiles x 10 minutes with 25 points a page"
admin POST usage/config '{"cw_max_datapoints": 25}' >/dev/null
now=$(date +%s)
recs=$(jq -nc --argjson now "$now" '[range(3) as $p | range(10) as $m |
  {model_id: "paging\($p)", time: ($now - 60 - 60 * $m), input_tokens: ($p * 100 + $m + 1), output_tokens: 2}]')
admin POST usage/records "{\"records\": $recs}" >/dev/null
printf 'paging0\npaging1\npaging2\n' > "$T_HOME/paging.txt"
admin POST reset-stats >/dev/null
expect_prog_rc 0 "$DRIVER" metrics "$T_HOME/paging.txt" $((now - 3600)) $((now + 60)) 60
printf '%s' "$out" | jq -e '.models.paging0.InputTokenCount == 55 and .models.paging1.InputTokenCount == 1055 and .models.paging2.InputTokenCount == 2055 and
  .models.paging1.OutputTokenCount == 20 and .models.paging1.Invocations == 10 and .calls == 10 and .rounds == 10' >/dev/null \
  || fail "paged GetMetricData: $out"
[ "$(admin GET stats | jq '.requests.GetMetricData')" = 10 ] || fail "expected 10 pages"
admin POST usage/config '{"cw_max_datapoints": 100800}' >/dev/null

note "30 days x 5,000 profiles: 80 GetMetricData calls of 500 queries, totals exact"
admin POST usage/reset >/dev/null
admin POST usage/generate '{"profiles": "fillers", "days": 30}' > "$T_HOME/gen.json"
jq -r '.totals | keys[]' "$T_HOME/gen.json" > "$T_HOME/ids.txt"
[ "$(wc -l < "$T_HOME/ids.txt")" = 5000 ] || fail "generated $(wc -l < "$T_HOME/ids.txt") profiles"
admin POST reset-stats >/dev/null
now=$(date +%s)
start=$(( (now / 86400 - 31) * 86400 ))
expect_prog_rc 0 "$DRIVER" metrics "$T_HOME/ids.txt" "$start" $(( (now / 86400 + 1) * 86400 )) 86400
printf '%s' "$out" > "$T_HOME/cw.json"
jq -e '.calls == 80 and .series == 40000' "$T_HOME/cw.json" >/dev/null || fail "calls/series: $(jq -c '{calls, rounds, series}' "$T_HOME/cw.json")"
calls=$(admin GET stats | jq '.requests.GetMetricData')
[ "$calls" = 80 ] || fail "the emulator saw $calls GetMetricData calls, not 80"
jq -e --slurpfile cw "$T_HOME/cw.json" '[.totals | to_entries[] | . as $e | $cw[0].models[$e.key] as $g |
  select($g.InputTokenCount != $e.value.input_tokens or $g.OutputTokenCount != $e.value.output_tokens or
         $g.Invocations != $e.value.invocations or $g.CacheReadInputTokenCount != $e.value.cache_read_tokens or
         $g.InvocationThrottles != $e.value.throttles)] | length == 0' "$T_HOME/gen.json" >/dev/null \
  || fail "some profiles' CloudWatch totals differ from the generated usage"
note "GetMetricData: $(jq -c '{calls, rounds}' "$T_HOME/cw.json")"

note "Cost Explorer: one call, cost per member = tokens x the shipped prices"
today=$(date -u +%Y-%m-%d)
tomorrow=$(date -u -d @$((now + 86400)) +%Y-%m-%d)
first=$(date -u -d @"$start" +%Y-%m-%d)
admin POST reset-stats >/dev/null
expect_prog_rc 0 "$DRIVER" cost "$first" "$tomorrow" MemberName
printf '%s' "$out" > "$T_HOME/ce.json"
jq -e '.calls == 1 and (.groups | length) == 5000 and (.truncated | not)' "$T_HOME/ce.json" >/dev/null \
  || fail "cost: $(jq -c '{calls, truncated, n: (.groups | length)}' "$T_HOME/ce.json")"
[ "$(admin GET stats | jq '.ce_get_cost_and_usage_calls')" = 1 ] || fail "more than one Cost Explorer call"
# The fillers copy apac Sonnet 4.5; price it from packaging/prices.json.
state=$(admin GET state)
printf '%s' "$state" | jq '[.application_profiles[] | select(.owner == "filler") | {key: .id, value: .tags.MemberName}] | from_entries' > "$T_HOME/members.json"
bad=$(jq -c --slurpfile ce "$T_HOME/ce.json" --slurpfile mem "$T_HOME/members.json" \
  --slurpfile p "$CLINECFG_TOP/packaging/prices.json" '
  $p[0]["anthropic.claude-sonnet-4-5-20250929-v1:0"] as $pr |
  [.totals | to_entries[] | ((.value.input_tokens * $pr.input + .value.output_tokens * $pr.output +
     .value.cache_read_tokens * $pr.cache_read + .value.cache_write_tokens * $pr.cache_write) / 1000) as $want |
   {member: $mem[0][.key], want: $want, got: $ce[0].groups[$mem[0][.key]]} |
   select(.got == null or ((.got - .want) | fabs) > 1e-6)] | .[0:3]' "$T_HOME/gen.json")
[ "$bad" = "[]" ] || fail "billed cost per member differs from tokens x prices: $bad"
note "billed for $(jq '.groups | length' "$T_HOME/ce.json") members in $(jq .calls "$T_HOME/ce.json") call"

note "denied: exit 5 naming the permission"
admin POST deny '{"user": "alice", "action": "cloudwatch:GetMetricData"}' >/dev/null
admin POST deny '{"user": "alice", "action": "ce:GetCostAndUsage"}' >/dev/null
expect_prog_rc 5 "$DRIVER" metrics "$T_HOME/one.txt" $((now - 3600)) $((now + 60)) 60
printf '%s' "$out" | jq -e '.message | contains("cloudwatch:GetMetricData")' >/dev/null || fail "$out"
printf '%s' "$out" | jq -e '.hint | contains("cloudwatch:GetMetricData")' >/dev/null || fail "$out"
expect_prog_rc 5 "$DRIVER" cost "$today" "$tomorrow" MemberName
printf '%s' "$out" | jq -e '(.message | contains("ce:GetCostAndUsage")) and (.hint | contains("ce:GetCostAndUsage"))' >/dev/null || fail "$out"
echo "usage clients: ok"

#!/bin/sh
# admin_report.sh - `clinecfg admin report` against the emulator with 5,000
# filler profiles and 30 days of generated usage: every member-tagged
# profile is listed once with exactly the generated totals; at most
# ceil(profiles x 5 / 500) GetMetricData calls and one Cost Explorer call;
# billed per member = tokens x the shipped prices; a profile with a member
# but no team tag is listed apart, not dropped; --group team sums the rows;
# --team filters; CSV is RFC 4180 (CRLF, quoted fields) written atomically
# with -o; HTML escapes tag values; no progress off a terminal; Cost
# Explorer denied is exit 0 with a warning naming ce:GetCostAndUsage, and
# CloudWatch denied is exit 5 naming cloudwatch:GetMetricData.
. "$CLINECFG_TOP/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq not found"
t_home
SEED="$T_HOME/seed.json"
jq '.application_profiles += [
  {"name": "web-bedrock-xss", "unchecked_tags": true, "tags": {"Team": "web", "MemberName": "<script>alert(1)</script>"},
   "copy_from": .application_profiles[0].copy_from, "region": "ap-northeast-1"},
  {"name": "web-bedrock-formula", "tags": {"Team": "web", "MemberName": "=1+2"},
   "copy_from": .application_profiles[0].copy_from, "region": "ap-northeast-1"},
  {"name": "lost-bedrock-dave", "tags": {"MemberName": "dave"},
   "copy_from": .application_profiles[0].copy_from, "region": "ap-northeast-1"},
  {"name": "not-clinecfg", "tags": {"Team": "web"},
   "copy_from": .application_profiles[0].copy_from, "region": "ap-northeast-1"}]' \
  "$CLINECFG_TOP/tests/fake_aws/seed-default.json" > "$SEED"
fake_aws_start --seed "$SEED" --filler 5000
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
export AWS_REGION=ap-northeast-1 CLINECFG_PRICES_FILE="$CLINECFG_TOP/packaging/prices.json"
admin() { curl -sf -X "$1" -H 'content-type: application/json' ${3:+--data "$3"} "$FAKE_AWS_URL/__admin/$2"; }
admin POST usage/generate '{"profiles": "all", "days": 30}' > "$T_HOME/gen.json"
# A 30-day window spans two calendar months: 2 x 5,000 groups on one page.
admin POST usage/config '{"ce_page_groups": 100000}' >/dev/null
admin GET state > "$T_HOME/state.json"
jq '[.application_profiles[] | select(.tags.MemberName != null and .tags.Team != null)] | length' "$T_HOME/state.json" > "$T_HOME/want_rows"
WANT_ROWS=$(cat "$T_HOME/want_rows")
[ "$WANT_ROWS" -ge 5002 ] || fail "seeded $WANT_ROWS member-tagged profiles"

note "$WANT_ROWS profiles x 30 days: every profile once, exact totals, few calls"
admin POST reset-stats >/dev/null
start=$(date +%s)
expect_rc 0 --json admin report --since 31d
printf '%s' "$out" > "$T_HOME/report.json"
note "report took $(( $(date +%s) - start )) s: $(jq -c .stats "$T_HOME/report.json")"
[ ! -s "$err" ] || { cat "$err" >&2; fail "stderr is not empty off a terminal"; }
jq -e --argjson n "$WANT_ROWS" '.ok and (.rows | length) == $n and ([.rows[].profile.id] | unique | length) == $n
  and (.inconsistent | length) == 1 and .inconsistent[0].member == "dave" and (.inconsistent[0].reason | test("Team"))
  and .inconsistent[0].profile.name == "lost-bedrock-dave"
  and ([.rows[] | select(.profile.name == "not-clinecfg")] | length) == 0
  and .group == "member" and .prices.date != ""' "$T_HOME/report.json" >/dev/null \
  || fail "rows: $(jq -c '{n: (.rows | length), inconsistent}' "$T_HOME/report.json")"
bad=$(jq -c --slurpfile g "$T_HOME/gen.json" '[.rows[] | . as $r | $g[0].totals[$r.profile.id] as $t |
  select($t == null or $t.input_tokens != $r.input_tokens or $t.output_tokens != $r.output_tokens or
         $t.invocations != $r.invocations or $t.cache_read_tokens != $r.cache_read_tokens or
         $t.cache_write_tokens != $r.cache_write_tokens)] | .[0:3]' "$T_HOME/report.json")
[ "$bad" = "[]" ] || fail "rows differ from the generated usage: $bad"
OTHER=$(jq -r '.application_profiles[] | select(.name == "not-clinecfg") | .id' "$T_HOME/state.json")
jq -e --slurpfile g "$T_HOME/gen.json" --arg other "$OTHER" '([.rows[].input_tokens] | add) == .totals.input_tokens and
  .totals.input_tokens + .inconsistent[0].input_tokens == ([$g[0].totals | to_entries[] | select(.key != $other) | .value.input_tokens] | add) and
  ([.rows[].share] | add | . > 0.999999 and . < 1.000001) and
  ([.rows[].estimated_usd] | . == (sort | reverse))' "$T_HOME/report.json" >/dev/null || fail "totals, shares or order"
stats=$(admin GET stats)
calls=$(printf '%s' "$stats" | jq '.requests.GetMetricData')
max=$(( (WANT_ROWS + 1) * 5 / 500 + 1 ))
[ "$calls" -le "$max" ] || fail "$calls GetMetricData calls, more than ceil(profiles x 5 / 500) = $max"
printf '%s' "$stats" | jq -e '.ce_get_cost_and_usage_calls == 1' >/dev/null || fail "Cost Explorer calls: $stats"

note "billed per member = tokens x the shipped prices"
bad=$(jq -c --slurpfile g "$T_HOME/gen.json" --slurpfile p "$CLINECFG_TOP/packaging/prices.json" '
  $p[0]["anthropic.claude-sonnet-4-5-20250929-v1:0"] as $pr |
  [.rows[] | . as $r | $g[0].totals[$r.profile.id] as $t |
   (($t.input_tokens * $pr.input + $t.output_tokens * $pr.output + $t.cache_read_tokens * $pr.cache_read +
     $t.cache_write_tokens * $pr.cache_write) / 1000) as $want |
   select($r.billed_usd == null or (($r.billed_usd - $want) | fabs) > 1e-6 or (($r.estimated_usd - $want) | fabs) > 1e-6)
   | {member, billed_usd, estimated_usd, $want}] | .[0:3]' "$T_HOME/report.json")
[ "$bad" = "[]" ] || fail "billed/estimated differ from tokens x prices: $bad"

note "--group team sums the members; --team filters"
expect_rc 0 --json admin report --since 31d --group team
printf '%s' "$out" > "$T_HOME/teams.json"
jq -e --slurpfile m "$T_HOME/report.json" '.group == "team" and (.rows | length) == ([$m[0].rows[].team] | unique | length)
  and ([.rows[].input_tokens] | add) == $m[0].totals.input_tokens and ([.rows[].profiles] | add) == ($m[0].rows | length)
  and all(.rows[]; .member == null and .profile == null)' "$T_HOME/teams.json" >/dev/null \
  || fail "group team: $(jq -c '.rows[0:2]' "$T_HOME/teams.json")"
expect_rc 0 --json admin report --since 31d --team web
json_ok --slurpfile m "$T_HOME/report.json" 'all(.rows[]; .team == "web") and (.rows | length) == ([$m[0].rows[] | select(.team == "web")] | length)'

note "CSV: RFC 4180, written atomically with -o"
expect_rc 0 admin report --since 31d --format csv -o "$T_HOME/report.csv"
ls -a "$T_HOME" | grep -q clinecfg-tmp && fail "a temp file was left behind"
python3 - "$T_HOME/report.csv" "$WANT_ROWS" <<'PY' || fail "CSV is not what was expected"
import csv, sys
data = open(sys.argv[1], "rb").read()
assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""), "CRLF line ends"
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
ok = [r for r in rows if r["status"] == "ok"]
assert len(ok) == int(sys.argv[2]), len(ok)
assert any(r["member"] == "<script>alert(1)</script>" for r in ok)
# a tag value a spreadsheet would run as a formula is text: a leading apostrophe
assert any(r["member"] == "'=1+2" for r in ok), [r["member"] for r in ok if "1+2" in r["member"]]
assert not any(r["member"].startswith(("=", "+", "-", "@")) for r in rows)
assert sum(1 for r in rows if r["status"] == "total") == 1
assert any(r["member"] == "dave" and "Team" in r["status"] for r in rows)
PY

note "HTML: one file, tag values escaped"
expect_rc 0 admin report --since 31d --team web --format html -o "$T_HOME/report.html"
assert_contains "$T_HOME/report.html" "&lt;script&gt;alert(1)&lt;/script&gt;"
assert_not_contains "$T_HOME/report.html" "<script>"
assert_not_contains "$T_HOME/report.html" "http://127.0.0.1"

note "Cost Explorer denied: exit 0, CloudWatch figures, a warning naming ce:GetCostAndUsage"
admin POST deny '{"user": "alice", "action": "ce:GetCostAndUsage"}' >/dev/null
expect_rc 0 --json admin report --since 31d --team web
json_ok '.ok and (.rows | length) > 0 and all(.rows[]; .billed_usd == null and .input_tokens > 0) and (.billed_unavailable | test("ce:GetCostAndUsage"))'
assert_contains "$err" "ce:GetCostAndUsage"

note "CloudWatch denied: exit 5 naming cloudwatch:GetMetricData"
admin POST deny '{"user": "alice", "action": "cloudwatch:GetMetricData"}' >/dev/null
expect_rc 5 --json admin report --team web
json_ok '.exit_code == 5 and (.error.message + " " + .error.hint | test("cloudwatch:GetMetricData"))'

note "bad options are usage errors"
expect_rc 2 admin report --format pdf
expect_rc 2 admin report --group org
expect_rc 2 admin report --since tomorrow
echo "admin report: ok"

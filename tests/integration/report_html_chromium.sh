#!/bin/sh
# report_html_chromium.sh - the HTML of `clinecfg admin report` opened in
# headless Chromium (tests/usage/html_check.py drives it over the DevTools
# protocol): one bar per member in the chart, checked through the DOM; no
# console error, no exception, no network request; a member tagged
# `<script>alert(1)</script>` is shown as text and no script or dialog runs.
. "$CLINECFG_TOP/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq not found"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || skip "chromium not found (tests/deps.sh installs it)"
t_home
SEED="$T_HOME/seed.json"
XSS='<script>alert(1)</script>'
jq --arg x "$XSS" '.filler_profiles = 0 | .application_profiles += [
  {"name": "web-bedrock-xss", "unchecked_tags": true, "tags": {"Team": "web", "MemberName": $x},
   "copy_from": .application_profiles[0].copy_from, "region": "ap-northeast-1"},
  {"name": "web-bedrock-amy", "tags": {"Team": "web", "MemberName": "amy"},
   "copy_from": .application_profiles[0].copy_from, "region": "ap-northeast-1"},
  {"name": "data-bedrock-bo", "tags": {"Team": "data", "MemberName": "bo"},
   "copy_from": .application_profiles[0].copy_from, "region": "ap-northeast-1"}]' \
  "$CLINECFG_TOP/tests/fake_aws/seed-default.json" > "$SEED"
fake_aws_start --seed "$SEED"
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
export AWS_REGION=ap-northeast-1 CLINECFG_PRICES_FILE="$CLINECFG_TOP/packaging/prices.json"
curl -sf -X POST -H 'content-type: application/json' --data '{"profiles": "all", "days": 14}' \
  "$FAKE_AWS_URL/__admin/usage/generate" >/dev/null || fail "could not generate usage"

expect_rc 0 --json admin report --since 14d
MEMBERS=$(printf '%s' "$out" | jq '.rows | length')
[ "$MEMBERS" = 4 ] || fail "expected 4 members (carol, amy, bo and the script one): $out"
expect_rc 0 admin report --since 14d --format html -o "$T_HOME/report.html"
python3 "$CLINECFG_TOP/tests/usage/html_check.py" "$CHROMIUM" "$T_HOME/report.html" > "$T_HOME/dom.json" \
  || fail "chromium could not open the report"
note "DOM: $(jq -c '{bars, scripts, days, rows, requests, console_errors, exceptions, dialogs}' "$T_HOME/dom.json")"
jq -e --argjson n "$MEMBERS" --arg x "$XSS" '(.bars | length) == $n and (.bars | index($x)) != null
  and (.labels | index($x)) != null and .scripts == 0 and .days > 0
  and (.requests | length) == 0 and (.console_errors | length) == 0 and (.exceptions | length) == 0
  and (.dialogs | length) == 0' "$T_HOME/dom.json" >/dev/null || fail "the report did not render as expected: $(cat "$T_HOME/dom.json")"
echo "report html in chromium: ok"

#!/bin/sh
# bench_usage.sh - `clinecfg usage` and `clinecfg admin report` against the
# emulator with 20 ms of latency per request, 5,000 filler profiles (plus
# the seed's) and 30 days of generated usage.  Reports wall time, requests
# and sequential round trips of each, and compares the report with
# tests/bench/sequential_report.py, the per-profile script (tags, then one
# GetMetricData per profile, one request after another).  Goals: usage in 2
# round trips (the profile, then metrics and cost together); the report
# with at most ceil(profiles x 5 / 500) GetMetricData calls, one Cost
# Explorer call, and at least 10x faster than the sequential script.
# PROFILES=N changes the account size, LATENCY_MS the latency.
set -eu
TOP=${CLINECFG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${CLINECFG_BIN:-$TOP/clinecfg}
PROFILES=${PROFILES:-5000}
LATENCY_MS=${LATENCY_MS:-20}
W=$(mktemp -d "${TMPDIR:-/tmp}/clinecfg-bench.XXXXXX")
trap 'kill $SRV 2>/dev/null; rm -rf "$W"' EXIT INT TERM
python3 "$TOP/tests/fake_aws/server.py" --seed "$TOP/tests/fake_aws/seed-default.json" --filler "$PROFILES" \
  --latency-ms "$LATENCY_MS" --port-file "$W/port" --lifetime 1800 >"$W/srv.log" 2>&1 &
SRV=$!
i=0; while [ ! -s "$W/port" ]; do i=$((i+1)); [ $i -lt 200 ] || { cat "$W/srv.log"; exit 1; }; sleep 0.1; done
PORT=$(cat "$W/port")
URL="http://127.0.0.1:$PORT"
export AWS_ENDPOINT_URL="$URL" AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
export AWS_REGION=ap-northeast-1 CLINECFG_ORG_CONFIG="$W/none.json" SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$W/kr" SECRET_FILE_TEST_PASSWORD=x
export HOME="$W/home" XDG_CONFIG_HOME="$W/home/.config" XDG_STATE_HOME="$W/home/.local/state"
export CLINECFG_PRICES_FILE="$TOP/packaging/prices.json"
mkdir -p "$HOME"
admin() { curl -sf -X "$1" -H 'content-type: application/json' ${3:+--data "$3"} "$URL/__admin/$2"; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

"$BIN" --json setup -y --team teamA --model apac.anthropic.claude-sonnet-4-5-20250929-v1:0 >"$W/setup.json" 2>"$W/err" \
  || { cat "$W/err"; exit 1; }
admin POST usage/generate '{"profiles": "all", "days": 30}' >/dev/null
admin POST usage/config '{"ce_page_groups": 100000}' >/dev/null

echo "usage --since 7d (3 runs):"
for i in 1 2 3; do
  admin POST reset-stats >/dev/null
  t=$(date +%s%N)
  "$BIN" --json usage --since 7d >"$W/usage.json" 2>"$W/err" || { cat "$W/err"; exit 1; }
  echo "  $(ms "$t") ms, $(admin GET stats | jq .requests_total) requests, $(jq .stats.round_trips "$W/usage.json") sequential round trips (goal 2)"
done

echo "admin report --since 30d, $PROFILES+ profiles:"
now=$(date +%s)
since=$(( (now - 30 * 86400) / 86400 * 86400 ))
admin POST reset-stats >/dev/null
t=$(date +%s%N)
"$BIN" --json admin report --since 30d >"$W/report.json" 2>"$W/err" || { cat "$W/err"; exit 1; }
report_ms=$(ms "$t")
stats=$(admin GET stats)
rows=$(jq '.rows | length' "$W/report.json")
gmd=$(printf '%s' "$stats" | jq '.requests.GetMetricData')
limit=$(( (rows * 5 + 499) / 500 ))
echo "  $report_ms ms, $(printf '%s' "$stats" | jq .requests_total) requests, $(jq .stats.round_trips "$W/report.json") sequential round trips"
echo "  $rows profiles; GetMetricData calls: $gmd (limit ceil($rows x 5 / 500) = $limit); Cost Explorer calls: $(printf '%s' "$stats" | jq .ce_get_cost_and_usage_calls)"

echo "sequential script (tags, then one GetMetricData per profile, one after another):"
admin POST reset-stats >/dev/null
python3 "$TOP/tests/bench/sequential_report.py" "$PORT" "$since" "$now" >"$W/seq.json"
seq_ms=$(jq '.seconds * 1000 | floor' "$W/seq.json")
echo "  $seq_ms ms, $(jq .requests "$W/seq.json") requests (all sequential), $(jq .profiles "$W/seq.json") profiles"
speedup=$(( seq_ms * 10 / (report_ms > 0 ? report_ms : 1) ))
echo "  admin report is $((speedup / 10)).$((speedup % 10))x faster (goal >= 10x)"
ok=1
[ "$gmd" -le "$limit" ] || { echo "FAIL: more GetMetricData calls than ceil(profiles x 5 / 500)"; ok=0; }
[ "$speedup" -ge 100 ] || { echo "FAIL: less than 10x faster than the sequential script"; ok=0; }
[ $ok = 1 ]

#!/bin/sh
# admin_roster_csv.sh - the roster is RFC 4180 CSV: quoted fields with
# commas, "" and line breaks, CRLF lines, a UTF-8 BOM before the header;
# an empty team or member, a NUL byte and a malformed quote are refused
# naming file:line:col; 50 model-less rows without a default model are one
# exit 4 naming roster.csv:2.  The roster is streamed: 200,000 rows stay
# far below the memory the old reader took (peak RSS from /usr/bin/time).
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
ARGS="--model $MODEL --region ap-northeast-1"

note "BOM + CRLF + quoted fields: each field arrives whole; Bedrock's tag rules then refuse ',', '\"' and line breaks in a member, naming the row"
printf '\357\273\277team,member,model\r\n"teamA","smith, john"\r\nteamB,"o""brien",\r\n"teamC","multi\r\nline",%s\r\n  teamD  ,  plain  \r\n"team E","john smith"\r\n# a comment with "quotes\r\n\r\nteamF,"a@b.com",""\r\n' "$MODEL" > "$T_HOME/roster.csv"
expect_rc 4 --json admin provision --roster "$T_HOME/roster.csv" $ARGS
json_ok '.summary.created == 3 and .summary.failed == 3 and (.rows | length) == 6'
json_ok '[.rows[].member] == ["smith, john", "o\"brien", "multi\r\nline", "plain", "john smith", "a@b.com"]'
json_ok '[.rows[].team] == ["teamA", "teamB", "teamC", "teamD", "team E", "teamF"]'
json_ok '[.rows[].status] == ["failed", "failed", "failed", "created", "created", "created"]'
json_ok '.rows[0].error | test("roster.csv:2: .*character .,.")'
json_ok '.rows[1].error | test("roster.csv:3: .*character .\".")'
json_ok '.rows[2].error | test("roster.csv:4: ")'
json_ok '.rows[3].name == "teamd-bedrock-plain" and .rows[4].name == "team e-bedrock-john smith"'
state=$(curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0")
printf '%s' "$state" | jq -e '[.application_profiles[] | select(.tags.MemberName == "member" or .tags.Team == "team" or (.tags.Team | test("\u00ef|\ufeff")))] | length == 0' >/dev/null \
  || fail "the header became a member"
printf '%s' "$state" | jq -e '[.application_profiles[] | select(.tags.MemberName == "john smith" and .tags.Team == "team E")] | length == 1' >/dev/null \
  || fail "the quoted row 'team E','john smith' was not created as written"

# name ~ file content (printf format) ~ expected message substring
while IFS='~' read -r name content want; do
  [ -n "$name" ] || continue
  f="$T_HOME/$name.csv"
  printf "$content" > "$f"
  run_cc admin provision --roster "$f" $ARGS
  [ "$rc" = 4 ] || { cat "$err"; fail "$name: expected exit 4, got $rc"; }
  assert_contains "$err" "$f:$want"
  note "refused: $name"
done <<'EOF_CASES'
empty-team~team,member\nteamA,alice\n,bob\n~3:1: the team is empty
empty-team-middle~teamA,,carol\n~1:7: the member is empty
empty-team-quoted~"",bob\n~1:1: the team is empty
empty-member-blank~teamA,   \n~1:7: the member is empty
nul-byte~teamA,al\000ice\n~1:9: a NUL byte
nul-in-comment~# x\000\nteamA,alice\n~1:4: a NUL byte
nul-in-quotes~"tea\000m",alice\n~1:5: a NUL byte
one-field~teamA\n~1:6: expected team,member[,model]
four-fields~teamA,alice,m,extra\n~1:15: a fourth field
quote-in-unquoted~teamA,al"ice\n~1:9: a quote inside an unquoted field
after-closing-quote~"teamA"x,alice\n~1:8: text after the closing quote
unterminated~teamA,"alice\nbob\n~1:7: the quoted field starting here never ends
lone-cr~teamA,alice\rteamB,bob\n~1:12: a carriage return without a line feed
EOF_CASES

note "a field longer than the limit"
{ printf 'teamA,'; head -c 600 /dev/zero | tr '\0' a; printf '\n'; } > "$T_HOME/long.csv"
run_cc admin provision --roster "$T_HOME/long.csv" $ARGS
[ "$rc" = 4 ] || fail "long field: expected 4, got $rc"
assert_contains "$err" "long.csv:1:7: a field longer than 512 bytes"

note "50 model-less rows and no default model: exit 4 naming roster.csv:2, nothing looked up"
mkdir -p "$T_HOME/ml"
{ echo "team,member"; i=0; while [ $i -lt 50 ]; do echo "teamA,dev$i"; i=$((i+1)); done; } > "$T_HOME/ml/roster.csv"
before=$(wc -l < "$FAKE_AWS_DIR/requests.jsonl")
run_cc admin provision --roster "$T_HOME/ml/roster.csv" --region ap-northeast-1
[ "$rc" = 4 ] || { cat "$err"; fail "model-less rows: expected 4, got $rc"; }
assert_contains "$err" "roster.csv:2: no model for dev0 and no default model (50 rows without one)"
assert_eq "$(wc -l < "$FAKE_AWS_DIR/requests.jsonl")" "$before" "(requests sent for a refused roster)"

note "a bad row late in the file: nothing is created (the whole file is checked first)"
{ echo "teamA,late1"; echo "teamA,late2"; echo "teamA,"; } > "$T_HOME/late.csv"
run_cc admin provision --roster "$T_HOME/late.csv" $ARGS
[ "$rc" = 4 ] || fail "late bad row: expected 4, got $rc"
curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0" | jq -e '[.application_profiles[] | select(.name | test("late"))] | length == 0' >/dev/null \
  || fail "rows before a bad row were created"

note "a FIFO, a folder and a missing file are refused at once"
mkfifo "$T_HOME/fifo.csv"
run_cc admin provision --roster "$T_HOME/fifo.csv" $ARGS
[ "$rc" = 4 ] || fail "fifo: expected 4, got $rc"
assert_contains "$err" "not a regular file"
run_cc admin provision --roster "$T_HOME" $ARGS
[ "$rc" = 4 ] || fail "folder: expected 4, got $rc"
run_cc admin provision --roster "$T_HOME/nope.csv" $ARGS
[ "$rc" = 4 ] || fail "missing: expected 4, got $rc"
assert_contains "$err" "does not exist"

note "200,000 rows, --dry-run: streamed in bounded memory"
if [ -x /usr/bin/time ] && [ -z "${CLINECFG_WRAP:-}" ]; then
  awk 'BEGIN { print "team,member"; for (i = 0; i < 200000; i++) printf "team%d,developer-number-%d\n", i % 40, i }' > "$T_HOME/big.csv"
  rc=0
  /usr/bin/time -v "$CLINECFG_BIN" --dry-run admin provision --roster "$T_HOME/big.csv" $ARGS \
    >"$T_HOME/big.out" 2>"$T_HOME/big.err" || rc=$?
  [ $rc = 0 ] || { tail -5 "$T_HOME/big.err"; fail "big roster: exit $rc"; }
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$T_HOME/big.err")
  rows=$(grep -c '^pending ' "$T_HOME/big.out" || true)
  note "200000 rows: peak RSS ${rss} KiB, $rows pending rows printed"
  assert_eq "$rows" 200000
  # The old reader held every row (about 2.5 KiB each): 500 MB and more.
  limit=$((64 * 1024))
  case "$CLINECFG_BIN" in *asan*) limit=$((512 * 1024));; esac
  [ "$rss" -lt "$limit" ] || fail "peak RSS ${rss} KiB for 200000 rows (limit $limit KiB)"
else
  note "skipping the 200,000-row measurement (no /usr/bin/time, or under $CLINECFG_WRAP)"
fi

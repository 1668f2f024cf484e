#!/bin/sh
# error_paths_admin.sh - every documented error exit of `admin provision`,
# table-driven: bad flags (2), bad roster rows and request files (4), a
# denied create (5), an unreachable endpoint (6), a conflict (8), each with
# its message.  `make check-asan` and `make check-valgrind` run this same
# table under ASan+UBSan and valgrind, so every error path is exercised
# clean (leaks included).
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
ALICE="AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe"
BOB="AWS_ACCESS_KEY_ID=AKIAFAKEBOB000000000 AWS_SECRET_ACCESS_KEY=fake/bob/SecretKey+fake/bob/SecretKey+fa"
cat > "$CLINECFG_ORG_CONFIG" <<JSON
{ "team": "teamA", "model": "$MODEL", "region": "ap-northeast-1" }
JSON
D="$T_HOME/in"; mkdir -p "$D"

# Rosters.
printf 'teamA,erruser1\n' > "$D/good.csv"
printf 'teamA\n' > "$D/one_field.csv"
printf 'team,member\n,bob\n' > "$D/empty_team.csv"
printf 'teamA,,carol\n' > "$D/empty_member.csv"
printf 'teamA,bo\000b\n' > "$D/nul.csv"
printf 'teamA,"bob\n' > "$D/unterminated.csv"
printf 'teamA,b"ob\n' > "$D/stray_quote.csv"
printf 'teamA,bob,m,x\n' > "$D/four.csv"
printf '\357\273\277team,member\n' > "$D/header_only.csv"
: > "$D/empty.csv"
printf 'teamA,!!!\n' > "$D/bad_member.csv"
printf 'teamA,newguy\n' > "$D/denied.csv"
printf 'teamA,zed\n' > "$D/conflict.csv"
{ echo "team,member"; i=0; while [ $i -lt 50 ]; do echo "teamA,dev$i"; i=$((i+1)); done; } > "$D/roster.csv"
mkfifo "$D/fifo.csv"

# Requests: bob's genuine one, then broken copies.
rc=0; env $BOB "$CLINECFG_BIN" --json setup -y >"$T_HOME/bob.json" 2>"$T_HOME/bob.err" || rc=$?
[ $rc = 3 ] || { cat "$T_HOME/bob.err"; fail "bob's setup: expected 3, got $rc"; }
REQ=$(jq -r .request.path "$T_HOME/bob.json")
printf '{"name": "x",' > "$D/truncated.json"
printf '[1, 2]' > "$D/array.json"
: > "$D/empty.json"
jq 'del(.source_arn)' "$REQ" > "$D/no_source.json"
jq 'del(.requester_arn)' "$REQ" > "$D/no_requester.json"
jq '.tags = "Team=teamA"' "$REQ" > "$D/tags_string.json"
jq '.tags.Team = 7' "$REQ" > "$D/tag_number.json"
jq '.requester_arn = "not an arn"' "$REQ" > "$D/bad_requester.json"
jq '.requester_arn = "arn:aws:iam::123456789012:root"' "$REQ" > "$D/root_requester.json"
jq '.member = "mallory" | .tags.MemberName = "mallory" | .name = "teama-bedrock-mallory"' "$REQ" > "$D/other_member.json"
jq '.tags.Team = "teamB" | .name = "teamb-bedrock-bob"' "$REQ" > "$D/other_team.json"
jq '.tags["aws:x"] = "y"' "$REQ" > "$D/aws_tag.json"
jq '.name = "bad name!"' "$REQ" > "$D/bad_name.json"
jq '.account = "999999999999" | .requester_arn = "arn:aws:iam::999999999999:user/bob"
  | .source_arn |= sub("123456789012"; "999999999999")' "$REQ" > "$D/other_account.json"
jq '.source_arn = "arn:aws:bedrock:ap-northeast-1::foundation-model/bad model"' "$REQ" > "$D/bad_model.json"

note "a profile zed with other tags, for the conflict"
env $ALICE "$CLINECFG_BIN" admin provision --roster "$D/conflict.csv" >/dev/null 2>&1 || fail "conflict fixture"

# exit ~ env ~ arguments ~ message substring (one table row a line)
while IFS='~' read -r want envs args msg; do
  [ -n "$want" ] || continue
  set +e
  # shellcheck disable=SC2086
  out=$(env $ALICE $envs ${CLINECFG_WRAP:-} "$CLINECFG_BIN" $args 2>"$T_HOME/err.txt" </dev/null)
  rc=$?
  set -e
  if [ "$rc" != "$want" ]; then
    echo "case: $args ($envs)" >&2; cat "$T_HOME/err.txt" >&2
    fail "expected exit $want, got $rc"
  fi
  assert_contains "$T_HOME/err.txt" "$msg"
  note "exit $want: $args"
done <<EOF_CASES
2~~admin~usage: clinecfg admin provision
2~~admin frobnicate~usage: clinecfg admin provision
2~~admin provision~give exactly one of --request FILE or --roster CSV
2~~admin provision --request $REQ --roster $D/good.csv~give exactly one
2~~admin provision --roster $D/good.csv --concurrency 0~--concurrency 0: give a number from 1 to 64
2~~admin provision --roster $D/good.csv --concurrency 65~--concurrency 65
2~~admin provision --roster $D/good.csv --concurrency 8x~--concurrency 8x
2~~admin provision --roster $D/good.csv --bogus~bogus
2~~admin provision --roster~--roster
4~~admin provision --roster $D/missing.csv~missing.csv: roster does not exist
4~~admin provision --roster $D~not a regular file
4~~admin provision --roster $D/fifo.csv~not a regular file
4~~admin provision --roster $D/empty.csv~the roster lists nobody
4~~admin provision --roster $D/header_only.csv~the roster lists nobody
4~~admin provision --roster $D/one_field.csv~one_field.csv:1:6: expected team,member[,model]
4~~admin provision --roster $D/empty_team.csv~empty_team.csv:2:1: the team is empty
4~~admin provision --roster $D/empty_member.csv~empty_member.csv:1:7: the member is empty
4~~admin provision --roster $D/nul.csv~nul.csv:1:9: a NUL byte
4~~admin provision --roster $D/unterminated.csv~unterminated.csv:1:7: the quoted field starting here never ends
4~~admin provision --roster $D/stray_quote.csv~stray_quote.csv:1:8: a quote inside an unquoted field
4~~admin provision --roster $D/four.csv~four.csv:1:13: a fourth field
4~CLINECFG_ORG_CONFIG=/nonexistent~admin provision --roster $D/roster.csv --region ap-northeast-1~roster.csv:2: no model for dev0 and no default model (50 rows without one)
4~~admin provision --roster $D/good.csv --model bad!model~'bad!model' is not a Bedrock model
4~CLINECFG_ALLOWED_REGIONS=ap-northeast-1~admin provision --roster $D/good.csv --model global.anthropic.claude-sonnet-4-5-20250929-v1:0~outside allowed_regions
4~~admin provision --roster $D/bad_member.csv~bad_member.csv:1: roster member cannot be a MemberName tag value: character '!'
4~~admin provision --region nowhere --roster $D/good.csv~nowhere
4~~admin provision --request $D/missing.json~missing.json: request file does not exist
4~~admin provision --request $D~$D
4~~admin provision --request $D/truncated.json~truncated.json:1:
4~~admin provision --request $D/empty.json~a request must be a JSON object
4~~admin provision --request $D/array.json~a request must be a JSON object
4~~admin provision --request $D/no_source.json~request field 'source_arn' is missing
4~~admin provision --request $D/no_requester.json~request field 'requester_arn' is missing
4~~admin provision --request $D/tags_string.json~request field 'tags' must be an object
4~~admin provision --request $D/tag_number.json~tag 'Team' must have a string value
4~~admin provision --request $D/bad_requester.json~is not a caller ARN
4~~admin provision --request $D/root_requester.json~is not a caller ARN
4~~admin provision --request $D/other_member.json~is for member 'mallory'
4~~admin provision --request $D/other_team.json~is for team 'teamB'
4~~admin provision --request $D/aws_tag.json~aws:
4~~admin provision --request $D/bad_name.json~but the name template gives 'teama-bedrock-bob'
4~~admin provision --request $D/other_account.json~the request is for account 999999999999, but your credentials are for account 123456789012
4~~admin provision --request $D/bad_model.json~is not a system inference profile or foundation model
4~~admin provision --request $REQ --region ap-southeast-2~the request is for region ap-northeast-1, but this run uses ap-southeast-2
5~$BOB~admin provision --roster $D/denied.csv~denied
6~AWS_ENDPOINT_URL=http://127.0.0.1:9~admin provision --roster $D/good.csv~127.0.0.1
8~CLINECFG_EXTRA_TAGS=CostCenter=cc-9~admin provision --roster $D/conflict.csv~already exists with other tags
EOF_CASES

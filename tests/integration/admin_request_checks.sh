#!/bin/sh
# admin_request_checks.sh - a request file is written by a developer, so
# `admin provision --request` re-checks it: another member, team, tag set,
# name, region or model than its requester and the org config allow is
# refused with exit 4, and the emulator never receives a
# CreateInferenceProfile.  Text from the file prints without terminal
# controls; the planned profile is shown and, on a terminal, asked about.
# The commands setup suggests (file, JSON, webhook) are shell-quoted.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
cat > "$CLINECFG_ORG_CONFIG" <<JSON
{ "team": "teamA", "model": "$MODEL", "region": "ap-northeast-1",
  "extra_tags": { "CostCenter": "cc-1234" },
  "allowed_regions": ["ap-northeast-1", "ap-northeast-3", "ap-southeast-2"] }
JSON
BOB="AWS_ACCESS_KEY_ID=AKIAFAKEBOB000000000 AWS_SECRET_ACCESS_KEY=fake/bob/SecretKey+fake/bob/SecretKey+fa"
ALICE="AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe"
creates() { grep -c '"op": *"CreateInferenceProfile"' "$FAKE_AWS_DIR/requests.jsonl" || true; }
ESC=$(printf '\033'); BEL=$(printf '\007')

note "bob files a request"
rc=0; env $BOB "$CLINECFG_BIN" --json setup -y >"$T_HOME/bob.json" 2>"$T_HOME/bob.err" || rc=$?
[ $rc = 3 ] || { cat "$T_HOME/bob.err"; fail "expected exit 3, got $rc"; }
REQ=$(jq -r .request.path "$T_HOME/bob.json")
[ "$(creates)" = 1 ] || fail "setup should have tried exactly one create (denied)"
BASE=$(creates)

# tamper NAME JQ-FILTER: a copy of bob's request changed by the filter.
tamper() { jq "$2" "$REQ" > "$T_HOME/$1.json"; echo "$T_HOME/$1.json"; }
SYS_ARN=$(jq -r .source_arn "$REQ")
GLOBAL_ARN=$(printf '%s' "$SYS_ARN" | sed 's|inference-profile/apac\.|inference-profile/global.|')

# name ~ jq filter ~ expected message substring
while IFS='~' read -r name filter want; do
  [ -n "$name" ] || continue
  f=$(tamper "$name" "$filter")
  rc=0; env $ALICE ${CLINECFG_WRAP:-} "$CLINECFG_BIN" admin provision -y --request "$f" >"$T_HOME/$name.out" 2>"$T_HOME/$name.err" || rc=$?
  [ $rc = 4 ] || { cat "$T_HOME/$name.err"; fail "$name: expected exit 4, got $rc"; }
  assert_contains "$T_HOME/$name.err" "$want"
  assert_not_contains "$T_HOME/$name.err" "$ESC"
  assert_not_contains "$T_HOME/$name.err" "$BEL"
  [ "$(creates)" = "$BASE" ] || fail "$name: a CreateInferenceProfile reached the emulator"
  note "refused: $name"
done <<EOF_CASES
other-member~.member = "alice" | .name = "teama-bedrock-alice" | .tags.MemberName = "alice"~is for member 'alice', but its requester
member-only~.member = "carol"~is for member 'carol'
other-team~.tags.Team = "teamB" | .name = "teamb-bedrock-bob"~is for team 'teamB', but this run accepts team 'teamA'
team-in-name-only~.name = "teamb-bedrock-bob"~but the name template gives 'teama-bedrock-bob'
other-member-tag~.tags.MemberName = "alice"~sets tag MemberName=alice
extra-tag~.tags.Owner = "mallory"~adds tag Owner=mallory
changed-cost-center~.tags.CostCenter = "cc-9999"~sets tag CostCenter=cc-9999
missing-cost-center~del(.tags.CostCenter)~has no tag 'CostCenter'
other-requester~.requester_arn = "arn:aws:iam::123456789012:user/alice"~but its requester arn:aws:iam::123456789012:user/alice is 'alice'
other-account-requester~.requester_arn = "arn:aws:iam::999999999999:user/bob"~is in account 999999999999
region-outside~.region = "us-east-1"~region us-east-1, outside allowed_regions
model-outside~.source_arn = "$GLOBAL_ARN"~outside allowed_regions
application-source~.source_arn = "arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/abc"~is not a system inference profile
other-region-source~.source_arn = ("$SYS_ARN" | sub("ap-northeast-1"; "ap-southeast-2"))~is not a system inference profile
escape-in-member~.member = "bob\u001b]0;owned\u0007\u001b[2J"~is for member 'bob?
escape-in-tag~.tags.CostCenter = "cc\u001b[31m"~CostCenter
EOF_CASES

note "a team this run does not accept by default: --team accepts it"
cat > "$CLINECFG_ORG_CONFIG" <<JSON
{ "model": "$MODEL", "region": "ap-northeast-1", "extra_tags": { "CostCenter": "cc-1234" },
  "allowed_regions": ["ap-northeast-1", "ap-northeast-3", "ap-southeast-2"] }
JSON
rc=0; env $ALICE ${CLINECFG_WRAP:-} "$CLINECFG_BIN" admin provision -y --request "$REQ" >/dev/null 2>"$T_HOME/noteam.err" || rc=$?
[ $rc = 4 ] || fail "no configured team: expected 4, got $rc"
assert_contains "$T_HOME/noteam.err" "run again with --team 'teamA'"
rc=0; env $ALICE ${CLINECFG_WRAP:-} "$CLINECFG_BIN" admin provision -y --team teamB --request "$REQ" >/dev/null 2>"$T_HOME/teamb.err" || rc=$?
[ $rc = 4 ] || fail "--team teamB: expected 4, got $rc"
[ "$(creates)" = "$BASE" ] || fail "a refused request reached CreateInferenceProfile"

note "on a terminal the plan is shown and 'n' creates nothing"
if command -v script >/dev/null 2>&1; then
  (sleep 2; printf 'n\n'; sleep 1) | env $ALICE script -qec "$CLINECFG_BIN --no-color admin provision --team teamA --request $REQ" /dev/null \
    >"$T_HOME/tty.txt" 2>&1 || true
  assert_contains "$T_HOME/tty.txt" "Planned profile (from $REQ)"
  assert_contains "$T_HOME/tty.txt" "Name:      teama-bedrock-bob"
  assert_contains "$T_HOME/tty.txt" "Tags:      Team=teamA MemberName=bob CostCenter=cc-1234"
  assert_contains "$T_HOME/tty.txt" "Provision teama-bedrock-bob as planned? [y/N]"
  assert_contains "$T_HOME/tty.txt" "cancelled; nothing was created"
  [ "$(creates)" = "$BASE" ] || fail "a declined plan was created"
else
  note "script(1) missing: terminal prompt not exercised"
fi

note "the genuine request, with -y: the plan is printed and the profile created"
rc=0; env $ALICE ${CLINECFG_WRAP:-} "$CLINECFG_BIN" --json admin provision -y --team teamA --request "$REQ" >"$T_HOME/ok.json" 2>"$T_HOME/ok.err" || rc=$?
[ $rc = 0 ] || { cat "$T_HOME/ok.err"; fail "genuine request: exit $rc"; }
assert_contains "$T_HOME/ok.err" "Planned profile"
jq -e '.summary.created == 1 and .plan.name == "teama-bedrock-bob" and .plan.region == "ap-northeast-1"
  and .plan.tags == {"Team":"teamA","MemberName":"bob","CostCenter":"cc-1234"}
  and (.plan.model | startswith("anthropic.claude-sonnet-4-5"))' "$T_HOME/ok.json" >/dev/null || fail "$(cat "$T_HOME/ok.json")"
[ "$(creates)" = $((BASE + 1)) ] || fail "expected exactly one more CreateInferenceProfile"

note "suggested commands are shell-quoted: a request folder with a semicolon, quotes, spaces and a command substitution; a team with a space"
HOOK_DIR=$(t_tmpdir)
python3 "$CLINECFG_TOP/tests/webhook_listener.py" --port-file "$HOOK_DIR/port" --out "$HOOK_DIR/posts.jsonl" &
T_PIDS="$T_PIDS $!"
i=0; while [ ! -s "$HOOK_DIR/port" ]; do i=$((i+1)); [ $i -lt 100 ] || fail "webhook listener did not start"; sleep 0.1; done
ODD="$T_HOME/req dir; touch $T_HOME/PWNED 'x' \$(id)"
rc=0; env $BOB CLINECFG_REQUEST_DIR="$ODD" CLINECFG_REQUEST_WEBHOOK_URL="http://127.0.0.1:$(cat "$HOOK_DIR/port")/h" \
  "$CLINECFG_BIN" --json setup -y --team "team Q" >"$T_HOME/odd.json" 2>"$T_HOME/odd.err" || rc=$?
[ $rc = 3 ] || { cat "$T_HOME/odd.err"; fail "odd folder: expected exit 3, got $rc"; }
ADMIN=$(jq -r .request.admin_command "$T_HOME/odd.json")
AWSCLI=$(jq -r .request.aws_cli "$T_HOME/odd.json")
ODD_REQ=$(jq -r .request.path "$T_HOME/odd.json")
# Run the suggestions with stand-ins that print their arguments, one per line.
mkdir -p "$T_HOME/bin"
printf '#!/bin/sh\nfor a in "$@"; do printf "%%s\\n" "$a"; done\n' > "$T_HOME/bin/clinecfg"
cp "$T_HOME/bin/clinecfg" "$T_HOME/bin/aws"; chmod +x "$T_HOME/bin/clinecfg" "$T_HOME/bin/aws"
PATH="$T_HOME/bin:$PATH" sh -c "$ADMIN" > "$T_HOME/admin.args"
[ ! -e "$T_HOME/PWNED" ] || fail "the admin command ran an injected command"
assert_eq "$(sed -n 4p "$T_HOME/admin.args")" "$ODD_REQ"
assert_eq "$(wc -l < "$T_HOME/admin.args" | tr -d ' ')" 4
PATH="$T_HOME/bin:$PATH" sh -c "$AWSCLI" > "$T_HOME/aws.args"
grep -qxF 'key=Team,value=team Q' "$T_HOME/aws.args" || fail "aws cli tag word: $(cat "$T_HOME/aws.args")"
grep -qxF -- '--inference-profile-name' "$T_HOME/aws.args" || fail "aws cli words: $(cat "$T_HOME/aws.args")"
jq -e --arg a "$ADMIN" --arg c "$AWSCLI" '.admin_command == $a and .aws_cli == $c' "$ODD_REQ" >/dev/null \
  || fail "the request file holds other commands"
jq -se --arg a "$ADMIN" '.[-1].body | fromjson | .admin_command == $a' "$HOOK_DIR/posts.jsonl" >/dev/null \
  || fail "the webhook got another admin command: $(tail -1 "$HOOK_DIR/posts.jsonl")"

#!/bin/sh
# setup_request.sh - without create permission: exit 3, a request file, the
# webhook receives it; the admin provisions it with one command; a waiting
# setup then completes.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
HOOK_DIR=$(t_tmpdir)
python3 "$CLINECFG_TOP/tests/webhook_listener.py" --port-file "$HOOK_DIR/port" --out "$HOOK_DIR/posts.jsonl" &
T_PIDS="$T_PIDS $!"
i=0; while [ ! -s "$HOOK_DIR/port" ]; do i=$((i+1)); [ $i -lt 100 ] || fail "webhook listener did not start"; sleep 0.1; done
mkdir -p "$XDG_CONFIG_HOME/clinecfg"
cat > "$XDG_CONFIG_HOME/clinecfg/config.json" <<JSON
{
  // where requests go when setup may not create profiles
  "request": { "webhook_url": "http://127.0.0.1:$(cat "$HOOK_DIR/port")/hooks/bedrock" },
  "team": "teamA", "model": "$MODEL", "region": "ap-northeast-1",
}
JSON
BOB="AWS_ACCESS_KEY_ID=AKIAFAKEBOB000000000 AWS_SECRET_ACCESS_KEY=fake/bob/SecretKey+fake/bob/SecretKey+fa"

note "bob may not create: exit 3, request file, webhook"
rc=0; env $BOB "$CLINECFG_BIN" --json setup -y >"$T_HOME/out.json" 2>"$T_HOME/err" || rc=$?
[ $rc = 3 ] || { cat "$T_HOME/err"; fail "expected exit 3, got $rc"; }
jq -e '.ok == false and .exit_code == 3 and .error.code == "request.pending" and (.request.path | length > 0)
  and .request.webhook_sent == true and (.request.admin_command | startswith("clinecfg admin provision --request "))
  and (.request.aws_cli | startswith("aws bedrock create-inference-profile"))' "$T_HOME/out.json" >/dev/null \
  || fail "pending JSON: $(cat "$T_HOME/out.json")"
REQ=$(jq -r .request.path "$T_HOME/out.json")
jq -e '.name == "teama-bedrock-bob" and .tags.Team == "teamA" and .tags.MemberName == "bob" and .account == "123456789012"
  and .region == "ap-northeast-1" and .requester_arn == "arn:aws:iam::123456789012:user/bob"
  and (.source_arn | endswith("inference-profile/'"$MODEL"'")) and (.requested_at | test("Z$"))' "$REQ" >/dev/null \
  || fail "request file: $(cat "$REQ")"
[ "$(stat -c %a "$REQ")" = 600 ] || fail "request file mode $(stat -c %a "$REQ")"
jq -se 'length == 1 and .[0].path == "/hooks/bedrock" and .[0].authorization == false and (.[0].body | fromjson | .name == "teama-bedrock-bob")' \
  "$HOOK_DIR/posts.jsonl" >/dev/null || fail "webhook got: $(cat "$HOOK_DIR/posts.jsonl")"
[ ! -e "$HOME/.cline" ] || fail "a pending setup wrote Cline files"

note "setup --wait polls while the admin provisions"
env $BOB "$CLINECFG_BIN" --json setup -y --wait=60 >"$T_HOME/wait.json" 2>"$T_HOME/wait.err" &
WAITER=$!
sleep 1
env AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe \
  "$CLINECFG_BIN" --json admin provision --request "$REQ" >"$T_HOME/admin.json" 2>"$T_HOME/admin.err" \
  || { cat "$T_HOME/admin.err"; fail "admin provision failed"; }
jq -e '.ok and .summary.created == 1 and .rows[0].status == "created" and (.rows[0].arn | test("application-inference-profile/"))' \
  "$T_HOME/admin.json" >/dev/null || fail "admin JSON: $(cat "$T_HOME/admin.json")"
ARN=$(jq -r '.rows[0].arn' "$T_HOME/admin.json")
wait $WAITER || { cat "$T_HOME/wait.err"; fail "setup --wait did not complete"; }
jq -e --arg a "$ARN" '.ok and .profile.arn == $a' "$T_HOME/wait.json" >/dev/null || fail "wait JSON: $(cat "$T_HOME/wait.json")"
assert_eq "$(jq -r .actModeApiModelId "$HOME/.cline/data/globalState.json")" "$ARN"

note "provisioning the same request again is idempotent"
env AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe \
  "$CLINECFG_BIN" --json admin provision --request "$REQ" >"$T_HOME/admin2.json" 2>/dev/null || fail "second provision failed"
jq -e '.summary.existing == 1 and .summary.created == 0' "$T_HOME/admin2.json" >/dev/null || fail "$(cat "$T_HOME/admin2.json")"

note "--wait with nobody provisioning gives up with exit 3"
rc=0; env $BOB "$CLINECFG_BIN" setup -y --team teamZ --wait=2 >/dev/null 2>"$T_HOME/err2" || rc=$?
[ $rc = 3 ] || fail "expected exit 3 after the wait, got $rc"

note "a broken request file: exit 4 naming the file"
printf '{"name": "x",' > "$T_HOME/bad.json"; rc=0
env AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe \
  "$CLINECFG_BIN" admin provision --request "$T_HOME/bad.json" 2>"$T_HOME/err3" || rc=$?
[ $rc = 4 ] || fail "expected 4, got $rc"
assert_contains "$T_HOME/err3" "$T_HOME/bad.json:1:"

note "the webhook URL is split by libcurl's URL parser: query kept, fragment dropped"
rc=0; env $BOB CLINECFG_REQUEST_WEBHOOK_URL="http://127.0.0.1:$(cat "$HOOK_DIR/port")/hooks/q?src=clinecfg&x=1#part" \
  "$CLINECFG_BIN" --json setup -y --team teamQ >"$T_HOME/q.json" 2>"$T_HOME/q.err" || rc=$?
[ $rc = 3 ] || { cat "$T_HOME/q.err"; fail "expected exit 3, got $rc"; }
jq -e '.request.webhook_sent == true' "$T_HOME/q.json" >/dev/null || fail "query URL not sent: $(cat "$T_HOME/q.json")"
jq -se '.[-1].path == "/hooks/q?src=clinecfg&x=1" and (.[-1].body | fromjson | .name == "teamq-bedrock-bob")' \
  "$HOOK_DIR/posts.jsonl" >/dev/null || fail "webhook got: $(tail -1 "$HOOK_DIR/posts.jsonl")"

note "a webhook URL without a host: a warning naming it, the request file still written"
rc=0; env $BOB CLINECFG_REQUEST_WEBHOOK_URL="http://" "$CLINECFG_BIN" --json setup -y --team teamR \
  >"$T_HOME/r.json" 2>"$T_HOME/r.err" || rc=$?
[ $rc = 3 ] || { cat "$T_HOME/r.err"; fail "expected exit 3, got $rc"; }
jq -e '.request.webhook_sent == false and (.request.path | length > 0)' "$T_HOME/r.json" >/dev/null \
  || fail "no-host URL: $(cat "$T_HOME/r.json")"
assert_contains "$T_HOME/r.err" "could not send the request to http://"

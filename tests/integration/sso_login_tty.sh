#!/bin/sh
# sso_login_tty.sh - `clinecfg login --sso` on a terminal (a pseudo-terminal
# driven by Python's pty module) with neither account nor role given: after
# the device is approved it lists the accounts (ListAccounts, every page)
# and the account's roles as numbered menus and signs in to the choice;
# the tokens never show in the transcript.
. "$CLINECFG_TOP/tests/lib.sh"
command -v curl >/dev/null 2>&1 || skip "curl not found"
command -v jq >/dev/null 2>&1 || skip "jq not found"
t_home
fake_aws_start
admin() { curl -sS -X "$1" "$FAKE_AWS_URL/__admin/$2" ${3:+-H 'content-type: application/json' -d "$3"}; }
admin POST knobs '{"sso": {"page_size": 1}}' >/dev/null
. "$CLINECFG_TOP/tests/integration/pty_talk.sh.inc"

# Approves the device code once login asks for it (login is busy on the pty).
( i=0
  while [ $i -lt 300 ]; do
    if [ -n "$(admin GET 'state?fillers=0' | jq -r '.identity_center.pending_user_codes[0] // empty')" ]; then
      admin POST sso-approve '{"identity": "alice@example.com"}' >/dev/null; exit 0
    fi
    i=$((i+1)); sleep 0.1
  done ) &
T_PIDS="$T_PIDS $!"

pty_talk "$T_HOME/t.txt" "Which AWS account=>1" "Which role=>1" -- \
  "$CLINECFG_BIN" login --sso --no-browser --start-url https://example.awsapps.com/start --sso-region us-east-1 \
  --region ap-northeast-1 || { cat "$T_HOME/t.txt" >&2; fail "interactive login --sso failed"; }
assert_contains "$T_HOME/t.txt" "1) 123456789012 clinecfg-dev"
assert_contains "$T_HOME/t.txt" "2) 210987654321 sandbox"
assert_contains "$T_HOME/t.txt" "1) BedrockDeveloper"
assert_contains "$T_HOME/t.txt" "2) ReadOnly"
assert_contains "$T_HOME/t.txt" "role BedrockDeveloper in account 123456789012 is arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_BedrockDeveloper_"
if grep -Eq 'aoa[A-Za-z0-9]{40}|aorAAAAAG|eyJraWQiOiJrZXktMTU2' "$T_HOME/t.txt"; then fail "a token shows in the transcript"; fi
run_cc --json credential-process --source sso:default
[ "$rc" = 0 ] || fail "credential-process after the interactive sign-in exited $rc: $(cat "$err")"
echo "sso login tty: ok"

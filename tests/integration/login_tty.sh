#!/bin/sh
# login on a terminal (a pseudo-terminal driven by Python's pty module):
# the secret prompt has echo off (the secret never shows in the terminal
# transcript), the identity is shown before the "store?" question, and
# --from-profile offers to delete the plain-text keys: "n" keeps the file
# byte for byte, "y" removes exactly the two keys through the safe-edit
# engine and keeps no backup holding the secret; -y never removes.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/integration/keyring_common.sh.inc"
t_home
fake_aws_start
export AWS_REGION=ap-northeast-1

. "$CLINECFG_TOP/tests/integration/pty_talk.sh.inc"
pty_run() { pty_talk "$@"; }

# Interactive key entry: id echoed, secret not.
pty_run "$T_HOME/t1.txt" "AWS access key ID=>$ALICE_ID" "AWS secret access key=>$ALICE_SECRET" \
  "Store this key=>y" -- "$CLINECFG_BIN" login || fail "interactive login failed: $(cat "$T_HOME/t1.txt")"
assert_contains "$T_HOME/t1.txt" "$ALICE_ID"
assert_contains "$T_HOME/t1.txt" "belongs to arn:aws:iam::123456789012:user/alice"
assert_not_contains "$T_HOME/t1.txt" "$ALICE_SECRET"
# The identity came before the question.
python3 - "$T_HOME/t1.txt" <<'PY' || fail "the identity must be shown before asking to store"
import sys
t = open(sys.argv[1], "rb").read()
assert t.index(b"belongs to") < t.index(b"Store this key"), t
PY
run_cc credential-process
[ "$rc" = 0 ] || fail "credential-process after interactive login: $(cat "$err")"

# Answering "n" stores nothing.
pty_run "$T_HOME/t2.txt" "AWS access key ID=>$ALICE_ID" "AWS secret access key=>$ALICE_SECRET" \
  "Store this key=>n" -- "$CLINECFG_BIN" login --account declined && fail "declined login must not succeed"
run_cc credential-process --account declined
[ "$rc" = 4 ] || fail "a declined login stored something (exit $rc)"

# --from-profile: "n" keeps the credentials file as it was.
mkdir -p "$HOME/.aws"
cat >"$HOME/.aws/credentials" <<EOF
# team keys
[other]
aws_access_key_id = AKIAOTHER00000000000
aws_secret_access_key = other/secret/other/secret/other/secret00

[dev]
aws_access_key_id = $ALICE_ID
aws_secret_access_key = $ALICE_SECRET
region = ap-northeast-1
EOF
chmod 600 "$HOME/.aws/credentials"
cp "$HOME/.aws/credentials" "$T_HOME/credentials.orig"
pty_run "$T_HOME/t3.txt" "Store this key=>y" "Remove the plain-text keys=>n" -- \
  "$CLINECFG_BIN" login --account dev --from-profile dev || fail "login --from-profile failed: $(cat "$T_HOME/t3.txt")"
cmp -s "$HOME/.aws/credentials" "$T_HOME/credentials.orig" || fail "answering n changed the credentials file"
assert_contains "$T_HOME/t3.txt" "stay in"

# -y: imported, never removed, no prompt.
run_cc -y login --account dev2 --from-profile dev </dev/null
[ "$rc" = 0 ] || fail "login -y --from-profile: $(cat "$err")"
cmp -s "$HOME/.aws/credentials" "$T_HOME/credentials.orig" || fail "-y removed keys from the credentials file"

# "y": exactly the two keys of [dev] go; the rest stays; no backup with the secret.
pty_run "$T_HOME/t4.txt" "Store this key=>y" "Remove the plain-text keys=>y" -- \
  "$CLINECFG_BIN" login --account dev --from-profile dev || fail "login --from-profile (remove) failed: $(cat "$T_HOME/t4.txt")"
cat >"$T_HOME/credentials.want" <<EOF
# team keys
[other]
aws_access_key_id = AKIAOTHER00000000000
aws_secret_access_key = other/secret/other/secret/other/secret00

[dev]
region = ap-northeast-1
EOF
cmp -s "$HOME/.aws/credentials" "$T_HOME/credentials.want" || {
  diff "$T_HOME/credentials.want" "$HOME/.aws/credentials" >&2; fail "the removal changed more (or less) than the two keys"; }
[ "$(stat -c %a "$HOME/.aws/credentials")" = 600 ] || fail "the credentials file lost its 0600 mode"
run_cc credential-process --account dev
[ "$rc" = 0 ] || fail "credential-process for the imported profile: $(cat "$err")"

# Nothing under HOME holds alice's secret any more (backups included).
assert_no_secret "$ALICE_SECRET"

# The run is in the backup list with the file marked withheld, and restore
# says why it cannot put the keys back (exit 4) instead of calling the
# backup damaged; the file stays as it is.
expect_rc 0 --json restore --list
login_run=$(printf '%s' "$out" | jq -r '[.runs[] | select(.label == "login")] | last | .id')
[ -n "$login_run" ] && [ "$login_run" != null ] || fail "no login run in restore --list: $out"
json_ok --arg id "$login_run" '.runs[] | select(.id == $id) | .files[0].withheld == true and .files[0].backup == null'
expect_rc 0 restore --list
printf '%s\n' "$out" > "$T_HOME/list.txt"
assert_contains "$T_HOME/list.txt" "(no copy kept: it held plain-text keys)"
expect_rc 4 --json restore "$login_run"
json_ok '.error.code == "restore.withheld" and (.error.message | contains("no copy of them was kept"))'
expect_rc 4 restore "$login_run"
assert_contains "$err" "no copy of them was kept"
assert_contains "$err" "restore --list"
cmp -s "$HOME/.aws/credentials" "$T_HOME/credentials.want" || fail "a refused restore changed the credentials file"
echo "ok"

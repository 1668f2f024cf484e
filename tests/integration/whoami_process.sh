#!/bin/sh
# whoami with a credential_process profile: valid output (command split
# without a shell), malformed output, wrong Version, expired credentials,
# a failing command (its stderr passed through), a missing program, too
# much output, and a process that hangs (killed with its whole process
# group at CLINECFG_PROCESS_TIMEOUT_MS).  Every failure is exit 4.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
export AWS_REGION=ap-northeast-1

json_field() {
  printf '%s' "$out" | python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print("null" if v is None else v)' "$1"
}

BIN="$T_HOME/bin dir"        # a space in the path: the split must keep it
mkdir -p "$BIN" "$HOME/.aws"
FUTURE=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')

cat > "$BIN/creds" <<SH
#!/bin/sh
# \$1 selects the behaviour; \$2 must arrive as one word.
[ "\$2" = "one word; \\\$HOME *" ] || { echo "argv not split as expected: [\$2]" >&2; exit 9; }
case "\$1" in
  good) printf '{"Version": 1, "AccessKeyId": "AKIAFAKEALICE0000000", "SecretAccessKey": "fake/alice/SecretKey+fake/alice/SecretKe", "Expiration": "$FUTURE"}\n' ;;
  session) printf '{"Version":1,"AccessKeyId":"ASIAFAKECAROL0000000","SecretAccessKey":"fake/carol/SecretKey+fake/carol/SecretKe","SessionToken":"FakeSessionTokenForCarol//assumed-role/Developer=","AccountId":"123456789012"}' ;;
  notjson) echo 'this is not json' ;;
  version2) printf '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "B"}' ;;
  nosecret) printf '{"Version": 1, "AccessKeyId": "AKIAFAKEALICE0000000"}' ;;
  expired) printf '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "B", "Expiration": "2020-01-01T00:00:00Z"}' ;;
  fail) echo "boom-from-the-process" >&2; exit 3 ;;
  huge) python3 -c 'print("x" * 200000)' ;;
  hang) sleep 300 & echo \$! > "$T_HOME/child.pid"; echo \$\$ > "$T_HOME/parent.pid"; sleep 300 ;;
esac
SH
chmod +x "$BIN/creds"

cfg() { # NAME MODE
  printf '[profile %s]\ncredential_process = "%s/creds" %s '"'"'one word; $HOME *'"'"'\n\n' "$1" "$BIN" "$2" >> "$HOME/.aws/config"
}
for m in good session notjson version2 nosecret expired fail huge hang; do cfg "p$m" "$m"; done
printf '[profile pmissing]\ncredential_process = /nonexistent/credential-helper --flag\n' >> "$HOME/.aws/config"
printf '[profile pquote]\ncredential_process = "%s/creds good\n' "$BIN" >> "$HOME/.aws/config"

expect_rc 0 --json whoami --aws-profile pgood
assert_eq "$(json_field arn)" "arn:aws:iam::123456789012:user/alice"
assert_eq "$(json_field credential_source)" "profile:pgood (credential_process)"
grep '"access_key_id":"AKIAFAKEALICE0000000"' "$FAKE_AWS_DIR/requests.jsonl" | grep -q '"status":200' \
  || fail "the emulator did not accept the call signed with credential_process keys"

expect_rc 0 --json whoami --aws-profile psession
assert_eq "$(json_field member)" "carol@example.com"

expect_rc 4 whoami --aws-profile pnotjson
assert_contains "$err" "credential_process of AWS profile 'pnotjson' printed invalid output: not JSON"
expect_rc 4 whoami --aws-profile pversion2
assert_contains "$err" "Version must be the number 1"
expect_rc 4 whoami --aws-profile pnosecret
assert_contains "$err" "SecretAccessKey is missing"
expect_rc 4 whoami --aws-profile pexpired
assert_contains "$err" "expired at 2020-01-01T00:00:00Z"
expect_rc 4 whoami --aws-profile pfail
assert_contains "$err" "exited with status 3"
assert_contains "$err" "boom-from-the-process"      # the process's stderr is passed through
expect_rc 4 whoami --aws-profile phuge
assert_contains "$err" "more than 65536 bytes"
expect_rc 4 whoami --aws-profile pmissing
assert_contains "$err" "cannot run '/nonexistent/credential-helper'"
expect_rc 4 whoami --aws-profile pquote
assert_contains "$err" "unterminated double quote"

# A hanging process is killed at the bound, with its children.
start=$(date +%s)
CLINECFG_PROCESS_TIMEOUT_MS=700 expect_rc 4 whoami --aws-profile phang
elapsed=$(( $(date +%s) - start ))
[ "$elapsed" -le 10 ] || fail "the hanging credential_process was not stopped in time (${elapsed}s)"
assert_contains "$err" "did not finish within 700 ms and was killed"
sleep 0.2
for f in parent child; do
  [ -s "$T_HOME/$f.pid" ] || fail "the $f process did not record its pid"
  pid=$(cat "$T_HOME/$f.pid")
  # A zombie waiting for its reaper counts as gone; a live or stopped one does not.
  state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  case "$state" in ""|Z*) ;; *) ps -o pid,ppid,pgid,stat,args -p "$pid" >&2; fail "the $f process of the credential_process survived";; esac
done
echo "ok"

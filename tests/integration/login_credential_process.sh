#!/bin/sh
# login / credential-process / logout against the emulator, with libsecret's
# file back end (no D-Bus): keys checked before they are stored, session
# credentials minted once and served from the keyring cache, refreshed when
# they are about to expire, the long-term key only when GetSessionToken is
# denied (said on stderr), session duration from CLINECFG_SESSION_DURATION,
# logout removes everything, and no secret in argv, stderr, -v output or any
# file under HOME.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/integration/keyring_common.sh.inc"
t_home
fake_aws_start
export AWS_REGION=ap-northeast-1
printf '%s\n' "$ALICE_SECRET" >"$T_HOME/alice.secret"
printf '%s\n' "$FRANK_SECRET" >"$T_HOME/frank.secret"
printf '%s\n' 'wrong/SecretKey+wrong/SecretKey+wrong/Sec' >"$T_HOME/wrong.secret"
: >"$T_HOME/empty"
sts_calls() { grep -c "\"op\":\"$1\"" "$FAKE_AWS_DIR/requests.jsonl" || true; }

argv_watch_start

# Nothing stored yet: credential-process explains what to run (exit 4).
expect_in 4 "$T_HOME/empty" credential-process
assert_contains "$err" "no AWS access key is stored in the keyring for account 'default'"
assert_contains "$err" "clinecfg login"
[ -z "$out" ] || fail "credential-process printed something on stdout while failing"

# Secrets never from argv, and no terminal here: usage errors.
expect_in 2 "$T_HOME/empty" login
assert_contains "$err" "never taken from the command line"
expect_in 2 "$T_HOME/empty" login --access-key-id "$ALICE_ID"
assert_contains "$err" "--secret-stdin"
expect_in 2 "$T_HOME/alice.secret" login --secret-stdin
expect_in 2 "$T_HOME/alice.secret" login --from-env --access-key-id "$ALICE_ID"
expect_in 2 "$T_HOME/alice.secret" login --account 'bad name' --access-key-id "$ALICE_ID" --secret-stdin

# A wrong secret is refused by STS and nothing is stored.
expect_in 5 "$T_HOME/wrong.secret" login --access-key-id "$ALICE_ID" --secret-stdin
assert_contains "$err" "the keys were not stored"
expect_in 4 "$T_HOME/empty" credential-process

# A malformed key is refused before any call.
before=$(sts_calls GetCallerIdentity)
expect_in 4 "$T_HOME/alice.secret" login --access-key-id 'akia-lower' --secret-stdin
assert_eq "$(sts_calls GetCallerIdentity)" "$before" "(no STS call for a malformed key id)"

# login: checked with GetCallerIdentity, identity shown, stored.
expect_in 0 "$T_HOME/alice.secret" login --access-key-id "$ALICE_ID" --secret-stdin
assert_contains "$err" "belongs to arn:aws:iam::123456789012:user/alice"
printf '%s\n' "$out" | grep -q "stored access key AKIA...0000 of arn:aws:iam::123456789012:user/alice" \
  || fail "login did not report what it stored: $out"
expect_in 0 "$T_HOME/alice.secret" --json login --access-key-id "$ALICE_ID" --secret-stdin
assert_eq "$(json_get arn)" "arn:aws:iam::123456789012:user/alice"
assert_eq "$(json_get aws_account)" "123456789012"
assert_eq "$(json_get stored)" "True"

# credential-process: Version 1 session credentials, 12 h by default.
gst0=$(sts_calls GetSessionToken)
expect_in 0 "$T_HOME/empty" credential-process
printf '%s' "$out" >"$T_HOME/cp1.json"
python3 - "$T_HOME/cp1.json" <<'PY' || fail "credential-process output is not a valid Version 1 document"
import json, sys, datetime
d = json.load(open(sys.argv[1]))
assert d["Version"] == 1, d
assert d["AccessKeyId"].startswith("ASIA"), d["AccessKeyId"]
assert d["SecretAccessKey"] and d["SessionToken"]
exp = datetime.datetime.strptime(d["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
left = (exp - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
assert 43200 - 120 < left <= 43200 + 5, left
assert set(d) == {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}, d
PY
assert_eq "$(sts_calls GetSessionToken)" "$((gst0 + 1))"
SESSION_SECRET=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["SecretAccessKey"])' "$T_HOME/cp1.json")
SESSION_TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["SessionToken"])' "$T_HOME/cp1.json")

# The emulator accepts those session credentials (signed with the token).
AWS_ACCESS_KEY_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKeyId"])' "$T_HOME/cp1.json") \
  AWS_SECRET_ACCESS_KEY="$SESSION_SECRET" AWS_SESSION_TOKEN="$SESSION_TOKEN" expect_in 0 "$T_HOME/empty" --json whoami
assert_eq "$(json_get arn)" "arn:aws:iam::123456789012:user/alice"

# Second call: served from the keyring cache, no STS call, same keys.
expect_in 0 "$T_HOME/empty" -v credential-process
printf '%s' "$out" >"$T_HOME/cp2.json"
cmp -s "$T_HOME/cp1.json" "$T_HOME/cp2.json" || fail "the cached call returned other credentials"
assert_eq "$(sts_calls GetSessionToken)" "$((gst0 + 1))" "(cached path must not call STS)"
assert_contains "$err" "cached session credentials"
[ "$(wc -l <"$err")" -lt 12 ] || fail "-v on the cached path did more than a keyring lookup: $(cat "$err")"

# About to expire (within 5 minutes): refreshed.  The cached item is
# replaced through libsecret (secret-tool honours SECRET_BACKEND=file; it
# does not store xdg:schema, so ours is cleared first to avoid two items).
if command -v secret-tool >/dev/null 2>&1; then
  soon=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(seconds=200)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
  printf '{"version":1,"type":"session","access_key_id":"ASIAOLDOLDOLDOLD0000","secret_access_key":"old/old/old/old/old/old/old/old/old/old1","session_token":"oldtoken","expiration":"%s"}' "$soon" \
    | { secret-tool clear service clinecfg account default kind session;
        secret-tool store --label=test service clinecfg account default kind session xdg:schema io.clinecfg.Credential; }
  expect_in 0 "$T_HOME/empty" credential-process
  case "$out" in *ASIAOLDOLDOLDOLD0000*) fail "credentials 200 s from expiry were not refreshed";; esac
  assert_eq "$(sts_calls GetSessionToken)" "$((gst0 + 2))"
  later=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(seconds=900)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
  printf '{"version":1,"type":"session","access_key_id":"ASIAOLDOLDOLDOLD0001","secret_access_key":"old/old/old/old/old/old/old/old/old/old1","session_token":"oldtoken","expiration":"%s"}' "$later" \
    | { secret-tool clear service clinecfg account default kind session;
        secret-tool store --label=test service clinecfg account default kind session xdg:schema io.clinecfg.Credential; }
  expect_in 0 "$T_HOME/empty" credential-process
  case "$out" in *ASIAOLDOLDOLDOLD0001*) ;; *) fail "credentials 15 min from expiry should still be served from the cache";; esac
  assert_eq "$(sts_calls GetSessionToken)" "$((gst0 + 2))"
else
  note "secret-tool missing: refresh-before-expiry case not run"
fi

# Session duration is configurable.
expect_in 0 "$T_HOME/alice.secret" login --account short --access-key-id "$ALICE_ID" --secret-stdin
CLINECFG_SESSION_DURATION=3600 expect_in 0 "$T_HOME/empty" credential-process --account short
printf '%s' "$out" | python3 -c '
import json,sys,datetime
d=json.load(sys.stdin)
exp=datetime.datetime.strptime(d["Expiration"],"%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
left=(exp-datetime.datetime.now(datetime.timezone.utc)).total_seconds()
assert 3600-120 < left <= 3605, left' || fail "CLINECFG_SESSION_DURATION=3600 was not honoured"
expect_in 0 "$T_HOME/alice.secret" login --account short2 --access-key-id "$ALICE_ID" --secret-stdin
CLINECFG_SESSION_DURATION=60 expect_in 4 "$T_HOME/empty" credential-process --account short2
assert_contains "$err" "900..129600"

# GetSessionToken denied (frank): the long-term key, with a warning, and
# the denial is remembered (no STS call on the next run).
expect_in 0 "$T_HOME/frank.secret" login --account frank --access-key-id "$FRANK_ID" --secret-stdin
expect_in 0 "$T_HOME/empty" credential-process --account frank
assert_contains "$err" "GetSessionToken is denied"
assert_contains "$err" "long-term access key"
printf '%s' "$out" | python3 -c '
import json,sys
d=json.load(sys.stdin)
assert d["Version"]==1 and d["AccessKeyId"]=="AKIAFAKEFRANK0000000", d
assert "SessionToken" not in d and "Expiration" not in d, d' || fail "denied path must print the long-term key without expiry"
g=$(sts_calls GetSessionToken)
expect_in 0 "$T_HOME/empty" credential-process --account frank
assert_contains "$err" "remembered"
assert_eq "$(sts_calls GetSessionToken)" "$g" "(a remembered denial must not call STS)"

# --from-env, and temporary credentials refused.
AWS_ACCESS_KEY_ID=$ALICE_ID AWS_SECRET_ACCESS_KEY=$ALICE_SECRET expect_in 0 "$T_HOME/empty" login --account envacct --from-env
# Other keys under the same account: said so.
expect_in 0 "$T_HOME/frank.secret" --json login --account envacct --access-key-id "$FRANK_ID" --secret-stdin
assert_eq "$(json_get replaced)" "True"
assert_contains "$err" "replacing access key AKIA...0000 of arn:aws:iam::123456789012:user/alice"
expect_in 0 "$T_HOME/frank.secret" --json login --account envacct --access-key-id "$FRANK_ID" --secret-stdin
assert_eq "$(json_get replaced)" "False"
AWS_ACCESS_KEY_ID=$ALICE_ID AWS_SECRET_ACCESS_KEY=$ALICE_SECRET AWS_SESSION_TOKEN=tok \
  expect_in 4 "$T_HOME/empty" login --account envacct2 --from-env
assert_contains "$err" "temporary credentials"
expect_in 4 "$T_HOME/empty" login --account envacct3 --from-env

# logout removes the key and the cached session; again is a no-op.
expect_in 0 "$T_HOME/empty" --json logout
assert_eq "$(json_get removed)" "True"
expect_in 4 "$T_HOME/empty" credential-process
expect_in 0 "$T_HOME/empty" --json logout
assert_eq "$(json_get removed)" "False"
expect_in 0 "$T_HOME/empty" logout --account frank
expect_in 4 "$T_HOME/empty" credential-process --account frank

# -v output and stderr carried no secret; nor did argv or any file in HOME.
expect_in 0 "$T_HOME/alice.secret" -v login --access-key-id "$ALICE_ID" --secret-stdin
expect_in 0 "$T_HOME/empty" -vv credential-process   # a refresh: login dropped the cached session
assert_contains "$err" "asking STS"
LAST_SECRET=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["SecretAccessKey"])')
LAST_TOKEN=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["SessionToken"])')
argv_watch_stop
assert_no_secret "$ALICE_SECRET" "$FRANK_SECRET" "$SESSION_SECRET" "$SESSION_TOKEN" "$LAST_SECRET" "$LAST_TOKEN"
echo "ok"

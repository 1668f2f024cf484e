#!/bin/sh
# No secret access key, session token or SSO access token may appear on
# stdout or stderr of `clinecfg -v -v whoami` (text and --json), for every
# credential source, nor in the error messages of failing sources.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
export AWS_REGION=ap-northeast-1

SECRETS="fake/alice/SecretKey+fake/alice/SecretKe fake/carol/SecretKey+fake/carol/SecretKe FakeSessionTokenForCarol//assumed-role/Developer= fake-sso-access-token-bob TOPSECRETARG"
check_clean() { # WHAT
  printf '%s\n' "$out" > "$T_HOME/stdout.txt"
  for s in $SECRETS; do
    assert_not_contains "$T_HOME/stdout.txt" "$s"
    assert_not_contains "$err" "$s"
  done
  # The SSO role credentials the emulator made up are random; their shape is known.
  if grep -Eq 'secretAccessKey|"sessionToken"' "$T_HOME/stdout.txt" "$err"; then fail "$1: a credential field leaked"; fi
  [ -s "$err" ] || fail "$1: no -v trace at all (the test would prove nothing)"
}

mkdir -p "$HOME/.aws/sso/cache" "$T_HOME/bin"
cat > "$T_HOME/bin/creds" <<'SH'
#!/bin/sh
case "$1" in
  good) printf '{"Version":1,"AccessKeyId":"ASIAFAKECAROL0000000","SecretAccessKey":"fake/carol/SecretKey+fake/carol/SecretKe","SessionToken":"FakeSessionTokenForCarol//assumed-role/Developer="}' ;;
  v2) printf '{"Version":2,"AccessKeyId":"ASIAFAKECAROL0000000","SecretAccessKey":"fake/carol/SecretKey+fake/carol/SecretKe"}' ;;
  trailing) printf '{"Version":1,"AccessKeyId":"ASIAFAKECAROL0000000","SecretAccessKey":"fake/carol/SecretKey+fake/carol/SecretKe"} fake/carol/SecretKey+fake/carol/SecretKe' ;;
  *) exit 1 ;;
esac
SH
chmod +x "$T_HOME/bin/creds"
cat > "$HOME/.aws/config" <<CFG
[profile static]
aws_access_key_id = AKIAFAKEALICE0000000
aws_secret_access_key = fake/alice/SecretKey+fake/alice/SecretKe

[profile proc]
credential_process = $T_HOME/bin/creds good --token=TOPSECRETARG

[profile procv2]
credential_process = $T_HOME/bin/creds v2 --token=TOPSECRETARG

[profile proctrail]
credential_process = $T_HOME/bin/creds trailing

[profile procfail]
credential_process = $T_HOME/bin/creds fail --token=TOPSECRETARG

[profile sso]
sso_session = s
sso_account_id = 123456789012
sso_role_name = Dev

[sso-session s]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
CFG
key=$(printf s | python3 -c 'import hashlib,sys; print(hashlib.sha1(sys.stdin.buffer.read()).hexdigest())')
printf '{"accessToken":"fake-sso-access-token-bob","expiresAt":"2199-01-01T00:00:00Z"}' > "$HOME/.aws/sso/cache/$key.json"

for json in "" --json; do
  AWS_ACCESS_KEY_ID=ASIAFAKECAROL0000000 AWS_SECRET_ACCESS_KEY='fake/carol/SecretKey+fake/carol/SecretKe' \
    AWS_SESSION_TOKEN='FakeSessionTokenForCarol//assumed-role/Developer=' expect_rc 0 -v -v $json whoami
  check_clean "env $json"
  for p in static proc sso; do
    expect_rc 0 -v -v $json whoami --aws-profile $p
    check_clean "profile $p $json"
  done
  for p in procv2 proctrail procfail; do
    expect_rc 4 -v -v $json whoami --aws-profile $p
    check_clean "profile $p $json"
  done
  # A rejected signature echoes nothing secret either.
  AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY='fake/carol/SecretKey+fake/carol/SecretKe' \
    expect_rc 5 -v -v $json whoami
  check_clean "bad signature $json"
done
echo "ok"

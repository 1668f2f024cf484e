#!/bin/sh
# whoami with static keys from the shared files: --aws-profile, AWS_PROFILE,
# the default profile as the chain's last step, the chain order, region and
# endpoint_url from the profile, and the errors for a missing profile
# (exit 4, naming the profile and the files) and half a key pair.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
unset AWS_ENDPOINT_URL   # the profile's endpoint_url must be enough

json_field() {
  printf '%s' "$out" | python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print("null" if v is None else v)' "$1"
}

mkdir -p "$HOME/.aws"
cat > "$HOME/.aws/config" <<CFG
[default]
region = ap-northeast-1
endpoint_url = $FAKE_AWS_URL

[profile dev]
region = us-east-2
endpoint_url = $FAKE_AWS_URL

[profile half]
region = us-east-2
endpoint_url = $FAKE_AWS_URL

[profile empty]
region = us-east-2
CFG
cat > "$HOME/.aws/credentials" <<CRED
[dev]
aws_access_key_id = AKIAFAKEALICE0000000
aws_secret_access_key = fake/alice/SecretKey+fake/alice/SecretKe

[default]
aws_access_key_id = AKIAFAKEBOB000000000
aws_secret_access_key = fake/bob/SecretKey+fake/bob/SecretKey+fa

[half]
aws_access_key_id = AKIAFAKEALICE0000000
CRED

# --aws-profile: static keys, region from the profile.
expect_rc 0 --json whoami --aws-profile dev
assert_eq "$(json_field arn)" "arn:aws:iam::123456789012:user/alice"
assert_eq "$(json_field credential_source)" "profile:dev (static)"
assert_eq "$(json_field region)" "us-east-2"
grep '"access_key_id":"AKIAFAKEALICE0000000"' "$FAKE_AWS_DIR/requests.jsonl" | grep -q '"status":200' \
  || fail "the emulator did not accept the signed call from profile dev"

# AWS_PROFILE is explicit too, and beats the AWS_* key variables.
AWS_PROFILE=dev AWS_ACCESS_KEY_ID=AKIAFAKEROOT00000000 AWS_SECRET_ACCESS_KEY=x expect_rc 0 --json whoami
assert_eq "$(json_field member)" "alice"
assert_eq "$(json_field credential_source)" "profile:dev (static)"

# No profile named: the environment beats the default profile...
AWS_ACCESS_KEY_ID=ASIAFAKEDAVE00000000 AWS_SECRET_ACCESS_KEY='fake/dave/SecretKey+fake/dave/SecretKey+' \
  AWS_SESSION_TOKEN='FakeSessionTokenForDave//federated-user=' expect_rc 0 --json whoami
assert_eq "$(json_field member)" "dave"
assert_eq "$(json_field credential_source)" "env"
assert_eq "$(json_field region)" "ap-northeast-1"

# ...and the default profile is the last step (the keyring is empty).
expect_rc 0 --json whoami
assert_eq "$(json_field member)" "bob"
assert_eq "$(json_field credential_source)" "profile:default (static)"

# A missing profile: exit 4, the name and both files in the message.
expect_rc 4 whoami --aws-profile nosuch
assert_contains "$err" "AWS profile 'nosuch' not found"
assert_contains "$err" "$HOME/.aws/config"
assert_contains "$err" "$HOME/.aws/credentials"
AWS_PROFILE=nosuch expect_rc 4 --json whoami
printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["ok"] is False and d["exit_code"]==4 and "nosuch" in d["error"]["message"], d'

# Half a key pair, or no credentials at all in the named profile: exit 4.
expect_rc 4 whoami --aws-profile half
assert_contains "$err" "'half'"
assert_contains "$err" "aws_secret_access_key"
expect_rc 4 whoami --aws-profile empty
assert_contains "$err" "'empty' has no credentials"

# AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE move the files.
mkdir -p "$T_HOME/elsewhere"
mv "$HOME/.aws/config" "$T_HOME/elsewhere/cfg"; mv "$HOME/.aws/credentials" "$T_HOME/elsewhere/creds"
expect_rc 4 whoami --aws-profile dev
AWS_CONFIG_FILE="$T_HOME/elsewhere/cfg" AWS_SHARED_CREDENTIALS_FILE="$T_HOME/elsewhere/creds" \
  expect_rc 0 --json whoami --aws-profile dev
assert_eq "$(json_field member)" "alice"

# Nothing anywhere: exit 4 with advice.
expect_rc 4 whoami --region us-east-1
assert_contains "$err" "no AWS credentials found"
assert_contains "$err" "clinecfg login"
echo "ok"

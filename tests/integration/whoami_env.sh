#!/bin/sh
# whoami with credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN]:
# the emulator must accept the signed GetCallerIdentity, and the member
# name must follow the identity rules for IAM users, assumed roles and
# federated users.  Root shows its identity with no member name.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
export AWS_REGION=ap-northeast-1

json_field() { # FIELD: prints $out's top-level FIELD ("null" for JSON null)
  printf '%s' "$out" | python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print("null" if v is None else v)' "$1"
}

# IAM user, text output.
AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY='fake/alice/SecretKey+fake/alice/SecretKe' \
  expect_rc 0 whoami
printf '%s\n' "$out" > "$T_HOME/out.txt"
assert_contains "$T_HOME/out.txt" "account:           123456789012"
assert_contains "$T_HOME/out.txt" "arn:               arn:aws:iam::123456789012:user/alice"
assert_contains "$T_HOME/out.txt" "member:            alice"
assert_contains "$T_HOME/out.txt" "profile name:      (none: no team is configured"
assert_contains "$T_HOME/out.txt" "credential source: env"
assert_contains "$T_HOME/out.txt" "region:            ap-northeast-1"

# The emulator verified the signature and answered 200 for alice's key.
alice_accepted() {
  grep '"op":"GetCallerIdentity"' "$FAKE_AWS_DIR/requests.jsonl" | grep '"access_key_id":"AKIAFAKEALICE0000000"' |
    grep -q '"status":200'
}
await_log alice_accepted || fail "the emulator did not accept alice's signed GetCallerIdentity"

# Assumed role with an e-mail session name (session token signed), JSON output.
export AWS_ACCESS_KEY_ID=ASIAFAKECAROL0000000 AWS_SECRET_ACCESS_KEY='fake/carol/SecretKey+fake/carol/SecretKe' \
  AWS_SESSION_TOKEN='FakeSessionTokenForCarol//assumed-role/Developer='
expect_rc 0 --json whoami
assert_eq "$(json_field arn)" "arn:aws:sts::123456789012:assumed-role/Developer/carol@example.com"
assert_eq "$(json_field member)" "carol@example.com" "(the role session name, unabridged: MemberName is the identity)"
assert_eq "$(json_field profile_name)" "null" "(no team configured)"
# With a team, the profile name setup would use: sanitised, plus a hash of
# the exact identity because sanitising changed it.
CLINECFG_TEAM=teamA expect_rc 0 --json whoami
printf '%s' "$(json_field profile_name)" | grep -Eq '^teama-bedrock-carol-example-com-[0-9a-f]{8}$' ||
  fail "profile_name '$(json_field profile_name)' is not teama-bedrock-carol-example-com-<hash>"
assert_eq "$(json_field account)" "123456789012"
assert_eq "$(json_field user_id)" "$(json_field user_id | grep ':carol@example.com$')"
assert_eq "$(json_field credential_source)" "env"
assert_eq "$(json_field region)" "ap-northeast-1"
assert_eq "$(json_field ok)" "True"

# Federated user.
export AWS_ACCESS_KEY_ID=ASIAFAKEDAVE00000000 AWS_SECRET_ACCESS_KEY='fake/dave/SecretKey+fake/dave/SecretKey+' \
  AWS_SESSION_TOKEN='FakeSessionTokenForDave//federated-user='
expect_rc 0 --json whoami
assert_eq "$(json_field member)" "dave"

# Root: identity shown, no member name, a warning with advice, still exit 0.
unset AWS_SESSION_TOKEN
export AWS_ACCESS_KEY_ID=AKIAFAKEROOT00000000 AWS_SECRET_ACCESS_KEY='fake/root/SecretKey+fake/root/SecretKey+'
expect_rc 0 --json whoami
assert_eq "$(json_field arn)" "arn:aws:iam::123456789012:root"
assert_eq "$(json_field member)" "null"
grep -qi 'root' "$err" || fail "no warning about root credentials on stderr"

# A wrong secret: the emulator rejects the signature -> AWS denied, exit 5.
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY='wrong-secret'
expect_rc 5 whoami
assert_contains "$err" "SignatureDoesNotMatch"

# Only half of the pair: bad input, exit 4, naming the missing variable.
unset AWS_SECRET_ACCESS_KEY
expect_rc 4 whoami
assert_contains "$err" "AWS_SECRET_ACCESS_KEY"

# The region comes from --region over AWS_REGION, and is validated.
export AWS_SECRET_ACCESS_KEY='fake/alice/SecretKey+fake/alice/SecretKe'
expect_rc 0 --json whoami --region us-west-2
assert_eq "$(json_field region)" "us-west-2"
expect_rc 4 whoami --region 'Not A Region'
unset AWS_REGION
AWS_DEFAULT_REGION=eu-west-1 expect_rc 0 --json whoami
assert_eq "$(json_field region)" "eu-west-1"
expect_rc 4 whoami
assert_contains "$err" "no AWS region"
# Nothing in the environment or the AWS profile: the config's region (an
# Identity Center user after `login --sso` and `setup` has only that).
printf '{"region": "ap-southeast-2"}\n' > "$CLINECFG_ORG_CONFIG"
expect_rc 0 --json whoami
assert_eq "$(json_field region)" "ap-southeast-2"
AWS_REGION=eu-west-1 expect_rc 0 --json whoami
assert_eq "$(json_field region)" "eu-west-1"
# A config that does not parse: whoami still answers, and says where it broke.
printf '{"region": "ap-southeast-2",\n "team": }\n' > "$CLINECFG_ORG_CONFIG"
AWS_REGION=eu-west-1 expect_rc 0 --json whoami
printf '%s' "$out" | jq -e --arg f "$CLINECFG_ORG_CONFIG" '.profile_name == null
  and (.profile_name_error | contains($f + ":2:"))' >/dev/null || fail "broken config: $out"
rm -f "$CLINECFG_ORG_CONFIG"
echo "ok"

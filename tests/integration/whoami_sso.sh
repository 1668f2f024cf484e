#!/bin/sh
# whoami with IAM Identity Center (SSO) profiles: an sso_session profile and
# a legacy sso_start_url profile read the token from
# ~/.aws/sso/cache/<sha1>.json and call GetRoleCredentials; expiresAt may use
# Z, an offset, fractional seconds or a UTC suffix.  An expired or missing
# token gives exit 4 with the `aws sso login` hint; a token the portal
# rejects gives exit 5.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
export AWS_REGION=ap-northeast-1

json_field() {
  printf '%s' "$out" | python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print("null" if v is None else v)' "$1"
}
sha1() { printf '%s' "$1" | python3 -c 'import hashlib,sys; print(hashlib.sha1(sys.stdin.buffer.read()).hexdigest())'; }
when() { python3 -c 'import datetime,sys; t=datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(seconds=int(sys.argv[1])); print(t.strftime(sys.argv[2]))' "$@"; }
cache() { # KEY TOKEN EXPIRES_AT
  mkdir -p "$HOME/.aws/sso/cache"
  printf '{"startUrl": "https://example.awsapps.com/start", "region": "us-east-1", "accessToken": "%s", "expiresAt": "%s"}\n' \
    "$2" "$3" > "$HOME/.aws/sso/cache/$(sha1 "$1").json"
}

mkdir -p "$HOME/.aws"
cat > "$HOME/.aws/config" <<CFG
[profile sso]
sso_session = my-sso
sso_account_id = 123456789012
sso_role_name = Dev
region = us-west-2

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Dev

[profile norole]
sso_session = my-sso
sso_account_id = 123456789012

[profile rejected]
sso_session = other-sso
sso_account_id = 123456789012
sso_role_name = Dev

[sso-session my-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1

[sso-session other-sso]
sso_start_url = https://other.awsapps.com/start
sso_region = us-east-1
CFG

# sso_session profile; the cache file is named after the session name.
cache my-sso fake-sso-access-token-bob "$(when 3600 '%Y-%m-%dT%H:%M:%SZ')"
expect_rc 0 --json whoami --aws-profile sso
assert_eq "$(json_field arn)" "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Dev_abc123def456/bob@example.com"
assert_eq "$(json_field member)" "bob@example.com"
assert_eq "$(json_field credential_source)" "profile:sso (sso)"
assert_eq "$(json_field region)" "ap-northeast-1"   # AWS_REGION beats the profile's region
grep -q '"path":"/federation/credentials' "$FAKE_AWS_DIR/requests.jsonl" || fail "GetRoleCredentials was not called"
grep '"op":"GetCallerIdentity"' "$FAKE_AWS_DIR/requests.jsonl" | grep '"access_key_id":"ASIA' | grep -q '"status":200' \
  || fail "the emulator did not accept the call signed with the SSO role credentials"

# Other expiresAt spellings: fractional seconds + offset, and a UTC suffix.
cache my-sso fake-sso-access-token-bob "$(when 3600 '%Y-%m-%dT%H:%M:%S.123456+00:00')"
expect_rc 0 --json whoami --aws-profile sso
cache my-sso fake-sso-access-token-bob "$(when 3600 '%Y-%m-%dT%H:%M:%SUTC')"
expect_rc 0 --json whoami --aws-profile sso
assert_eq "$(json_field member)" "bob@example.com"

# Legacy profile: the cache file is named after the start URL.
cache https://legacy.awsapps.com/start fake-sso-access-token-bob "$(when 3600 '%Y-%m-%dT%H:%M:%SZ')"
expect_rc 0 --json whoami --aws-profile legacy
assert_eq "$(json_field member)" "bob@example.com"

# Expired token (locally): exit 4, message and hint name the profile.
cache my-sso fake-sso-access-token-bob "$(when -60 '%Y-%m-%dT%H:%M:%SZ')"
expect_rc 4 whoami --aws-profile sso
assert_contains "$err" "the SSO session for profile sso has expired"
assert_contains "$err" 'run `aws sso login --profile sso`'
expect_rc 4 --json whoami --aws-profile sso
printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["exit_code"]==4 and "aws sso login --profile sso" in d["error"]["hint"], d'

# No cached token at all: the same advice.
rm -rf "$HOME/.aws/sso"
expect_rc 4 whoami --aws-profile sso
assert_contains "$err" 'run `aws sso login --profile sso`'

# A token that looks valid here but that the portal no longer accepts: AWS denied, exit 5.
cache other-sso fake-sso-access-token-expired "$(when 3600 '%Y-%m-%dT%H:%M:%SZ')"
expect_rc 5 whoami --aws-profile rejected
assert_contains "$err" 'aws sso login --profile rejected'

# Incomplete SSO profile: exit 4 naming the profile.
expect_rc 4 whoami --aws-profile norole
assert_contains "$err" "AWS profile 'norole'"
assert_contains "$err" "sso_role_name"
echo "ok"

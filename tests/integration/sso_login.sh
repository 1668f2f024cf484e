#!/bin/sh
# sso_login.sh - Cline's credential source, end to end against the emulator:
# `clinecfg login --sso -y` (start URL, region, account and role from the org
# config) approved through /__admin/sso-approve while login polls; `setup -y`
# writes `credential-process --source sso:default` and proves it; the line
# run with a bare environment (env -i) serves the SSO role's credentials; no
# file under HOME holds the access token, refresh token or client secret;
# after the access token is revoked the next run refreshes it without a
# prompt (twice: the rotated refresh token was stored again); after `logout`
# it fails with exit 5 and the `clinecfg login --sso` hint; doctor, status
# and whoami follow the sso source.  An expired `aws sso login` cache with a
# refresh token is renewed by credential-process and rewritten (0600).  An AWS profile
# with an `aws sso login` cache becomes `--source profile:dev-sso` (with the
# SSO endpoint remembered); plain environment keys with nothing stored stop
# setup with exit 7 before anything is written; `login --sso -y` without an
# account names what is missing (exit 4).
. "$CLINECFG_TOP/tests/lib.sh"
command -v curl >/dev/null 2>&1 || skip "curl not found"
command -v jq >/dev/null 2>&1 || skip "jq not found"
t_home
fake_aws_start
admin() { curl -sS -X "$1" "$FAKE_AWS_URL/__admin/$2" ${3:+-H 'content-type: application/json' -d "$3"}; }
stats() { admin GET stats | jq -c "$1"; }
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
# Role credentials shorter than credential-process's 5-minute margin: every
# run asks the portal, so token refreshes show.
admin POST knobs '{"sso": {"role_credentials_ttl": 240}}' >/dev/null

# credential-process as Cline's AWS SDK starts it from a desktop: HOME and
# PATH, the test keyring, nothing named AWS_* or CLINECFG_*.
bare_cp() {
  cp_line=$(sed -n 's/^credential_process = //p' "$HOME/.aws/config")
  [ -n "$cp_line" ] || fail "no credential_process in ~/.aws/config"
  set +e
  # shellcheck disable=SC2086
  out=$(env -i HOME="$HOME" PATH=/usr/bin:/bin SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$SECRET_FILE_TEST_PATH" \
    SECRET_FILE_TEST_PASSWORD="$SECRET_FILE_TEST_PASSWORD" $cp_line 2>"$T_HOME/cp.err" </dev/null)
  rc=$?
  set -e
  err="$T_HOME/cp.err"
}
# Who the credentials just printed belong to (STS through the emulator).
whose() {
  printf '%s' "$out" | jq -e '.Version == 1 and (.SessionToken | length) > 0 and (.Expiration | length) > 0' >/dev/null \
    || fail "not credential_process JSON with a session: $out"
  AWS_ACCESS_KEY_ID=$(printf '%s' "$out" | jq -r .AccessKeyId) AWS_SECRET_ACCESS_KEY=$(printf '%s' "$out" | jq -r .SecretAccessKey) \
  AWS_SESSION_TOKEN=$(printf '%s' "$out" | jq -r .SessionToken) CLINECFG_ACCOUNT=nobody \
    "$CLINECFG_BIN" --json whoami --region ap-northeast-1 2>/dev/null | jq -r .arn
}

# An sso-session profile dev-sso in ~/.aws/config, as `aws configure sso` writes it.
sso_profile() { # ROLE
  mkdir -p "$HOME/.aws"
  printf '[profile dev-sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = %s\nregion = ap-northeast-1\n\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n' \
    "$1" >"$HOME/.aws/config"
}

note "an AWS profile with an \`aws sso login\` cache: Cline gets --source profile:dev-sso"
export HOME="$T_HOME/profile-user"; mkdir -p "$HOME/.aws/sso/cache"
sso_profile Dev
EXPIRES=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
printf '{"startUrl": "https://example.awsapps.com/start", "region": "us-east-1", "accessToken": "fake-sso-access-token-bob", "expiresAt": "%s"}\n' \
  "$EXPIRES" > "$HOME/.aws/sso/cache/$(printf corp | sha1sum | cut -c1-40).json"
AWS_PROFILE=dev-sso expect_rc 0 --json setup -y --team teamA --model "$MODEL" --region ap-northeast-1
json_ok '.credential_source == "profile:dev-sso"'
grep -q "^credential_process = .* credential-process --source profile:dev-sso --endpoint-sts $FAKE_AWS_URL --endpoint-sso $FAKE_AWS_URL" "$HOME/.aws/config" \
  || { cat "$HOME/.aws/config" >&2; fail "profile source or its endpoints not written"; }
assert_contains "$err" "produced credentials for Cline"
bare_cp
[ "$rc" = 0 ] || { cat "$err" >&2; fail "bare credential-process for profile:dev-sso exited $rc"; }
case "$(whose)" in *AWSReservedSSO_Dev_*/bob@example.com) ;; *) fail "profile:dev-sso served someone else: $(whose)";; esac

note "plain environment keys and nothing stored: exit 7, nothing written"
export HOME="$T_HOME/env-user"; mkdir -p "$HOME"
unset CLINECFG_STORE_ENV_KEYS
AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe \
  expect_rc 7 --json setup -y --team teamA --model "$MODEL" --region ap-northeast-1
json_ok '.error.code == "setup.no_stored_source" and (.error.hint | test("clinecfg login --from-env"))'
[ -z "$(find "$HOME" -mindepth 1 | head -1)" ] || { find "$HOME" >&2; fail "setup wrote files without a usable source"; }

# login --sso -y in the background, approved as alice once it polls; $login_rc.
sso_login() {
  rm -f "$T_HOME/login.out" "$T_HOME/login.err"
  ${CLINECFG_WRAP:-} "$CLINECFG_BIN" --json login --sso -y "$@" >"$T_HOME/login.out" 2>"$T_HOME/login.err" &
  login_pid=$!
  T_PIDS="$T_PIDS $login_pid"
  i=0
  while ! grep -q '  code: ' "$T_HOME/login.err" 2>/dev/null; do
    i=$((i+1)); [ $i -lt 300 ] && kill -0 $login_pid 2>/dev/null || { cat "$T_HOME/login.err" >&2; fail "login never asked for approval"; }
    sleep 0.1
  done
  code=$(admin GET 'state?fillers=0' | jq -r '.identity_center.pending_user_codes[0]')
  assert_contains "$T_HOME/login.err" "code: $code"
  admin POST sso-approve '{"identity": "alice@example.com"}' >/dev/null
  set +e; wait $login_pid; login_rc=$?; set -e
  [ "$login_rc" = 0 ] || { cat "$T_HOME/login.out" "$T_HOME/login.err" >&2; fail "login --sso exited $login_rc"; }
}

note "login --sso -y with neither flags nor config names what is missing (exit 4)"
export HOME="$T_HOME/home"
expect_rc 4 --json login --sso -y --no-browser
json_ok '.error.message | test("--start-url") and test("--account-id") and test("--role-name")'

note "login --sso -y: account and role from the org config; the device is approved while login polls"
cat > "$CLINECFG_ORG_CONFIG" <<J
{"region": "ap-northeast-1", "model": "$MODEL", "team": "platform",
 "sso": {"start_url": "https://example.awsapps.com/start", "region": "us-east-1",
         "account_id": "123456789012", "role_name": "BedrockDeveloper"}}
J
sso_login
out=$(cat "$T_HOME/login.out")
json_ok '.account == "default" and .role_name == "BedrockDeveloper" and .sso_account_id == "123456789012"
  and (.arn | test("assumed-role/AWSReservedSSO_BedrockDeveloper_[0-9a-f]{16}/alice@example.com$")) and .refresh_token == true'

note "setup -y writes --source sso:default and proves it"
expect_rc 0 --json setup -y
json_ok '.credential_source == "sso:default" and .identity.member == "alice@example.com"'
grep -q "^credential_process = .* credential-process --source sso:default$" "$HOME/.aws/config" \
  || { cat "$HOME/.aws/config" >&2; fail "sso source not written"; }
assert_contains "$err" "credential_process (source sso:default) produced credentials for Cline"

note "AWS_PROFILE=clinecfg (Cline's own profile) keeps the source that profile names"
AWS_PROFILE=clinecfg expect_rc 0 --json setup -y
json_ok '.credential_source == "sso:default"'
unset AWS_PROFILE

note "credential-process with env -i serves the SSO role's credentials"
bare_cp
[ "$rc" = 0 ] || { cat "$err" >&2; fail "bare credential-process exited $rc"; }
case "$(whose)" in *assumed-role/AWSReservedSSO_BedrockDeveloper_*/alice@example.com) ;;
  *) fail "credential-process served someone else: $(whose)";; esac

note "no file under HOME holds a token or the client secret"
# The emulator's access tokens start with aoa, refresh tokens with aorAAAAAG, client secrets with eyJraWQi.
if grep -rElq 'aoa[A-Za-z0-9]{40}|aorAAAAAG|eyJraWQiOiJrZXktMTU2' "$HOME"; then
  grep -rEl 'aoa[A-Za-z0-9]{40}|aorAAAAAG|eyJraWQiOiJrZXktMTU2' "$HOME" >&2; fail "a token or client secret is in a file under HOME"
fi
for f in "$T_HOME/login.out" "$T_HOME/login.err" "$FAKE_AWS_DIR/requests.jsonl"; do
  if grep -Eq 'aoa[A-Za-z0-9]{40}|aorAAAAAG|eyJraWQiOiJrZXktMTU2' "$f"; then fail "a token or client secret leaked into $f"; fi
done

note "doctor, status and whoami follow the sso source: token expiry, no keyring failure, no plain login hint"
run_cc doctor
printf '%s\n' "$out" >"$T_HOME/doctor.out"
grep -Eq '^ok +sso session +signed in to https://example.awsapps.com/start as role BedrockDeveloper in account 123456789012; access token expires [0-9T:-]+Z, refresh token stored' "$T_HOME/doctor.out" \
  || { cat "$T_HOME/doctor.out" >&2; fail "doctor does not report the SSO token's expiry"; }
grep -Eq '^ok +credential_process +returned session credentials' "$T_HOME/doctor.out" || { cat "$T_HOME/doctor.out" >&2; fail "doctor: credential_process"; }
if grep -E "^(FAIL|warn) +keyring|clinecfg login'|clinecfg login\`" "$T_HOME/doctor.out"; then fail "doctor shows an SSO user a keyring problem or the plain login hint"; fi
expect_rc 0 --json status
json_ok '.credential_source.spec == "sso:default" and .credential_source.refresh_token == true and .credential_source.usable == true
  and (.credential_source.access_token_expires | test("Z$")) and (has("keyring") | not)'
expect_rc 0 --json whoami --region ap-northeast-1
json_ok '.cline_credential_source == "sso:default" and .credential_source == "sso:default" and .member == "alice@example.com"'

note "the access token is revoked: the next run refreshes it without a prompt, and so does the one after"
r0=$(stats '.identity_center.refreshes')
for round in 1 2; do
  admin POST sso-expire '{}' >/dev/null
  bare_cp
  [ "$rc" = 0 ] || { cat "$err" >&2; fail "credential-process after revoking the access token (round $round) exited $rc"; }
  case "$(whose)" in *alice@example.com) ;; *) fail "round $round: not alice's credentials";; esac
done
assert_eq "$(stats '.identity_center.refreshes')" "$((r0 + 2))" "(token refreshes)"

note "logout ends the sign-in at the portal and deletes it; credential-process then says login --sso, exit 5"
expect_rc 0 --json logout
json_ok '.removed == true and .sso_signed_out == true'
assert_eq "$(stats '.identity_center.logouts')" 1 "(portal Logout calls)"
bare_cp
assert_eq "$rc" 5 "(credential-process after logout)"
assert_contains "$err" "clinecfg login --sso"
run_cc doctor
printf '%s\n' "$out" >"$T_HOME/doctor2.out"
grep -Eq '^FAIL +sso session .*fix: run `clinecfg login --sso`' "$T_HOME/doctor2.out" 2>/dev/null || \
  { grep -A1 -E '^FAIL +sso session' "$T_HOME/doctor2.out" | grep -q 'fix: run `clinecfg login --sso`' || { cat "$T_HOME/doctor2.out" >&2; fail "doctor after logout"; }; }
assert_eq "$rc" 5 "(doctor after logout: an ended SSO sign-in is exit 5 wherever it is noticed)"

note "a sign-in revoked at AWS (refresh token dead too): exit 5 and login --sso from credential-process and setup"
sso_login --account work
admin POST sso-expire '{"refresh_tokens": true}' >/dev/null
expect_rc 5 credential-process --source sso:work
assert_contains "$err" "clinecfg login --sso --account work"
expect_rc 5 --json setup -y --account work
json_ok '.error.code == "sso.login_needed" and (.error.hint | test("clinecfg login --sso"))'
expect_rc 0 logout --account work

note "an expired \`aws sso login\` cache with a refresh token is renewed by credential-process and rewritten"
export HOME="$T_HOME/cli-user"; mkdir -p "$HOME/.aws/sso/cache"
oidc() { curl -sS -X POST "$FAKE_AWS_URL/$1" -H 'content-type: application/json' -d "$2"; }
reg=$(oidc client/register '{"clientName": "botocore-client-corp", "clientType": "public", "scopes": ["sso:account:access"], "grantTypes": ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"]}')
cid=$(printf '%s' "$reg" | jq -r .clientId); csec=$(printf '%s' "$reg" | jq -r .clientSecret)
dev=$(oidc device_authorization "$(jq -nc --arg i "$cid" --arg s "$csec" '{clientId: $i, clientSecret: $s, startUrl: "https://example.awsapps.com/start"}')")
admin POST sso-approve "$(printf '%s' "$dev" | jq -c '{user_code: .userCode, identity: "alice@example.com"}')" >/dev/null
tok=$(oidc token "$(jq -nc --arg i "$cid" --arg s "$csec" --arg d "$(printf '%s' "$dev" | jq -r .deviceCode)" \
  '{clientId: $i, clientSecret: $s, grantType: "urn:ietf:params:oauth:grant-type:device_code", deviceCode: $d}')")
CACHE="$HOME/.aws/sso/cache/$(printf corp | sha1sum | cut -c1-40).json"
printf '%s' "$tok" | jq --arg i "$cid" --arg s "$csec" '{startUrl: "https://example.awsapps.com/start", region: "us-east-1",
  accessToken: .accessToken, expiresAt: "2020-01-01T00:00:00Z", clientId: $i, clientSecret: $s,
  registrationExpiresAt: "2099-01-01T00:00:00Z", refreshToken: .refreshToken}' >"$CACHE"
chmod 600 "$CACHE"
sso_profile BedrockDeveloper
r1=$(stats '.identity_center.refreshes')
expect_rc 0 credential-process --source profile:dev-sso
case "$(whose)" in *AWSReservedSSO_BedrockDeveloper_*/alice@example.com) ;; *) fail "the renewed cache served someone else: $(whose)";; esac
assert_eq "$(stats '.identity_center.refreshes')" "$((r1 + 1))" "(refresh of the aws sso login cache)"
jq -e '.expiresAt > "2026" and (.refreshToken | length) > 0 and .clientId != null' "$CACHE" >/dev/null || fail "the cache was not rewritten: $(jq -c 'del(.accessToken, .refreshToken, .clientSecret)' "$CACHE")"
assert_eq "$(stat -c %a "$CACHE")" 600 "(mode of the rewritten cache)"
echo "sso login: ok"

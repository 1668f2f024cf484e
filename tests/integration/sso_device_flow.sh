#!/bin/sh
# sso_device_flow.sh - the IAM Identity Center device flow end to end
# against the emulator, through clinecfg's own ssooidc/ssoportal/ssosession
# modules (tests/sso/driver.c; no command is wired to them yet):
# RegisterClient, a pending poll, a too-fast poll (slow_down), approval as
# alice@example.com, the token after the +5 s interval, ListAccounts and
# ListAccountRoles over several pages, the keyring payload round trip, role
# credentials that STS and Bedrock accept as
# assumed-role/AWSReservedSSO_BedrockDeveloper_<hash>/alice@example.com,
# refresh before and after the access token expires, Logout, and that the
# refresh token is dead afterwards with the `clinecfg login --sso` hint.
# No access token, refresh token or client secret appears in the driver's
# output, its -v traces or the emulator's log.
. "$CLINECFG_TOP/tests/lib.sh"
command -v curl >/dev/null 2>&1 || skip "curl not found"
command -v jq >/dev/null 2>&1 || skip "jq not found"
t_home

# The driver is built by `make unit` with the library's own flags.
DRIVER="$CLINECFG_BUILD/tests/sso_driver"
[ -x "$DRIVER" ] || fail "no $DRIVER: 'make unit' builds the test drivers"

fake_aws_start
admin() { curl -sS -X "$1" "$FAKE_AWS_URL/__admin/$2" ${3:+-H 'content-type: application/json' -d "$3"}; }
# Short-lived access tokens, one account/role per page (so every list needs paging).
admin POST knobs '{"sso": {"access_token_ttl": 3, "page_size": 1, "interval": 1}}' >/dev/null
admin POST reset-stats >/dev/null

ACCOUNT=123456789012
out_file="$T_HOME/driver.out"; err_file="$T_HOME/driver.err"
${CLINECFG_WRAP:-} "$DRIVER" https://example.awsapps.com/start us-east-1 "$ACCOUNT" BedrockDeveloper ap-northeast-1 \
  >"$out_file" 2>"$err_file" &
drv=$!
T_PIDS="$T_PIDS $drv"

# Approve once the driver has seen pending and slow_down and shows the code.
i=0
while ! grep -q '^user_code=' "$out_file"; do
  i=$((i+1))
  if [ $i -gt 300 ] || ! kill -0 $drv 2>/dev/null; then cat "$out_file" "$err_file" >&2; fail "no user code from the driver"; fi
  sleep 0.1
done
code=$(sed -n 's/^user_code=//p' "$out_file")
pending=$(admin GET 'state?fillers=0' | jq -r '.identity_center.pending_user_codes | join(",")')
assert_eq "$pending" "$code" "(pending user codes)"
approved=$(admin POST sso-approve "{\"user_code\": \"$code\", \"identity\": \"alice@example.com\"}" | jq -r .user_code)
assert_eq "$approved" "$code"

set +e; wait $drv; drv_rc=$?; set -e
cat "$out_file"
[ "$drv_rc" = 0 ] || { echo "--- driver stderr:" >&2; tail -n 40 "$err_file" >&2; fail "driver exited $drv_rc"; }

assert_contains "$out_file" "step first_poll result=pending"
assert_contains "$out_file" "step second_poll result=slow_down"
assert_contains "$out_file" "token refresh_token=yes expires_in="
assert_contains "$out_file" "accounts=123456789012(clinecfg-dev),210987654321(sandbox),333333333333(audit)"
assert_contains "$out_file" "roles=BedrockDeveloper,ReadOnly"
assert_contains "$out_file" "source=sso:123456789012/BedrockDeveloper"
arn_count=$(grep -Ec '^arn=arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_BedrockDeveloper_[0-9a-f]{16}/alice@example.com$' "$out_file")
assert_eq "$arn_count" 2 "(GetCallerIdentity with both sets of role credentials)"
assert_eq "$(grep -c '^bedrock status=200$' "$out_file")" 2 "(Bedrock calls signed with role credentials)"
assert_contains "$out_file" "step expired_access_token rc=-5 code=sso.token_rejected"
assert_contains "$out_file" "step logout rc=0"
assert_contains "$out_file" "step role_credentials_after_logout rc=-5 code=sso.token_rejected"
assert_contains "$out_file" "step refresh_after_logout rc=-5 code=sso.login_needed"
assert_contains "$out_file" "step credential_path_after_logout rc=-5 code=sso.login_needed"
assert_contains "$out_file" "run \`clinecfg login --sso\`"

stats=$(admin GET stats)
printf '%s\n' "$stats" | jq -e '.identity_center.create_token["urn:ietf:params:oauth:grant-type:device_code"] >= 3' >/dev/null ||
  fail "device-code polls not counted: $(printf '%s' "$stats" | jq -c .identity_center)"
printf '%s\n' "$stats" | jq -e '.identity_center.create_token.refresh_token == 4 and .identity_center.refreshes == 2' >/dev/null ||
  fail "expected 2 refreshes and 2 refused ones (after logout): $(printf '%s' "$stats" | jq -c .identity_center)"
printf '%s\n' "$stats" | jq -e '.identity_center.create_token_errors.SlowDownException == 1 and .identity_center.create_token_errors.InvalidGrantException == 2 and .identity_center.logouts == 1' >/dev/null ||
  fail "unexpected OIDC errors: $(printf '%s' "$stats" | jq -c .identity_center)"
printf '%s\n' "$stats" | jq -e '.requests.ListAccounts == 3 and .requests.ListAccountRoles == 2' >/dev/null ||
  fail "paging: $(printf '%s' "$stats" | jq -c .requests)"

# Secrets: the emulator's tokens start with aoa / aorAAAAAG, its client secrets with eyJraWQi.
for f in "$out_file" "$err_file" "$FAKE_AWS_DIR/requests.jsonl" "$FAKE_AWS_DIR/server.log"; do
  if grep -Eq 'aoa[A-Za-z0-9]{40}|aorAAAAAG|eyJraWQiOiJrZXktMTU2' "$f"; then fail "a token or client secret leaked into $f"; fi
done
grep -q 'x-amz-sso_bearer_token: \[redacted\]' "$err_file" || fail "-v trace of the bearer header not seen redacted"
echo "sso device flow: ok"

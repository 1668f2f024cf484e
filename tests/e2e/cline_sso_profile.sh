#!/bin/sh
# cline_sso_profile.sh - issue 14's bar for an AWS profile: with
# `AWS_PROFILE=dev-sso` (an IAM Identity Center profile with an `aws sso
# login` token cache, as AWS CLI v2 leaves them), `clinecfg setup -y` points
# Cline at `[profile clinecfg]` with `credential-process --source
# profile:dev-sso`, and the real cline CLI 3.0.65, started with no AWS_*
# variable at all, completes a turn signed with the SSO role's credentials
# that clinecfg's credential-process served.  Inside `unshare -n`.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/e2e/e2e_lib.sh.inc"
e2e_require
e2e_install 3.0.65
CLINE=$(e2e_cline 3.0.65)

t_home
unset CLINECFG_STORE_ENV_KEYS  # the source must come from the profile, not from stored keys
W="$T_HOME/e2e"; mkdir -p "$W"
SEED="$CLINECFG_TOP/tests/fake_aws/seed-default.json"
DATA="$HOME/.cline/data"
mkdir -p "$HOME/.aws/sso/cache"
printf '[profile dev-sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = ap-northeast-1\n\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n' \
  >"$HOME/.aws/config"
EXPIRES=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
printf '{"startUrl": "https://example.awsapps.com/start", "region": "us-east-1", "accessToken": "fake-sso-access-token-bob", "expiresAt": "%s"}\n' \
  "$EXPIRES" > "$HOME/.aws/sso/cache/$(printf corp | sha1sum | cut -c1-40).json"

cat > "$W/inside.sh" <<'NS'
set -eu
ip link set lo up
. "$CLINECFG_TOP/tests/e2e/e2e_lib.sh.inc"
e2e_emulator_start
trap 'kill $SP 2>/dev/null || true' EXIT
AWS_PROFILE=dev-sso AWS_ENDPOINT_URL="$URL" AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$URL" "$CLINECFG_BIN" --json setup -y \
  --team platform --model apac.anthropic.claude-sonnet-4-5-20250929-v1:0 >"$W/setup.json" 2>"$W/setup.err" \
  || { echo "setup failed: $(cat "$W/setup.err")"; exit 92; }
mkdir -p "$DATA/settings"
printf '{"telemetryOptOut": true}\n' > "$DATA/settings/global-settings.json"
unset_aws=$(env | sed -n 's/^\(AWS_[A-Za-z0-9_]*\)=.*/-u \1/p')
set +e
( cd "$W" && env $unset_aws timeout 240 "$CLINE" --yolo --json "Say hello" </dev/null >"$W/cline.out" 2>"$W/cline.err" )
echo $? > "$W/cline.rc"
set -e
line=$(sed -n '/^\[profile clinecfg\]/,/^\[/s/^credential_process = //p' "$HOME/.aws/config")
echo "$line" > "$W/cp_line"
# shellcheck disable=SC2086
env $unset_aws $line 2>"$W/cp.err" | python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKeyId"])' > "$W/cp_key" || true
python3 -c 'import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]+"/__admin/stats").read().decode())' "$URL" > "$W/stats.json"
NS

export W SEED DATA CLINE
note "AWS_PROFILE=dev-sso setup, then cline with no AWS_* variable, inside unshare -n"
set +e
unshare -n sh "$W/inside.sh" > "$W/inside.log" 2>&1
irc=$?
set -e
[ $irc = 0 ] || { cat "$W/inside.log" >&2; tail -20 "$W/server.log" >&2 2>/dev/null || true; fail "the namespace run failed (exit $irc)"; }
ARN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["profile"]["arn"])' "$W/setup.json")
SOURCE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["credential_source"])' "$W/setup.json")
assert_eq "$SOURCE" "profile:dev-sso" "(setup's credential source)"
grep -q -- "--source profile:dev-sso" "$W/cp_line" || fail "credential_process does not name the profile source: $(cat "$W/cp_line")"
crc=$(cat "$W/cline.rc")
if [ "$crc" != 0 ]; then
  echo "--- cline stdout:" >&2; tail -c 3000 "$W/cline.out" >&2; echo "--- cline stderr:" >&2; tail -c 3000 "$W/cline.err" >&2
  fail "cline exited $crc"
fi
python3 "$CLINECFG_TOP/tests/e2e/check_turn.py" "$W" "$ARN" \
  '^arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Dev_[0-9a-f]+/bob@example\.com$' fresh-keys ||
  fail "end-to-end checks failed"
echo "ok: AWS_PROFILE=dev-sso setup; real Cline CLI 3.0.65 completed a turn with the SSO role's credentials"

#!/bin/sh
# cline_sso.sh - the issue's bar for IAM Identity Center: the real Cline CLI
# (npm cline@3.0.65) completes a turn with the SSO role's credentials served
# by `clinecfg credential-process --source sso:default`.
#
# Inside `unshare -n` (loopback only, the emulator in the same namespace):
# `clinecfg login --sso -y` with the start URL, region, account and role
# from the org config, the device code approved through
# /__admin/sso-approve while login polls; `clinecfg setup -y`; then
# `cline --yolo --json "Say hello"` with no AWS_* variable at all: the
# endpoints of the sign-in live in the keyring item, the runtime endpoint in
# Cline's files.  The emulator must have verified ConverseStream calls signed
# with the access key credential-process returns, made as
# assumed-role/AWSReservedSSO_BedrockDeveloper_<hash>/alice@example.com, and
# no file under HOME may hold the access token, refresh token or client
# secret.  CLINECFG_E2E_CACHE overrides the npm cache folder.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/e2e/e2e_lib.sh.inc"
e2e_require
e2e_install 3.0.65
CLINE=$(e2e_cline 3.0.65)

t_home
W="$T_HOME/e2e"; mkdir -p "$W"
SEED="$CLINECFG_TOP/tests/fake_aws/seed-default.json"
DATA="$HOME/.cline/data"
e2e_sso_org_config

cat > "$W/inside.sh" <<'NS'
set -eu
ip link set lo up
. "$CLINECFG_TOP/tests/e2e/e2e_lib.sh.inc"
e2e_emulator_start
trap 'kill $SP 2>/dev/null || true' EXIT

AWS_ENDPOINT_URL="$URL" "$CLINECFG_BIN" --json login --sso -y --no-browser >"$W/login.json" 2>"$W/login.err" &
e2e_sso_approve alice@example.com $! "$W/login.err"
AWS_ENDPOINT_URL="$URL" AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$URL" "$CLINECFG_BIN" --json setup -y >"$W/setup.json" 2>"$W/setup.err" \
  || { echo "setup failed: $(cat "$W/setup.err")"; exit 92; }

mkdir -p "$DATA/settings"
printf '{"telemetryOptOut": true}\n' > "$DATA/settings/global-settings.json"

# Cline gets no AWS variable at all: the files and the keyring say where and how.
set +e
( cd "$W" && env -u AWS_ENDPOINT_URL -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
    timeout 240 "$CLINE" --yolo --json "Say hello" </dev/null >"$W/cline.out" 2>"$W/cline.err" )
echo $? > "$W/cline.rc"
set -e
# which access key credential_process hands out (only the key id leaves this pipe)
line=$(sed -n 's/^credential_process = //p' "$HOME/.aws/config")
echo "$line" > "$W/cp_line"
# shellcheck disable=SC2086
env -u AWS_ENDPOINT_URL $line 2>"$W/cp.err" | python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKeyId"])' > "$W/cp_key" || true
e2e_admin stats > "$W/stats.json"
NS

export W SEED DATA CLINE
note "running login --sso, setup and cline inside unshare -n"
set +e
unshare -n sh "$W/inside.sh" > "$W/inside.log" 2>&1
irc=$?
set -e
if [ $irc != 0 ]; then
  cat "$W/inside.log" >&2; tail -20 "$W/server.log" >&2 2>/dev/null || true
  fail "the namespace run failed (exit $irc)"
fi
URL=$(cat "$W/url")
ARN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["profile"]["arn"])' "$W/setup.json")
SOURCE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["credential_source"])' "$W/setup.json")
assert_eq "$SOURCE" "sso:default" "(setup's credential source)"
grep -q -- "--source sso:default" "$W/cp_line" || fail "credential_process is not the sso source: $(cat "$W/cp_line")"
note "setup pointed Cline at $ARN via $URL, credentials from $SOURCE"

crc=$(cat "$W/cline.rc")
if [ "$crc" != 0 ]; then
  echo "--- cline stdout:" >&2; tail -c 3000 "$W/cline.out" >&2; echo "--- cline stderr:" >&2; tail -c 3000 "$W/cline.err" >&2
  fail "cline exited $crc"
fi

python3 "$CLINECFG_TOP/tests/e2e/check_turn.py" "$W" "$ARN" \
  '^arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_BedrockDeveloper_[0-9a-f]{16}/alice@example\.com$' ||
  fail "end-to-end checks failed"
# The emulator's access tokens start with aoa, refresh tokens with aorAAAAAG, client secrets with eyJraWQi.
if grep -rElq 'aoa[A-Za-z0-9]{40}|aorAAAAAG|eyJraWQiOiJrZXktMTU2' "$HOME"; then
  grep -rEl 'aoa[A-Za-z0-9]{40}|aorAAAAAG|eyJraWQiOiJrZXktMTU2' "$HOME" >&2; fail "a token or client secret is in a file under HOME"
fi
echo "ok: real Cline CLI 3.0.65 completed a turn with IAM Identity Center role credentials served by clinecfg"

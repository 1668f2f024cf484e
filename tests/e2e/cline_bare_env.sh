#!/bin/sh
# cline_bare_env.sh - Cline started from a desktop gets none of the shell's
# AWS_* variables.  login and setup run against a non-default STS endpoint
# (the emulator; AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, as for a VPC or
# sovereign endpoint); then the real cline CLI (the npm cline@3.0.65 that
# cline_e2e.sh caches) runs under `env -i` with only HOME, PATH and the test
# keyring: its credential_process must reach that STS endpoint (remembered
# with the keys by login) and its Bedrock calls the runtime endpoint setup
# wrote (AWS_ENDPOINT_URL_BEDROCK_RUNTIME), and the turn must complete.
# Runs inside `unshare -n`: nothing can reach a public AWS endpoint.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/e2e/e2e_lib.sh.inc"
e2e_require
e2e_install 3.0.65
CLINE=$(e2e_cline 3.0.65)

t_home
W="$T_HOME/e2e"; mkdir -p "$W"
SEED="$CLINECFG_TOP/tests/fake_aws/seed-default.json"
AK=AKIAFAKEALICE0000000
NODE_DIR=$(dirname "$(command -v node)")

cat > "$W/inside.sh" <<'NS'
set -eu
ip link set lo up
. "$CLINECFG_TOP/tests/e2e/e2e_lib.sh.inc"
e2e_emulator_start
trap 'kill $SP 2>/dev/null || true' EXIT
python3 -c 'import json,sys; print(next(u["secret_access_key"] for u in json.load(open(sys.argv[1]))["users"] if u["access_key_id"]==sys.argv[2]), end="")' "$SEED" "$AK" |
  AWS_ENDPOINT_URL_STS="$URL" "$CLINECFG_BIN" login --access-key-id "$AK" --secret-stdin --region ap-northeast-1 \
  >"$W/login.out" 2>"$W/login.err" || { echo "login failed: $(cat "$W/login.err")"; exit 91; }
AWS_ENDPOINT_URL="$URL" AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$URL" "$CLINECFG_BIN" --json setup -y --region ap-northeast-1 \
  --team platform --member alice --model apac.anthropic.claude-sonnet-4-5-20250929-v1:0 >"$W/setup.json" 2>"$W/setup.err" \
  || { echo "setup failed: $(cat "$W/setup.err")"; exit 92; }
mkdir -p "$HOME/.cline/data/settings"
printf '{"telemetryOptOut": true}\n' > "$HOME/.cline/data/settings/global-settings.json"
set +e
( cd "$W" && env -i HOME="$HOME" PATH="$NODE_DIR:/usr/bin:/bin" SECRET_BACKEND=file \
    SECRET_FILE_TEST_PATH="$SECRET_FILE_TEST_PATH" SECRET_FILE_TEST_PASSWORD="$SECRET_FILE_TEST_PASSWORD" \
    timeout 240 "$CLINE" --yolo --json "Say hello" </dev/null >"$W/cline.out" 2>"$W/cline.err" )
echo $? > "$W/cline.rc"
set -e
NS
export W SEED AK NODE_DIR CLINE
note "login, setup and a cline turn with env -i inside unshare -n"
set +e
unshare -n sh "$W/inside.sh" > "$W/inside.log" 2>&1
irc=$?
set -e
[ $irc = 0 ] || { cat "$W/inside.log" >&2; tail -20 "$W/server.log" >&2 2>/dev/null || true; fail "the namespace run failed (exit $irc)"; }
if env | grep -q '^AWS_'; then fail "the test itself leaked AWS_* variables: $(env | grep '^AWS_' | cut -d= -f1)"; fi
crc=$(cat "$W/cline.rc")
[ "$crc" = 0 ] || { tail -c 3000 "$W/cline.out" >&2; tail -c 3000 "$W/cline.err" >&2; fail "cline exited $crc"; }
ARN=$(jq -r .profile.arn "$W/setup.json")
grep -q '"op":"GetSessionToken"' "$W/requests.jsonl" || fail "credential_process never reached the emulator's STS"
grep '"op":"GetSessionToken"' "$W/requests.jsonl" | jq -se 'all(.[]; .region == "ap-northeast-1" and .status == 200)' >/dev/null \
  || fail "GetSessionToken not signed for ap-northeast-1 or refused: $(grep GetSessionToken "$W/requests.jsonl")"
grep -F '/converse-stream' "$W/requests.jsonl" | jq -se --arg a "$ARN" 'any(.[]; .status == 200 and (.path | contains("application-inference-profile")))' >/dev/null \
  || fail "no accepted converse-stream call through the profile: $(cut -c1-200 "$W/requests.jsonl" | tail -5)"
jq -se 'any(.[]; .type? == "run_result" and .finishReason == "completed")' "$W/cline.out" >/dev/null 2>&1 ||
  grep -q '"finishReason":"completed"' "$W/cline.out" || fail "cline's turn did not complete: $(tail -c 2000 "$W/cline.out")"
echo "ok: cline completed a turn with no AWS_* variable; STS via the endpoint login remembered"

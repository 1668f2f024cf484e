#!/bin/sh
# cline_enforce.sh - the real cline CLI (npm cline@3.0.65, the copy
# cline_e2e.sh caches) under the `enforce` policy.  Inside `unshare -n`,
# against the emulator's IAM: the admin applies `admin policy developer`
# (what login, setup and credential_process need) and `admin policy enforce`
# to the IAM user alice and provisions bob's profile; alice logs in, runs
# setup, and cline completes a turn through her own profile.  Signed with
# alice's keys (tests/fake_aws/awsclient.py), a Converse on the base model
# and one through bob's profile are denied (403), and `admin policy enforce
# --check --user alice` reports the same cases.  Cline's calls are signed
# with the session credential_process got for alice, so her policies apply.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/e2e/e2e_lib.sh.inc"
e2e_require jq
e2e_install 3.0.65
CLINE=$(e2e_cline 3.0.65)

t_home
W="$T_HOME/e2e"; mkdir -p "$W"
SEED="$CLINECFG_TOP/tests/fake_aws/seed-default.json"
AK=AKIAFAKEALICE0000000
NODE_DIR=$(dirname "$(command -v node)")
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
mkdir -p "$XDG_CONFIG_HOME/clinecfg"
cat > "$XDG_CONFIG_HOME/clinecfg/config.json" <<JSON
{ "team": "platform", "model": "$MODEL", "region": "ap-northeast-1" }
JSON

cat > "$W/inside.sh" <<'NS'
set -eu
ip link set lo up
. "$CLINECFG_TOP/tests/e2e/e2e_lib.sh.inc"
e2e_emulator_start
trap 'kill $SP 2>/dev/null || true' EXIT
root() { # root NAME ARGS: clinecfg as the account's admin, stdout in $W/NAME.json
  name=$1; shift
  AWS_ENDPOINT_URL="$URL" AWS_ACCESS_KEY_ID=AKIAFAKEROOT00000000 \
    AWS_SECRET_ACCESS_KEY=fake/root/SecretKey+fake/root/SecretKey+ "$CLINECFG_BIN" --json "$@" >"$W/$name.json" 2>"$W/$name.err" \
    || { echo "$name failed (exit $?): $(cat "$W/$name.err")"; exit 93; }
}
printf 'team,member\nplatform,bob\n' > "$W/roster.csv"
root provision admin provision --roster "$W/roster.csv"
root developer admin policy developer --apply --name clinecfg-developer --user alice
root enforce admin policy enforce --apply --name clinecfg-enforce --user alice
python3 -c 'import json,sys; print(next(u["secret_access_key"] for u in json.load(open(sys.argv[1]))["users"] if u["access_key_id"]==sys.argv[2]), end="")' "$SEED" "$AK" |
  AWS_ENDPOINT_URL="$URL" "$CLINECFG_BIN" login --access-key-id "$AK" --secret-stdin --region ap-northeast-1 \
  >"$W/login.out" 2>"$W/login.err" || { echo "login failed: $(cat "$W/login.err")"; exit 91; }
AWS_ENDPOINT_URL="$URL" AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$URL" "$CLINECFG_BIN" --json setup -y >"$W/setup.json" 2>"$W/setup.err" \
  || { echo "setup failed: $(cat "$W/setup.err")"; exit 92; }
mkdir -p "$HOME/.cline/data/settings"
printf '{"telemetryOptOut": true}\n' > "$HOME/.cline/data/settings/global-settings.json"
set +e
( cd "$W" && env -i HOME="$HOME" PATH="$NODE_DIR:/usr/bin:/bin" SECRET_BACKEND=file \
    SECRET_FILE_TEST_PATH="$SECRET_FILE_TEST_PATH" SECRET_FILE_TEST_PASSWORD="$SECRET_FILE_TEST_PASSWORD" \
    timeout 240 "$CLINE" --yolo --json "Say hello" </dev/null >"$W/cline.out" 2>"$W/cline.err" )
echo $? > "$W/cline.rc"
set -e
# Signed with alice's own keys: her profile, the base model, bob's profile.
python3 - "$(cat "$W/port")" "$(jq -r .profile.arn "$W/setup.json")" "$(jq -r '.rows[0].arn' "$W/provision.json")" \
  > "$W/converse.txt" <<'PY'
import os, sys
sys.path.insert(0, os.environ["CLINECFG_TOP"] + "/tests/fake_aws")
from awsclient import quote, user_client
port, own, bob = int(sys.argv[1]), sys.argv[2], sys.argv[3]
alice = user_client(port, "alice")
for name, target in (("own", own), ("base", "anthropic.claude-sonnet-4-5-20250929-v1:0"), ("bob", bob)):
    resp = alice.bedrock_json("POST", "/model/%s/converse" % quote(target),
                              {"messages": [{"role": "user", "content": [{"text": "hi"}]}]})
    print(name, resp.status)
PY
root check admin policy enforce --check --user alice
NS
export W SEED AK NODE_DIR CLINE
note "admin policies, login, setup and a cline turn inside unshare -n"
set +e
unshare -n sh "$W/inside.sh" > "$W/inside.log" 2>&1
irc=$?
set -e
LOGS="${CLINECFG_BUILD:-$CLINECFG_TOP/build}/test-logs/e2e/cline_enforce"
rm -rf "$LOGS"; mkdir -p "$LOGS"
cp "$W"/*.json "$W"/*.err "$W"/*.out "$W"/*.txt "$W"/*.jsonl "$W"/*.log "$LOGS/" 2>/dev/null || true
[ $irc = 0 ] || { cat "$W/inside.log" >&2; tail -20 "$W/server.log" >&2 2>/dev/null || true; fail "the namespace run failed (exit $irc)"; }

note "the policies are applied and attached to alice"
jq -e '.policy == "created" and .attachments[0].status == "attached"' "$W/developer.json" >/dev/null || fail "developer: $(cat "$W/developer.json")"
jq -e '.policy == "created" and .attachments[0].status == "attached"' "$W/enforce.json" >/dev/null || fail "enforce: $(cat "$W/enforce.json")"

note "cline completed a turn through alice's own profile"
crc=$(cat "$W/cline.rc")
[ "$crc" = 0 ] || { tail -c 3000 "$W/cline.out" >&2; tail -c 3000 "$W/cline.err" >&2; fail "cline exited $crc"; }
ARN=$(jq -r .profile.arn "$W/setup.json")
case "$ARN" in arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/*) ;; *) fail "setup's profile: $ARN" ;; esac
grep -F '/converse-stream' "$W/requests.jsonl" | jq -se --arg a "$ARN" '
  any(.[]; .status == 200 and .path == ("/model/" + ($a | @uri) + "/converse-stream")
           and (.access_key_id | startswith("ASIA")))' >/dev/null \
  || fail "no accepted converse-stream call through alice's profile: $(grep -F converse "$W/requests.jsonl" | cut -c1-300)"
grep -q '"finishReason":"completed"' "$W/cline.out" || fail "cline's turn did not complete: $(tail -c 2000 "$W/cline.out")"

note "signed with alice's keys: own profile 200, the base model and bob's profile 403"
assert_eq "$(cat "$W/converse.txt" | tr '\n' ' ')" "own 200 base 403 bob 403 " "(Converse as alice)"
grep -F '/converse' "$W/requests.jsonl" | jq -se 'map(select(.status == 403 and (.error // "" | tostring | test("AccessDenied")))) | length == 2' >/dev/null \
  || fail "the denials are not AccessDenied: $(grep -F '/converse' "$W/requests.jsonl" | jq -c '{path, status, error}')"

note "admin policy enforce --check reports the same"
jq -e '([.cases[] | .ok] | all)
  and ([.cases[] | select(.name == "own_profile")][0].actual == "allowed")
  and ([.cases[] | select(.name == "other_profile")][0].actual == "denied")
  and ([.cases[] | select(.name == "base_model")][0].actual == "denied")' "$W/check.json" >/dev/null \
  || fail "--check: $(cat "$W/check.json") $(cat "$W/check.err")"
echo "ok: under enforce, cline completed a turn through alice's profile; the base model and bob's profile were denied"

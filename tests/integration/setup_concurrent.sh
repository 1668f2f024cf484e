#!/bin/sh
# setup_concurrent.sh - ten setups for the same member at once (ten
# machines) create exactly one profile: the clientRequestToken is the same.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start --latency-ms 20
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
pids=""
for i in 1 2 3 4 5 6 7 8 9 10; do
  h="$T_HOME/m$i"; mkdir -p "$h"
  HOME="$h" XDG_CONFIG_HOME="$h/.config" XDG_STATE_HOME="$h/.local/state" SECRET_FILE_TEST_PATH="$h/test.keyring" \
    "$CLINECFG_BIN" --json setup -y --team teamA --model "$MODEL" --region ap-northeast-1 >"$h/out.json" 2>"$h/err" &
  pids="$pids $!"
done
n=0
for p in $pids; do n=$((n+1)); wait "$p" || { cat "$T_HOME/m$n/err"; fail "setup $n failed"; }; done
count=$(curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0" | jq '[.application_profiles[] | select(.name == "teama-bedrock-alice")] | length')
assert_eq "$count" 1 "(profiles named teama-bedrock-alice)"
arns=$(for i in 1 2 3 4 5 6 7 8 9 10; do jq -r .profile.arn "$T_HOME/m$i/out.json"; done | sort -u | wc -l)
assert_eq "$arns" 1 "(distinct ARNs reported)"

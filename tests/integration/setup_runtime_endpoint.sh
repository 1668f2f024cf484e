#!/bin/sh
# setup_runtime_endpoint.sh - setup writes only a Bedrock-runtime-specific
# endpoint into Cline's files (config runtime_endpoint or
# AWS_ENDPOINT_URL_BEDROCK_RUNTIME), never the generic AWS_ENDPOINT_URL
# (often set for a local emulator in one project's shell), and names the
# runtime endpoint in its summary.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start   # exports the generic AWS_ENDPOINT_URL
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
SETUP="setup -y --team teamA --model $MODEL --region ap-northeast-1"
GS="$HOME/.cline/data/globalState.json"
PV="$HOME/.cline/data/settings/providers.json"
PORT_TEXT="127.0.0.1:$FAKE_AWS_PORT"

note "only the generic AWS_ENDPOINT_URL: nothing of it in Cline's files, and setup says so"
expect_rc 0 --json $SETUP
for f in "$GS" "$PV" "$HOME/.aws/config"; do assert_not_contains "$f" "$PORT_TEXT"; done
assert_eq "$(jq -r '.awsBedrockEndpoint // "none"' "$GS")" none
assert_eq "$(jq -r '.providers.bedrock.settings.aws.endpoint // "none"' "$PV")" none
json_ok '.runtime_endpoint == null'
assert_contains "$err" "AWS_ENDPOINT_URL is not written into Cline's files"

note "AWS_ENDPOINT_URL_BEDROCK_RUNTIME: written, and named in the summary"
RT=https://vpce-0abc.bedrock-runtime.ap-northeast-1.vpce.amazonaws.com
AWS_ENDPOINT_URL_BEDROCK_RUNTIME=$RT expect_rc 0 $SETUP
assert_eq "$(jq -r .awsBedrockEndpoint "$GS")" "$RT"
assert_eq "$(jq -r .providers.bedrock.settings.aws.endpoint "$PV")" "$RT"
printf '%s\n' "$out" | grep -qF "Endpoint:  $RT (Bedrock runtime" || fail "summary does not name the runtime endpoint: $out"

note "config runtime_endpoint wins over the variable"
RT2=https://bedrock-runtime.internal.example.com
CLINECFG_RUNTIME_ENDPOINT=$RT2 AWS_ENDPOINT_URL_BEDROCK_RUNTIME=$RT expect_rc 0 --json $SETUP
assert_eq "$(jq -r .awsBedrockEndpoint "$GS")" "$RT2"
json_ok --arg e "$RT2" '.runtime_endpoint == $e'

note "back to the generic variable only: the endpoint clinecfg wrote is removed again"
expect_rc 0 $SETUP
assert_eq "$(jq -r '.awsBedrockEndpoint // "none"' "$GS")" none
assert_eq "$(jq -r '.providers.bedrock.settings.aws.endpoint // "none"' "$PV")" none
printf '%s\n' "$out" | grep -q "^Endpoint:" && fail "summary names an endpoint although none is written"
echo ok

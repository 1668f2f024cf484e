#!/bin/sh
# cline_bad_input.sh - inputs the Cline targets must refuse with exit 4, a
# precise message and every file untouched (no lock, temp or backup either):
# globalState.json / providers.json that do not parse, providers.json that
# is valid JSON but fails Cline's schema (Cline would wipe it), a read-only
# data folder, a folder owned by another user, bad plan values; and usage
# errors (exit 2) for unknown targets.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/golden/cline/lib.sh"
t_home
cline_driver_build
ARN=arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/abcd1234efgh
ARGS="--arn $ARN --base-model anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1 --exe /usr/bin/clinecfg"
GOOD_PV='{
  "version": 1,
  "lastUsedProvider": "anthropic",
  "modes": {},
  "providers": {
    "anthropic": {
      "settings": { "provider": "anthropic", "apiKey": "sk-test", "model": "claude-sonnet-4-5-20250929" },
      "updatedAt": "2026-10-01T08:00:00.000Z",
      "tokenSource": "manual"
    }
  }
}'

fresh() {
  t_home
  D="$HOME/.cline/data"
  mkdir -p "$D/settings" "$HOME/.aws"
  chmod 700 "$HOME/.cline" "$D" "$D/settings"
  printf '{\n  "mode": "act"\n}\n' > "$D/globalState.json"
  printf '%s\n' "$GOOD_PV" > "$D/settings/providers.json"
  printf '[default]\nregion = us-east-1\n' > "$HOME/.aws/config"
  chmod 600 "$D/globalState.json" "$D/settings/providers.json"
}

# expect_refused CODE TEXT [driver args]: exit CODE, TEXT in the message, nothing changed
expect_refused() {
  code=$1; text=$2; shift 2
  before=$(tree_snapshot "$HOME")
  run_drv --json apply $ARGS "$@"
  if [ "$rc" != "$code" ]; then cat "$err" >&2; fail "expected exit $code, got $rc: $out"; fi
  case "$out" in *"$text"*) ;; *) fail "message lacks '$text': $out";; esac
  after=$(tree_snapshot "$HOME")
  [ "$before" = "$after" ] || { printf '%s\n' "$before" > "$T_HOME/.b"; printf '%s\n' "$after" > "$T_HOME/.a"; diff "$T_HOME/.b" "$T_HOME/.a" >&2; fail "files changed although the run was refused ($text)"; }
  note "refused as expected: $(json_get .error.message)"
}

note "globalState.json that does not parse"
fresh; printf '{\n  "mode": "act",\n  "awsRegion": \n}\n' > "$D/globalState.json"
expect_refused 4 "globalState.json:4:1"

note "providers.json that does not parse"
fresh; printf '{\n  "version": 1,\n  "providers": {\n' > "$D/settings/providers.json"
expect_refused 4 "providers.json:4:1"

note "providers.json with a comment (JSON.parse fails in Cline)"
fresh; printf '{\n  // mine\n  "version": 1, "providers": {}\n}\n' > "$D/settings/providers.json"
expect_refused 4 "providers.json:2:3: comment"

note "providers.json with a trailing comma"
fresh; printf '{\n  "version": 1,\n  "providers": {},\n}\n' > "$D/settings/providers.json"
expect_refused 4 "not strict JSON"

note "providers.json: authentication \"credentials\" (the extension's spelling) fails Cline's schema"
fresh; printf '%s\n' "$GOOD_PV" | sed 's/"apiKey": "sk-test",/"aws": { "authentication": "credentials" },/' > "$D/settings/providers.json"
expect_refused 4 'providers.anthropic.settings.aws.authentication: \"credentials\" is not one of iam, api-key, apikey, profile; Cline would discard the whole file'

note "providers.json: an endpoint that is not a URL"
fresh; printf '%s\n' "$GOOD_PV" | sed 's/"apiKey": "sk-test",/"aws": { "endpoint": "bedrock.internal" },/' > "$D/settings/providers.json"
expect_refused 4 'providers.anthropic.settings.aws.endpoint: \"bedrock.internal\" is not a URL'

note "providers.json: version 2"
fresh; printf '%s\n' "$GOOD_PV" | sed 's/"version": 1/"version": 2/' > "$D/settings/providers.json"
expect_refused 4 "version: must be 1"

note "providers.json: updatedAt not ISO"
fresh; printf '%s\n' "$GOOD_PV" | sed 's/2026-10-01T08:00:00.000Z/yesterday/' > "$D/settings/providers.json"
expect_refused 4 "providers.anthropic.updatedAt: must be an ISO 8601 UTC time"

note "providers.json: null for an optional field (zod .optional() rejects null)"
fresh; printf '%s\n' "$GOOD_PV" | sed 's/"apiKey": "sk-test"/"apiKey": null/' > "$D/settings/providers.json"
expect_refused 4 "providers.anthropic.settings.apiKey: must be a string"

note "providers.json: no providers object"
fresh; printf '{ "version": 1 }\n' > "$D/settings/providers.json"
expect_refused 4 "providers: is missing"

note "globalState.json whose top level is an array"
fresh; printf '[]\n' > "$D/globalState.json"
expect_refused 4 "globalState.json:1:1: the top level must be a JSON object"

note "read-only data folder"
fresh; chmod 500 "$D"
expect_refused 4 "the folder holding Cline's globalState.json is read-only"
chmod 700 "$D"

note "read-only settings folder (providers.json is checked first)"
fresh; chmod 500 "$D/settings"
expect_refused 4 "the folder holding Cline's providers.json is read-only"
chmod 700 "$D/settings"

note "data folder owned by another user"
fresh
if [ "$(id -u)" = 0 ]; then
  chown nobody "$D"
  expect_refused 4 "is owned by uid $(id -u nobody), not by you"
  chown 0 "$D"
  note "providers.json owned by another user"
  chown nobody "$D/settings/providers.json"
  expect_refused 4 "providers.json: Cline's providers.json is owned by uid $(id -u nobody)"
  chown 0 "$D/settings/providers.json"
else
  note "not root: cannot hand a folder to another user; ownership cases not run"
fi

note "a dangling symlink as globalState.json"
fresh; rm "$D/globalState.json"; ln -s "$HOME/nowhere/globalState.json" "$D/globalState.json"
expect_refused 4 "nowhere/globalState.json, which does not exist"

note "static keys in ~/.aws/credentials for the clinecfg profile win over credential_process"
fresh; printf '[clinecfg]\naws_access_key_id = AKIAEXAMPLE0000000000\naws_secret_access_key = x\n' > "$HOME/.aws/credentials"
expect_refused 4 "credentials:2: profile [clinecfg] has static keys"

note "bad plan values"
fresh
expect_refused 4 "the profile ARN is in ap-northeast-1 but Cline would call Bedrock in us-east-1" --region us-east-1
ARGS_SAVE=$ARGS
ARGS="--arn arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/apac.anthropic.claude --base-model anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1 --exe /usr/bin/clinecfg"
expect_refused 4 "is not an application inference profile ARN"
ARGS="--arn $ARN --base-model apac.anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1 --exe /usr/bin/clinecfg"
expect_refused 4 "is not a foundation model id"
ARGS=$ARGS_SAVE
expect_refused 4 'runtime endpoint \"bedrock-runtime.example\" must start with https://' --endpoint bedrock-runtime.example
expect_refused 4 "has a port above 65535" --endpoint https://example.com:99999
expect_refused 4 "credential_process needs the absolute path of clinecfg" --exe relative/clinecfg
expect_refused 4 'AWS profile name \"bad name\" is not valid' --profile-name "bad name"

note "unknown target: usage error"
fresh
expect_refused 2 'unknown target \"vscode\"' --targets cline-cli,vscode
expect_refused 2 "has an empty entry" --targets cline-cli,,aws-config
echo "ok"

#!/bin/sh
# cline_targets.sh - behaviour of the Cline targets beyond the golden files:
# endpoint ownership (a stale endpoint clinecfg wrote is removed, one the
# user set is kept), CLINE_DIR and CLINE_PROVIDER_SETTINGS_PATH, the
# credential_process command as /bin/sh and botocore's shlex split it,
# secrets.json never written, and inspect's consistency findings.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/golden/cline/lib.sh"
t_home
cline_driver_build
ARN=arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/abcd1234efgh
ARGS="--arn $ARN --base-model anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1 --exe /usr/bin/clinecfg"
GS="$HOME/.cline/data/globalState.json"; PV="$HOME/.cline/data/settings/providers.json"
EP=https://vpce-1.bedrock-runtime.ap-northeast-1.vpce.amazonaws.com

note "endpoint written when set"
expect_drv 0 apply $ARGS --endpoint $EP
grep -q "\"awsBedrockEndpoint\": \"$EP\"" "$GS" || fail "awsBedrockEndpoint not written"
grep -q "\"endpoint\": \"$EP\"" "$PV" || fail "aws.endpoint not written"
note "unset later: the one clinecfg wrote is removed from both files"
expect_drv 0 apply $ARGS
if grep -q "$EP" "$GS" "$PV"; then fail "stale endpoint clinecfg wrote was kept"; fi
expect_drv 0 --json inspect
[ "$(json_get .cline.consistent)" = true ] || fail "inspect finds problems after a clean apply: $out"

note "an endpoint the user set by hand is kept when none is planned"
python3 - "$GS" "$PV" <<'PY'
import json, sys
g = json.load(open(sys.argv[1])); g["awsBedrockEndpoint"] = "https://mine.example.com"; json.dump(g, open(sys.argv[1], "w"), indent=2)
p = json.load(open(sys.argv[2])); p["providers"]["bedrock"]["settings"]["aws"]["endpoint"] = "https://mine.example.com"; json.dump(p, open(sys.argv[2], "w"), indent=2)
PY
expect_drv 0 apply $ARGS
grep -q 'https://mine.example.com' "$GS" || fail "user's awsBedrockEndpoint removed"
grep -q 'https://mine.example.com' "$PV" || fail "user's aws.endpoint removed"

note "secrets.json is never written, even with static keys around"
[ ! -e "$HOME/.cline/data/secrets.json" ] || fail "secrets.json created"

note "inspect reports disagreements between the stores"
python3 - "$PV" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); s = p["providers"]["bedrock"]["settings"]
s["model"] = "arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/zzzz9999"; s["aws"]["region"] = "us-west-2"
json.dump(p, open(sys.argv[1], "w"), indent=2)
PY
expect_drv 0 --json inspect
[ "$(json_get .cline.consistent)" = false ] || fail "inconsistency not found: $out"
case "$out" in *"the extension (act mode) uses model $ARN but the CLI uses arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/zzzz9999"*) ;; *) fail "model mismatch not reported: $out";; esac
case "$out" in *"the extension uses region ap-northeast-1 but the CLI uses us-west-2"*) ;; *) fail "region mismatch not reported: $out";; esac
echo '{ "version": 1, "providers": { "x": { "settings": { "provider": "x" }, "updatedAt": "bad" } } }' > "$PV"
expect_drv 0 --json inspect
case "$out" in *"would be discarded by the Cline CLI"*) ;; *) fail "schema problem not reported by inspect: $out";; esac

note "an empty providers.json (no providers to lose) gets the envelope"
t_home
PV="$HOME/.cline/data/settings/providers.json"
mkdir -p "$(dirname "$PV")"; : > "$PV"
expect_drv 0 apply $ARGS --targets cline-cli
expect_drv 0 check-providers "$PV"
grep -q '"lastUsedProvider": "bedrock"' "$PV" || fail "no envelope written into the empty providers.json"

note "CLINE_DIR and CLINE_PROVIDER_SETTINGS_PATH"
t_home
export CLINE_DIR="$HOME/cdir" CLINE_PROVIDER_SETTINGS_PATH="$HOME/elsewhere/providers.json"
expect_drv 0 apply $ARGS --targets cline-extension,cline-cli
[ -f "$HOME/cdir/data/globalState.json" ] || fail "CLINE_DIR/data/globalState.json not written"
[ -f "$HOME/elsewhere/providers.json" ] || fail "CLINE_PROVIDER_SETTINGS_PATH not honoured"
[ ! -e "$HOME/cdir/data/settings/providers.json" ] || fail "providers.json written in the data folder despite CLINE_PROVIDER_SETTINGS_PATH"
[ "$(stat -c %a "$HOME/elsewhere")" = 700 ] || fail "new folder for providers.json is not 0700"
[ "$(stat -c %a "$HOME/elsewhere/providers.json")" = 600 ] || fail "new providers.json is not 0600"
unset CLINE_DIR CLINE_PROVIDER_SETTINGS_PATH

note "--aws-profile P (the user's own): no section written; a missing P is warned about"
t_home
GS="$HOME/.cline/data/globalState.json"
expect_drv 0 apply $ARGS --aws-profile corp-sso
[ ! -e "$HOME/.aws/config" ] || fail "~/.aws/config written for the user's own profile"
assert_contains "$err" 'AWS profile "corp-sso" is not defined'
grep -q '"awsProfile": "corp-sso"' "$GS" || fail "Cline not pointed at corp-sso"
mkdir -p "$HOME/.aws"; printf '[profile corp-sso]\nregion = ap-northeast-1\n' > "$HOME/.aws/config"
expect_drv 0 apply $ARGS --aws-profile corp-sso
assert_not_contains "$err" "is not defined"

note "credential_process through a path with spaces and a quote: /bin/sh and shlex agree"
t_home
BIN="$HOME/My Tools/it's here/clinecfg"
mkdir -p "$(dirname "$BIN")"
printf '#!/bin/sh\nfor a in "$0" "$@"; do printf "[%%s]" "$a"; done\n' > "$BIN"; chmod +x "$BIN"
expect_drv 0 apply --arn $ARN --base-model anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1 --exe "$BIN" --account "team a"
cp_line=$(python3 -c 'import configparser,sys,os
c=configparser.RawConfigParser(); c.read(os.path.expanduser("~/.aws/config")); print(c.get("profile clinecfg","credential_process"))')
want="[$BIN][credential-process][--account][team a]"
got_sh=$(sh -c "$cp_line")
[ "$got_sh" = "$want" ] || fail "/bin/sh runs '$cp_line' as $got_sh, expected $want"
got_py=$(python3 -c 'import shlex,sys; print("".join("[%s]" % w for w in shlex.split(sys.argv[1])))' "$cp_line")
[ "$got_py" = "[$BIN][credential-process][--account][team a]" ] || fail "shlex splits '$cp_line' as $got_py"
note "credential_process = $cp_line"
echo ok

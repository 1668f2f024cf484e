#!/bin/sh
# demo.sh - `make demo`: runs `clinecfg setup` end to end against the bundled
# loopback AWS emulator, in a throwaway HOME with libsecret's file keyring,
# and shows what it did.  Nothing outside that HOME is touched and nothing
# leaves the machine.  KEEP=1 keeps the HOME for a look around.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${CLINECFG_BIN:-$TOP/clinecfg}
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/clinecfg-demo.XXXXXX")
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  if [ "${KEEP:-}" = 1 ]; then echo "(kept $DEMO)"; else rm -rf "$DEMO"; fi
}
trap cleanup EXIT INT TERM

export HOME="$DEMO/home" XDG_CONFIG_HOME="$DEMO/home/.config" XDG_STATE_HOME="$DEMO/home/.local/state"
export SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$DEMO/demo.keyring" SECRET_FILE_TEST_PASSWORD=demo
export CLINECFG_ORG_CONFIG="$DEMO/org-config.json"
unset AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
      AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE CLINE_DIR CLINE_DATA_DIR CLINE_PROVIDER_SETTINGS_PATH 2>/dev/null || true
mkdir -p "$HOME"

python3 "$TOP/tests/fake_aws/server.py" --seed "$TOP/tests/fake_aws/seed-default.json" \
  --port-file "$DEMO/port" --lifetime 300 >"$DEMO/emulator.log" 2>&1 &
SERVER_PID=$!
i=0; while [ ! -s "$DEMO/port" ]; do i=$((i+1)); [ $i -lt 100 ] || { cat "$DEMO/emulator.log"; exit 1; }; sleep 0.1; done
export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$DEMO/port")"
# Cline's files get only a Bedrock-runtime-specific endpoint, never the generic one.
export AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$AWS_ENDPOINT_URL"

# The embedded default: what an organisation would ship in /etc/clinecfg/config.json.
cat >"$CLINECFG_ORG_CONFIG" <<'JSON'
{
  // Tokyo, with the APAC cross-region Claude Sonnet 4.5 profile as the base model.
  "region": "ap-northeast-1",
  "model": "apac.anthropic.claude-sonnet-4-5-20250929-v1:0",
  "team": "platform",
  "extra_tags": { "CostCenter": "cc-1234" },
}
JSON

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
say "clinecfg login --access-key-id AKIAFAKEALICE0000000 --secret-stdin   (secret piped on stdin)"
printf '%s' 'fake/alice/SecretKey+fake/alice/SecretKe' | "$BIN" login --access-key-id AKIAFAKEALICE0000000 --secret-stdin
say "clinecfg setup -y"
"$BIN" setup -y; echo "exit code: $?"
say "clinecfg setup -y   (again: nothing to do)"
"$BIN" setup -y; echo "exit code: $?"
say "cat ~/.aws/config"; cat "$HOME/.aws/config"
say "cat ~/.cline/data/globalState.json"; cat "$HOME/.cline/data/globalState.json"; echo
say "cat ~/.cline/data/settings/providers.json"; cat "$HOME/.cline/data/settings/providers.json"; echo
say "clinecfg credential-process   (what Cline's AWS SDK runs; secrets shown as <redacted> here)"
"$BIN" credential-process | sed -E 's/("(SecretAccessKey|SessionToken)": *")[^"]*"/\1<redacted>"/g'
say "clinecfg doctor"
"$BIN" doctor || true
echo
echo "Demo HOME was $HOME; the emulator ran on $AWS_ENDPOINT_URL (loopback only)."

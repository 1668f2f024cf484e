#!/bin/sh
# sdk_credential_process.sh - the AWS SDK for JavaScript v3 as the client of
# `clinecfg credential-process` (the contract Cline depends on).
#
#   1. npm install @aws-sdk/credential-providers and @aws-sdk/client-sts
#      (pinned, tests/e2e/package.json) into a cache folder; skipped visibly
#      when the registry cannot be reached;
#   2. clinecfg login (libsecret file back end) against the emulator;
#   3. a profile whose credential_process is `<clinecfg> credential-process`:
#      fromProcess/fromIni must yield the session keys, the session token and
#      an expiry about 12 h ahead, and STS GetCallerIdentity signed with them
#      (AWS_ENDPOINT_URL = the emulator) must name alice;
#   4. a profile for an account with nothing stored: the SDK's error must
#      carry clinecfg's message and hint (`clinecfg login`).
# CLINECFG_E2E_CACHE overrides the npm cache folder.
. "$CLINECFG_TOP/tests/lib.sh"
for c in node npm python3; do command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"; done

CACHE=${CLINECFG_E2E_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/clinecfg-e2e}
PKG="$CACHE/aws-sdk"
mkdir -p "$PKG"
if ! cmp -s "$CLINECFG_TOP/tests/e2e/package.json" "$PKG/package.json" || [ ! -d "$PKG/node_modules/@aws-sdk/credential-providers" ] \
   || [ ! -d "$PKG/node_modules/@aws-sdk/client-sts" ]; then
  cp "$CLINECFG_TOP/tests/e2e/package.json" "$PKG/package.json"
  note "npm install @aws-sdk/credential-providers @aws-sdk/client-sts into $PKG"
  if ! ( cd "$PKG" && npm install --no-audit --no-fund --loglevel=error ) >"$PKG/install.log" 2>&1; then
    tail -5 "$PKG/install.log" >&2
    skip "npm install of the AWS SDK failed (registry unreachable?); see $PKG/install.log"
  fi
fi

t_home
fake_aws_start
SECRET='fake/alice/SecretKey+fake/alice/SecretKe'
printf '%s\n' "$SECRET" >"$T_HOME/secret"
AWS_REGION=ap-northeast-1 run_cc login --access-key-id AKIAFAKEALICE0000000 --secret-stdin <"$T_HOME/secret"
[ "$rc" = 0 ] || fail "login failed: $(cat "$err")"

mkdir -p "$HOME/.aws"
cat >"$HOME/.aws/config" <<EOF
[profile clinecfg]
region = ap-northeast-1
credential_process = $CLINECFG_BIN credential-process

[profile nobody]
region = ap-northeast-1
credential_process = $CLINECFG_BIN credential-process --account nobody
EOF

cat >"$T_HOME/sdk.js" <<'JS'
const { fromProcess, fromIni } = require("@aws-sdk/credential-providers");
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
const assert = require("assert");

(async () => {
  // 1. The credential_process provider reads our JSON.
  const creds = await fromProcess({ profile: "clinecfg" })();
  assert.match(creds.accessKeyId, /^ASIA/, "session access key id");
  assert.ok(creds.secretAccessKey && creds.secretAccessKey.length >= 16, "secret access key");
  assert.ok(creds.sessionToken && creds.sessionToken.length > 16, "session token");
  assert.ok(creds.expiration instanceof Date, "expiration is a Date");
  const left = (creds.expiration.getTime() - Date.now()) / 1000;
  assert.ok(left > 43200 - 300 && left <= 43200 + 5, "expiration about 12 h ahead, got " + left + " s");

  // 2. A client using the profile signs GetCallerIdentity with those keys.
  const sts = new STSClient({ region: "ap-northeast-1", credentials: fromIni({ profile: "clinecfg" }) });
  const id = await sts.send(new GetCallerIdentityCommand({}));
  assert.strictEqual(id.Arn, "arn:aws:iam::123456789012:user/alice");
  assert.strictEqual(id.Account, "123456789012");

  // 3. Failure: the SDK error carries clinecfg's message and hint.
  let failed = null;
  try {
    await fromProcess({ profile: "nobody" })();
  } catch (e) {
    failed = String(e && e.message);
  }
  assert.ok(failed, "a profile with nothing stored must fail");
  assert.ok(failed.includes("no AWS access key is stored in the keyring for account 'nobody'"), failed);
  assert.ok(failed.includes("clinecfg login --account nobody"), failed);
  console.log("sdk ok: " + creds.accessKeyId.slice(0, 4) + "... expires " + creds.expiration.toISOString());
})().catch((e) => {
  console.error("sdk check failed: " + (e && e.stack ? e.stack : e));
  process.exit(1);
});
JS

set +e
( cd "$T_HOME" && NODE_PATH="$PKG/node_modules" AWS_CONFIG_FILE="$HOME/.aws/config" \
    AWS_SDK_LOAD_CONFIG=1 timeout 120 node "$T_HOME/sdk.js" ) >"$T_HOME/sdk.out" 2>"$T_HOME/sdk.err"
nrc=$?
set -e
cat "$T_HOME/sdk.out"
[ "$nrc" = 0 ] || { cat "$T_HOME/sdk.err" >&2; fail "the AWS SDK check failed (exit $nrc)"; }

# The emulator saw GetCallerIdentity signed with an ASIA key (the session).
grep '"op":"GetCallerIdentity"' "$FAKE_AWS_DIR/requests.jsonl" | grep '"access_key_id":"ASIA' | grep -q '"status":200' \
  || fail "the emulator did not accept the SDK's GetCallerIdentity with the session credentials"
grep -qF -- "$SECRET" "$T_HOME/sdk.err" "$T_HOME/sdk.out" && fail "the long-term secret reached the SDK's output"
echo "ok"

#!/bin/sh
# cline_e2e.sh - the real Cline CLI (npm cline@3.0.65) reads what clinecfg
# wrote and calls Bedrock through the keyring credentials.
#
#   1. npm install cline@3.0.65 into a cache folder (npm install, not npm ci;
#      skipped visibly when the registry cannot be reached);
#   2. inside `unshare -n` (loopback only; the emulator runs in the same
#      namespace): `clinecfg login` into the file keyring, `clinecfg setup`
#      against the emulator (profile auth, credential_process, endpoint
#      written to aws.endpoint / awsBedrockEndpoint), telemetry off in
#      <data>/settings/global-settings.json, then
#      `cline --yolo --json "Say hello" </dev/null` with no AWS_* endpoint or
#      key variables, so Cline can only find the emulator and the
#      credentials through the files clinecfg wrote;
#   3. the emulator must have received POST /model/<URL-encoded ARN>/converse-stream,
#      signed (and verified) with the access key credential_process returns;
#   4. providers.json must still hold the bedrock entry (values compared,
#      not bytes: Cline rewrites the file after every run).
# CLINECFG_E2E_CACHE overrides the npm cache folder.
. "$CLINECFG_TOP/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root for unshare -n (a loopback-only network namespace)"
for c in unshare ip node npm python3; do command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"; done
unshare -n true 2>/dev/null || skip "unshare -n is not permitted here"

CACHE=${CLINECFG_E2E_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/clinecfg-e2e}
PKG="$CACHE/cline-3.0.65"
CLINE="$PKG/node_modules/.bin/cline"
if [ ! -x "$CLINE" ] || ! grep -q '"version": "3.0.65"' "$PKG/node_modules/cline/package.json" 2>/dev/null; then
  mkdir -p "$PKG"
  [ -f "$PKG/package.json" ] || printf '{"name":"clinecfg-e2e-cline","private":true}\n' > "$PKG/package.json"
  note "npm install cline@3.0.65 into $PKG"
  if ! ( cd "$PKG" && npm install --no-audit --no-fund --loglevel=error cline@3.0.65 ) >"$PKG/install.log" 2>&1; then
    tail -5 "$PKG/install.log" >&2
    skip "npm install cline@3.0.65 failed (registry unreachable?); see $PKG/install.log"
  fi
fi
[ -x "$CLINE" ] || skip "npm installed no cline binary in $PKG"

t_home
W="$T_HOME/e2e"; mkdir -p "$W"
SEED="$CLINECFG_TOP/tests/fake_aws/seed-default.json"
AK=AKIAFAKEALICE0000000
DATA="$HOME/.cline/data"

cat > "$W/inside.sh" <<'NS'
set -eu
ip link set lo up
python3 "$CLINECFG_TOP/tests/fake_aws/server.py" --seed "$SEED" --port-file "$W/port" --log "$W/requests.jsonl" \
  --lifetime 600 >"$W/server.log" 2>&1 &
SP=$!
trap 'kill $SP 2>/dev/null || true' EXIT
i=0; while [ ! -s "$W/port" ]; do i=$((i+1)); [ $i -lt 150 ] || { cat "$W/server.log"; exit 90; }; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$W/port")"
echo "$URL" > "$W/url"

# the secret goes from the seed to clinecfg's stdin only
python3 -c 'import json,sys; print(next(u["secret_access_key"] for u in json.load(open(sys.argv[1]))["users"] if u["access_key_id"]==sys.argv[2]), end="")' "$SEED" "$AK" |
  AWS_ENDPOINT_URL="$URL" "$CLINECFG_BIN" login --access-key-id "$AK" --secret-stdin >"$W/login.out" 2>"$W/login.err" || { echo "login failed: $(cat "$W/login.err")"; exit 91; }
AWS_ENDPOINT_URL="$URL" AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$URL" "$CLINECFG_BIN" --json setup -y --region ap-northeast-1 --team platform --member alice \
  --model apac.anthropic.claude-sonnet-4-5-20250929-v1:0 >"$W/setup.json" 2>"$W/setup.err" || { echo "setup failed: $(cat "$W/setup.err")"; exit 92; }

mkdir -p "$DATA/settings"
printf '{"telemetryOptOut": true}\n' > "$DATA/settings/global-settings.json"

# Cline gets no AWS endpoint or key variables: only the files say where and how.
# credential_process (clinecfg) may refresh through STS: only that endpoint is given.
set +e
( cd "$W" && env -u AWS_ENDPOINT_URL -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
    AWS_ENDPOINT_URL_STS="$URL" timeout 240 "$CLINE" --yolo --json "Say hello" </dev/null >"$W/cline.out" 2>"$W/cline.err" )
echo $? > "$W/cline.rc"
set -e
# which access key credential_process hands out (only the key id leaves this pipe)
AWS_ENDPOINT_URL_STS="$URL" "$CLINECFG_BIN" credential-process 2>"$W/cp.err" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKeyId"])' > "$W/cp_key" || true
python3 -c 'import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]+"/__admin/stats").read().decode())' "$URL" > "$W/stats.json"
NS

export W SEED AK DATA CLINE
note "running login, setup and cline inside unshare -n"
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
note "setup pointed Cline at $ARN via $URL"
case "$ARN" in arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/*) ;; *) fail "setup gave no profile ARN: $(cat "$W/setup.json")";; esac

crc=$(cat "$W/cline.rc")
if [ "$crc" != 0 ]; then
  echo "--- cline stdout:" >&2; tail -c 3000 "$W/cline.out" >&2; echo "--- cline stderr:" >&2; tail -c 3000 "$W/cline.err" >&2
  fail "cline exited $crc"
fi

python3 - "$W" "$ARN" "$URL" "$DATA" <<'PY' || fail "end-to-end checks failed"
import json, sys, urllib.parse
w, arn, url, data = sys.argv[1:5]
ok = True
def check(cond, msg):
    global ok
    print(("ok: " if cond else "FAIL: ") + msg, file=sys.stderr)
    ok = ok and cond

want_path = "/model/" + urllib.parse.quote(arn, safe="") + "/converse-stream"
reqs = [json.loads(l) for l in open(w + "/requests.jsonl") if l.strip()]
hits = [r for r in reqs if r.get("method") == "POST" and r.get("path") == want_path]
check(bool(hits), "emulator received POST %s (paths seen: %s)" % (want_path, sorted({r.get("path") for r in reqs})))
check(any(r.get("status") == 200 and not r.get("error") for r in hits), "a converse-stream call was accepted (SigV4 verified): %s" %
      [(r.get("status"), r.get("error")) for r in hits])

stats = json.load(open(w + "/stats.json"))
calls = [c for c in stats.get("converse_calls", []) if c.get("operation") in ("ConverseStream", "converse-stream", "converse_stream") or "stream" in str(c.get("operation", "")).lower()]
check(bool(calls), "the emulator recorded ConverseStream calls: %s" % stats.get("converse_calls"))
cp_key = open(w + "/cp_key").read().strip()
check(bool(cp_key), "credential-process printed an access key id")
check(all(c.get("model_id") == arn for c in calls), "every call used the profile ARN as model id")
check(all(c.get("access_key_id") == cp_key for c in calls), "signed with the key credential_process returns (%s): %s" %
      (cp_key, sorted({c.get("access_key_id") for c in calls})))
check(all(c.get("user") == "arn:aws:iam::123456789012:user/alice" for c in calls), "calls were made as alice (the keyring's credentials)")
check(any(c.get("answer") == "tool" for c in calls), "the emulator answered with submit_and_exit")

results = []
for line in open(w + "/cline.out"):
    try:
        ev = json.loads(line)
    except ValueError:
        continue
    if isinstance(ev, dict) and ev.get("type") == "run_result":
        results.append(ev)
check(any(r.get("finishReason") == "completed" for r in results), "cline's run_result says completed: %s" %
      [r.get("finishReason") for r in results])
check(any((r.get("model") or {}).get("id") == arn and (r.get("model") or {}).get("provider") == "bedrock" for r in results),
      "cline ran provider bedrock with the profile ARN as model: %s" % [r.get("model") for r in results])

pv = json.load(open(data + "/settings/providers.json"))
b = pv.get("providers", {}).get("bedrock")
check(b is not None, "providers.json still has the bedrock entry after Cline ran")
if b:
    s = b["settings"]; aws = s.get("aws", {})
    check(s.get("provider") == "bedrock" and s.get("model") == arn, "bedrock.settings.model is the ARN")
    check(aws.get("authentication") == "profile" and aws.get("profile") == "clinecfg", "aws.authentication profile, aws.profile clinecfg")
    check(aws.get("region") == "ap-northeast-1", "aws.region kept")
    check(aws.get("endpoint") == url, "aws.endpoint kept (%s)" % aws.get("endpoint"))
    check(aws.get("customModelBaseId") == "anthropic.claude-sonnet-4-5-20250929-v1:0", "aws.customModelBaseId kept")
    check(not any(k in aws for k in ("accessKey", "secretKey", "sessionToken")) and "apiKey" not in s, "no secrets in providers.json")
check(pv.get("lastUsedProvider") == "bedrock", "lastUsedProvider is bedrock")
gs = json.load(open(data + "/globalState.json"))
check(gs.get("actModeApiModelId") == arn and gs.get("awsBedrockEndpoint") == url, "globalState.json points at the ARN and the endpoint")
sys.exit(0 if ok else 1)
PY
grep -q "credential_process = " "$HOME/.aws/config" || fail "no credential_process in ~/.aws/config"
if grep -rq "fake/alice/SecretKey" "$HOME/.aws" "$DATA" 2>/dev/null; then fail "the secret key was written into a file"; fi
echo "ok: real Cline CLI 3.0.65 called the emulator with the keyring credentials through the files clinecfg wrote"

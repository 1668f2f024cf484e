#!/bin/sh
# cline_e2e.sh - every released Cline CLI (npm cline 1.0.8 ... 3.0.65) reads
# what clinecfg wrote and completes a headless turn on Amazon Bedrock through
# the keyring credentials (issue 13's bar).  The table below is the list.
#
#   1. npm install cline@VERSION into one cache folder per version (npm
#      install, not npm ci; reused while it holds that version).  A version
#      that fails to install fails the test; only a registry that cannot be
#      reached at all skips it (visibly);
#   2. inside `unshare -n` (loopback only), per version, with its own HOME and
#      its own emulator (server.py --h2c: 1.x and 2.x call the runtime over
#      cleartext HTTP/2): `clinecfg login` into the file keyring, `clinecfg
#      setup` (profile auth, credential_process, endpoint written to
#      aws.endpoint / awsBedrockEndpoint), then the version's headless command
#      with no AWS_* variable at all in Cline's environment, so Cline finds
#      the emulator and the credentials only through the files clinecfg wrote;
#   3. checks per version: exit status 0; the emulator received POST
#      /model/<URL-encoded ARN>/converse(-stream), verified as signed with the
#      access key credential_process hands out; the emulator's reply text is
#      in Cline's JSON output; how many cachePoint blocks the requests carried
#      (issue 13 defect 7: 1.x and 2.x send them, 3.0.57-3.0.65 do not);
#      the stores still point at the profile after Cline ran;
#   4. prints a table (version, exit, calls, HTTP, cache points, seconds) and
#      keeps each version's files in $CLINECFG_BUILD/test-logs/e2e/cline/VERSION/.
#
# CLINECFG_E2E_CACHE overrides the npm cache folder; CLINE_E2E_VERSIONS="v1 v2"
# limits the run to those versions of the table; CLINE_E2E_JOBS (default 2)
# versions run at a time; CLINE_E2E_TIMEOUT (default 120) seconds per run.
#
# Cline's own run of clinecfg's credential-process reaches STS through the
# endpoint `login` remembered in the keyring (Cline passes no AWS_* variable).
. "$CLINECFG_TOP/tests/lib.sh"

# version  front end  cache points expected (defect 7)
VERSION_TABLE='
1.0.8   go     yes
1.0.9   go     yes
1.0.10  go     yes
2.14.0  node   yes
2.18.0  node   yes
3.0.57  bun    no
3.0.61  bun    no
3.0.62  bun    no
3.0.64  bun    no
3.0.65  bun    no
'

. "$CLINECFG_TOP/tests/e2e/e2e_lib.sh.inc"
e2e_require timeout
LOGS="${CLINECFG_BUILD:-$CLINECFG_TOP/build}/test-logs/e2e/cline"
VERSIONS=$(echo "$VERSION_TABLE" | awk 'NF && $1 !~ /^#/ {print $1}')
if [ -n "${CLINE_E2E_VERSIONS:-}" ]; then
  for v in $CLINE_E2E_VERSIONS; do echo "$VERSIONS" | grep -qx "$v" || fail "CLINE_E2E_VERSIONS: $v is not in the table"; done
  VERSIONS=$CLINE_E2E_VERSIONS
fi
rm -rf "$LOGS"; mkdir -p "$LOGS"

E2E_LOGS=$LOGS
e2e_install $VERSIONS

t_home
W="$T_HOME/e2e"; mkdir -p "$W"
SEED="$CLINECFG_TOP/tests/fake_aws/seed-default.json"
AK=AKIAFAKEALICE0000000

# One version, inside the namespace: its own HOME, keyring and emulator.
cat > "$W/one.sh" <<'NS'
set -u
v=$1 kind=$2
VD="$W/$v"; mkdir -p "$VD/home" "$VD/work"
export HOME="$VD/home" XDG_CONFIG_HOME="$VD/home/.config" XDG_STATE_HOME="$VD/home/.local/state" \
       XDG_DATA_HOME="$VD/home/.local/share" SECRET_FILE_TEST_PATH="$VD/test.keyring"
CLINE="$CACHE/cline-$v/node_modules/.bin/cline"
DATA="$HOME/.cline/data"
python3 "$CLINECFG_TOP/tests/fake_aws/server.py" --seed "$SEED" --port-file "$VD/port" --log "$VD/requests.jsonl" \
  --h2c --lifetime 600 >"$VD/server.log" 2>&1 &
SP=$!
trap 'kill $SP 2>/dev/null || true' EXIT
i=0; while [ ! -s "$VD/port" ]; do i=$((i+1)); [ $i -lt 200 ] || { echo "$v: the emulator did not start"; exit 90; }; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$VD/port")"
echo "$URL" > "$VD/url"

# the secret goes from the seed to clinecfg's stdin only
python3 -c 'import json,sys; print(next(u["secret_access_key"] for u in json.load(open(sys.argv[1]))["users"] if u["access_key_id"]==sys.argv[2]), end="")' "$SEED" "$AK" |
  AWS_ENDPOINT_URL="$URL" "$CLINECFG_BIN" login --access-key-id "$AK" --secret-stdin >"$VD/login.out" 2>"$VD/login.err" || { echo "$v: login failed: $(cat "$VD/login.err")"; exit 91; }
AWS_ENDPOINT_URL="$URL" AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$URL" "$CLINECFG_BIN" --json setup -y --region ap-northeast-1 --team platform --member alice \
  --model apac.anthropic.claude-sonnet-4-5-20250929-v1:0 >"$VD/setup.json" 2>"$VD/setup.err" || { echo "$v: setup failed: $(cat "$VD/setup.err")"; exit 92; }
mkdir -p "$VD/as-written"
cp "$DATA/globalState.json" "$DATA/settings/providers.json" "$HOME/.aws/config" "$VD/as-written/" 2>/dev/null || true
# Not a store setup writes: keeps the 3.x CLI from calling its telemetry host.
mkdir -p "$DATA/settings"
[ -f "$DATA/settings/global-settings.json" ] || printf '{"telemetryOptOut": true}\n' > "$DATA/settings/global-settings.json"
# No AWS_* variable reaches Cline: only the files say where and how.
unset_aws=$(env | sed -n 's/^\(AWS_[A-Za-z0-9_]*\)=.*/-u \1/p')
case "$kind" in
  go) set -- -y -m act -F json "Say hello" ;;
  *)  set -- --yolo --json "Say hello" ;;
esac
started=$(date +%s)
( cd "$VD/work" && env $unset_aws timeout "${CLINE_E2E_TIMEOUT:-120}" "$CLINE" "$@" </dev/null >"$VD/cline.out" 2>"$VD/cline.err" )
echo $? > "$VD/cline.rc"
echo $(( $(date +%s) - started )) > "$VD/cline.seconds"
# The session Cline's run of credential_process cached (it reached STS through
# the endpoint login remembered); only the key id leaves this pipe.
env $unset_aws "$CLINECFG_BIN" credential-process 2>"$VD/cp.err" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKeyId"])' > "$VD/cp_key" || true
python3 -c 'import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]+"/__admin/stats").read().decode())' "$URL" > "$VD/stats.json"
NS

cat > "$W/inside.sh" <<'NS'
ip link set lo up
jobs_max=${CLINE_E2E_JOBS:-2}
running=0
for v in $VERSIONS; do
  kind=$(echo "$VERSION_TABLE" | awk -v v="$v" '$1 == v {print $2}')
  sh "$W/one.sh" "$v" "$kind" > "$W/one-$v.log" 2>&1 &
  running=$((running+1))
  if [ $running -ge "$jobs_max" ]; then wait; running=0; fi
done
wait
NS

export W SEED AK CACHE VERSIONS VERSION_TABLE
note "running login, setup and cline $(echo $VERSIONS) inside unshare -n"
started=$(date +%s)
# A PID namespace too (when permitted) so that nothing Cline leaves running survives the test.
if unshare -n -p -f -m --mount-proc true 2>/dev/null; then NSARGS="-n -p -f -m --mount-proc"; else NSARGS="-n"; fi
set +e
unshare $NSARGS sh "$W/inside.sh" > "$W/inside.log" 2>&1
irc=$?
set -e
note "all versions ran in $(( $(date +%s) - started ))s"
[ $irc = 0 ] || { cat "$W/inside.log" >&2; fail "the namespace run failed (exit $irc)"; }

for v in $VERSIONS; do
  [ -d "$W/$v" ] && cp -r "$W/$v" "$LOGS/$v" && rm -rf "$LOGS/$v/home/.local/share/keyrings"
  cp "$W/one-$v.log" "$LOGS/$v/run.log" 2>/dev/null || true
done

python3 - "$W" "$LOGS" "$VERSION_TABLE" $VERSIONS <<'PY' || fail "end-to-end checks failed (per-version files in $LOGS)"
import json, os, sys, urllib.parse
w, logs, table = sys.argv[1:4]
versions = sys.argv[4:]
expect_cache = {f[0]: f[2] == "yes" for f in (l.split() for l in table.splitlines()) if f and not f[0].startswith("#")}
kinds = {f[0]: f[1] for f in (l.split() for l in table.splitlines()) if f and not f[0].startswith("#")}
ALICE = "arn:aws:iam::123456789012:user/alice"
REPLY = "Hello from the clinecfg loopback Bedrock emulator."

def read(path, default=""):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default

def check_version(v):
    d = os.path.join(w, v)
    problems = []
    def check(cond, msg):
        if not cond:
            problems.append(msg)
    row = {"version": v, "rc": read(d + "/cline.rc", "?").strip(), "seconds": read(d + "/cline.seconds", "?").strip(),
           "calls": 0, "http": "-", "cache": "-"}
    # one.sh's own failures start with "VERSION:"
    problems.extend(l for l in read(os.path.join(w, "one-%s.log" % v)).splitlines() if l.startswith(v + ":"))
    try:
        setup = json.loads(read(d + "/setup.json", "{}"))
        arn = setup["profile"]["arn"]
    except (ValueError, KeyError, TypeError):
        problems.append("setup gave no profile ARN")
        return row, problems
    url = read(d + "/url").strip()
    check(arn.startswith("arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/"),
          "setup's profile is not an application inference profile: %s" % arn)
    check(row["rc"] == "0", "cline exited %s" % row["rc"])

    paths = ["/model/" + urllib.parse.quote(arn, safe="") + "/" + op for op in ("converse-stream", "converse")]
    reqs = [json.loads(l) for l in read(d + "/requests.jsonl").splitlines() if l.strip()]
    hits = [r for r in reqs if r.get("method") == "POST" and r.get("path") in paths]
    check(any(r.get("status") == 200 and not r.get("error") for r in hits),
          "no converse(-stream) call on the profile ARN was accepted: %s (paths seen: %s)" %
          ([(r.get("status"), r.get("error")) for r in hits], sorted({r.get("path") for r in reqs})))
    try:
        calls = json.loads(read(d + "/stats.json", "{}")).get("converse_calls", [])
    except ValueError:
        calls = []
    row["calls"] = len(calls)
    row["http"] = ",".join(sorted({c.get("http", "?") for c in calls})) or "-"
    cp_key = read(d + "/cp_key").strip()
    check(bool(cp_key), "credential-process printed no access key id: %s" % read(d + "/cp.err"))
    check(bool(calls) and all(c.get("model_id") == arn for c in calls), "not every call used the profile ARN: %s" %
          sorted({c.get("model_id") for c in calls}))
    check(bool(calls) and all(c.get("access_key_id") == cp_key for c in calls),
          "calls not signed with the key credential_process returns (%s): %s" % (cp_key, sorted({c.get("access_key_id") for c in calls})))
    check(bool(calls) and all(c.get("user") == ALICE and c.get("session_token") for c in calls),
          "calls not made with alice's session credentials: %s" % sorted({(c.get("user"), c.get("session_token")) for c in calls}))
    points = [c.get("cache_points", 0) for c in calls]
    row["cache"] = "yes" if any(points) else "no"
    row["points"] = points
    out = read(d + "/cline.out")
    check(REPLY in out or json.dumps(REPLY)[1:-1] in out, "the emulator's reply text is not in cline's JSON output")

    gs = json.loads(read(d + "/home/.cline/data/globalState.json", "{}") or "{}")
    check(gs.get("actModeApiModelId") == arn and gs.get("awsBedrockEndpoint") == url,
          "globalState.json no longer points at the ARN and the endpoint")
    if kinds[v] == "bun":
        pv = json.loads(read(d + "/home/.cline/data/settings/providers.json", "{}") or "{}")
        b = (pv.get("providers") or {}).get("bedrock") or {}
        s = b.get("settings") or {}
        aws = s.get("aws") or {}
        check(s.get("model") == arn and aws.get("endpoint") == url and aws.get("authentication") == "profile"
              and aws.get("profile") == "clinecfg" and aws.get("region") == "ap-northeast-1"
              and aws.get("customModelBaseId") == "anthropic.claude-sonnet-4-5-20250929-v1:0",
              "providers.json's bedrock entry changed: %s" % s)
        check(not any(k in aws for k in ("accessKey", "secretKey", "sessionToken")) and "apiKey" not in s,
              "secrets in providers.json")
        check(pv.get("lastUsedProvider") == "bedrock", "lastUsedProvider is not bedrock")
        results = [ev for ev in (json.loads(l) for l in out.splitlines() if l.startswith("{"))
                   if isinstance(ev, dict) and ev.get("type") == "run_result"]
        check(any(r.get("finishReason") == "completed" and (r.get("model") or {}).get("id") == arn for r in results),
              "no completed run_result on the ARN: %s" % [(r.get("finishReason"), r.get("model")) for r in results])
    for root in (d + "/home/.aws", d + "/home/.cline"):
        for dirpath, _, files in os.walk(root):
            for name in files:
                if "fake/alice/SecretKey" in read(os.path.join(dirpath, name)):
                    problems.append("the secret key was written into %s" % os.path.join(dirpath, name))
    if calls and row["cache"] != ("yes" if expect_cache[v] else "no"):
        problems.append("cache points: issue 13 says %s, the requests carried %s" %
                        ("yes" if expect_cache[v] else "none", points))
    return row, problems

rows, failed = [], []
for v in versions:
    row, problems = check_version(v)
    rows.append(row)
    for p in problems:
        print("FAIL %s: %s" % (v, p), file=sys.stderr)
    if problems:
        failed.append(v)
        for name in ("cline.err", "cline.out"):
            print("--- %s %s (tail):\n%s" % (v, name, read(os.path.join(w, v, name))[-1500:]), file=sys.stderr)
fmt = "%-8s %-8s %-5s %-9s %-6s %-18s %s\n"
table_text = fmt % ("version", "exit", "calls", "http", "cache", "points per call", "seconds")
for r in rows:
    table_text += fmt % (r["version"], r["rc"], r["calls"], r["http"], r["cache"], r.get("points", "-"), r["seconds"])
sys.stderr.write(table_text)
with open(os.path.join(logs, "table.txt"), "w") as f:
    f.write(table_text)
sys.exit(1 if failed else 0)
PY
echo "ok: cline $(echo $VERSIONS) each completed a headless turn on the stores clinecfg setup wrote"

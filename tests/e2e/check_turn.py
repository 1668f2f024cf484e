#!/usr/bin/env python3
"""check_turn.py W ARN CALLER_REGEX [fresh-keys] - what the e2e tests check after a real
cline turn: the emulator accepted (SigV4-verified) a converse-stream call on
the profile ARN, every such call was signed with the access key
credential_process hands out ($W/cp_key) by a caller matching CALLER_REGEX,
used the ARN as model id, and cline's run_result says completed.  With
`fresh-keys` (a source whose every run mints new role credentials, such as
an AWS SSO profile) the key only has to be a session key of that caller.  Reads
$W/requests.jsonl, $W/stats.json and $W/cline.out; exits 1 naming what failed."""
import json, re, sys, urllib.parse
w, arn, user_re = sys.argv[1:4]
fresh_keys = sys.argv[4:5] == ["fresh-keys"]
ok = True
def check(cond, msg):
    global ok
    print(("ok: " if cond else "FAIL: ") + msg, file=sys.stderr)
    ok = ok and cond

want_path = "/model/" + urllib.parse.quote(arn, safe="") + "/converse-stream"
reqs = [json.loads(l) for l in open(w + "/requests.jsonl") if l.strip()]
hits = [r for r in reqs if r.get("method") == "POST" and r.get("path") == want_path]
check(any(r.get("status") == 200 and not r.get("error") for r in hits), "a converse-stream call was accepted (SigV4 verified): %s" %
      [(r.get("status"), r.get("error")) for r in hits])
stats = json.load(open(w + "/stats.json"))
calls = [c for c in stats.get("converse_calls", []) if "stream" in str(c.get("operation", "")).lower()]
check(bool(calls), "the emulator recorded ConverseStream calls: %s" % stats.get("converse_calls"))
cp_key = open(w + "/cp_key").read().strip()
check(bool(cp_key), "credential-process printed an access key id")
if fresh_keys:
    check(all(str(c.get("access_key_id")).startswith("ASIA") and c.get("session_token") for c in calls),
          "signed with session credentials (each credential_process run mints new ones): %s" %
          sorted({c.get("access_key_id") for c in calls}))
else:
    check(all(c.get("access_key_id") == cp_key for c in calls), "signed with the key credential_process returns (%s): %s" %
          (cp_key, sorted({c.get("access_key_id") for c in calls})))
caller = re.compile(user_re)
check(bool(calls) and all(caller.match(c.get("user") or "") for c in calls), "calls were made as %s: %s" % (user_re,
      sorted({c.get("user") for c in calls})))
check(all(c.get("model_id") == arn for c in calls), "every call used the profile ARN as model id")
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
sys.exit(0 if ok else 1)

#!/bin/sh
# cline_limits.sh - issue 16's bar for the hard stop, with the real Cline CLI
# (npm cline@3.0.65): two Identity Center members on the same
# AWSReservedSSO_* role each run `clinecfg login --sso` and `setup` in their
# own HOME; the admin puts the `enforce` policy and clinecfg-blocked in the
# permission set and gives both a USD 5 limit.  Both complete a cline turn.
# Once alice's recorded token use passes USD 5, one `admin limits enforce`
# blocks her next turn (the emulator answers 403 on her profile) while bob's
# turn on the same role still completes; `admin limits list` says alice is
# blocked; a raised limit and another `enforce` let her next turn complete.
#
# Everything runs inside `unshare -n` (loopback only); Cline gets no AWS_*
# variable, as when started from a desktop.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/e2e/e2e_lib.sh.inc"
e2e_require
e2e_install 3.0.65
CLINE=$(e2e_cline 3.0.65)

t_home
W="$T_HOME/e2e"; mkdir -p "$W"
SEED="$CLINECFG_TOP/tests/fake_aws/seed-default.json"
e2e_sso_org_config

cat > "$W/inside.sh" <<'NS'
set -eu
ip link set lo up
. "$CLINECFG_TOP/tests/e2e/e2e_lib.sh.inc"
e2e_emulator_start
trap 'kill $SP 2>/dev/null || true' EXIT

# as_member M CMD...: CMD with member M's own HOME, config folders and keyring
as_member() {
  m=$1; shift
  d="$W/$m"; mkdir -p "$d/home"
  HOME="$d/home" XDG_CONFIG_HOME="$d/home/.config" XDG_STATE_HOME="$d/home/.local/state" \
    XDG_DATA_HOME="$d/home/.local/share" SECRET_FILE_TEST_PATH="$d/test.keyring" "$@"
}
ROOT_KEYS="AWS_ACCESS_KEY_ID=AKIAFAKEROOT00000000 AWS_SECRET_ACCESS_KEY=fake/root/SecretKey+fake/root/SecretKey+"
# as_admin ARGS...: clinecfg with the emulator's admin keys; stdout in $W/admin.json
as_admin() {
  # shellcheck disable=SC2086
  env $ROOT_KEYS AWS_ENDPOINT_URL="$URL" "$CLINECFG_BIN" --json "$@" >"$W/admin.json" 2>"$W/admin.err" ||
    { echo "clinecfg $* failed: $(cat "$W/admin.json" "$W/admin.err")"; exit 94; }
}

onboard() {
  m=$1
  mkdir -p "$W/$m/home"
  as_member "$m" env AWS_ENDPOINT_URL="$URL" "$CLINECFG_BIN" --json login --sso -y --no-browser \
    >"$W/$m/login.json" 2>"$W/$m/login.err" &
  e2e_sso_approve "$m@example.com" $! "$W/$m/login.err"
  as_member "$m" env AWS_ENDPOINT_URL="$URL" AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$URL" "$CLINECFG_BIN" --json setup -y \
    >"$W/$m/setup.json" 2>"$W/$m/setup.err" || { echo "setup ($m) failed: $(cat "$W/$m/setup.err")"; exit 92; }
  mkdir -p "$W/$m/home/.cline/data/settings"
  printf '{"telemetryOptOut": true}\n' > "$W/$m/home/.cline/data/settings/global-settings.json"
}

# turn M NAME: one cline turn as member M with no AWS variable; its exit code
# in $W/M/NAME.rc, and the requests it caused in $W/M/NAME.requests
turn() {
  m=$1 name=$2
  before=$(wc -l < "$W/requests.jsonl")
  set +e
  ( cd "$W/$m" && as_member "$m" env -u AWS_ENDPOINT_URL -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
      -u AWS_SESSION_TOKEN -u AWS_PROFILE timeout 240 "$CLINE" --yolo --json "Say hello" \
      </dev/null >"$W/$m/$name.out" 2>"$W/$m/$name.err" )
  echo $? > "$W/$m/$name.rc"
  set -e
  tail -n +$((before + 1)) "$W/requests.jsonl" > "$W/$m/$name.requests"
}

onboard alice
onboard bob
as_member alice env AWS_ENDPOINT_URL="$URL" "$CLINECFG_BIN" --json whoami >"$W/alice/whoami.json" 2>&1 || true
ROLE=$(python3 -c 'import re,sys; m=re.search(r"assumed-role/(AWSReservedSSO_[A-Za-z0-9_]+)/", open(sys.argv[1]).read())
print(m.group(1)) if m else sys.exit("no Identity Center role in whoami: " + open(sys.argv[1]).read())' "$W/alice/whoami.json")
echo "$ROLE" > "$W/role"

as_admin admin policy enforce --principal sso --apply --name clinecfg-enforce-sso
e2e_admin iam/permission-set "{\"role\": \"$ROLE\", \"policy_name\": \"clinecfg-enforce-sso\"}" >/dev/null
as_admin admin limits set --monthly-usd 5 --member alice@example.com
as_admin admin limits set --monthly-usd 5 --member bob@example.com
as_admin admin limits enforce
cp "$W/admin.json" "$W/enforce0.json"
e2e_admin iam/permission-set "{\"role\": \"$ROLE\", \"policy_name\": \"clinecfg-blocked\"}" >/dev/null

turn alice before
turn bob before

# alice's profile records 2,000,000 input tokens five minutes ago: past USD 5
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["profile"]["arn"].rsplit("/",1)[1])' "$W/alice/setup.json")
e2e_admin usage/records "{\"records\": [{\"model_id\": \"$id\", \"time\": $(( $(date +%s) - 300 )), \"input_tokens\": 2000000}]}" >/dev/null
as_admin admin limits enforce
cp "$W/admin.json" "$W/enforce1.json"
turn alice blocked
turn bob still
as_admin admin limits list
cp "$W/admin.json" "$W/list.json"

as_admin admin limits set --monthly-usd 50 --member alice@example.com
as_admin admin limits enforce
cp "$W/admin.json" "$W/enforce2.json"
turn alice after
NS

export W SEED CLINE
note "two members on one Identity Center role: login --sso, setup, limits and cline turns inside unshare -n"
set +e
unshare -n sh "$W/inside.sh" > "$W/inside.log" 2>&1
irc=$?
set -e
if [ $irc != 0 ]; then
  cat "$W/inside.log" >&2; tail -20 "$W/server.log" >&2 2>/dev/null || true
  fail "the namespace run failed (exit $irc)"
fi
ALICE_ARN=$(jq -r .profile.arn "$W/alice/setup.json")
BOB_ARN=$(jq -r .profile.arn "$W/bob/setup.json")
note "alice: $ALICE_ARN, bob: $BOB_ARN, both as $(cat "$W/role")"
[ "$ALICE_ARN" != "$BOB_ARN" ] || fail "the two members share one profile"

# stream_status M NAME ARN: the statuses of the converse-stream calls on ARN during that turn
stream_status() {
  path="/model/$(jq -rn --arg a "$3" '$a | @uri')/converse-stream"
  jq -r --arg p "$path" 'select(.method == "POST" and .path == $p) | .status' "$W/$1/$2.requests" | sort -u | tr '\n' ' '
}
show_turn() { echo "--- $1 $2 (exit $(cat "$W/$1/$2.rc")):" >&2; tail -c 2000 "$W/$1/$2.out" >&2; tail -c 2000 "$W/$1/$2.err" >&2; }
turn_ok() {
  st=$(stream_status "$1" "$2" "$3")
  [ "$(cat "$W/$1/$2.rc")" = 0 ] && [ "$st" = "200 " ] || { show_turn "$1" "$2"; fail "$1's $2 turn did not complete through $3 (statuses: $st)"; }
}

note "before: both members complete a turn through their own profile"
jq -e '.policy == "created" and (.blocked | length) == 0' "$W/enforce0.json" >/dev/null || fail "first enforce: $(cat "$W/enforce0.json")"
turn_ok alice before "$ALICE_ARN"
turn_ok bob before "$BOB_ARN"

note "alice passes USD 5: one enforce blocks her next turn, not bob's on the same role"
jq -e '.blocked == ["alice@example.com"]' "$W/enforce1.json" >/dev/null || fail "enforce: $(cat "$W/enforce1.json")"
st=$(stream_status alice blocked "$ALICE_ARN")
case "$st" in *403*) ;; *) show_turn alice blocked; fail "alice's turn was not refused with 403 (statuses: $st)";; esac
case "$st" in *200*) show_turn alice blocked; fail "a call of alice's blocked turn got through (statuses: $st)";; esac
[ "$(cat "$W/alice/blocked.rc")" != 0 ] || grep -qi 'denied\|403\|error' "$W/alice/blocked.out" ||
  { show_turn alice blocked; fail "cline reported success for a refused turn"; }
jq -r 'select(.status == 403) | .error // empty' "$W/alice/blocked.requests" | grep -q "AccessDenied" ||
  fail "the refusal is not AccessDenied: $(jq -c 'select(.status == 403)' "$W/alice/blocked.requests" | head -3)"
note "cline's answer to the refusal (exit $(cat "$W/alice/blocked.rc")): $(grep -o '"error[^}]*' "$W/alice/blocked.out" | tail -1 | cut -c1-200)"
turn_ok bob still "$BOB_ARN"

note "limits list shows alice blocked"
jq -e '[.members[] | select(.blocked) | .member] == ["alice@example.com"]
  and ([.members[] | select(.member == "alice@example.com")][0] | .limit_usd == 5 and .estimated_usd > 5)' "$W/list.json" >/dev/null \
  || fail "list: $(cat "$W/list.json")"

note "a raised limit and enforce: alice's next turn completes"
jq -e '.unblocked == ["alice@example.com"]' "$W/enforce2.json" >/dev/null || fail "enforce after raising: $(cat "$W/enforce2.json")"
turn_ok alice after "$ALICE_ARN"
echo "ok: a real cline turn is blocked for the member over the limit and not for the other member on the same role"

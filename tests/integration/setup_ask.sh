#!/bin/sh
# setup_ask.sh - on a terminal (a pseudo-terminal from Python's pty module),
# setup asks for what is missing instead of failing: the team, then the base
# model from the region's system profiles with the org default preselected;
# it offers to remember both in the user config (through the safe edit of
# 'config set'), and the next run asks nothing.  A cancelled prompt (Ctrl-C,
# end of input, "n") exits 1 without an "error:" line and changes nothing;
# Ctrl-C at login's secret prompt ends the prompt's line.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
CFG="$XDG_CONFIG_HOME/clinecfg/config.json"
printf '{ "model": "%s", "region": "ap-northeast-1" }\n' "$MODEL" > "$CLINECFG_ORG_CONFIG"

. "$CLINECFG_TOP/tests/integration/pty_talk.sh.inc"
talk_rc() { set +e; pty_talk "$@"; trc=$?; set -e; }
count() { curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0" | jq '[.application_profiles[] | select(.name == "teama-bedrock-alice")] | length'; }
SETUP="$CLINECFG_BIN setup --no-color"

note "Ctrl-C at the team prompt: exit 1, no error line, nothing written"
talk_rc "$T_HOME/c1.txt" "Team (=>^C" -- $SETUP
assert_eq "$trc" 1 "(exit after Ctrl-C at the team prompt; transcript: $(cat "$T_HOME/c1.txt"))"
assert_contains "$T_HOME/c1.txt" "setup cancelled"
assert_not_contains "$T_HOME/c1.txt" "error:"
[ ! -e "$CFG" ] && [ ! -e "$HOME/.cline" ] || fail "a cancelled setup wrote files"

note "end of input at the model prompt: exit 1"
talk_rc "$T_HOME/c2.txt" "Team (=>teamA" "Base model (number or id) [=>^D" -- $SETUP
assert_eq "$trc" 1 "(exit after end of input; transcript: $(cat "$T_HOME/c2.txt"))"
assert_not_contains "$T_HOME/c2.txt" "error:"
[ ! -e "$CFG" ] || fail "a cancelled setup wrote the user config"

note "'n' at the last question: exit 1, and the answers remembered before it stay"
talk_rc "$T_HOME/c3.txt" "Team (=>teamA" "Base model (number or id) [=>" "for next time? [Y/n]=>n" \
  "Set up Cline on Bedrock for team 'teamA'=>n" -- $SETUP
assert_eq "$trc" 1 "(exit after 'n'; transcript: $(cat "$T_HOME/c3.txt"))"
assert_not_contains "$T_HOME/c3.txt" "error:"
[ ! -e "$CFG" ] || fail "'n' to remembering still wrote the user config"
assert_eq "$(count)" 0

note "the answers: team typed, model from the list with the org default preselected, remembered"
talk_rc "$T_HOME/t1.txt" "Team (=>teamA" "Base model (number or id) [=>nope" "Base model (number or id) [=>" \
  "for next time? [Y/n]=>y" "with base model $MODEL? [Y/n]=>y" "Create it? [Y/n]=>y" "Write these=>y" -- $SETUP
assert_eq "$trc" 0 "(interactive setup; transcript: $(cat "$T_HOME/t1.txt"))"
assert_contains "$T_HOME/t1.txt" "Base models in ap-northeast-1"
assert_contains "$T_HOME/t1.txt" "$MODEL  (your organisation's default)"
assert_contains "$T_HOME/t1.txt" "'nope' is not in the list"
assert_eq "$(count)" 1
jq -e --arg m "$MODEL" '.team == "teamA" and .model == $m' "$CFG" >/dev/null || fail "answers not remembered: $(cat "$CFG")"
[ -s "$HOME/.cline/data/globalState.json" ] || fail "Cline's files not written"

note "the next run asks only the confirmations"
talk_rc "$T_HOME/t2.txt" "for team 'teamA' with base model $MODEL? [Y/n]=>y" -- $SETUP
assert_eq "$trc" 0 "(second run; transcript: $(cat "$T_HOME/t2.txt"))"
assert_not_contains "$T_HOME/t2.txt" "Team ("
assert_not_contains "$T_HOME/t2.txt" "Base model ("

note "a model picked by number"
rm "$CFG"
talk_rc "$T_HOME/t3.txt" "Team (=>teamA" "Base model (number or id) [=>2" "for next time? [Y/n]=>n" \
  "Set up Cline on Bedrock=>n" -- $SETUP
assert_eq "$trc" 1
second=$(sed -n 's/^ *2) \([^ ]*\).*/\1/p' "$T_HOME/t3.txt" | tr -d '\r' | head -n 1)
[ -n "$second" ] || fail "no second model listed: $(cat "$T_HOME/t3.txt")"
assert_contains "$T_HOME/t3.txt" "with base model $second?"

note "Ctrl-C at login's secret prompt ends the line"
talk_rc "$T_HOME/l1.txt" "AWS access key ID=>AKIAFAKEALICE0000000" "AWS secret access key=>^C" -- "$CLINECFG_BIN" login
[ "$trc" != 0 ] || fail "login went on after Ctrl-C"
python3 - "$T_HOME/l1.txt" <<'PY' || fail "no newline after Ctrl-C at the secret prompt: $(cat "$T_HOME/l1.txt")"
import sys
t = open(sys.argv[1], "rb").read()
mark = b"AWS secret access key"
tail = t[t.index(b": ", t.index(mark)) + 2:]
assert tail.replace(b"^C", b"").startswith((b"\r\n", b"\n")), tail
PY
echo "setup_ask: ok"

#!/bin/sh
# setup_interactive.sh - on a terminal, setup confirms team and model, shows
# the plan (the create, then the files) and asks before each step; "n"
# leaves everything untouched.  `script` gives it a real pseudo-terminal.
. "$CLINECFG_TOP/tests/lib.sh"
command -v script >/dev/null 2>&1 || skip "script(1) from util-linux is not installed"
t_home
fake_aws_start
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
CMD="$CLINECFG_BIN setup --no-color --team teamA --model apac.anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1"
answer() { # answers the prompts one by one, slowly enough for each to appear
  for a in "$@"; do sleep 1; printf '%s\n' "$a"; done; sleep 2
}
count() { curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0" | jq '[.application_profiles[] | select(.name == "teama-bedrock-alice")] | length'; }

note "declining the create changes nothing"
answer y n | script -qec "$CMD" /dev/null > "$T_HOME/tty1.txt" 2>&1 || true
assert_contains "$T_HOME/tty1.txt" "with base model apac.anthropic.claude-sonnet-4-5-20250929-v1:0? [Y/n]"
assert_contains "$T_HOME/tty1.txt" "Plan: create inference profile teama-bedrock-alice"
assert_contains "$T_HOME/tty1.txt" "setup cancelled"
assert_eq "$(count)" 0
[ ! -e "$HOME/.cline" ] || fail "declined setup wrote files"

note "accepting shows the file plan, then writes"
answer y y y | script -qec "$CMD" /dev/null > "$T_HOME/tty2.txt" 2>&1
assert_contains "$T_HOME/tty2.txt" "Plan: create $HOME/.cline/data/globalState.json"
assert_contains "$T_HOME/tty2.txt" "Write these"
assert_eq "$(count)" 1
[ -s "$HOME/.cline/data/globalState.json" ] || fail "globalState.json not written"

note "-y never prompts"
run_cc setup -y --team teamA --model apac.anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1 </dev/null
assert_eq "$rc" 0
assert_not_contains "$err" "[Y/n]"

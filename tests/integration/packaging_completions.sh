#!/bin/sh
# packaging_completions.sh - the bash, zsh and fish completions, each loaded
# in its own shell, offer exactly the commands of `clinecfg --help`, exactly
# the long options of `clinecfg <command> --help` for every command and of
# `clinecfg <command> <subcommand> --help` for every subcommand, and the
# values of --targets (also after a comma) and --mode.  A shell that is not
# installed is reported and skipped; the test skips when none is.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/integration/packaging_lib.sh.inc"
C="$CLINECFG_TOP/packaging/completions"
W=$(t_tmpdir)
t_home   # no ~/.aws or backups of the developer's leak into the answers
# AWS profile names come from both files; sso-session sections are not profiles.
mkdir -p "$HOME/.aws"
printf '[default]\nregion = us-east-1\n[profile dev]\n[sso-session corp]\n[profile  spaced ]\n' >"$HOME/.aws/config"
printf '[default]\n[legacy]\n' >"$HOME/.aws/credentials"
printf '%s\n' default dev legacy spaced >"$W/want.profiles"
# restore IDs are the run folders under the backups folder.
mkdir -p "$XDG_STATE_HOME/clinecfg/backups/20261128T101500Z-1" "$XDG_STATE_HOME/clinecfg/backups/20261128T111500Z-2"
printf '%s\n' 20261128T101500Z-1 20261128T111500Z-2 >"$W/want.backups"
: >"$XDG_STATE_HOME/clinecfg/backups/not-a-run.txt"
shells=""

pk_commands | sort >"$W/want.commands"
[ "$(wc -l <"$W/want.commands")" -ge 10 ] || fail "clinecfg --help listed too few commands"

# same NAME WANT_FILE GOT_FILE
same() {
  if ! cmp -s "$2" "$3"; then
    echo "--- $1: expected (from --help) vs offered:" >&2
    diff "$2" "$3" >&2 || true
    fail "$1"
  fi
}

# ---- bash: complete -p, then COMPREPLY computed by the completion function.
if command -v bash >/dev/null 2>&1; then
  shells="$shells bash"
  # bash_complete WORD... prints COMPREPLY one a line, sorted.  Words are
  # split as readline does, with "=" a word of its own.
  cat >"$W/bash_complete" <<'EOS'
. "$1"; shift
complete -p clinecfg >/dev/null || { echo "complete -p clinecfg: not defined" >&2; exit 1; }
COMP_WORDS=(clinecfg "$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
_clinecfg clinecfg "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort
EOS
  bc() { bash --norc --noprofile "$W/bash_complete" "$C/clinecfg.bash" "$@"; }
  [ "$(bash --norc --noprofile -c ". '$C/clinecfg.bash'; complete -p clinecfg")" = "complete -F _clinecfg clinecfg" ] \
    || fail "bash: complete -p clinecfg is not '-F _clinecfg'"
  bc "" >"$W/got"; same "bash: commands" "$W/want.commands" "$W/got"
  for cmd in $(pk_commands); do
    pk_long_opts "$cmd" >"$W/want"
    bc "$cmd" "--" >"$W/got"; same "bash: options of $cmd" "$W/want" "$W/got"
    for sub in $(pk_subcommands "$cmd"); do
      pk_long_opts "$cmd" "$sub" >"$W/want"
      bc "$cmd" "$sub" "--" >"$W/got"; same "bash: options of $cmd $sub" "$W/want" "$W/got"
    done
  done
  # Global options before the command, and option values in between, are skipped.
  pk_long_opts setup >"$W/want"
  bc --json --config /dev/null setup --team t "--" >"$W/got"; same "bash: options after globals" "$W/want" "$W/got"
  printf '%s\n' aws-config cline-cli cline-extension >"$W/want"
  bc setup --targets "" >"$W/got"; same "bash: --targets values" "$W/want" "$W/got"
  bc setup --targets = "" >"$W/got"; same "bash: --targets= values" "$W/want" "$W/got"
  printf '%s\n' cline-cli,aws-config >"$W/want"
  bc setup --targets cline-cli,aw >"$W/got"; same "bash: --targets after a comma" "$W/want" "$W/got"
  printf '%s\n' act both plan >"$W/want"
  bc setup --mode "" >"$W/got"; same "bash: --mode values" "$W/want" "$W/got"
  printf '%s\n' limits policy provision report >"$W/want"
  bc admin "" >"$W/got"; same "bash: admin subcommand" "$W/want" "$W/got"
  printf '%s\n' enforce list remove set >"$W/want"
  bc admin limits "" >"$W/got"; same "bash: admin limits actions" "$W/want" "$W/got"
  printf '%s\n' tag_keys.member tag_keys.team >"$W/want"
  bc config get tag >"$W/got"; same "bash: config keys" "$W/want" "$W/got"
  bc setup --aws-profile "" >"$W/got"; same "bash: AWS profiles" "$W/want.profiles" "$W/got"
  bc restore "" >"$W/got"; same "bash: restore IDs" "$W/want.backups" "$W/got"
else
  note "bash is not installed: bash completion not checked"
fi

# ---- fish: complete -C computes what Tab would offer.
if command -v fish >/dev/null 2>&1; then
  shells="$shells fish"
  fc() { fish --no-config -c "source '$C/clinecfg.fish'; complete -C'$1'" | cut -f1 | sort -u; }
  fc "clinecfg " >"$W/got"; same "fish: commands" "$W/want.commands" "$W/got"
  for cmd in $(pk_commands); do
    pk_long_opts "$cmd" >"$W/want"
    fc "clinecfg $cmd --" >"$W/got"; same "fish: options of $cmd" "$W/want" "$W/got"
    for sub in $(pk_subcommands "$cmd"); do
      pk_long_opts "$cmd" "$sub" >"$W/want"
      fc "clinecfg $cmd $sub --" >"$W/got"; same "fish: options of $cmd $sub" "$W/want" "$W/got"
    done
  done
  printf '%s\n' aws-config cline-cli cline-extension >"$W/want"
  fc "clinecfg setup --targets " >"$W/got"; same "fish: --targets values" "$W/want" "$W/got"
  printf '%s\n' --targets=cline-cli,aws-config >"$W/want"
  fc "clinecfg setup --targets=cline-cli,a" >"$W/got"; same "fish: --targets= after a comma" "$W/want" "$W/got"
  printf '%s\n' act both plan >"$W/want"
  fc "clinecfg setup --mode " >"$W/got"; same "fish: --mode values" "$W/want" "$W/got"
  printf '%s\n' limits policy provision report >"$W/want"
  fc "clinecfg admin " >"$W/got"; same "fish: admin subcommand" "$W/want" "$W/got"
  printf '%s\n' enforce list remove set >"$W/want"
  fc "clinecfg admin limits " >"$W/got"; same "fish: admin limits actions" "$W/want" "$W/got"
  fc "clinecfg login --from-profile " >"$W/got"; same "fish: AWS profiles" "$W/want.profiles" "$W/got"
  fc "clinecfg restore " >"$W/got"; same "fish: restore IDs" "$W/want.backups" "$W/got"
else
  note "fish is not installed: fish completion not checked"
fi

# ---- zsh: the real completion system on a pseudo-tty (zsh/zpty).
if command -v zsh >/dev/null 2>&1 && zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
  shells="$shells zsh"
  zsh -fn "$C/_clinecfg" || fail "zsh: _clinecfg has a syntax error"
  zc() { zsh -f "$CLINECFG_TOP/tests/packaging/zsh_complete.zsh" "$C" "$1"; }
  zc "clinecfg " >"$W/got"; same "zsh: commands" "$W/want.commands" "$W/got"
  for cmd in $(pk_commands); do
    pk_long_opts "$cmd" >"$W/want"
    zc "clinecfg $cmd --" >"$W/got"; same "zsh: options of $cmd" "$W/want" "$W/got"
    for sub in $(pk_subcommands "$cmd"); do
      pk_long_opts "$cmd" "$sub" >"$W/want"
      zc "clinecfg $cmd $sub --" >"$W/got"; same "zsh: options of $cmd $sub" "$W/want" "$W/got"
    done
  done
  printf '%s\n' aws-config cline-cli cline-extension >"$W/want"
  zc "clinecfg setup --targets=" >"$W/got"; same "zsh: --targets values" "$W/want" "$W/got"
  printf '%s\n' aws-config cline-extension >"$W/want"
  zc "clinecfg setup --targets=cline-cli," >"$W/got"; same "zsh: --targets after a comma" "$W/want" "$W/got"
  printf '%s\n' act both plan >"$W/want"
  zc "clinecfg setup --mode " >"$W/got"; same "zsh: --mode values" "$W/want" "$W/got"
  printf '%s\n' limits policy provision report >"$W/want"
  zc "clinecfg admin " >"$W/got"; same "zsh: admin subcommand" "$W/want" "$W/got"
  printf '%s\n' enforce list remove set >"$W/want"
  zc "clinecfg admin limits " >"$W/got"; same "zsh: admin limits actions" "$W/want" "$W/got"
  zc "clinecfg whoami --aws-profile=" >"$W/got"; same "zsh: AWS profiles" "$W/want.profiles" "$W/got"
  zc "clinecfg restore " >"$W/got"; same "zsh: restore IDs" "$W/want.backups" "$W/got"
else
  note "zsh (with zsh/zpty) is not installed: zsh completion not checked"
fi

[ -n "$shells" ] || skip "none of bash, zsh and fish is installed"
echo "completions checked in:$shells"

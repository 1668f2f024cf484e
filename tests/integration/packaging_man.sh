#!/bin/sh
# packaging_man.sh - the man page (packaging/clinecfg.1) lints clean with
# mandoc and groff, and documents what the binary offers: every command and
# every option of `clinecfg <command> --help`, every CLINECFG_* variable the
# sources read, every config key, the exit codes and the examples.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/integration/packaging_lib.sh.inc"
MAN="$CLINECFG_TOP/packaging/clinecfg.1"
[ -f "$MAN" ] || fail "packaging/clinecfg.1 is missing"
W=$(t_tmpdir)
checked=0

if command -v mandoc >/dev/null 2>&1; then
  mandoc -T lint -W style "$MAN" >"$W/mandoc" 2>&1 || true
  [ ! -s "$W/mandoc" ] || { cat "$W/mandoc" >&2; fail "mandoc -T lint reported problems"; }
  checked=$((checked + 1))
else
  note "mandoc is not installed: lint not checked"
fi
if command -v groff >/dev/null 2>&1; then
  groff -ww -man -Tutf8 "$MAN" >"$W/groff.out" 2>"$W/groff.err" || fail "groff failed"
  [ ! -s "$W/groff.err" ] || { cat "$W/groff.err" >&2; fail "groff -ww printed warnings"; }
  checked=$((checked + 1))
else
  note "groff is not installed: not checked"
fi
[ $checked -gt 0 ] || skip "neither mandoc nor groff is installed (apt-get install mandoc groff-base)"

# The rendered text, without hyphenation or line breaks inside words.
if command -v mandoc >/dev/null 2>&1; then
  mandoc -T ascii -O width=500 "$MAN" | col -b >"$W/man.txt"
else
  groff -man -Tascii -rLL=500n -rHY=0 "$MAN" 2>/dev/null | col -b >"$W/man.txt"
fi

has() { grep -qF -- "$1" "$W/man.txt" || fail "the man page does not mention '$1' ($2)"; }

# Sections.
for s in NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" COMMANDS CONFIGURATION ENVIRONMENT FILES "EXIT STATUS" EXAMPLES; do
  grep -q "^$s\$" "$W/man.txt" || fail "the man page has no $s section"
done

# Every command and every option of every command.
n=0
for cmd in $(pk_commands); do
  has "$cmd" "command"
  # A per-command subsection: ".SS setup" renders as an indented heading.
  grep -qE "^ +$cmd( |\$)" "$W/man.txt" || fail "no subsection for command $cmd"
  for opt in $(pk_long_opts "$cmd"); do
    has "$opt" "option of $cmd"
    n=$((n + 1))
  done
done
[ $n -gt 40 ] || fail "only $n options found in --help; the help format changed?"
for o in $(pk_short_opts); do has "$o," "short option"; done
has "provision" "admin subcommand"
for a in get set unset list; do has "$a" "config action"; done
for t in cline-extension cline-cli aws-config; do has "$t" "--targets value"; done

# Every CLINECFG_* variable the sources read (the recursion guard
# CLINECFG_IN_CREDENTIAL_PROCESS is internal, set by clinecfg for itself).
vars=$(grep -rhoE '"CLINECFG_[A-Z_]+"' "$CLINECFG_TOP/src" | tr -d '"' | sort -u | grep -vx CLINECFG_IN_CREDENTIAL_PROCESS)
[ -n "$vars" ] || fail "found no CLINECFG_ variables in src/"
for v in $vars; do has "$v" "environment variable read in src/"; done
for v in HOME XDG_CONFIG_HOME XDG_STATE_HOME AWS_PROFILE AWS_REGION AWS_ACCESS_KEY_ID AWS_CONFIG_FILE \
         AWS_SHARED_CREDENTIALS_FILE AWS_ENDPOINT_URL AWS_CA_BUNDLE CLINE_DIR CLINE_DATA_DIR \
         CLINE_PROVIDER_SETTINGS_PATH NO_COLOR; do
  has "$v" "environment variable of the contract"
done

# Every config key, as the binary lists them.
t_home
"$CLINECFG_BIN" status --json 2>/dev/null | jq -r '.config | keys[] | select(startswith("$") | not)' >"$W/keys"
[ "$(wc -l <"$W/keys")" -ge 13 ] || fail "status --json listed only $(wc -l <"$W/keys") config keys"
while read -r k; do has "$k" "config key"; done <"$W/keys"

# Exit codes 0 and 2-8, each as its own entry of EXIT STATUS.
sed -n '/^EXIT STATUS$/,/^EXAMPLES$/p' "$W/man.txt" >"$W/exit"
for c in 0 1 2 3 4 5 6 7 8; do grep -qE "^ +$c( |\$)" "$W/exit" || fail "EXIT STATUS does not list $c"; done

# Examples for a developer, an onboarding script and an admin.
sed -n '/^EXAMPLES$/,/^SEE ALSO$/p' "$W/man.txt" >"$W/examples"
for e in "clinecfg setup" "clinecfg login" "--secret-stdin" "--json setup" "admin provision --request" "admin provision --roster"; do
  grep -qF -- "$e" "$W/examples" || fail "EXAMPLES lack '$e'"
done
echo "man page: lint clean, $n command/option pairs of $(pk_commands | wc -l) commands, $(echo "$vars" | wc -l) CLINECFG_ variables, $(wc -l <"$W/keys") config keys"

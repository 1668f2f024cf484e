#!/bin/sh
# cli_tables.sh - the option tables (as `clinecfg --help` and
# `clinecfg CMD --help` print them) agree with the man page's SYNOPSIS and
# COMMANDS entries and with the bash, zsh and fish completions: every option
# of a command's table is offered for that command, and nothing else is.
# The comparison is textual (tests/packaging/cli_tables.py), so it runs
# without the shells; packaging_completions.sh runs the shells themselves.
. "$CLINECFG_TOP/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
W=$(t_tmpdir)
rc=0
CLINECFG_BIN="$CLINECFG_BIN" CLINECFG_TOP="$CLINECFG_TOP" python3 "$CLINECFG_TOP/tests/packaging/cli_tables.py" >"$W/out" 2>&1 || rc=$?
cat "$W/out"
[ $rc -ne 77 ] || skip "$(cat "$W/out")"
[ $rc -eq 0 ] || fail "the option tables and the man page or completions disagree (above)"

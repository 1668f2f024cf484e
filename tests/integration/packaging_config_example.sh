#!/bin/sh
# packaging_config_example.sh - packaging/config.example.json parses (JSONC)
# with `clinecfg config --file ... list`, loads as an org layer without an
# "unknown config key" warning, sets every key the binary knows (so a new key
# cannot go undocumented), has a comment right above every key, and is
# installed as documentation only, never as /etc/clinecfg/config.json.
. "$CLINECFG_TOP/tests/lib.sh"
EX="$CLINECFG_TOP/packaging/config.example.json"
[ -f "$EX" ] || fail "packaging/config.example.json is missing"
t_home
W=$(t_tmpdir)

expect_rc 0 config --file "$EX" list
[ ! -s "$err" ] || { cat "$err" >&2; fail "config --file list printed warnings"; }
printf '%s\n' "$out" | grep -q '^region=' || fail "config list printed no region: $out"
[ "$(printf '%s\n' "$out" | wc -l)" -ge 13 ] || fail "config list printed too few values: $out"

# As the org layer: no warnings, and every known key comes from the file.
expect_rc 0 --org-config "$EX" --json status
if grep -q 'unknown config key' "$err"; then cat "$err" >&2; fail "config.example.json has unknown keys"; fi
printf '%s\n' "$out" | jq -r '.config | to_entries[] | select(.key | startswith("$") | not) | "\(.key) \(.value.source)"' >"$W/sources"
[ "$(wc -l <"$W/sources")" -ge 13 ] || fail "status listed only $(wc -l <"$W/sources") keys"
missing=$(awk '$2 != "org" { print $1 }' "$W/sources")
[ -z "$missing" ] || fail "config.example.json does not set: $missing"

# The same file as the user config gives the same answer (no warnings there either).
mkdir -p "$XDG_CONFIG_HOME/clinecfg"
cp "$EX" "$XDG_CONFIG_HOME/clinecfg/config.json"
expect_rc 0 config list
if grep -q 'unknown' "$err"; then cat "$err" >&2; fail "config list warns about the example as a user config"; fi

# A comment line right above every key (nested ones included).
awk '
  /^[[:space:]]*"[^"]+"[[:space:]]*:/ {
    if (prev !~ /^[[:space:]]*\/\//) { print "no comment above line " NR ": " $0; bad = 1 }
  }
  { if ($0 !~ /^[[:space:]]*$/) prev = $0 }
  END { exit bad }' "$EX" || fail "every key in config.example.json needs a comment above it"

# make install puts it under DOCDIR only (no build: the tested binary is reused).
D=$(t_tmpdir)
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$CLINECFG_TOP" -o all -o clinecfg BUILD="$CLINECFG_BUILD" install DESTDIR="$D" PREFIX=/usr >"$W/install.log" 2>&1 \
  || { cat "$W/install.log" >&2; fail "make install failed"; }
cmp -s "$EX" "$D/usr/share/doc/clinecfg/config.example.json" || fail "config.example.json is not installed under DOCDIR"
[ ! -e "$D/etc" ] || fail "make install created $(find "$D/etc" | head -n 3)"
echo "config.example.json: all $(wc -l <"$W/sources") keys set and commented, no warnings, installed as documentation"

#!/bin/sh
# config_basic.sh - 'clinecfg config' get/set/unset/list on the user config and
# on --file JSONC files: values, comments kept byte for byte, modes, dry-run,
# pointers, symlinks, unknown-key warnings, JSON output.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
CFG="$XDG_CONFIG_HOME/clinecfg/config.json"
mode() { stat -c %a "$1"; }

# --- the user config is created 0600 in a 0700 folder
expect_rc 0 config set team teamA
[ -f "$CFG" ] || fail "user config not created"
assert_eq "$(mode "$CFG")" 600 "(config.json mode)"
assert_eq "$(mode "$XDG_CONFIG_HOME/clinecfg")" 700 "(config folder mode)"
expect_rc 0 config get team
assert_eq "$out" "teamA"

# --- VALUE is JSON when it parses as JSON, else a string
expect_rc 0 config set session_duration 3600
expect_rc 0 config set allowed_regions '["eu-west-1","eu-central-1"]'
expect_rc 0 config set tag_keys.team Team
expect_rc 0 config set name_template '{team}-bedrock-{member}'
expect_rc 0 config set extra_tags.CostCenter '"1234"'
expect_rc 0 --json config get session_duration
printf "%s\n" "$out" | jq -e '.value == 3600' >/dev/null || fail "number not stored as a number: $out"
expect_rc 0 config get allowed_regions
assert_eq "$out" '["eu-west-1","eu-central-1"]'
expect_rc 0 --json config get extra_tags.CostCenter
printf "%s\n" "$out" | jq -e '.value == "1234"' >/dev/null || fail "quoted JSON string not stored as string: $out"
expect_rc 0 config get name_template
assert_eq "$out" '{team}-bedrock-{member}'
expect_rc 0 config get /tag_keys/team
assert_eq "$out" Team
jq -e '.tag_keys.team == "Team" and .allowed_regions[1] == "eu-central-1" and .session_duration == 3600' "$CFG" >/dev/null \
  || fail "config.json content wrong: $(cat "$CFG")"
assert_not_contains "$err" "unknown config key"

# --- unknown keys of the user config are refused (issue 13); with --force
# they are written and warn
expect_rc 4 config set colour blue
assert_contains "$err" "unknown config key 'colour'"
expect_rc 0 config set --force colour blue
assert_contains "$err" "unknown config key 'colour' is ignored"

# --- known keys are checked before anything is written
before=$(sha256sum "$CFG")
expect_rc 4 config set region 5
assert_contains "$err" "region must be a string"
expect_rc 4 config set session_duration 10
assert_contains "$err" "session_duration"
expect_rc 4 config set allowed_regions '["Tokyo"]'
assert_eq "$(sha256sum "$CFG")" "$before" "(a refused value changed the file)"
expect_rc 0 --json config --file "$T_HOME/other.json" set region 5
printf '%s' "$out" | jq -e '.ok' >/dev/null || fail "--file edits are not checked against clinecfg keys"
expect_rc 0 config get colour
assert_eq "$out" blue

# --- get of an absent key: exit 4 naming the key and file
expect_rc 4 config get region
assert_contains "$err" "key region not set in $CFG"
expect_rc 4 --json config get nope.deeper
printf "%s\n" "$out" | jq -e '.ok == false and .exit_code == 4 and .error.code == "config.not_set"' >/dev/null || fail "json error: $out"

# --- unset, and unset of something absent is fine
expect_rc 0 config unset colour
expect_rc 4 config get colour
expect_rc 0 config unset colour
assert_contains "$err" "was not set"

# --- list: flattened KEY=VALUE, and --json gives the object
expect_rc 0 config list
printf "%s\n" "$out" | grep -qx 'team=teamA' || fail "list: $out"
printf "%s\n" "$out" | grep -qx 'tag_keys.team=Team' || fail "list: $out"
printf "%s\n" "$out" | grep -qx 'allowed_regions=\["eu-west-1","eu-central-1"\]' || fail "list: $out"
expect_rc 0 --json config list
printf "%s\n" "$out" | jq -e '.values.team == "teamA" and .values.extra_tags.CostCenter == "1234"' >/dev/null || fail "list json: $out"

# --- --file: comments, formatting and other keys are kept byte for byte
D=$(t_tmpdir)
F="$D/settings.json"
printf '{\n\t// editor settings, hand made\n\t"editor.fontSize": 14, // big\n\t"files.exclude": {\n\t\t"**/.git": true\n\t},\n\t/* block */ "x": [1, 2]\n}\n' > "$F"
chmod 640 "$F"
expect_rc 0 config --file "$F" set /editor.fontSize 16
printf '{\n\t// editor settings, hand made\n\t"editor.fontSize": 16, // big\n\t"files.exclude": {\n\t\t"**/.git": true\n\t},\n\t/* block */ "x": [1, 2]\n}\n' > "$D/want"
cmp "$F" "$D/want" || { diff -u "$D/want" "$F" >&2; fail "minimal edit changed other bytes"; }
assert_eq "$(mode "$F")" 640 "(mode kept)"
assert_not_contains "$err" "unknown config key"
expect_rc 0 config --file "$F" get /editor.fontSize
assert_eq "$out" 16
expect_rc 0 config --file "$F" list
printf "%s\n" "$out" | grep -qx '/editor.fontSize=16' || fail "keys with dots must list as pointers: $out"
printf "%s\n" "$out" | grep -qx '/files.exclude/\*\*~1.git=true' || fail "pointer escaping in list: $out"

# --- --dry-run: the diff on stdout, nothing written (no lock, no backup)
cp "$F" "$D/before"
LOCKS="$XDG_STATE_HOME/clinecfg/locks"
locks_before=$(ls "$LOCKS" 2>/dev/null | wc -l)
backups_before=$(ls "$XDG_STATE_HOME/clinecfg/backups" | wc -l)
expect_rc 0 --dry-run config --file "$F" set /editor.fontSize 20
cmp "$F" "$D/before" || fail "dry-run changed the file"
printf "%s\n" "$out" | grep -qx -- '-	"editor.fontSize": 16, // big' || fail "dry-run diff missing the old line: $out"
printf "%s\n" "$out" | grep -qx -- '+	"editor.fontSize": 20, // big' || fail "dry-run diff missing the new line: $out"
printf "%s\n" "$out" | head -1 | grep -q -- "^--- $F" || fail "diff header: $out"
assert_eq "$(ls "$LOCKS" 2>/dev/null | wc -l)" "$locks_before" "(lock files after a dry run)"
ls -A "$D" | grep -q 'clinecfg.lock' && fail "a lock file beside the edited file: $(ls -A "$D")"
assert_eq "$(ls "$XDG_STATE_HOME/clinecfg/backups" | wc -l)" "$backups_before" "(dry-run made a backup)"
expect_rc 0 --json --dry-run config --file "$F" set /editor.fontSize 20
printf "%s\n" "$out" | jq -e '.changed == true and (.files[0].diff | contains("+\t\"editor.fontSize\": 20"))' >/dev/null || fail "json dry-run: $out"
cmp "$F" "$D/before" || fail "json dry-run changed the file"

# --- a symlinked --file keeps its link; the target changes
mkdir "$D/dotfiles"
printf '{ "a": 1 }\n' > "$D/dotfiles/real.json"
ln -s "$D/dotfiles/real.json" "$D/link.json"
expect_rc 0 config --file "$D/link.json" set b 2
[ -L "$D/link.json" ] || fail "symlink replaced by a regular file"
jq -e '.a == 1 and .b == 2' "$D/dotfiles/real.json" >/dev/null || fail "target not edited: $(cat "$D/dotfiles/real.json")"

# --- stale temp files of the real target are reported ...
printf 'half' > "$D/dotfiles/.real.json.clinecfg-tmp.AbCdEf"
printf 'half' > "$D/.link.json.clinecfg-tmp.XyZ123"
expect_rc 0 config --file "$D/link.json" list
assert_contains "$err" "$D/dotfiles/.real.json.clinecfg-tmp.AbCdEf"
# ... and removed by the next change of that file (which holds its lock)
expect_rc 0 config --file "$D/link.json" set c 3
assert_contains "$err" "removed $D/dotfiles/.real.json.clinecfg-tmp.AbCdEf"
[ ! -e "$D/dotfiles/.real.json.clinecfg-tmp.AbCdEf" ] || fail "leftover temp not removed"
[ -e "$D/.link.json.clinecfg-tmp.XyZ123" ] || fail "a temp file of another name must not be touched"

# --- usage errors
expect_rc 2 config
expect_rc 2 config frob
expect_rc 2 config set onlykey
expect_rc 2 config get
echo "config_basic: ok"

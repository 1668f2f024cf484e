#!/bin/sh
# cli_messages.sh - the messages of issue 13 that need no AWS: a JSON number
# is a value, never an option (config set /x -2.5); a dotted key that is a
# literal member of a VS Code settings.json is that member; "did you mean"
# for misspelt commands, options, config actions and config keys; an
# unknown key of clinecfg's own config is refused unless --force; --help and
# the man page list exit code 1 and how to address nesting; --json leaves out
# an empty hint; --dry-run says "would create" for a file it would create.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
CFG="$XDG_CONFIG_HOME/clinecfg/config.json"
D=$(t_tmpdir)
# jq -e EXPR on the value of a JSONC file (comments allowed), read by clinecfg.
jsonc_ok() { "$CLINECFG_BIN" --json config --file "$1" list | jq -e ".values | $2" >/dev/null; }

note "negative numbers are values, as in git config"
expect_rc 0 config --file "$D/n.json" set /x -2.5
jq -e '.x == -2.5' "$D/n.json" >/dev/null || fail "-2.5 not stored: $(cat "$D/n.json")"
expect_rc 0 config --file "$D/n.json" set y -1e3
expect_rc 0 config --file "$D/n.json" set z -0
expect_rc 0 config --file "$D/n.json" set w -- -7
jq -e '.y == -1000 and .z == 0 and .w == -7' "$D/n.json" >/dev/null || fail "negative numbers: $(cat "$D/n.json")"
expect_rc 0 config --file "$D/n.json" get x
assert_eq "$out" "-2.5"
expect_rc 0 config set session_duration 3600
expect_rc 4 config set session_duration -5
assert_contains "$err" "session_duration"
# Not a number: still an option, and an unknown one.
expect_rc 2 config --file "$D/n.json" set x -2.5x
assert_contains "$err" "unknown option '-2.5x'"
expect_rc 2 config --file "$D/n.json" set x -e5
# The option parser in general: a number in any place is a positional.
run_cc restore -3
assert_not_contains "$err" "unknown option"
assert_contains "$err" "-3"

note "VS Code settings: a dotted key that is a literal member is that member"
printf '{\n  // mine\n  "editor.fontSize": 14,\n  "editor.tabSize": 4\n}\n' > "$D/settings.json"
expect_rc 0 config --file "$D/settings.json" set editor.fontSize 15
printf '{\n  // mine\n  "editor.fontSize": 15,\n  "editor.tabSize": 4\n}\n' > "$D/want"
cmp "$D/settings.json" "$D/want" || { diff -u "$D/want" "$D/settings.json" >&2; fail "the flat member was not edited in place"; }
expect_rc 0 config --file "$D/settings.json" get editor.tabSize
assert_eq "$out" 4
expect_rc 0 config --file "$D/settings.json" unset editor.tabSize
jsonc_ok "$D/settings.json" 'has("editor.tabSize") | not' || fail "unset of the flat member: $(cat "$D/settings.json")"
# Without a literal member the dots nest, as before; a pointer always nests.
expect_rc 0 config --file "$D/settings.json" set editor.wordWrap '"on"'
expect_rc 0 config --file "$D/settings.json" set /editor/fontSize 20
jsonc_ok "$D/settings.json" '."editor.fontSize" == 15 and .editor.wordWrap == "on" and .editor.fontSize == 20' ||
  fail "nesting: $(cat "$D/settings.json")"
# Mixed: a literal member below a nested one.
printf '{ "[python]": { "editor.tabSize": 4 } }\n' > "$D/lang.json"
expect_rc 0 config --file "$D/lang.json" set '[python].editor.tabSize' 2
jq -e '."[python]"."editor.tabSize" == 2 and (."[python]" | has("editor") | not)' "$D/lang.json" >/dev/null ||
  fail "literal member one level down: $(cat "$D/lang.json")"
expect_rc 0 config --help
printf '%s\n' "$out" > "$D/help"
assert_contains "$D/help" "/editor/fontSize"
assert_contains "$D/help" "--force"

note "did you mean: commands, options, config actions, config keys"
expect_rc 2 stup
assert_contains "$err" "unknown command 'stup'"
assert_contains "$err" "did you mean 'setup'?"
expect_rc 2 setup --tema teamA
assert_contains "$err" "did you mean '--team'?"
expect_rc 2 --jsno status
assert_contains "$err" "did you mean '--json'?"
expect_rc 2 config sett team x
assert_contains "$err" "did you mean 'set'?"
expect_rc 2 setup --zzzzzzzzzzzz
assert_not_contains "$err" "did you mean"
expect_rc 2 frobnicate
assert_not_contains "$err" "did you mean"

note "an unknown key of clinecfg's config is refused unless --force"
expect_rc 4 config set regoin ap-northeast-1
assert_contains "$err" "unknown config key 'regoin'"
assert_contains "$err" "did you mean 'region'?"
[ "$(jq -r 'has("regoin")' "$CFG")" = false ] || fail "a refused key was written"
expect_rc 4 --json config set tag_keys.taem T
json_ok '.error.code == "config.unknown_key" and (.error.hint | contains("tag_keys.team"))'
expect_rc 0 config set --force regoin x
assert_contains "$err" "unknown config key 'regoin' is ignored"
expect_rc 0 config set extra_tags.Project p1
expect_rc 0 config set /extra_tags/cost.center '"cc-1"'
expect_rc 0 --json config get /extra_tags/cost.center
json_ok '.value == "cc-1"'
expect_rc 0 config set request.dir "$D/req"
expect_rc 0 config unset regoin
expect_rc 4 config get modle
assert_contains "$err" "did you mean 'model'?"
# --file: any key goes.
expect_rc 0 config --file "$D/other.json" set regoin x

note "exit code 1 is documented; --json leaves out an empty hint"
expect_rc 0 --help
printf '%s\n' "$out" > "$D/tool-help"
assert_contains "$D/tool-help" "1 cancelled at a prompt"
expect_rc 2 --json setup --wait=abc
json_ok '.error | has("hint") | not'
expect_rc 2 --json frobnicate
json_ok '.error.hint | length > 0'

note "--dry-run labels a file it would create"
expect_rc 0 --dry-run config --file "$D/new.json" set a 1
assert_contains "$err" "$D/new.json would create"
[ ! -e "$D/new.json" ] || fail "dry run created the file"
expect_rc 0 --dry-run config --file "$D/n.json" set a 1
assert_contains "$err" "would change"
note "a repeatable option past the room for its joined values is a usage error, not a cut list"
set --
i=0
while [ $i -lt 300 ]; do set -- "$@" --user "developer-number-$i"; i=$((i + 1)); done
expect_rc 2 admin policy enforce --apply "$@"
assert_contains "$err" "--user is repeated with more than 4096 bytes of values"
note "each admin subcommand has its own options, usage line and --help"
expect_rc 2 admin report --monthly-usd 5
assert_contains "$err" "unknown option '--monthly-usd' for 'clinecfg admin report'"
assert_contains "$err" "an option of 'clinecfg admin limits'"
expect_rc 2 admin policy developer --since 7d
assert_contains "$err" "unknown option '--since' for 'clinecfg admin policy'"
expect_rc 2 admin limits set --monthy-usd 5
assert_contains "$err" "unknown option '--monthy-usd' for 'clinecfg admin limits'"
assert_contains "$err" "did you mean '--monthly-usd'?"
expect_rc 2 admin lmits
assert_contains "$err" "unknown subcommand 'lmits' for 'clinecfg admin'"
assert_contains "$err" "did you mean 'limits'?"
expect_rc 2 admin
assert_contains "$err" "usage: clinecfg admin provision|policy|report|limits"
expect_rc 2 admin --team teamA report
assert_contains "$err" "options go after the subcommand"
expect_rc 0 admin limits --help
printf '%s\n' "$out" >"$D/limits_help"
assert_contains "$D/limits_help" "usage: clinecfg admin limits set|enforce|list|remove"
assert_contains "$D/limits_help" "--monthly-usd N"
assert_not_contains "$D/limits_help" "--since"
assert_not_contains "$D/limits_help" "--request"
expect_rc 0 admin --help
printf '%s\n' "$out" >"$D/admin_help"
for sub in provision policy report limits; do
  grep -qE "^  $sub +[a-z]" "$D/admin_help" || { cat "$D/admin_help" >&2; fail "admin --help does not list $sub"; }
done
assert_not_contains "$D/admin_help" "--monthly-usd"
echo "cli_messages: ok"

#!/bin/sh
# safefile_badinput.sh - every bad input gives exit 4, a message naming the
# file (with line:col for syntax errors, the path otherwise) and an unchanged
# file (sha256 before == after), with nothing else left in the folder.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
D=$(t_tmpdir)
sha() { sha256sum "$1" | cut -d' ' -f1; }

# bad NAME KEY MESSAGE-REGEX -- the file $D/NAME must already exist
bad() {
  b_name=$1 b_key=$2 b_re=$3
  f="$D/$b_name"
  before=$(sha "$f")
  ls -A "$D" > "$D.before"
  expect_rc 4 config --file "$f" set "$b_key" 1
  grep -Eq -- "$b_re" "$err" || { cat "$err" >&2; fail "$b_name: message does not match /$b_re/"; }
  assert_eq "$(sha "$f")" "$before" "($b_name changed)"
  ls -A "$D" > "$D.after"
  # nothing new but the lock file
  new=$(comm -13 "$D.before" "$D.after" | grep -v "^\.$b_name\.clinecfg\.lock\$" || true)
  [ -z "$new" ] || fail "$b_name: left behind: $new"
  # the JSON form carries the same error
  expect_rc 4 --json config --file "$f" set "$b_key" 1
  printf '%s\n' "$out" | jq -e '.ok == false and .exit_code == 4 and (.error.message | length) > 0' >/dev/null \
    || fail "$b_name: json error: $out"
}

# truncated documents (cut at several points)
printf '{\n  "a": {\n    "b": [1, 2,\n' > "$D/trunc1.json"
bad trunc1.json a.c "trunc1\.json:[0-9]+:[0-9]+"
printf '{"a": "unterminated' > "$D/trunc2.json"
bad trunc2.json a "trunc2\.json:1:[0-9]+"
printf '{"a": 1, "b":' > "$D/trunc3.json"
bad trunc3.json c "trunc3\.json:1:[0-9]+"

# invalid UTF-8 (in a string, in a comment, an overlong encoding)
printf '{\n  "a": "caf\351"\n}\n' > "$D/utf8a.json"
bad utf8a.json b "utf8a\.json:2:[0-9]+"
printf '{\n  // \377\376\n  "a": 1\n}\n' > "$D/utf8b.json"
bad utf8b.json b "utf8b\.json:2:[0-9]+"
printf '{"a": "\300\257"}' > "$D/utf8c.json"
bad utf8c.json b "utf8c\.json:1:[0-9]+"

# a key twice on the edited path: both positions named
printf '{\n  "a": {"x": 1},\n  "a": {"y": 2}\n}\n' > "$D/dup.json"
bad dup.json a.z "dup\.json:[23]:[0-9]+.*[23]:[0-9]+"
# ... while a duplicate elsewhere is kept as it is
printf '{\n  "d": 1,\n  "d": 2,\n  "a": 1\n}\n' > "$D/dupelse.json"
expect_rc 0 config --file "$D/dupelse.json" set a 2
[ "$(grep -c '"d"' "$D/dupelse.json")" = 2 ] || fail "duplicate elsewhere not kept: $(cat "$D/dupelse.json")"

# depth bombs: arrays and objects far past the nesting limit
python3 -c 'import sys; sys.stdout.write("[" * 100000)' > "$D/bomb1.json"
bad bomb1.json a "bomb1\.json:1:[0-9]+.*(depth|nest)"
python3 -c 'import sys; sys.stdout.write("{\"a\":" * 50000 + "1" + "}" * 50000)' > "$D/bomb2.json"
bad bomb2.json a "bomb2\.json:1:[0-9]+.*(depth|nest)"

# over the size limit (sparse file, 65 MiB): the message says which limit
printf '{}' > "$D/huge.json"
truncate -s 65M "$D/huge.json"
bad huge.json a "huge\.json: file is 68157440 bytes, over the 64 MiB size limit"
expect_rc 4 config --file "$D/huge.json" get a
assert_contains "$err" "64 MiB size limit"

# a read-only target (refused even for root: the write bit is the user's intent)
printf '{"a": 1}\n' > "$D/ro.json"
chmod 444 "$D/ro.json"
bad ro.json b "$D/ro\.json: the file is read-only"
# ... but asking for what is already there is not an error
expect_rc 0 config --file "$D/ro.json" set a 1
# a read-only symlink target (home-manager style): message names link and target
mkdir "$D/store"
printf '{"a": 1}\n' > "$D/store/settings.json"
chmod 444 "$D/store/settings.json"
chmod 555 "$D/store"
ln -s "$D/store/settings.json" "$D/hm.json"
bad hm.json b "hm\.json \(symlink to $D/store/settings\.json\)"
[ -L "$D/hm.json" ] || fail "link replaced"
chmod 755 "$D/store"

# a dangling symlink
ln -s "$D/nowhere/settings.json" "$D/dangling.json"
before=$(readlink "$D/dangling.json")
expect_rc 4 config --file "$D/dangling.json" set a 1
assert_contains "$err" "$D/dangling.json: symlink to $D/nowhere/settings.json, which does not exist"
[ -L "$D/dangling.json" ] && [ "$(readlink "$D/dangling.json")" = "$before" ] || fail "dangling link touched"
[ ! -e "$D/nowhere" ] || fail "target folder created"
expect_rc 4 config --file "$D/dangling.json" get a

# a folder, not a file
mkdir "$D/adir"
expect_rc 4 config --file "$D/adir" set a 1
assert_contains "$err" "not a regular file"

# bad UTF-8 in the VALUE itself
printf '{"a": 1}\n' > "$D/val.json"
before=$(sha "$D/val.json")
expect_rc 4 config --file "$D/val.json" set b "$(printf 'x\377')"
assert_eq "$(sha "$D/val.json")" "$before"
echo "safefile_badinput: ok"

#!/bin/sh
# restore_basic.sh - backups made by edits, 'restore --list' (text, --json),
# 'restore ID' putting back exact bytes, removal of files a run created,
# 'restore' without ID, refusal of files changed after the run, --dry-run.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
D=$(t_tmpdir)
F="$D/a.json"
N="$D/sub/new.json"
# bytes a parser would not round-trip: BOM, CRLF, comments, odd spacing
printf '\357\273\277{\r\n  // keep me\r\n  "x" :   1\r\n}\r\n' > "$F"
chmod 604 "$F"
cp "$F" "$D/orig"
sha() { sha256sum "$1" | cut -d' ' -f1; }

expect_rc 4 restore
assert_contains "$err" "no backups to restore"
expect_rc 0 restore --list
assert_eq "$out" ""

expect_rc 0 --json config --file "$F" set y true
run1_backup=$(printf '%s\n' "$out" | jq -r '.files[0].backup')
[ -f "$run1_backup" ] || fail "backup file missing: $out"
cmp "$run1_backup" "$D/orig" || fail "backup is not the exact old bytes"
assert_eq "$(stat -c %a "$run1_backup")" 600 "(backup mode)"
assert_eq "$(stat -c %a "$(dirname "$run1_backup")")" 700 "(backup folder mode)"
run1=$(basename "$(dirname "$run1_backup")")
jq -e --arg p "$F" '.files[0].path == $p and .files[0].created == false and (.files[0].sha256 | length) == 64' \
  "$(dirname "$run1_backup")/manifest.json" >/dev/null || fail "manifest: $(cat "$(dirname "$run1_backup")/manifest.json")"

expect_rc 0 config --file "$N" set z 1
[ -f "$N" ] || fail "new file not created"

expect_rc 0 restore --list
printf '%s\n' "$out" | grep -q "^$run1  config  " || fail "run 1 not listed: $out"
printf '%s\n' "$out" | grep -qF "    $N  (created by this run)" || fail "created file not listed: $out"
expect_rc 0 --json restore --list
printf '%s\n' "$out" | jq -e --arg id "$run1" --arg f "$F" \
  '(.runs | length) == 2 and .runs[0].id == $id and .runs[0].files[0].path == $f and .runs[1].files[0].created == true' \
  >/dev/null || fail "restore --list --json: $out"

# --- restore without ID: the latest run (the one that created $N) -> $N removed
expect_rc 0 restore
[ ! -e "$N" ] || fail "restore did not remove the file the run created"
assert_contains "$err" "removed $N"
# running it again changes nothing (a restore run is never "the latest run")
expect_rc 0 restore
assert_contains "$err" "already has its content from before run"

# --- --dry-run restore of run 1: diff on stdout, nothing written
cp "$F" "$D/edited"
expect_rc 0 --dry-run restore "$run1"
cmp "$F" "$D/edited" || fail "dry-run restore wrote"
printf '%s\n' "$out" | grep -q '^-.*"y" *: *true' || fail "dry-run restore diff: $out"

# --- restore ID: exact bytes back (BOM, CRLF, comments), mode kept
expect_rc 0 --json restore "$run1"
cmp "$F" "$D/orig" || fail "restore did not put back the exact bytes"
assert_eq "$(stat -c %a "$F")" 604 "(mode after restore)"
undo=$(printf '%s\n' "$out" | jq -r '.backup_run')
[ "$undo" != null ] || fail "restore made no backup of what it replaced: $out"
# the restore itself can be undone
expect_rc 0 restore "$undo"
grep -q '"y" *: *true' "$F" || fail "undo of restore: $(cat "$F")"

# --- a file changed after the run is not overwritten without --force
expect_rc 0 config --file "$F" set w 5
run3=$(ls -1t "$XDG_STATE_HOME/clinecfg/backups" | head -1)
printf '{"hand": "edited"}\n' > "$F"
sum=$(sha "$F")
expect_rc 8 restore "$run3"
assert_contains "$err" "changed after run $run3"
assert_contains "$err" "--force"
assert_eq "$(sha "$F")" "$sum" "(file touched by refused restore)"
expect_rc 0 restore --force "$run3"
grep -q '"w"' "$F" && fail "forced restore did not restore"
grep -q '"hand"' "$F" && fail "forced restore kept the hand edit"
true

# --- bad ids
expect_rc 4 restore no-such-run
assert_contains "$err" "restore --list"
expect_rc 4 restore ../../etc
expect_rc 2 restore --list "$run1"
# --- a damaged backup is refused before anything is written
expect_rc 0 config --file "$F" set q 1
run4=$(ls -1t "$XDG_STATE_HOME/clinecfg/backups" | head -1)
printf 'garbage' >> "$XDG_STATE_HOME/clinecfg/backups/$run4/1-a.json"
sum=$(sha "$F")
expect_rc 4 restore "$run4"
assert_contains "$err" "damaged"
assert_eq "$(sha "$F")" "$sum"
# --- restore through a symlink: the real file gets the bytes, the link stays
mkdir "$D/dots"
printf '{"l": 1}\n' > "$D/dots/real.json"
ln -s "$D/dots/real.json" "$D/link.json"
cp "$D/dots/real.json" "$D/real.orig"
expect_rc 0 --json config --file "$D/link.json" set m 2
runl=$(basename "$(dirname "$(printf '%s\n' "$out" | jq -r '.files[0].backup')")")
expect_rc 0 restore "$runl"
[ -L "$D/link.json" ] || fail "restore replaced the link"
cmp "$D/dots/real.json" "$D/real.orig" || fail "restore through link"
echo "restore_basic: ok"

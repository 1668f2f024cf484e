#!/bin/sh
# lock_files.sh - lock files stay out of the user's folders: after setup
# (which edits ~/.aws/config and Cline's files) no ".clinecfg.lock" is
# anywhere under HOME except clinecfg's own lock folder, which is 0700
# (state folder without XDG_RUNTIME_DIR, $XDG_RUNTIME_DIR/clinecfg with it).
# Writers reaching one file through a symlink and through its real path
# still exclude each other: every edit of 6 concurrent writers survives.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
mode_of() { stat -c %a "$1"; }

note "setup leaves no lock file beside the files it edits"
expect_rc 0 setup -y --team teamA --model "$MODEL" --region ap-northeast-1
[ -f "$HOME/.aws/config" ] && [ -f "$HOME/.cline/data/globalState.json" ] || fail "setup wrote no files"
stray=$(find "$HOME" -name '*clinecfg.lock' ! -path "$XDG_STATE_HOME/clinecfg/locks/*")
[ -z "$stray" ] || fail "lock files in the user's folders: $stray"
LOCKS="$XDG_STATE_HOME/clinecfg/locks"
[ "$(ls "$LOCKS" | wc -l)" -ge 3 ] || fail "expected the locks in $LOCKS: $(ls -la "$LOCKS" 2>&1)"
assert_eq "$(mode_of "$LOCKS")" 700 "(mode of $LOCKS)"
ls "$LOCKS" | grep -qvE '^[0-9a-f]{64}\.clinecfg\.lock$' && fail "unexpected names in $LOCKS: $(ls "$LOCKS")"

note "with a private XDG_RUNTIME_DIR the locks go there"
export XDG_RUNTIME_DIR="$T_HOME/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
expect_rc 0 config set team teamB
[ "$(ls "$XDG_RUNTIME_DIR/clinecfg" | wc -l)" = 1 ] || fail "no lock in $XDG_RUNTIME_DIR/clinecfg: $(ls -la "$XDG_RUNTIME_DIR" 2>&1)"
assert_eq "$(mode_of "$XDG_RUNTIME_DIR/clinecfg")" 700 "(mode of the runtime lock folder)"

note "concurrent writers through a symlink and through the real path exclude each other"
D=$(t_tmpdir)
mkdir "$D/real"
F="$D/real/shared.json"
printf '{\n  "first": true\n}\n' >"$F"
ln -s "$D/real/shared.json" "$D/link.json"
P=6 E=15
[ -z "${CLINECFG_WRAP:-}" ] || E=5
i=0
pids=""
while [ $i -lt $P ]; do
  if [ $((i % 2)) = 0 ]; then path="$F"; else path="$D/link.json"; fi
  (
    k=0
    while [ $k -lt $E ]; do
      ${CLINECFG_WRAP:-} "$CLINECFG_BIN" -q config --file "$path" set "w$i.k$k" "v$i-$k" 2>>"$D/err.$i" \
        || echo "w$i.k$k rc=$?" >>"$D/fail.$i"
      k=$((k+1))
    done
  ) &
  pids="$pids $!"
  i=$((i+1))
done
for p in $pids; do wait "$p"; done
if ls "$D"/fail.* >/dev/null 2>&1; then cat "$D"/fail.* "$D"/err.* >&2; fail "some edits failed"; fi
[ -L "$D/link.json" ] || fail "the symlink was replaced"
n=$(jq '[.[] | objects | keys[]] | length' "$F") || fail "result does not parse: $(head -c 2000 "$F")"
assert_eq "$n" $((P * E)) "(edits present)"
left=$(find "$D" -mindepth 1 -name '*clinecfg*')
[ -z "$left" ] || fail "files left beside the target: $left"
echo "ok"

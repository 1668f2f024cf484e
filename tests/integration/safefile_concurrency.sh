#!/bin/sh
# safefile_concurrency.sh - 8 processes each apply 50 'clinecfg config --file F
# set' edits to different keys of one file at the same time; all 400 must be
# there at the end, the file must still parse, its comment and first key must
# survive, and no temp file may be left.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
D=$(t_tmpdir)
F="$D/shared.json"
printf '{\n  // shared by 8 writers\n  "first": true\n}\n' > "$F"
P=8 E=50
# Under valgrind each run costs ~1 s of CPU: 8 x 10 still races every
# writer against the others; the full 8 x 50 runs in the plain and ASan suites.
if [ -n "${CLINECFG_WRAP:-}" ]; then E=10; note "under $CLINECFG_WRAP: $P x $E edits"; fi
i=0
pids=""
while [ $i -lt $P ]; do
  (
    k=0
    while [ $k -lt $E ]; do
      ${CLINECFG_WRAP:-} "$CLINECFG_BIN" -q config --file "$F" set "w$i.k$k" "v$i-$k" 2>>"$D/err.$i" || echo "w$i.k$k rc=$?" >>"$D/fail.$i"
      k=$((k+1))
    done
  ) &
  pids="$pids $!"
  i=$((i+1))
done
for p in $pids; do wait "$p"; done
if ls "$D"/fail.* >/dev/null 2>&1; then cat "$D"/fail.* "$D"/err.* >&2; fail "some edits failed"; fi
# jq does not read comments: drop the one comment line for it
grep -v '^ *// shared by 8 writers$' "$F" > "$D/plain.json"
F_PLAIN="$D/plain.json"
n=$(jq '[.[] | objects | keys[]] | length' "$F_PLAIN") || fail "result does not parse: $(head -c 2000 "$F")"
assert_eq "$n" $((P * E)) "(edits present)"
jq -e --argjson p $P --argjson e $E \
  '[range($p) as $i | range($e) as $k | .["w\($i)"]["k\($k)"] == "v\($i)-\($k)"] | all' "$F_PLAIN" >/dev/null \
  || fail "some edit is missing or wrong"
grep -q '// shared by 8 writers' "$F" || fail "comment lost"
jq -e '.first == true' "$F_PLAIN" >/dev/null || fail "first key lost"
ls -A "$D" | grep -q 'clinecfg-tmp' && fail "temp files left: $(ls -A "$D")"
echo "safefile_concurrency: $((P * E)) edits by $P processes, all present"

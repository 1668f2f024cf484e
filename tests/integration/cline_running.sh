#!/bin/sh
# cline_running.sh - running-Cline detection with real /proc scanning of
# stand-in processes: a `node .../node_modules/cline/bin/cline` CLI, a VS Code
# window with the Cline extension installed, and a Cline of another HOME
# (ignored).  Refusal is exit 8 with the pid named and nothing written;
# --force writes, reads back and says to reload; --dry-run only warns.
# Also: a legacy (<= 3.65) state.vscdb is reported and never touched.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/golden/cline/lib.sh"
[ -d /proc/self ] || skip "no /proc: detection on this platform uses ps (not covered here)"
t_home
cline_driver_build
ARN=arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/abcd1234efgh
ARGS="--arn $ARN --base-model anthropic.claude-sonnet-4-5-20250929-v1:0 --region ap-northeast-1 --exe /usr/bin/clinecfg"
FAKE=$(t_tmpdir)

# A process whose argv is "node <path>/node_modules/cline/bin/cline --yolo": bash's
# exec -a sets argv[0]; the script is the real argv[1].
mkdir -p "$FAKE/lib/node_modules/cline/bin"
printf '#!/bin/sh\nwhile :; do sleep 1; done\n' > "$FAKE/lib/node_modules/cline/bin/cline"
start_fake() { # argv0 args... ; runs with the current environment
  bash -c 'a0=$1; shift; exec -a "$a0" "$@"' fake "$@" &
  FAKE_PID=$!
  T_PIDS="$T_PIDS $FAKE_PID"
  sleep 0.3
}
stop_fake() { kill "$FAKE_PID" 2>/dev/null || true; wait "$FAKE_PID" 2>/dev/null || true; }

mkdir -p "$HOME/.cline/data"
printf '{\n  "mode": "act"\n}\n' > "$HOME/.cline/data/globalState.json"
before=$(tree_snapshot "$HOME")

note "no Cline running: detect finds nothing"
expect_drv 0 detect
[ -z "$out" ] || fail "detect found something with no Cline running: $out"

note "a cline CLI process (node .../cline): exit 8 naming it, nothing written"
start_fake node sh "$FAKE/lib/node_modules/cline/bin/cline" --yolo
expect_drv 0 detect
case "$out" in *"pid $FAKE_PID (cline CLI"*) ;; *) fail "detect did not report pid $FAKE_PID: $out";; esac
expect_drv 8 --json apply $ARGS
case "$out" in *"Cline is running"*"pid $FAKE_PID"*) ;; *) fail "no pid in the refusal: $out";; esac
[ "$(tree_snapshot "$HOME")" = "$before" ] || fail "files changed although Cline is running"

note "--dry-run with Cline running: warning, exit 0, nothing written"
expect_drv 0 --dry-run apply $ARGS
assert_contains "$err" "Cline is running"
[ "$(tree_snapshot "$HOME" | grep -v '/.local/state/')" = "$(printf '%s\n' "$before" | grep -v '/.local/state/')" ] || fail "dry-run wrote"

note "--force: written, read back, told to reload"
expect_drv 0 --json apply $ARGS --force
[ "$(json_get .reload_needed)" = true ] || fail "reload_needed not set: $out"
assert_contains "$err" "reload the editor window"
grep -q '"actModeApiModelId": "'"$ARN"'"' "$HOME/.cline/data/globalState.json" || fail "--force did not write"
stop_fake

note "a cline process of another HOME is not ours"
HOME_SAVE=$HOME
HOME=$(t_tmpdir) start_fake node sh "$FAKE/lib/node_modules/cline/bin/cline"
HOME=$HOME_SAVE
expect_drv 0 detect
[ -z "$out" ] || fail "a Cline with another HOME was counted: $out"
stop_fake

note "the native binary (argv[0] .../bin/.cline) and the hub"
start_fake "$FAKE/lib/node_modules/cline/bin/.cline" sleep 300
expect_drv 0 detect
case "$out" in *"pid $FAKE_PID (cline CLI"*) ;; *) fail "native cline binary not detected: $out";; esac
stop_fake
mkdir -p "$FAKE/cline-hub"; cp "$FAKE/lib/node_modules/cline/bin/cline" "$FAKE/cline-hub/daemon.js"
start_fake "/opt/cline/node_modules/@cline/cli-linux-x64/bin/cline" sh "$FAKE/cline-hub/daemon.js"
expect_drv 0 detect
case "$out" in *"pid $FAKE_PID (cline hub"*) ;; *) fail "hub not detected: $out";; esac
stop_fake

note "VS Code running without the Cline extension: not counted"
start_fake /usr/share/code/code sleep 300
expect_drv 0 detect
[ -z "$out" ] || fail "VS Code without Cline was counted: $out"
note "... with the Cline extension installed: counted, exit 8"
mkdir -p "$HOME/.vscode/extensions/saoudrizwan.claude-dev-3.70.0"
expect_drv 0 detect
case "$out" in *"pid $FAKE_PID (VS Code: running, with the Cline extension installed)"*) ;; *) fail "VS Code with Cline not detected: $out";; esac
expect_drv 8 apply $ARGS
stop_fake
rm -rf "$HOME/.vscode"

note "Cursor with the extension folder open (fd) is counted"
mkdir -p "$HOME/.cursor/extensions/saoudrizwan.claude-dev-3.70.0/dist"
echo x > "$HOME/.cursor/extensions/saoudrizwan.claude-dev-3.70.0/dist/extension.js"
# "cursor" reads the extension file on fd 3 while it runs
bash -c 'exec 3<"$1"; exec -a /opt/Cursor/cursor sleep 300' fake "$HOME/.cursor/extensions/saoudrizwan.claude-dev-3.70.0/dist/extension.js" &
FAKE_PID=$!; T_PIDS="$T_PIDS $FAKE_PID"; sleep 0.3
expect_drv 0 detect
case "$out" in *"pid $FAKE_PID (Cursor: has Cline extension files open)"*) ;; *) fail "Cursor with Cline open not detected: $out";; esac
stop_fake
rm -rf "$HOME/.cursor"

note "legacy extension (<= 3.65): state.vscdb row reported, file untouched, globalState.json written"
t_home
cline_driver_build
DB="$XDG_CONFIG_HOME/Code/User/globalStorage/state.vscdb"
mkdir -p "$(dirname "$DB")"
python3 - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)")
c.execute("INSERT INTO ItemTable VALUES (?, ?)", ("saoudrizwan.claude-dev", '{"apiProvider":"anthropic"}'))
c.execute("INSERT INTO ItemTable VALUES (?, ?)", ("workbench.panel.pinnedPanels", "[]"))
c.commit(); c.close()
PY
sum_before=$(sha256sum < "$DB")
expect_drv 0 --json apply $ARGS
[ "$(json_get .legacy_stores)" = 1 ] || fail "legacy store not reported: $out"
assert_contains "$err" "update Cline to 3.66 or later"
assert_contains "$err" "$DB"
[ "$(sha256sum < "$DB")" = "$sum_before" ] || fail "state.vscdb was modified"
[ -f "$HOME/.cline/data/globalState.json" ] || fail "globalState.json not written"
note "... once globalState.json exists, no more legacy warning"
expect_drv 0 --json apply $ARGS
[ "$(json_get .legacy_stores)" = 0 ] || fail "legacy reported although globalState.json exists: $out"

note "a state.vscdb without the Cline row is not legacy"
t_home
DB="$XDG_CONFIG_HOME/VSCodium/User/globalStorage/state.vscdb"
mkdir -p "$(dirname "$DB")"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE ItemTable (key TEXT, value BLOB)"); c.execute("INSERT INTO ItemTable VALUES (?,?)", ("other.ext", "{}")); c.commit()' "$DB"
expect_drv 0 --json apply $ARGS
[ "$(json_get .legacy_stores)" = 0 ] || fail "a vscdb without the Cline row counted as legacy: $out"
echo ok

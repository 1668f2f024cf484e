#!/bin/sh
# doctor_cline_version.sh - doctor finds the Cline it will serve: the cline
# CLI on PATH (version from the npm package.json of the resolved binary) and
# the VS Code extension saoudrizwan.claude-dev (highest version under
# ~/.vscode*/extensions), and warns for cline CLI 3.0.57-3.0.65, which sends
# no prompt-cache points for an application inference profile ARN.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
NPM="$T_HOME/npm"
mkdir -p "$NPM/bin" "$NPM/lib/node_modules/cline/bin"
printf '#!/bin/sh\n' >"$NPM/lib/node_modules/cline/bin/cline.js"
chmod +x "$NPM/lib/node_modules/cline/bin/cline.js"
ln -s ../lib/node_modules/cline/bin/cline.js "$NPM/bin/cline"
cli_version() { printf '{ "name": "cline", "version": "%s", "bin": { "cline": "bin/cline.js" } }\n' "$1" \
  >"$NPM/lib/node_modules/cline/package.json"; }
BASE_PATH=/usr/local/bin:/usr/bin:/bin
command -v cline >/dev/null 2>&1 && BASE_PATH=/nonexistent  # keep a real cline out of the way
doctor_check() { # PATH -> $out JSON of the "cline version" check
  PATH="$1" run_prog "$CLINECFG_BIN" --json doctor
  out=$(printf '%s\n' "$out" | jq -c '.checks[] | select(.check == "cline version")')
  [ -n "$out" ] || fail "no 'cline version' check in doctor's output"
}

note "nothing installed: skipped"
doctor_check "$BASE_PATH"
json_ok '.result == "skip" and (.message | test("no cline CLI"))'

note "cline CLI 3.0.60 via an npm symlink: warned, with the effect"
cli_version 3.0.60
doctor_check "$NPM/bin:$BASE_PATH"
json_ok --arg p "$NPM/bin/cline" '.result == "warn" and (.message | contains("cline CLI 3.0.60 (" + $p + ")"))
  and (.message | test("no prompt-cache points")) and (.message | test("input")) and (.fix | test("3.0.57-3.0.65"))'
PATH="$NPM/bin:$BASE_PATH" run_prog "$CLINECFG_BIN" doctor
printf '%s\n' "$out" | grep -q "warn cline version .*cline CLI 3.0.60" || fail "text output lacks the warning: $out"

for v in 3.0.57 3.0.65; do
  cli_version $v; doctor_check "$NPM/bin:$BASE_PATH"; json_ok '.result == "warn"'
done
for v in 3.0.56 3.0.66 2.1.0 1.0.8 3.1.0; do
  cli_version $v; doctor_check "$NPM/bin:$BASE_PATH"
  json_ok --arg v "$v" '.result == "ok" and (.message | contains("cline CLI " + $v))'
done

note "the VS Code extension: highest version found"
mkdir -p "$HOME/.vscode/extensions/saoudrizwan.claude-dev-3.9.0" "$HOME/.vscode-server/extensions/saoudrizwan.claude-dev-3.20.1-linux-x64"
printf '{ "name": "claude-dev", "version": "3.9.0" }\n' >"$HOME/.vscode/extensions/saoudrizwan.claude-dev-3.9.0/package.json"
printf '{ "name": "claude-dev", "version": "3.20.1" }\n' >"$HOME/.vscode-server/extensions/saoudrizwan.claude-dev-3.20.1-linux-x64/package.json"
doctor_check "$BASE_PATH"
json_ok '.result == "ok" and (.message | test("VS Code extension saoudrizwan.claude-dev 3.20.1"))'
cli_version 3.0.61
doctor_check "$NPM/bin:$BASE_PATH"
json_ok '.result == "warn" and (.message | test("cline CLI 3.0.61")) and (.message | test("extension saoudrizwan.claude-dev 3.20.1"))'
echo ok

#!/bin/sh
# secret_diffs_backups.sh - secrets that setup's edit removes (static keys
# under [profile clinecfg] in ~/.aws/config; accessKey/secretKey/sessionToken
# of providers.json's bedrock entry) appear in no --dry-run diff, no --json
# result and no backup; backups.keep prunes old runs; a state or backup
# folder owned by another user is refused; a manifest's "size": 1e300 is
# read without an undefined cast (UBSan under check-asan).
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
SETUP="setup -y --team teamA --model $MODEL --region ap-northeast-1"
INI_SECRET=iniSecretValue0123456789abcdefghijklmnop
PV_SECRET=pvSecretValue0123456789
PV_TOKEN=pvSessionTokenValue0123456789
PV_KEY=AKIAPVSTATICKEY00000

mkdir -p "$HOME/.aws" "$HOME/.cline/data/settings"
cat >"$HOME/.aws/config" <<INI
[profile clinecfg]
region = us-east-1
aws_access_key_id = AKIAINISTATICKEY0000
aws_secret_access_key = $INI_SECRET
INI
cat >"$HOME/.cline/data/settings/providers.json" <<JSON
{
  "version": 1,
  "lastUsedProvider": "bedrock",
  "providers": {
    "bedrock": {
      "settings": {
        "provider": "bedrock",
        "model": "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "aws": {
          "region": "us-east-1",
          "authentication": "iam",
          "accessKey": "$PV_KEY",
          "secretKey": "$PV_SECRET",
          "sessionToken": "$PV_TOKEN"
        }
      },
      "updatedAt": "2026-09-01T08:00:00.000Z",
      "tokenSource": "migration"
    }
  }
}
JSON
no_secret_in() { # FILE-or-DIR...
  for s in "$INI_SECRET" "$PV_SECRET" "$PV_TOKEN"; do
    if grep -rqF -- "$s" "$@"; then grep -rlF -- "$s" "$@" >&2; fail "secret $s found in $*"; fi
  done
}

note "--dry-run: the diff shows <redacted>, never the secrets"
expect_rc 0 --dry-run $SETUP
printf '%s\n' "$out" >"$T_HOME/dry.out"; cat "$err" >>"$T_HOME/dry.out"
no_secret_in "$T_HOME/dry.out"
assert_contains "$T_HOME/dry.out" "-aws_secret_access_key = <redacted>"
assert_contains "$T_HOME/dry.out" '-          "secretKey": "<redacted>"'

note "--json --dry-run: the diffs in the result are redacted too"
expect_rc 0 --json --dry-run $SETUP
printf '%s\n' "$out" >"$T_HOME/dry.json"
no_secret_in "$T_HOME/dry.json"
json_ok '[.files[].diff // "" | select(test("<redacted>"))] | length >= 2'

note "setup: the edited files get no backup (they would hold the removed secrets), and it says so"
expect_rc 0 --json $SETUP
printf '%s\n' "$out" >"$T_HOME/setup.json"; cat "$err" >>"$T_HOME/setup.json"
no_secret_in "$T_HOME/setup.json" "$HOME/.aws" "$HOME/.cline" "$XDG_STATE_HOME"
assert_contains "$err" "no backup of $HOME/.aws/config is kept: this edit removes a secret"
assert_contains "$err" "no backup of $HOME/.cline/data/settings/providers.json is kept"
RUN=$(ls "$XDG_STATE_HOME/clinecfg/backups")
jq -e '[.files[] | select(.withheld)] | length == 2' "$XDG_STATE_HOME/clinecfg/backups/$RUN/manifest.json" >/dev/null \
  || fail "manifest does not list the withheld files: $(cat "$XDG_STATE_HOME/clinecfg/backups/$RUN/manifest.json")"

note "--dry-run login --from-profile on a terminal: the removal's diff is redacted"
cat >"$HOME/.aws/credentials" <<INI
[dev]
aws_access_key_id = AKIAFAKEALICE0000000
aws_secret_access_key = fake/alice/SecretKey+fake/alice/SecretKe
INI
chmod 600 "$HOME/.aws/credentials"
# every question of login is answered "y" on a pseudo-terminal
python3 - "$T_HOME/login-tty.txt" ${CLINECFG_WRAP:-} "$CLINECFG_BIN" --dry-run login --account dev --from-profile dev <<'PY' ||
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
buf, answered, deadline = b"", 0, time.time() + 60
while time.time() < deadline:
    if select.select([fd], [], [], 0.1)[0]:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            break
        buf += data
    if buf.count(b"?") > answered:
        time.sleep(0.2)
        os.write(fd, b"y\n")
        answered += 1
_, status = os.waitpid(pid, 0)
open(sys.argv[1], "wb").write(buf)
sys.exit(os.waitstatus_to_exitcode(status))
PY
  fail "dry-run login --from-profile failed: $(cat "$T_HOME/login-tty.txt")"
assert_contains "$T_HOME/login-tty.txt" "-aws_secret_access_key = <redacted>"
assert_not_contains "$T_HOME/login-tty.txt" "fake/alice/SecretKey"
grep -q "aws_secret_access_key" "$HOME/.aws/credentials" || fail "--dry-run removed the keys"
rm -f "$HOME/.aws/credentials"

note "backups.keep: only the newest runs stay"
runs() { ls "$XDG_STATE_HOME/clinecfg/backups" | wc -l; }
for i in 1 2 3 4; do
  jq --arg m "model-$i" '.actModeApiModelId = $m' "$HOME/.cline/data/globalState.json" >"$T_HOME/gs" && cat "$T_HOME/gs" >"$HOME/.cline/data/globalState.json"
  CLINECFG_BACKUPS_KEEP=3 expect_rc 0 $SETUP
done
assert_eq "$(runs)" 3 "(backup runs kept with backups.keep = 3)"
LAST=$(ls "$XDG_STATE_HOME/clinecfg/backups" | sort | tail -1)
expect_rc 0 --json restore --list
json_ok --arg l "$LAST" '[.. | strings | select(. == $l)] | length >= 1'

note "a manifest's out-of-range numbers are read as 0, not cast"
jq '.files[0].size = 1e300 | .files[0].mode = -1e300' "$XDG_STATE_HOME/clinecfg/backups/$LAST/manifest.json" >"$T_HOME/m" &&
  cat "$T_HOME/m" >"$XDG_STATE_HOME/clinecfg/backups/$LAST/manifest.json"
expect_rc 0 --json restore --list
expect_rc 0 status

note "a backup folder owned by another user is refused, naming it"
chown 65534 "$XDG_STATE_HOME/clinecfg/backups" 2>/dev/null || skip "cannot chown (not root)"
jq '.actModeApiModelId = "model-x"' "$HOME/.cline/data/globalState.json" >"$T_HOME/gs" && cat "$T_HOME/gs" >"$HOME/.cline/data/globalState.json"
cp "$HOME/.cline/data/globalState.json" "$T_HOME/gs.before"
expect_rc 4 $SETUP
assert_contains "$err" "$XDG_STATE_HOME/clinecfg/backups"
assert_contains "$err" "belongs to another user"
cmp -s "$T_HOME/gs.before" "$HOME/.cline/data/globalState.json" || fail "a file was replaced without a backup"
expect_rc 4 restore --list
assert_contains "$err" "belongs to another user"
chown 0 "$XDG_STATE_HOME/clinecfg/backups"
chown 65534 "$XDG_STATE_HOME/clinecfg"
expect_rc 4 $SETUP
assert_contains "$err" "$XDG_STATE_HOME/clinecfg (clinecfg's state folder) belongs to another user"
chown 0 "$XDG_STATE_HOME/clinecfg"
echo ok

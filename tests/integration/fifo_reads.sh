#!/bin/sh
# fifo_reads.sh - a FIFO in place of any file clinecfg reads (the AWS config
# and credentials files, AWS_CA_BUNDLE, the SSO token cache, clinecfg's
# config, the org config, the setup state, Cline's files) must not hang a
# command in open(): each read opens O_NONBLOCK and takes regular files only.
# Table-driven over files x commands: every run ends well within a second
# (timeout 5 catches a hang), and a command that fails names the FIFO.  For
# each file, the command that needs it most must fail naming it.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/integration/keyring_common.sh.inc"
command -v mkfifo >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 || skip "mkfifo or timeout missing"
t_home
fake_aws_start
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
printf '%s\n' "$ALICE_SECRET" >"$T_HOME/alice.secret"
expect_in 0 "$T_HOME/alice.secret" login --access-key-id "$ALICE_ID" --secret-stdin --region ap-northeast-1
expect_rc 0 setup -y --team teamA --model "$MODEL" --region ap-northeast-1
printf '{"team": "teamA", "region": "ap-northeast-1"}\n' >"$XDG_CONFIG_HOME/clinecfg/config.json" 2>/dev/null || {
  mkdir -p "$XDG_CONFIG_HOME/clinecfg"; printf '{"team": "teamA", "region": "ap-northeast-1"}\n' >"$XDG_CONFIG_HOME/clinecfg/config.json"; }
printf '{}\n' >"$CLINECFG_ORG_CONFIG"
printf '[default]\nregion = ap-northeast-1\n' >"$HOME/.aws/credentials"
cp "$HOME/.aws/config" "$T_HOME/aws-config.orig"
[ -f "$XDG_STATE_HOME/clinecfg/state.json" ] || fail "setup left no state file to replace"

# An SSO profile and its token cache file (named by the SHA-1 of the start URL).
SSO_URL=https://fifo-test.awsapps.com/start
cat >>"$HOME/.aws/config" <<EOF
[profile ssofifo]
sso_start_url = $SSO_URL
sso_region = ap-northeast-1
sso_account_id = 111122223333
sso_role_name = Dev
region = ap-northeast-1
EOF
mkdir -p "$HOME/.aws/sso/cache"
SSO_CACHE="$HOME/.aws/sso/cache/$(printf '%s' "$SSO_URL" | sha1sum | cut -c1-40).json"
printf '{"accessToken":"x","expiresAt":"2099-01-01T00:00:00Z","region":"ap-northeast-1","startUrl":"%s"}\n' "$SSO_URL" >"$SSO_CACHE"
CA="$T_HOME/ca.pem"
: >"$CA"

limit_ms=1000
[ -z "${CLINECFG_WRAP:-}" ] || limit_ms=8000  # valgrind starts slowly; a hang still shows
now_ms() { date +%s%3N; }

# fifo_case FILE MUST CMD...: FILE replaced by a FIFO, CMD run under
# timeout 5.  MUST=fail: the command must fail naming FILE; MUST=any: it may
# succeed (it does not read FILE on this path) but a failure must name FILE
# or be unrelated to it.  Either way it returns within limit_ms.
fifo_case() {
  f=$1; must=$2; shift 2
  mv "$f" "$f.aside"
  mkfifo "$f"
  start=$(now_ms)
  err="$T_HOME/fifo.err"
  set +e
  timeout 5 ${CLINECFG_WRAP:-} "$CLINECFG_BIN" "$@" </dev/null >"$T_HOME/fifo.out" 2>"$err"
  rc=$?
  set -e
  took=$(( $(now_ms) - start ))
  rm -f "$f"
  mv "$f.aside" "$f"
  note "$(basename "$f") as a FIFO: clinecfg $* -> exit $rc in $took ms"
  [ "$rc" != 124 ] || fail "clinecfg $* hung on a FIFO at $f"
  [ "$took" -lt "$limit_ms" ] || fail "clinecfg $* took $took ms with a FIFO at $f"
  if [ "$must" = fail ]; then
    [ "$rc" != 0 ] || fail "clinecfg $* succeeded with a FIFO at $f"
    assert_contains "$err" "$f"
  elif [ "$rc" != 0 ] && grep -q "not a regular file" "$err"; then
    assert_contains "$err" "$f"
  fi
}

SETUP="setup -y --team teamA --model $MODEL --region ap-northeast-1"
# shellcheck disable=SC2086
{
  for cmd in credential-process "whoami" "status" "$SETUP"; do
    fifo_case "$HOME/.aws/config" any $cmd
    fifo_case "$HOME/.aws/credentials" any $cmd
    fifo_case "$XDG_CONFIG_HOME/clinecfg/config.json" any $cmd
    fifo_case "$CLINECFG_ORG_CONFIG" any $cmd
    fifo_case "$XDG_STATE_HOME/clinecfg/state.json" any $cmd
    fifo_case "$HOME/.cline/data/globalState.json" any $cmd
    fifo_case "$HOME/.cline/data/settings/providers.json" any $cmd
  done
  # the command that needs each file fails naming it
  fifo_case "$HOME/.aws/config" fail whoami
  fifo_case "$HOME/.aws/credentials" fail whoami
  fifo_case "$XDG_CONFIG_HOME/clinecfg/config.json" fail status
  fifo_case "$CLINECFG_ORG_CONFIG" fail status
  fifo_case "$HOME/.cline/data/globalState.json" fail $SETUP
  fifo_case "$HOME/.cline/data/settings/providers.json" fail $SETUP
  fifo_case "$SSO_CACHE" fail whoami --aws-profile ssofifo
  # login again: it drops the cached session, so credential-process calls STS
  expect_in 0 "$T_HOME/alice.secret" login --access-key-id "$ALICE_ID" --secret-stdin --region ap-northeast-1
  for cmd in credential-process whoami "$SETUP"; do
    AWS_CA_BUNDLE="$CA" fifo_case "$CA" fail $cmd
  done
}
echo "ok"

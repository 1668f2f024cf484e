#!/bin/sh
# setup_symlink_install.sh - a package manager's symlink install
# (bin/clinecfg -> ../Cellar/clinecfg/0.1.0/bin/clinecfg, as Homebrew does):
# setup writes the path the user ran (the PATH entry, or argv[0]) into
# credential_process, not the versioned target that the next upgrade
# removes; doctor says to run setup again when the recorded binary is gone;
# status shows another program's credential_process by name only.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
PREFIX="$T_HOME/brew"
mkdir -p "$PREFIX/Cellar/clinecfg/0.1.0/bin" "$PREFIX/bin"
cp "$CLINECFG_BIN" "$PREFIX/Cellar/clinecfg/0.1.0/bin/clinecfg"
ln -s ../Cellar/clinecfg/0.1.0/bin/clinecfg "$PREFIX/bin/clinecfg"

note "run through PATH: the PATH entry is written"
PATH="$PREFIX/bin:$PATH" expect_prog_rc 0 clinecfg setup -y --team teamA --model "$MODEL" --region ap-northeast-1
assert_contains "$HOME/.aws/config" "credential_process = $PREFIX/bin/clinecfg credential-process --account default"
assert_not_contains "$HOME/.aws/config" "Cellar"

note "run by its symlink path: that path is written"
rm -f "$HOME/.aws/config"
expect_prog_rc 0 "$PREFIX/bin/clinecfg" setup -y --team teamA --model "$MODEL" --region ap-northeast-1
assert_contains "$HOME/.aws/config" "credential_process = $PREFIX/bin/clinecfg credential-process --account default"

note "run by a relative path: written absolute, symlink kept"
rm -f "$HOME/.aws/config"
(cd "$PREFIX" && expect_prog_rc 0 ./bin/clinecfg setup -y --team teamA --model "$MODEL" --region ap-northeast-1) || exit 1
assert_contains "$HOME/.aws/config" "credential_process = $PREFIX/bin/clinecfg credential-process --account default"

note "an argv[0] that is not the running binary is not trusted: the resolved path is written"
rm -f "$HOME/.aws/config"
mkdir -p "$T_HOME/other/bin"; printf '#!/bin/sh\n' >"$T_HOME/other/bin/clinecfg"; chmod +x "$T_HOME/other/bin/clinecfg"
PATH="$T_HOME/other/bin:$PATH" python3 -c 'import os,sys; os.execv(sys.argv[1], ["clinecfg"] + sys.argv[2:])' \
  "$PREFIX/Cellar/clinecfg/0.1.0/bin/clinecfg" setup -y --team teamA --model "$MODEL" --region ap-northeast-1 >/dev/null 2>&1 \
  || fail "setup with a foreign argv[0] failed"
assert_contains "$HOME/.aws/config" "credential_process = $PREFIX/Cellar/clinecfg/0.1.0/bin/clinecfg credential-process"

note "doctor: the recorded binary is gone after an upgrade"
rm -f "$HOME/.aws/config"
PATH="$PREFIX/bin:$PATH" expect_prog_rc 0 clinecfg setup -y --team teamA --model "$MODEL" --region ap-northeast-1
rm -f "$PREFIX/bin/clinecfg"
run_cc --json doctor
json_ok --arg p "$PREFIX/bin/clinecfg" '[.checks[] | select(.check == "credential_process" and .result == "fail"
  and (.message | contains($p)) and (.message | test("gone")) and (.fix | test("run `clinecfg setup` again")))] | length == 1'

note "status shows a third-party credential_process by program name only"
cat >"$HOME/.aws/config" <<'INI'
[profile clinecfg]
region = ap-northeast-1
credential_process = /usr/local/bin/vault-aws --token s.SECRETTOKEN123 --role dev
INI
expect_rc 0 status
printf '%s\n' "$out" | grep -q "AWS profile for Cline: /usr/local/bin/vault-aws (arguments not shown)" \
  || fail "status did not show the program name: $out"
printf '%s\n' "$out" | grep -q "SECRETTOKEN" && fail "status printed the credential_process arguments"
expect_rc 0 --json status
printf '%s\n' "$out" | grep -q "SECRETTOKEN" && fail "status --json printed the credential_process arguments"
echo ok

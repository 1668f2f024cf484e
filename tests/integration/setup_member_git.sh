#!/bin/sh
# setup_member_git.sh - when the caller's name gives no member name, setup
# asks git for user.email, then falls back to $USER.  git runs without a
# shell: exactly the argv `git config --get user.email`, stdin on /dev/null,
# and no pipe of clinecfg's but its own stdout.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
SEED="$T_HOME/seed.json"
# A caller whose IAM user name has no letters or digits.
jq '.users += [{"name": "nameless", "arn": "arn:aws:iam::123456789012:user/_._",
  "access_key_id": "AKIAFAKENAMELESS0000", "secret_access_key": "fake/nameless/SecretKey+fake/nameless/Se",
  "deny": []}]' "$CLINECFG_TOP/tests/fake_aws/seed-default.json" > "$SEED"
fake_aws_start --seed "$SEED"
export AWS_ACCESS_KEY_ID=AKIAFAKENAMELESS0000 AWS_SECRET_ACCESS_KEY=fake/nameless/SecretKey+fake/nameless/Se
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0

# A stand-in git that records how it was started.
mkdir -p "$T_HOME/bin"
cat > "$T_HOME/bin/git" <<SH
#!/bin/sh
me=\$(readlink /proc/\$\$/fd/1)
same=0; others=""
for f in /proc/\$\$/fd/*; do
  l=\$(readlink "\$f") || continue
  [ "\$l" = "\$me" ] && same=\$((same+1))
  case "\$l" in socket:*) others="\$others \${f##*/}:\$l";; esac
done
{ echo "argv: \$*"; echo "stdin: \$(readlink /proc/\$\$/fd/0)"; echo "stderr: \$(readlink /proc/\$\$/fd/2)"
  echo "stdout: \$me"; echo "stdout pipe fds: \$same"; echo "sockets:\$others"; } > "$T_HOME/git.log"
[ -e "$T_HOME/git.fail" ] && exit 1
printf 'Gina.Dev@example.com\nsecond line\n'
SH
chmod +x "$T_HOME/bin/git"

note "the member name comes from git's user.email"
# stdin is a file here, so that git's /dev/null is clinecfg's doing.
PATH="$T_HOME/bin:$PATH" USER=henry expect_rc 0 setup -y --dry-run --team teamA --model "$MODEL" --region ap-northeast-1 \
  < "$SEED"
# The local part, unabridged (the profile name is derived from it: gina-dev-<hash>).
assert_contains "$err" "member name 'Gina.Dev' from git user.email"
assert_contains "$err" "teama-bedrock-gina-dev-$(printf Gina.Dev | sha256sum | cut -c1-8)"
assert_contains "$T_HOME/git.log" "argv: config --get user.email"
assert_contains "$T_HOME/git.log" "stdin: /dev/null"
assert_contains "$T_HOME/git.log" "stderr: /dev/null"
assert_contains "$T_HOME/git.log" "stdout: pipe:"
# Both ends of a pipe show the same inode: one means the read end stayed with clinecfg.
assert_contains "$T_HOME/git.log" "stdout pipe fds: 1"
if ldd --version 2>&1 | grep -q 'GLIBC\|GNU libc'; then
  grep -qx 'sockets:' "$T_HOME/git.log" || fail "git inherited sockets: $(cat "$T_HOME/git.log")"
fi

note "git without user.email: \$USER"
touch "$T_HOME/git.fail"
PATH="$T_HOME/bin:$PATH" USER=henry expect_rc 0 setup -y --dry-run --team teamA --model "$MODEL" --region ap-northeast-1
assert_contains "$err" "member name 'henry' from \$USER"

note "no git at all: \$USER"
mkdir -p "$T_HOME/nogit"
# A PATH without git, but with the test wrapper (valgrind) and what a failure report uses.
for tool in ${CLINECFG_WRAP:-} cat; do
  case "$tool" in -*) continue;; esac
  p=$(command -v "$tool" 2>/dev/null) || continue
  printf '#!/bin/sh\nexec %s "$@"\n' "$p" > "$T_HOME/nogit/$tool"
  chmod +x "$T_HOME/nogit/$tool"
done
PATH="$T_HOME/nogit" USER=henry expect_rc 0 setup -y --dry-run --team teamA --model "$MODEL" --region ap-northeast-1
assert_contains "$err" "member name 'henry' from \$USER"
echo "setup member from git: ok"

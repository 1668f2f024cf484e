#!/bin/sh
# libcurl and libsecret (with GLib) are opened on first use, not at start-up
# (src/aws/curl_dl.c, src/store/libsecret_dl.c): most runs need neither, and
# mapping them costs every run several MB of resident memory.  Checks, with
# the dynamic loader's own trace (LD_DEBUG=files):
#  - `--version` and `config list` load neither;
#  - a keyring command loads libsecret but not libcurl;
#  - an AWS call loads libcurl but not libsecret (credentials from env);
#  - a libsecret that cannot be loaded is a keyring error (exit 7) naming the
#    file and the package to install, not a crash.
. "$CLINECFG_TOP/tests/lib.sh"
t_home

# ldd: neither library is a link-time dependency any more.
if command -v ldd >/dev/null 2>&1; then
  ldd "$CLINECFG_BIN" > "$T_HOME/ldd.txt" 2>&1 || true
  assert_not_contains "$T_HOME/ldd.txt" "libsecret-1"
  assert_not_contains "$T_HOME/ldd.txt" "libcurl"
  assert_not_contains "$T_HOME/ldd.txt" "libglib-2.0"
fi

loaded() { # FILE: the shared objects the loader opened, one per line
  sed -n 's/.*file=\([^ ]*\) .*/\1/p' "$1" | sort -u
}
traced() { # OUT ARGS...: runs clinecfg with the loader trace into OUT (no wrapper: the trace is the loader's)
  o=$1; shift
  set +e
  LD_DEBUG=files "$CLINECFG_BIN" "$@" >/dev/null 2>"$o"
  trc=$?
  set -e
  loaded "$o" > "$o.libs"
}

traced "$T_HOME/version.trace" --version
[ "$trc" = 0 ] || fail "--version exited $trc"
grep -q 'libcrypto' "$T_HOME/version.trace.libs" || fail "the loader trace did not work (no libcrypto seen): $(cat "$T_HOME/version.trace.libs")"
assert_not_contains "$T_HOME/version.trace.libs" "libsecret"
assert_not_contains "$T_HOME/version.trace.libs" "libcurl"
assert_not_contains "$T_HOME/version.trace.libs" "libglib"

traced "$T_HOME/config.trace" config list
[ "$trc" = 0 ] || fail "config list exited $trc"
assert_not_contains "$T_HOME/config.trace.libs" "libsecret"
assert_not_contains "$T_HOME/config.trace.libs" "libcurl"

traced "$T_HOME/logout.trace" --json logout
[ "$trc" = 0 ] || fail "logout exited $trc"
assert_contains "$T_HOME/logout.trace.libs" "libsecret-1.so.0"
assert_contains "$T_HOME/logout.trace.libs" "libglib-2.0.so.0"
assert_not_contains "$T_HOME/logout.trace.libs" "libcurl"

fake_aws_start
AWS_REGION=ap-northeast-1 AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY='fake/alice/SecretKey+fake/alice/SecretKe' \
  traced "$T_HOME/whoami.trace" whoami
[ "$trc" = 0 ] || fail "whoami exited $trc: $(grep -v '^ *[0-9]*:' "$T_HOME/whoami.trace" | tail -3)"
assert_contains "$T_HOME/whoami.trace.libs" "libcurl.so.4"
assert_not_contains "$T_HOME/whoami.trace.libs" "libsecret"

# A libsecret that is not a shared object: a clean keyring error.
mkdir -p "$T_HOME/badlib"
printf 'not a shared object\n' > "$T_HOME/badlib/libsecret-1.so.0"
LD_LIBRARY_PATH="$T_HOME/badlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" expect_rc 7 logout
assert_contains "$err" "cannot load libsecret-1.so.0"
assert_contains "$err" "$T_HOME/badlib/libsecret-1.so.0"
assert_contains "$err" "install libsecret-1-0"
LD_LIBRARY_PATH="$T_HOME/badlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" expect_rc 7 --json logout
json_ok '.ok == false and .exit_code == 7 and .error.code == "keyring.libsecret"'
echo "lazy libraries: ok"

#!/bin/sh
# whoami with credentials from the OS keyring (libsecret's file back end,
# stored by `clinecfg login`), keyring account selection, and the TLS
# plumbing: an HTTPS emulator trusted through AWS_CA_BUNDLE or the profile's
# ca_bundle, refused (exit 6) without it.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start --tls-dir "$T_HOME/tls"
export AWS_REGION=ap-northeast-1

json_field() {
  printf '%s' "$out" | python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print("null" if v is None else v)' "$1"
}
in_cc() { # RC STDIN_FILE ARGS...: like expect_rc with stdin from a file
  want=$1 input=$2; shift 2
  set +e
  out=$(${CLINECFG_WRAP:-} "$CLINECFG_BIN" "$@" <"$input" 2>"$err")
  rc=$?
  set -e
  [ "$rc" = "$want" ] || { cat "$err" >&2; fail "clinecfg $*: expected exit $want, got $rc"; }
}
err="$T_HOME/stderr.keyring"

# Store alice's keys in the keyring (account "default") and dave's... no: bob's under "work".
printf '%s\n' 'fake/alice/SecretKey+fake/alice/SecretKe' > "$T_HOME/alice.secret"
printf '%s\n' 'fake/bob/SecretKey+fake/bob/SecretKey+fa' > "$T_HOME/bob.secret"
in_cc 0 "$T_HOME/alice.secret" login --access-key-id AKIAFAKEALICE0000000 --secret-stdin
in_cc 0 "$T_HOME/bob.secret" login --account work --access-key-id AKIAFAKEBOB000000000 --secret-stdin

expect_rc 0 --json whoami
assert_eq "$(json_field member)" "alice"
assert_eq "$(json_field credential_source)" "keyring:default"
expect_rc 0 --json whoami --account work
assert_eq "$(json_field member)" "bob"
assert_eq "$(json_field credential_source)" "keyring:work"
CLINECFG_ACCOUNT=work expect_rc 0 --json whoami
assert_eq "$(json_field member)" "bob"
expect_rc 2 whoami --account 'bad name!'

# The keyring comes after the environment and before the default profile.
mkdir -p "$HOME/.aws"
printf '[default]\naws_access_key_id = AKIAFAKEROOT00000000\naws_secret_access_key = x\n' > "$HOME/.aws/credentials"
expect_rc 0 --json whoami
assert_eq "$(json_field credential_source)" "keyring:default"
AWS_ACCESS_KEY_ID=ASIAFAKEDAVE00000000 AWS_SECRET_ACCESS_KEY='fake/dave/SecretKey+fake/dave/SecretKey+' \
  AWS_SESSION_TOKEN='FakeSessionTokenForDave//federated-user=' expect_rc 0 --json whoami
assert_eq "$(json_field credential_source)" "env"
rm "$HOME/.aws/credentials"

# HTTPS: trusted through AWS_CA_BUNDLE...
TLS_URL="https://127.0.0.1:$(cat "$T_HOME/tls/port")"
AWS_ENDPOINT_URL="$TLS_URL" AWS_CA_BUNDLE="$T_HOME/tls/ca.pem" expect_rc 0 --json whoami
assert_eq "$(json_field member)" "alice"
# ...or the profile's ca_bundle (with its endpoint_url)...
printf '[default]\nendpoint_url = %s\nca_bundle = %s\n' "$TLS_URL" "$T_HOME/tls/ca.pem" > "$HOME/.aws/config"
(unset AWS_ENDPOINT_URL; expect_rc 0 --json whoami) || exit 1
# ...and refused when the CA is not trusted: TLS verification is always on.
rm "$HOME/.aws/config"
AWS_ENDPOINT_URL="$TLS_URL" expect_rc 6 whoami
grep -Eqi "certificate|ssl|tls" "$err" || { cat "$err" >&2; fail "exit 6 but not for the untrusted certificate"; }
echo "ok"

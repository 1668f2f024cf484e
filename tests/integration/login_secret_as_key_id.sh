#!/bin/sh
# login_secret_as_key_id.sh - a secret access key passed by mistake as the
# key id is refused (exit 4) without being echoed anywhere, and no STS call
# is made; a malformed key id is not echoed either.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
fake_aws_start
SECRET='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
printf '%s\n' "$SECRET" >"$T_HOME/secret"
run_cc login --access-key-id "$SECRET" --secret-stdin <"$T_HOME/secret"
[ "$rc" = 4 ] || { cat "$err" >&2; fail "expected exit 4, got $rc"; }
assert_contains "$err" "not an AWS access key id"
assert_contains "$err" "looks like a secret access key"
assert_not_contains "$err" "wJalr"
assert_not_contains "$err" "EXAMPLEKEY"
printf '%s' "$out" | grep -q "wJalr" && fail "the secret was printed on stdout"
run_cc --json login --access-key-id "$SECRET" --secret-stdin <"$T_HOME/secret"
printf '%s' "$out" | grep -q "wJalr" && fail "the secret was printed in --json"
run_cc login --access-key-id 'akia-lower-case-id' --secret-stdin <"$T_HOME/secret"
assert_eq "$rc" 4
assert_not_contains "$err" "akia-lower"
[ ! -s "$FAKE_AWS_DIR/requests.jsonl" ] || ! grep -q GetCallerIdentity "$FAKE_AWS_DIR/requests.jsonl" || fail "STS was called"
echo ok

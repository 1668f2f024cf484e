#!/bin/sh
# credential_process_bare_env.sh - an editor started from the desktop runs
# `clinecfg credential-process` with none of the shell's AWS_* variables.
# login remembers with the keys the STS endpoint (when not the regional
# default) and the region it verified them against, and credential-process
# uses them when the environment names none; the environment still wins.
. "$CLINECFG_TOP/tests/lib.sh"
. "$CLINECFG_TOP/tests/integration/keyring_common.sh.inc"
t_home
fake_aws_start
printf '%s\n' "$ALICE_SECRET" >"$T_HOME/alice.secret"
: >"$T_HOME/empty"
sts_calls() { grep -c "\"op\":\"$1\"" "$FAKE_AWS_DIR/requests.jsonl" || true; }

# credential-process as Cline's AWS SDK starts it from a desktop session:
# HOME and PATH, the test keyring, nothing named AWS_*.
bare_cc() {
  wrap=${CLINECFG_WRAP:-}
  CLINECFG_WRAP=
  run_prog env -i HOME="$HOME" PATH="$PATH" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_STATE_HOME="$XDG_STATE_HOME" \
    SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$SECRET_FILE_TEST_PATH" \
    SECRET_FILE_TEST_PASSWORD="$SECRET_FILE_TEST_PASSWORD" CLINECFG_ORG_CONFIG="$CLINECFG_ORG_CONFIG" \
    "$@" $wrap "$CLINECFG_BIN" credential-process </dev/null
  CLINECFG_WRAP=$wrap
}

note "login through the generic AWS_ENDPOINT_URL, in Tokyo"
expect_in 0 "$T_HOME/alice.secret" login --access-key-id "$ALICE_ID" --secret-stdin --region ap-northeast-1

note "credential-process with a bare environment reaches the same STS endpoint, in the same region"
gst0=$(sts_calls GetSessionToken)
bare_cc
[ "$rc" = 0 ] || { cat "$err" >&2; fail "bare credential-process exited $rc"; }
printf '%s' "$out" | jq -e '.Version == 1 and (.SessionToken | length) > 0' >/dev/null || fail "no session credentials"
assert_eq "$(sts_calls GetSessionToken)" "$((gst0 + 1))" "(GetSessionToken reached the emulator)"
grep '"op":"GetSessionToken"' "$FAKE_AWS_DIR/requests.jsonl" | tail -1 | jq -e '.region == "ap-northeast-1"' >/dev/null \
  || fail "GetSessionToken was not signed for ap-northeast-1: $(grep GetSessionToken "$FAKE_AWS_DIR/requests.jsonl" | tail -1)"

note "the environment still wins: an STS endpoint in it is used, not the remembered one"
expect_in 0 "$T_HOME/alice.secret" login --access-key-id "$ALICE_ID" --secret-stdin --region ap-northeast-1  # drops the cached session
gst1=$(sts_calls GetSessionToken)
bare_cc AWS_ENDPOINT_URL_STS=http://127.0.0.1:9
[ "$rc" != 0 ] || fail "credential-process ignored AWS_ENDPOINT_URL_STS from the environment"
assert_eq "$(sts_calls GetSessionToken)" "$gst1" "(the environment's endpoint was used)"

note "a region in the environment wins over the remembered one"
bare_cc AWS_REGION=ap-southeast-2
[ "$rc" = 0 ] || { cat "$err" >&2; fail "credential-process with AWS_REGION exited $rc"; }
grep '"op":"GetSessionToken"' "$FAKE_AWS_DIR/requests.jsonl" | tail -1 | jq -e '.region == "ap-southeast-2"' >/dev/null \
  || fail "AWS_REGION from the environment was not used"

note "an endpoint login took from AWS_ENDPOINT_URL_STS is remembered too"
export AWS_ENDPOINT_URL_STS="$FAKE_AWS_URL"
unset AWS_ENDPOINT_URL
expect_in 0 "$T_HOME/alice.secret" -v login --access-key-id "$ALICE_ID" --secret-stdin --region ap-northeast-1
unset AWS_ENDPOINT_URL_STS
bare_cc
[ "$rc" = 0 ] || { cat "$err" >&2; fail "bare credential-process after an AWS_ENDPOINT_URL_STS login exited $rc"; }
assert_eq "$(sts_calls GetSessionToken)" "$((gst1 + 2))" "(remembered AWS_ENDPOINT_URL_STS endpoint used)"
note "nothing named a region at login: the region of Cline's AWS profile is used, not us-east-1"
mkdir -p "$HOME/.aws"
printf '[profile clinecfg]\nregion = ap-southeast-2\n' >"$HOME/.aws/config"
export AWS_ENDPOINT_URL_STS="$FAKE_AWS_URL"
expect_in 0 "$T_HOME/alice.secret" login --access-key-id "$ALICE_ID" --secret-stdin
unset AWS_ENDPOINT_URL_STS
bare_cc
[ "$rc" = 0 ] || { cat "$err" >&2; fail "bare credential-process after a region-less login exited $rc"; }
grep '"op":"GetSessionToken"' "$FAKE_AWS_DIR/requests.jsonl" | tail -1 | jq -e '.region == "ap-southeast-2"' >/dev/null \
  || fail "not signed for the region of [profile clinecfg]: $(grep GetSessionToken "$FAKE_AWS_DIR/requests.jsonl" | tail -1)"
echo "ok"

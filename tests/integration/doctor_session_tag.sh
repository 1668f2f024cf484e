#!/bin/sh
# doctor_session_tag.sh - doctor's 'session tag' check for IAM Identity
# Center sessions under `admin policy developer --principal sso` (profiles
# readable only when their MemberName tag equals the session's
# ${aws:PrincipalTag/MemberName}): a matching tag is ok; a session tag that
# differs (the permission set maps the user name, not the e-mail) warns with
# the profile's tag and the attribute mapping to fix; an IAM user skips; a
# session without Bedrock permissions, or a throttled self-check, is unknown.
. "$CLINECFG_TOP/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
t_home
fake_aws_start
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
SESSION=arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Dev_abc123def456/bob@example.com
mkdir -p "$XDG_CONFIG_HOME/clinecfg" "$HOME/.aws/sso/cache"
printf '{ "team": "teamA", "model": "%s", "region": "ap-northeast-1" }\n' "$MODEL" > "$XDG_CONFIG_HOME/clinecfg/config.json"
cat > "$HOME/.aws/config" <<CFG
[profile sso]
sso_session = my-sso
sso_account_id = 123456789012
sso_role_name = Dev
region = ap-northeast-1

[sso-session my-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1

[profile alice]
region = ap-northeast-1
CFG
cat > "$HOME/.aws/credentials" <<CREDS
[alice]
aws_access_key_id = AKIAFAKEALICE0000000
aws_secret_access_key = fake/alice/SecretKey+fake/alice/SecretKe
CREDS
# `aws sso login`'s cache, named after the sso-session.
cache=$(printf '%s' my-sso | python3 -c 'import hashlib,sys; print(hashlib.sha1(sys.stdin.buffer.read()).hexdigest())')
expires=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
printf '{"startUrl": "https://example.awsapps.com/start", "region": "us-east-1", "accessToken": "fake-sso-access-token-bob", "expiresAt": "%s"}\n' \
  "$expires" > "$HOME/.aws/sso/cache/$cache.json"
admin() { curl -sf -X POST -d "$2" "$FAKE_AWS_URL/__admin/$1" >/dev/null || fail "admin endpoint $1"; }
# session_tag: "result|message|fix" of the last doctor run's check
session_tag() { printf '%s\n' "$out" | jq -r '[.checks[] | select(.check == "session tag")] | if length == 1 then .[0] | "\(.result)|\(.message)|\(.fix // "")" else "\(length) session tag checks" end'; }

note "the developer policy for Identity Center, on the permission set bob's role comes from"
env AWS_ACCESS_KEY_ID=AKIAFAKEROOT00000000 AWS_SECRET_ACCESS_KEY=fake/root/SecretKey+fake/root/SecretKey+ \
  "$CLINECFG_BIN" --json admin policy developer --principal sso --apply --name clinecfg-developer-sso >/dev/null 2>&1 \
  || fail "admin policy developer --principal sso --apply"
admin iam/permission-set '{"role": "AWSReservedSSO_Dev_abc123def456", "policy_name": "clinecfg-developer-sso"}'
AWS_PROFILE=sso expect_rc 0 --json setup -y

note "(a) the session tag is the e-mail the profile is tagged with: ok"
expect_rc 0 --json doctor
json_ok --arg s "$SESSION" '[.checks[] | select(.check == "identity" and (.message | startswith($s)))] | length == 1'
case "$(session_tag)" in "ok|your session may read its own profile (MemberName=bob@example.com): "*"|") ;;
  *) fail "(a) matching tag: $(session_tag)";; esac
json_ok '[.checks[] | select(.check == "session tag")][0] | keys == ["check", "message", "result"]'

note "(b) the permission set maps the user name instead of the e-mail: a warning naming the profile's tag and the mapping"
admin iam/principal-tags "{\"user\": \"$SESSION\", \"tags\": {\"MemberName\": \"bob\"}}"
expect_rc 5 --json doctor
json_ok '.exit_code == 5'
case "$(session_tag)" in "warn|"*"MemberName=bob@example.com"*"principal tag probably differs"*"|"*"Attributes for access control"*"'bob@example.com'"*'${path:userName}'*) ;;
  *) fail "(b) differing tag: $(session_tag)";; esac
json_ok '[.checks[] | select(.check == "profile" and .result == "fail" and (.fix | test("session tag")))] | length == 1'
json_ok '[.checks[] | select(.check == "session tag")][0] | keys == ["check", "fix", "message", "result"]'
expect_rc 5 doctor
assert_eq "$(printf '%s\n' "$out" | grep -c '^warn session tag')" 1 "(text: one warning line)"
printf '%s\n' "$out" | grep -q "^     fix: an admin maps the key MemberName" || fail "(b) text output has no fix line: $out"

note "(c) an IAM user: skipped"
expect_rc 0 --json doctor --aws-profile alice
case "$(session_tag)" in "skip|not an Identity Center session (arn:aws:iam::123456789012:user/alice)|") ;;
  *) fail "(c) IAM user: $(session_tag)";; esac

note "(d) a session without any Bedrock permission: unknown, not a tag warning"
admin iam/principal-tags "{\"user\": \"$SESSION\", \"tags\": {\"MemberName\": \"bob@example.com\"}}"
admin deny '{"user": "bob@example.com", "action": "bedrock:*"}'
expect_rc 5 --json doctor
case "$(session_tag)" in "skip|unknown: your session may neither read its own profile nor list profiles"*"|") ;;
  *) fail "(d) no Bedrock permission: $(session_tag)";; esac
admin allow '{"user": "bob@example.com", "action": "bedrock:*"}'
note "    a throttled self-check: unknown with the reason"
admin knobs '{"throttle": {"ListTagsForResource": 0.0001}}'
run_cc --json doctor   # takes the one token the bucket starts with
expect_rc 0 --json doctor
case "$(session_tag)" in "skip|unknown: the self-check (bedrock:ListTagsForResource on your profile) failed: "*Throttl*"|") ;;
  *) fail "(d) throttled: $(session_tag)";; esac
admin knobs '{"throttle": {}}'
expect_rc 0 --json doctor
case "$(session_tag)" in "ok|"*) ;; *) fail "back to ok: $(session_tag)";; esac
echo "ok"

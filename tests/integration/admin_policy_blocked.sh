#!/bin/sh
# admin_policy_blocked.sh - `clinecfg admin policy blocked` against the
# emulator's IAM: it prints clinecfg-blocked (the document enforce starts
# from while the policy does not exist, valid JSON, Version 2012-10-17);
# --name is refused (the name is fixed); --apply --user creates the policy
# and attaches it, a rerun makes no mutating call (request log), an existing
# document that blocks someone is never overwritten; an Identity Center
# role is refused with the permission-set steps; and `limits enforce`, once
# a member passes the limit, blocks that member through the attachment
# `admin policy blocked --apply` made.
. "$CLINECFG_TOP/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
t_home
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
COPY="arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/$MODEL"
jq --arg copy "$COPY" '.application_profiles += [
    {"name": "teama-bedrock-alice", "tags": {"Team": "teamA", "MemberName": "alice"}, "copy_from": $copy, "region": "ap-northeast-1"}]' \
  "$CLINECFG_TOP/tests/fake_aws/seed-default.json" > "$T_HOME/seed.json"
fake_aws_start --seed "$T_HOME/seed.json"
. "$CLINECFG_TOP/tests/integration/principals.sh.inc"
teamA_config
state() { curl -sf "$FAKE_AWS_URL/__admin/$1"; }
# blocked_doc: clinecfg-blocked's default version as IAM holds it ("version-id document"), read by the admin
blocked_doc() {
  python3 - "$FAKE_AWS_PORT" <<'PY'
import re, sys, urllib.parse
sys.path.insert(0, __import__("os").environ["CLINECFG_TOP"] + "/tests/fake_aws")
from awsclient import quote, user_client
client = user_client(int(sys.argv[1]), "root", region="us-east-1")
def iam(**form):
    body = "&".join("%s=%s" % (quote(k), quote(v)) for k, v in dict(form, Version="2010-05-08").items())
    return client.call("POST", "/", None, body.encode(), "iam", "application/x-www-form-urlencoded").body.decode()
arn = "arn:aws:iam::123456789012:policy/clinecfg-blocked"
version = re.search(r"<DefaultVersionId>([^<]*)<", iam(Action="GetPolicy", PolicyArn=arn)).group(1)
doc = re.search(r"<Document>([^<]*)<", iam(Action="GetPolicyVersion", PolicyArn=arn, VersionId=version)).group(1)
print(version, urllib.parse.unquote(doc).replace("\n", " "))
PY
}
MUTATING='["CreatePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachUserPolicy", "AttachRolePolicy",
  "AttachGroupPolicy", "DetachUserPolicy", "DetachRolePolicy", "DetachGroupPolicy"]'
mutations_since() { tail -n +"$(($1 + 1))" "$FAKE_AWS_DIR/requests.jsonl" | jq -sc --argjson m "$MUTATING" '[.[] | select(.op as $o | $m | index($o)) | .op]'; }
ALICE_ARN=$(state "state?fillers=0" | jq -r '.application_profiles[] | select(.tags.MemberName == "alice") | .arn')
[ -n "$ALICE_ARN" ] || fail "no seeded profile for alice"

note "before enforce ran: the document enforce starts from, nobody blocked"
as_rc 0 ROOT --json admin policy blocked
json_ok '.kind == "blocked" and .exists == false and .blocked_profiles == [] and .policy.Version == "2012-10-17"
  and (.policy.Statement | length) == 1 and .policy.Statement[0].Effect == "Deny"
  and .policy.Statement[0].Action == ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
  and (.policy_arn | endswith(":policy/clinecfg-blocked")) and (.identity_center | length) == 4'
as_rc 0 ROOT admin policy blocked
printf '%s' "$out" | jq -e '.Version == "2012-10-17" and (.Statement[0].Resource | tostring | test("clinecfg-none"))' >/dev/null \
  || fail "the printed document: $out"
assert_contains "$T_HOME/err" "Customer managed policies"
[ "$(mutations_since 0)" = "[]" ] || fail "printing changed something: $(mutations_since 0)"

note "the name is fixed: --name is refused, saying so; --check is not for blocked"
as_rc 2 ROOT admin policy blocked --apply --name mine --user alice
assert_contains "$T_HOME/err" "the blocked policy's name is fixed (clinecfg-blocked)"
as_rc 2 ROOT admin policy blocked --check --user alice
as_rc 2 ROOT admin policy blocked --user alice

note "alice may call through her own profile (enforce applied); clinecfg-blocked created and attached"
as_rc 0 ROOT --json admin policy enforce --apply --name clinecfg-enforce --user alice
as_rc 0 ROOT --json admin policy blocked --apply --user alice
json_ok '.kind == "blocked" and .policy == "created" and .attachments == [{"kind": "user", "name": "alice", "status": "attached"}]
  and (.policy_arn | endswith(":policy/clinecfg-blocked"))'
state iam/state | jq -e '.attached.user.alice | map(test("policy/clinecfg-blocked$")) | any' >/dev/null || fail "not attached"
blocked_doc | sed 's/^[^ ]* //' | jq -e '.Version == "2012-10-17" and (.Statement[0].Resource | tostring | test("clinecfg-none"))' >/dev/null \
  || fail "created document: $(blocked_doc)"
assert_eq "$(converse alice "$ALICE_ARN")" 200 "(alice, nobody blocked yet)"

note "a rerun makes no mutating call"
SEEN=$(wc -l < "$FAKE_AWS_DIR/requests.jsonl")
as_rc 0 ROOT --json admin policy blocked --apply --user alice
json_ok '.policy == "unchanged" and .attachments[0].status == "unchanged"'
[ "$(mutations_since "$SEEN")" = "[]" ] || fail "the rerun mutated: $(mutations_since "$SEEN")"

note "an Identity Center role is refused, with the permission-set steps"
as_rc 5 ROOT admin policy blocked --apply --role AWSReservedSSO_Dev_abc123def456
assert_contains "$T_HOME/err" "Identity Center"
assert_contains "$T_HOME/err" "Permissions > Customer managed policies > Attach policies > name: clinecfg-blocked"
state iam/state | jq -e '.attached.role.AWSReservedSSO_Dev_abc123def456 // [] | length == 0' >/dev/null \
  || fail "an Identity Center role got an attachment"

note "alice passes USD 5: limits enforce blocks her through the attachment admin policy blocked made"
as_rc 0 ROOT --json admin limits set --monthly-usd 5 --member alice
id=${ALICE_ARN##*/}
when=$(( $(date +%s) - 300 ))
curl -sf -X POST -d "{\"records\": [{\"model_id\": \"$id\", \"time\": $when, \"input_tokens\": 2000000}]}" \
  "$FAKE_AWS_URL/__admin/usage/records" >/dev/null || fail "usage records"
as_rc 0 ROOT --json admin limits enforce
json_ok '.policy == "updated" and .blocked == ["alice"]'
assert_eq "$(converse alice "$ALICE_ARN")" 403 "(alice blocked)"

note "an existing document that blocks someone is never overwritten; printing shows it"
BEFORE=$(blocked_doc)
printf '%s' "$BEFORE" | sed 's/^[^ ]* //' | jq -e --arg a "$ALICE_ARN" '.Statement[0].Resource | index($a) != null' >/dev/null \
  || fail "enforce did not name alice's profile: $BEFORE"
SEEN=$(wc -l < "$FAKE_AWS_DIR/requests.jsonl")
as_rc 0 ROOT --json admin policy blocked --apply --user alice
json_ok '.policy == "unchanged"'
[ "$(mutations_since "$SEEN")" = "[]" ] || fail "apply over an existing document mutated: $(mutations_since "$SEEN")"
assert_eq "$(blocked_doc)" "$BEFORE" "(the document after --apply)"
assert_eq "$(converse alice "$ALICE_ARN")" 403 "(alice still blocked)"
as_rc 0 ROOT --json admin policy blocked
json_ok --arg a "$ALICE_ARN" '.exists and .blocked_profiles == [$a]'

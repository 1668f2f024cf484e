#!/bin/sh
# admin_policy.sh - `clinecfg admin policy` against the emulator's IAM:
# the documents print as JSON; `developer` applied to alice lets her setup
# create her own profile while one tagged for someone else is denied (and
# becomes a request, exit 3); `enforce` applied: a Converse through her own
# profile works, on the base model or bob's profile it is denied, and
# --check reports the same; reruns change nothing; a sixth version deletes
# the oldest; an Identity Center role is refused with what to do instead.
. "$CLINECFG_TOP/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
t_home
fake_aws_start
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
mkdir -p "$XDG_CONFIG_HOME/clinecfg"
cat > "$XDG_CONFIG_HOME/clinecfg/config.json" <<JSON
{ "team": "teamA", "model": "$MODEL", "region": "ap-northeast-1" }
JSON
. "$CLINECFG_TOP/tests/integration/principals.sh.inc"

note "the documents print as valid JSON"
as_rc 0 ROOT --json admin policy enforce --account 123456789012 --region ap-northeast-1
json_ok '.policy.Version == "2012-10-17" and (.policy.Statement | length) == 4 and .kind == "enforce"'
as_rc 0 ROOT admin policy developer --principal sso
printf '%s' "$out" | jq -e '.Statement[0].Condition.StringEquals["aws:RequestTag/MemberName"] == "${aws:PrincipalTag/MemberName}"' >/dev/null \
  || fail "sso developer document: $out"
assert_contains "$T_HOME/err" "Attributes for access control"
assert_contains "$T_HOME/err" 'map the key MemberName to ${path:userName}, the user name Identity Center makes the role session name'
as_rc 2 ROOT admin policy owner
as_rc 2 ROOT admin policy enforce --apply

note "bob's profile exists (made by the admin)"
printf 'team,member\nteamA,bob\n' > "$T_HOME/roster.csv"
as_rc 0 ROOT --json admin provision --roster "$T_HOME/roster.csv"
BOB_ARN=$(printf '%s' "$out" | jq -r '.rows[0].arn')

note "developer applied to alice: created, attached; a rerun changes nothing"
as_rc 0 ROOT --json admin policy developer --apply --name clinecfg-developer --user alice
json_ok '.policy == "created" and .attachments[0].status == "attached" and (.policy_arn | endswith(":policy/clinecfg-developer"))'
as_rc 0 ROOT --json admin policy developer --apply --name clinecfg-developer --user alice
json_ok '.policy == "unchanged" and .attachments[0].status == "unchanged"'
curl -sf "$FAKE_AWS_URL/__admin/iam/state" | jq -e '.policies[0].versions | length == 1' >/dev/null || fail "a rerun made a version"

note "under developer: setup creates alice's own profile"
as_rc 0 ALICE --json setup -y --targets aws-config
ALICE_ARN=$(curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0" | jq -r '.application_profiles[] | select(.tags.MemberName == "alice") | .arn')
[ -n "$ALICE_ARN" ] || fail "setup did not create alice's profile"
note "a profile tagged for carol is denied and becomes a request (exit 3)"
as_rc 3 ALICE --json setup -y --targets aws-config --member carol
json_ok '.exit_code == 3'
jq -se '[.[] | select(.op == "CreateInferenceProfile" and .access_key_id == "AKIAFAKEALICE0000000")] | map(.status) == [201, 403]' \
  "$FAKE_AWS_DIR/requests.jsonl" >/dev/null || fail "alice's creations were not answered 201 then 403"
curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0" | jq -e '[.application_profiles[] | select(.tags.MemberName == "carol" and (.name | test("teama")))] | length == 0' >/dev/null \
  || fail "a profile tagged for carol was created"
as_rc 0 ROOT --json admin policy developer --check --user alice
json_ok '[.cases[] | .ok] | all and length == 4'

note "doctor, before enforce: the simulator (developer allows asking about yourself) sees no invoke permission at all"
as_rc 0 ALICE --json setup -y
enforcement() { as ALICE --json doctor || true; jq -r '.checks[] | select(.check == "enforcement") | "\(.result) \(.message)"' "$T_HOME/out"; }
case "$(enforcement)" in "fail IAM denies you bedrock:InvokeModel on your own profile (implicitDeny)") ;;
  *) fail "doctor before enforce: $(enforcement)";; esac

note "enforce applied: own profile works, the base model and bob's profile are denied"
as_rc 0 ROOT --json admin policy enforce --apply --name clinecfg-enforce --user alice
json_ok '.policy == "created" and .attachments[0].status == "attached"'
case "$(enforcement)" in "ok enforced: your profile is allowed, a direct call on the base model is "*Deny) ;;
  *) fail "doctor after enforce: $(enforcement)";; esac
assert_eq "$(converse alice "$ALICE_ARN")" 200 "(Converse through alice's profile)"
assert_eq "$(converse alice "$MODEL")" 403 "(Converse on the system profile)"
assert_eq "$(converse alice anthropic.claude-sonnet-4-5-20250929-v1:0)" 403 "(Converse on the base model)"
assert_eq "$(converse alice "$BOB_ARN")" 403 "(Converse through bob's profile)"
assert_eq "$(converse bob "$BOB_ARN")" 200 "(bob has no policies: the emulator's old rule)"

note "--check reports the same"
as_rc 0 ROOT --json admin policy enforce --check --user alice
json_ok '(.cases | length) == 5 and ([.cases[] | .ok] | all)
  and ([.cases[] | select(.name == "own_profile")][0] | .expected == "allowed" and .actual == "allowed" and .action == "bedrock:InvokeModel")
  and ([.cases[] | select(.name == "other_profile")][0].actual == "denied")
  and ([.cases[] | select(.name == "base_model")][0].actual == "denied")
  and ([.cases[] | select(.name == "create_for_other")][0].actual == "denied")'
as_rc 0 ROOT admin policy enforce --check --user alice
[ "$(printf '%s\n' "$out" | grep -c '^ok ')" = 5 ] || fail "--check lines: $out"
note "a user without the policy fails the check: exit 8"
as_rc 8 ROOT --json admin policy enforce --check --user bob
json_ok '([.cases[] | select(.ok | not)] | length) >= 2'

note "a changed document makes a new default version; never more than five"
for team in t1 t2 t3 t4 t5 t6; do
  as_rc 0 ROOT --json admin policy developer --apply --name clinecfg-developer --user alice --team "$team"
  json_ok '.policy == "updated"'
done
curl -sf "$FAKE_AWS_URL/__admin/iam/state" | jq -e '[.policies[] | select(.name == "clinecfg-developer")][0].versions
  | length == 5 and ([.[] | select(.default)][0].id == "v7") and (map(.id) | index("v1") == null)' >/dev/null \
  || fail "versions: $(curl -sf "$FAKE_AWS_URL/__admin/iam/state")"

note "an SSO session is checked through its role, with the member's session tag"
curl -sf -X POST -d '{"role": "AWSReservedSSO_Dev_abc123def456", "policy_name": "clinecfg-sso"}' "$FAKE_AWS_URL/__admin/iam/permission-set" >/dev/null \
  && fail "a permission set referenced a policy that does not exist"
as_rc 0 ROOT --json admin policy enforce --principal sso --apply --name clinecfg-sso
json_ok '.policy == "created" and (.attachments | length) == 0 and (.identity_center | length) == 4'
curl -sf -X POST -d '{"role": "AWSReservedSSO_Dev_abc123def456", "policy_name": "clinecfg-sso"}' "$FAKE_AWS_URL/__admin/iam/permission-set" >/dev/null \
  || fail "permission-set endpoint"
as_rc 0 ROOT --json admin policy enforce --principal sso --check --role AWSReservedSSO_Dev_abc123def456 --member bob@example.com
json_ok '([.cases[] | .ok] | all) and (.principal_arn | endswith(":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_abc123def456"))'
as_rc 2 ROOT admin policy enforce --principal sso --check --role AWSReservedSSO_Dev_abc123def456

note "without IAM permissions: exit 5 naming the iam: action"
curl -sf -X POST -d '{"user": "alice", "action": "iam:*"}' "$FAKE_AWS_URL/__admin/deny" >/dev/null || fail "deny endpoint"
case "$(enforcement)" in "skip unknown: you may not ask IAM's simulator about yourself"*) ;;
  *) fail "doctor without iam:SimulatePrincipalPolicy must say unknown: $(enforcement)";; esac
as_rc 5 ALICE admin policy enforce --apply --name mine --user alice
assert_contains "$T_HOME/err" "iam:GetPolicy"

note "an Identity Center role cannot be changed: exit 5, the permission set is the way"
as_rc 5 ROOT admin policy enforce --principal sso --apply --name clinecfg-enforce-sso --role AWSReservedSSO_Dev_abc123def456
assert_contains "$T_HOME/err" "permission set"
assert_contains "$T_HOME/err" "Identity Center"

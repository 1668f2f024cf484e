#!/bin/sh
# admin_limits.sh - `clinecfg admin limits` against the emulator's Budgets,
# CloudWatch alarms and IAM: a roster of 50 gets 50 budgets and a rerun
# writes nothing; once one Identity Center member's recorded use passes
# USD 5, one `limits enforce` blocks that member's next call through their
# profile while another member on the same role keeps working; `limits
# list` shows it; raising the limit and enforcing again unblocks.  With
# --budget-action an IAM-user member is denied by AWS's own budget action
# without enforce; --hourly-tokens alarms reach ALARM in one evaluation;
# --dry-run writes nothing; remove deletes only what set made (budget
# actions, budgets, alarms and the per-member deny policy, detached from
# everyone first), a rerun changes nothing, and a look-alike policy stays.
. "$CLINECFG_TOP/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
t_home
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
COPY="arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/$MODEL"
ROLE=AWSReservedSSO_Dev_abc123def456
jq --arg copy "$COPY" '
  .sso += [{"access_token": "fake-sso-access-token-dana", "account_id": "123456789012", "role_name": "Dev",
            "expires_in": 28800, "arn": "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Dev_abc123def456/dana@example.com"}]
  | .application_profiles += [
      {"name": "teama-bedrock-bob", "tags": {"Team": "teamA", "MemberName": "bob@example.com"}, "copy_from": $copy, "region": "ap-northeast-1"},
      {"name": "teama-bedrock-dana", "tags": {"Team": "teamA", "MemberName": "dana@example.com"}, "copy_from": $copy, "region": "ap-northeast-1"},
      {"name": "teama-bedrock-alice", "tags": {"Team": "teamA", "MemberName": "alice"}, "copy_from": $copy, "region": "ap-northeast-1"}]' \
  "$CLINECFG_TOP/tests/fake_aws/seed-default.json" > "$T_HOME/seed.json"
fake_aws_start --seed "$T_HOME/seed.json"
export CLINECFG_PRICES_FILE="$CLINECFG_TOP/packaging/prices.json"
mkdir -p "$XDG_CONFIG_HOME/clinecfg"
cat > "$XDG_CONFIG_HOME/clinecfg/config.json" <<JSON
{ "team": "teamA", "model": "$MODEL", "region": "ap-northeast-1" }
JSON
ROOT="AWS_ACCESS_KEY_ID=AKIAFAKEROOT00000000 AWS_SECRET_ACCESS_KEY=fake/root/SecretKey+fake/root/SecretKey+"
as() { who=$1; shift; eval "env \$$who \"\$CLINECFG_BIN\" \"\$@\"" >"$T_HOME/out" 2>"$T_HOME/err"; }
as_rc() {
  want=$1; shift
  rc=0; as "$@" || rc=$?
  out=$(cat "$T_HOME/out")
  [ "$rc" = "$want" ] || { echo "stdout: $out" >&2; cat "$T_HOME/err" >&2; fail "clinecfg $*: expected exit $want, got $rc"; }
}
state() { curl -sf "$FAKE_AWS_URL/__admin/$1"; }
# iam ACTION NAME=VALUE... -> {status, code, names, truncated, marker} of an IAM call as the admin
iam() {
  python3 - "$FAKE_AWS_PORT" "$@" <<'PY'
import json, os, sys
sys.path.insert(0, os.environ["CLINECFG_TOP"] + "/tests/fake_aws")
from awsclient import user_client
from test_iam import query, xml_all, xml_text
port, action = int(sys.argv[1]), sys.argv[2]
resp = query(user_client(port, "root"), action, [a.split("=", 1) for a in sys.argv[3:]])
names = [n for tag in ("GroupName", "UserName", "RoleName") for n in xml_all(resp, tag)]
print(json.dumps({"status": resp.status, "code": xml_text(resp, "Code"), "names": names,
                  "truncated": xml_text(resp, "IsTruncated"), "marker": xml_text(resp, "Marker")}))
PY
}
profile_arn() { state "state?fillers=0" | jq -r --arg m "$1" '.application_profiles[] | select(.tags.MemberName == $m) | .arn'; }
# converse WHO PROFILE-ARN -> HTTP status; WHO is a seed user or sso:TOKEN (an Identity Center session)
converse() {
  python3 - "$FAKE_AWS_PORT" "$1" "$2" <<'PY'
import sys
sys.path.insert(0, __import__("os").environ["CLINECFG_TOP"] + "/tests/fake_aws")
from awsclient import Client, quote, user_client
port, who, model = int(sys.argv[1]), sys.argv[2], sys.argv[3]
if who.startswith("sso:"):
    admin = user_client(port, "root")
    portal = admin.raw("GET", "/federation/credentials?role_name=Dev&account_id=123456789012",
                       {"x-amz-sso_bearer_token": who[4:]})
    creds = portal.json()["roleCredentials"]
    client = Client(port, creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"])
else:
    client = user_client(port, who)
resp = client.bedrock_json("POST", "/model/%s/converse" % quote(model),
                           {"messages": [{"role": "user", "content": [{"text": "hi"}]}]})
print(resp.status)
PY
}
# use MEMBER INPUT-TOKENS: records that much use on the member's profile a few minutes ago
use() {
  id=$(profile_arn "$1" | sed 's|.*/||')
  when=$(( $(date +%s) - 300 ))
  curl -sf -X POST -d "{\"records\": [{\"model_id\": \"$id\", \"time\": $when, \"input_tokens\": $2}]}" \
    "$FAKE_AWS_URL/__admin/usage/records" >/dev/null || fail "usage records"
}

note "a roster of 50: 50 budgets, one write each"
{ echo "team,member"; i=1; while [ $i -le 47 ]; do printf 'teamA,m%02d\n' $i; i=$((i+1)); done
  echo "teamA,bob@example.com"; echo "teamA,dana@example.com"; echo "teamA,alice"; } > "$T_HOME/roster.csv"
as_rc 0 ROOT --json admin limits set --monthly-usd 5 --roster "$T_HOME/roster.csv" --notify email:finance@example.com
json_ok '(.members | length) == 50 and ([.members[] | select(.status == "created")] | length) == 50 and .write_calls == 50'
state budgets/state | jq -e '(.budgets | length) == 50 and .write_calls == 50
  and (.budgets["clinecfg-teamA-bob@example.com"].budget.FilterExpression.Tags
       | .Key == "MemberName" and .Values == ["bob@example.com"])
  and (.budgets["clinecfg-teamA-m01"].budget | .TimeUnit == "MONTHLY" and .BudgetType == "COST"
       and .BudgetLimit.Amount == "5.00" and (has("CostFilters") | not))
  and (.budgets["clinecfg-teamA-m01"].notifications | map(.Threshold) == [80, 100])' >/dev/null \
  || fail "budgets: $(state budgets/state | head -c 2000)"

note "a rerun changes nothing"
as_rc 0 ROOT --json admin limits set --monthly-usd 5 --roster "$T_HOME/roster.csv" --notify email:finance@example.com
json_ok '.write_calls == 0 and ([.members[] | select(.status == "unchanged")] | length) == 50'
state budgets/state | jq -e '.write_calls == 50' >/dev/null || fail "the rerun wrote to Budgets"

note "other targets: subscribers replaced in place; a rerun changes nothing"
as_rc 0 ROOT --json admin limits set --monthly-usd 5 --member m02 --notify email:ops@example.com,sns:arn:aws:sns:us-east-1:123456789012:t
json_ok '.members[0].status == "unchanged" and .write_calls == 6'
state budgets/state | jq -e '.budgets["clinecfg-teamA-m02"].notifications | length == 2 and all(.Subscribers | map(.Address) | sort
  == ["arn:aws:sns:us-east-1:123456789012:t", "ops@example.com"])' >/dev/null || fail "subscribers: $(state budgets/state | jq -c '.budgets["clinecfg-teamA-m02"]')"
# the same targets given as repeated options are the same set: nothing to change
as_rc 0 ROOT --json admin limits set --monthly-usd 5 --member m02 --notify email:ops@example.com \
  --notify sns:arn:aws:sns:us-east-1:123456789012:t
json_ok '.write_calls == 0'

note "--dry-run shows the calls and makes none"
as_rc 0 ROOT --json --dry-run admin limits set --monthly-usd 7 --member m01
json_ok '(.planned_calls | length) == 1 and .planned_calls[0].call == "UpdateBudget"
  and .planned_calls[0].body.NewBudget.BudgetLimit.Amount == "7.00"'
state budgets/state | jq -e '.write_calls == 56' >/dev/null || fail "--dry-run wrote to Budgets"

note "the permission set carries enforce and clinecfg-blocked; both members can call"
as_rc 0 ROOT --json admin policy enforce --principal sso --apply --name clinecfg-enforce-sso
curl -sf -X POST -d "{\"role\": \"$ROLE\", \"policy_name\": \"clinecfg-enforce-sso\"}" "$FAKE_AWS_URL/__admin/iam/permission-set" >/dev/null \
  || fail "permission set (enforce)"
as_rc 0 ROOT --json admin limits enforce
json_ok '.policy == "created" and (.blocked | length) == 0 and (.identity_center | length) == 4'
assert_contains "$T_HOME/err" "Customer managed policies"
curl -sf -X POST -d "{\"role\": \"$ROLE\", \"policy_name\": \"clinecfg-blocked\"}" "$FAKE_AWS_URL/__admin/iam/permission-set" >/dev/null \
  || fail "permission set (clinecfg-blocked)"
BOB=$(profile_arn bob@example.com); DANA=$(profile_arn dana@example.com)
assert_eq "$(converse sso:fake-sso-access-token-bob "$BOB")" 200 "(bob before)"
assert_eq "$(converse sso:fake-sso-access-token-dana "$DANA")" 200 "(dana before)"

note "bob passes USD 5: one enforce blocks bob, not dana on the same role"
use bob@example.com 2000000
as_rc 0 ROOT --json --dry-run admin limits enforce
json_ok '(.planned_calls | length) == 1 and (.planned_calls[0].call | startswith("iam:CreatePolicyVersion"))'
assert_eq "$(converse sso:fake-sso-access-token-bob "$BOB")" 200 "(--dry-run blocked nobody)"
as_rc 0 ROOT --json admin limits enforce
json_ok '.policy == "updated" and .blocked == ["bob@example.com"] and (.unblocked | length) == 0
  and ([.members[] | select(.member == "bob@example.com")][0] | .blocked and .estimated_usd > 5 and .percent > 100)'
assert_eq "$(converse sso:fake-sso-access-token-bob "$BOB")" 403 "(bob blocked)"
assert_eq "$(converse sso:fake-sso-access-token-dana "$DANA")" 200 "(dana still works)"
as_rc 0 ROOT --json admin limits enforce
json_ok '.policy == "unchanged" and (.blocked | length) == 0'
state iam/state | jq -e '[.policies[] | select(.name == "clinecfg-blocked")][0].versions | length == 2' >/dev/null \
  || fail "an unchanged set made a version: $(state iam/state)"

note "limits list shows it"
as_rc 0 ROOT --json admin limits list --team teamA
json_ok '(.members | length) == 50 and ([.members[] | select(.blocked)] | map(.member)) == ["bob@example.com"]
  and ([.members[] | select(.member == "bob@example.com")][0] | .limit_usd == 5 and .billed_usd > 5)'
as_rc 0 ROOT admin limits list
printf '%s\n' "$out" | grep -q '^bob@example.com .* blocked' || fail "list: $out"

note "a raised limit and enforce unblock"
as_rc 0 ROOT --json admin limits set --monthly-usd 50 --member bob@example.com --notify email:finance@example.com
json_ok '.members[0].status == "updated" and .write_calls == 1'
as_rc 0 ROOT --json admin limits enforce
json_ok '.policy == "updated" and .unblocked == ["bob@example.com"]'
assert_eq "$(converse sso:fake-sso-access-token-bob "$BOB")" 200 "(bob unblocked)"

note "enforce attaches clinecfg-blocked to IAM principals, once; Identity Center roles are refused"
as_rc 0 ROOT admin limits enforce --user bob
printf '%s\n' "$out" | grep -q '^user *bob *attached' || fail "attach: $out"
as_rc 0 ROOT admin limits enforce --user bob
printf '%s\n' "$out" | grep -q '^user *bob *unchanged' || fail "reattach: $out"
state iam/state | jq -e '.attached.user.bob | map(test("policy/clinecfg-blocked$")) | length == 1' >/dev/null || fail "bob's attachments"
as_rc 5 ROOT admin limits enforce --role AWSReservedSSO_Ops_0123456789abcdef
assert_contains "$T_HOME/err" "permission set"
as_rc 0 ROOT --json --dry-run admin limits set --monthly-usd 5 --member bob@example.com
json_ok '.planned_calls[0].call == "UpdateBudget"'
as_rc 0 ROOT --json --dry-run admin limits enforce
json_ok '(.planned_calls | length) == 0 and .policy == "unchanged"'

note "--budget-action: AWS's own action denies an IAM user without enforce"
as_rc 0 ROOT --json admin policy enforce --apply --name clinecfg-enforce --user alice
ALICE=$(profile_arn alice)
as_rc 2 ROOT admin limits set --monthly-usd 5 --member alice --budget-action
as_rc 0 ROOT --json admin limits set --monthly-usd 5 --member alice --notify email:finance@example.com \
  --budget-action --execution-role arn:aws:iam::123456789012:role/clinecfg-budgets
json_ok '.members[0].actions_changed == 1'
as_rc 0 ROOT --json admin limits set --monthly-usd 5 --member alice --notify email:finance@example.com \
  --budget-action --execution-role arn:aws:iam::123456789012:role/clinecfg-budgets
json_ok '.write_calls == 0'
state budgets/state | jq -e '.budgets["clinecfg-teamA-alice"].actions | length == 1 and .[0].ApprovalModel == "AUTOMATIC"
  and .[0].ActionThreshold.ActionThresholdValue == 100 and .[0].Definition.IamActionDefinition.Users == ["alice"]' >/dev/null \
  || fail "budget action: $(state budgets/state | jq -c '.budgets["clinecfg-teamA-alice"]')"
assert_eq "$(converse alice "$ALICE")" 200 "(alice before)"
use alice 2000000
assert_eq "$(converse alice "$ALICE")" 403 "(alice denied by the budget action)"
state iam/state | jq -e '.attached.user.alice | map(test("policy/clinecfg-blocked-alice$")) | any' >/dev/null \
  || fail "the deny policy is not attached to alice"

note "the emulator's IAM: DeletePolicy refuses while attached; ListEntitiesForPolicy pages"
DENY_ARN=arn:aws:iam::123456789012:policy/clinecfg-blocked-alice
assert_eq "$(iam DeletePolicy PolicyArn=$DENY_ARN | jq -r .code)" DeleteConflict "(attached)"
iam AttachGroupPolicy GroupName=devs PolicyArn=$DENY_ARN | jq -e '.status == 200' >/dev/null || fail "attach to devs"
iam ListEntitiesForPolicy PolicyArn=$DENY_ARN MaxItems=1 \
  | jq -e '.names == ["devs"] and .truncated == "true" and .marker != null' >/dev/null || fail "ListEntitiesForPolicy page 1"
iam ListEntitiesForPolicy PolicyArn=$DENY_ARN MaxItems=1 Marker=1 \
  | jq -e '.names == ["alice"] and .truncated == "false"' >/dev/null || fail "ListEntitiesForPolicy page 2"
iam CreatePolicyVersion PolicyArn=$DENY_ARN SetAsDefault=false \
  "PolicyDocument={\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"bedrock:InvokeModel\", \"Resource\": \"*\"}]}" \
  | jq -e '.status == 200' >/dev/null || fail "a second version"
assert_eq "$(iam DeletePolicy PolicyArn=arn:aws:iam::123456789012:policy/nope | jq -r .code)" NoSuchEntity "(missing)"

note "alice in a second team: removing one of her limits keeps the deny the other's action names"
as_rc 0 ROOT --json admin limits set --monthly-usd 5 --member alice --hourly-tokens 100000000 \
  --notify email:finance@example.com --budget-action --execution-role arn:aws:iam::123456789012:role/clinecfg-budgets
json_ok '.members[0].alarms_changed == 1 and .write_calls == 1'
as_rc 0 ROOT --json admin limits set --team teamB --monthly-usd 5 --member alice \
  --budget-action --execution-role arn:aws:iam::123456789012:role/clinecfg-budgets
json_ok '.members[0].status == "created" and .members[0].actions_changed == 1'
as_rc 0 ROOT --json admin limits remove --team teamB --member alice
json_ok '.members[0].removed == 2 and .members[0].policy_removed == false'
assert_contains "$T_HOME/err" "kept the deny policy clinecfg-blocked-alice"
state iam/state | jq -e --arg p "$DENY_ARN" '.attached.user.alice | index($p)' >/dev/null \
  || fail "removing teamB's limit took teamA's deny off alice"

note "alice over her limit is in clinecfg-blocked; a look-alike policy exists"
as_rc 0 ROOT --json admin limits enforce
json_ok '.blocked == ["alice"]'
as_rc 0 ROOT --json admin policy enforce --apply --name clinecfg-blocked-alice2 --group devs
as_rc 0 ROOT --json admin policy enforce --apply --name clinecfg-blocked-alic --group devs

note "remove --dry-run lists every call, the deny policy's teardown too, and makes none"
state budgets/state > "$T_HOME/budgets-before.json"
as_rc 0 ROOT --json --dry-run admin limits remove --member alice
json_ok '[.planned_calls[].call] == ["DeleteBudgetAction", "DeleteBudget", "DeleteAlarms",
  "iam:DetachUserPolicy alice '"$DENY_ARN"'", "iam:DetachGroupPolicy devs '"$DENY_ARN"'",
  "iam:DeletePolicyVersion '"$DENY_ARN"' v2", "iam:DeletePolicy '"$DENY_ARN"'"]
  and .members[0].removed == 4'
state budgets/state | jq -e --slurpfile b "$T_HOME/budgets-before.json" '.write_calls == $b[0].write_calls' >/dev/null \
  || fail "remove --dry-run wrote to Budgets"
state iam/state | jq -e --arg p "$DENY_ARN" '[.policies[] | select(.arn == $p)] | length == 1' >/dev/null \
  || fail "remove --dry-run deleted the deny policy"
as_rc 0 ROOT --dry-run admin limits remove --member alice
printf '%s\n' "$out" | grep -q '^clinecfg-teamA-alice .*would remove$' || fail "remove --dry-run text: $out"

note "removing alice's limit deletes the action, budget, alarm and deny policy, and only those"
as_rc 0 ROOT --json admin limits remove --member alice
json_ok '.members[0].removed == 4 and .members[0].policy_removed and .members[0].still_blocked and .write_calls == 7'
assert_contains "$T_HOME/err" "the next \`clinecfg admin limits enforce\` unblocks them"
state iam/state | jq -e --arg p "$DENY_ARN" '([.policies[] | select(.arn == $p)] | length == 0)
  and (.attached.user.alice | map(test("policy/clinecfg-blocked")) | any | not)
  and (.attached.group.devs | map(sub(".*/"; "")) | sort == ["clinecfg-blocked-alic", "clinecfg-blocked-alice2"])
  and ([.policies[].name] | index("clinecfg-blocked-alice2") and index("clinecfg-blocked-alic"))' >/dev/null \
  || fail "the deny policy: $(state iam/state | jq -c '{p: [.policies[].name], a: .attached}')"
state budgets/state | jq -e '.budgets | has("clinecfg-teamA-alice") or has("clinecfg-teamB-alice") | not' >/dev/null \
  || fail "alice's budget is still there"
state alarms/state | jq -e '.alarms | keys | map(startswith("clinecfg-teamA-alice-")) | any | not' >/dev/null \
  || fail "alice's alarm is still there"
assert_eq "$(converse alice "$ALICE")" 200 "(alice after remove)"

note "a rerun has nothing to remove and makes no change"
curl -sf -X POST "$FAKE_AWS_URL/__admin/reset-stats" >/dev/null || fail "reset-stats"
as_rc 0 ROOT admin limits remove --member alice
printf '%s\n' "$out" | grep -q '^clinecfg-teamA-alice  *nothing to remove$' || fail "rerun: $out"
state stats | jq -e '.requests | keys | map(select(test("^(Create|Update|Put|Delete|Attach|Detach|Tag|Untag)")))
  | length == 0' >/dev/null || fail "the rerun changed something: $(state stats | jq -c .requests)"
as_rc 0 ROOT --json admin limits enforce
json_ok '.policy == "updated" and (.blocked | length) == 0'

note "--hourly-tokens: the alarm reaches ALARM in one evaluation"
as_rc 0 ROOT --json admin limits set --monthly-usd 50 --member dana@example.com --hourly-tokens 1000 \
  --notify sns:arn:aws:sns:us-east-1:123456789012:clinecfg-alerts
json_ok '.members[0].alarms_changed == 1'
ALARM=$(state alarms/state | jq -r '.alarms | keys[0]')
case "$ALARM" in clinecfg-teamA-dana@example.com-*-hourly-tokens) ;; *) fail "alarm name: $ALARM" ;; esac
as_rc 0 ROOT --json admin limits set --monthly-usd 50 --member dana@example.com --hourly-tokens 1000 \
  --notify sns:arn:aws:sns:us-east-1:123456789012:clinecfg-alerts
json_ok '.write_calls == 0'
state alarms/state | jq -e --arg a "$ALARM" '.alarms[$a].state == "OK"' >/dev/null || fail "alarm before: $(state alarms/state)"
use dana@example.com 1500
curl -sf -X POST "$FAKE_AWS_URL/__admin/alarms/evaluate" >/dev/null || fail "alarms/evaluate"
state alarms/state | jq -e --arg a "$ALARM" '.alarms[$a].state == "ALARM" and (.notified[0].actions == ["arn:aws:sns:us-east-1:123456789012:clinecfg-alerts"])' >/dev/null \
  || fail "alarm after: $(state alarms/state)"
as_rc 0 ROOT --json admin limits list
json_ok '[.members[] | select(.member == "dana@example.com")][0].alarm == "ALARM"'

note "remove deletes what set made for that member, and only that"
as_rc 0 ROOT --json admin limits remove --member dana@example.com
json_ok '.members[0].removed == 2'
state budgets/state | jq -e '(.budgets | length) == 48 and (.budgets | has("clinecfg-teamA-dana@example.com") | not)' >/dev/null \
  || fail "remove: budgets"
state alarms/state | jq -e '.alarms | length == 0' >/dev/null || fail "remove: alarms"
as_rc 0 ROOT --json admin limits remove --member dana@example.com
json_ok '.members[0].removed == 0 and .write_calls == 0'

note "names within Budgets' rules"
as_rc 0 ROOT --json --dry-run admin limits set --monthly-usd 5 --member 'x:y\z' --team t
json_ok '.planned_calls[0].body.Budget.BudgetName | test("^clinecfg-t-x_y_z-[0-9a-f]{8}$")'

#!/bin/sh
# setup_developer_policy.sh - `setup` under the `developer` policy: reading
# another member's profile tags is denied, and setup reads that as "not
# yours" (exit 8 when the name matches, nothing written) instead of a
# failure; alice's own profile is created; one tagged for bob is denied and
# becomes a request (exit 3).
. "$CLINECFG_TOP/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
t_home
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
SRC=arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/$MODEL
SEED="$T_HOME/seed.json"
jq --arg src "$SRC" '.application_profiles = [
  {"name": "teamb-bedrock-alice", "tags": {"Team": "teamB", "MemberName": "mallory"}, "copy_from": $src, "region": "ap-northeast-1"}
]' "$CLINECFG_TOP/tests/fake_aws/seed-default.json" > "$SEED"
fake_aws_start --seed "$SEED"
mkdir -p "$XDG_CONFIG_HOME/clinecfg"
cat > "$XDG_CONFIG_HOME/clinecfg/config.json" <<JSON
{ "team": "teamA", "model": "$MODEL", "region": "ap-northeast-1" }
JSON
. "$CLINECFG_TOP/tests/integration/principals.sh.inc"
tags_denied() { # tags_denied ARN_SUBSTRING -> how many of alice's ListTagsForResource on it were denied
  jq -s --arg a "$1" '[.[] | select(.op == "ListTagsForResource" and .access_key_id == "AKIAFAKEALICE0000000"
    and .status == 403)] | length' "$FAKE_AWS_DIR/requests.jsonl"
}

note "developer applied to alice"
as_rc 0 ROOT --json admin policy developer --apply --name clinecfg-developer --user alice
json_ok '.policy == "created" and .attachments[0].status == "attached"'

note "a profile named like alice's but tagged for mallory: exit 8, not 5; nothing written to Cline"
as_rc 8 ALICE --json setup -y --team teamB
json_ok '.exit_code == 8 and .error.code == "profile.other_member"'
json_ok '.error.message | test("teamb-bedrock-alice") and test("not yours")'
[ "$(tags_denied teamb-bedrock-alice)" -ge 1 ] || fail "the tag read was not denied: the test proves nothing"
[ ! -e "$HOME/.cline" ] || fail "a conflict wrote Cline files"
[ ! -e "$HOME/.aws/config" ] || fail "a conflict wrote ~/.aws/config"
curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0" | jq -e '[.application_profiles[] | select(.name == "teamb-bedrock-alice")][0].tags.MemberName == "mallory"' >/dev/null \
  || fail "mallory's profile was changed"

note "her own profile: created, exit 0"
as_rc 0 ALICE --json setup -y --targets aws-config
json_ok '.exit_code == 0 and .profile.created == true'
curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0" | jq -e '[.application_profiles[] | select(.tags.MemberName == "alice")] | length == 1' >/dev/null \
  || fail "setup did not create alice's profile"
note "a rerun finds it (her own tags are readable)"
as_rc 0 ALICE --json setup -y --targets aws-config
json_ok '.profile.created == false'

note "a profile tagged for bob is denied and becomes a request (exit 3)"
as_rc 3 ALICE --json setup -y --targets aws-config --member bob
json_ok '.exit_code == 3'
curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0" | jq -e '[.application_profiles[] | select(.tags.MemberName == "bob")] | length == 0' >/dev/null \
  || fail "a profile tagged for bob was created"

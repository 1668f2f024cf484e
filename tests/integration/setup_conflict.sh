#!/bin/sh
# setup_conflict.sh - a same-named profile with other tags (exit 8, then
# --fix-tags), one with another model (exit 8 even with --fix-tags), and a
# profile found by its tags under another name, among 5,000 other profiles.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
SRC=arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/$MODEL
JPSRC=arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/jp.anthropic.claude-sonnet-4-5-20250929-v1:0
SEED="$T_HOME/seed.json"
jq --arg src "$SRC" --arg jp "$JPSRC" '.filler_profiles = 5000 | .application_profiles = [
  {"name": "teama-bedrock-alice", "tags": {"Team": "teamB", "MemberName": "alice"}, "copy_from": $src, "region": "ap-northeast-1"},
  {"name": "teama-bedrock-bob", "tags": {"Team": "teamA", "MemberName": "bob"}, "copy_from": $jp, "region": "ap-northeast-1"},
  {"name": "old-style-carol-profile", "tags": {"Team": "teamA", "MemberName": "carol@example.com"}, "copy_from": $src, "region": "ap-northeast-1"}
]' "$CLINECFG_TOP/tests/fake_aws/seed-default.json" > "$SEED"
fake_aws_start --seed "$SEED"
tags_of() { curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0" | jq -c --arg n "$1" '.application_profiles[] | select(.name == $n) | .tags'; }

note "same name, other tags: exit 8 with a precise report; nothing written"
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
expect_rc 8 --json setup -y --team teamA --model "$MODEL" --region ap-northeast-1
json_ok '.error.message | test("Team=teamB \\(expected teamA\\)")'
json_ok '.error.hint | test("--fix-tags")'
[ ! -e "$HOME/.cline" ] || fail "a conflict wrote Cline files"
expect_rc 0 --json setup -y --team teamA --model "$MODEL" --region ap-northeast-1 --fix-tags
json_ok '.profile.retagged == true and .profile.created == false'
tags_of teama-bedrock-alice | jq -e '.Team == "teamA" and .MemberName == "alice"' >/dev/null || fail "not retagged: $(tags_of teama-bedrock-alice)"

note "same name, another model: exit 8, and --fix-tags does not touch it"
export AWS_ACCESS_KEY_ID=AKIAFAKEBOB000000000 AWS_SECRET_ACCESS_KEY=fake/bob/SecretKey+fake/bob/SecretKey+fa
export HOME="$T_HOME/bob"; mkdir -p "$HOME"; export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state"
expect_rc 8 setup -y --team teamA --model "$MODEL" --region ap-northeast-1 --fix-tags
assert_contains "$err" "copies another model"
tags_of teama-bedrock-bob | jq -e '.Team == "teamA"' >/dev/null || fail "model-mismatch profile was changed"

# carol is an assumed-role session: her member name is the whole session name.
note "names that do not follow the template: tags decide"
export HOME="$T_HOME/carol"; mkdir -p "$HOME"; export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state"
# Temporary keys only in the environment are no source Cline can use: they sit in a profile.
mkdir -p "$HOME/.aws"
printf '[carol]\naws_access_key_id = ASIAFAKECAROL0000000\naws_secret_access_key = fake/carol/SecretKey+fake/carol/SecretKe\naws_session_token = FakeSessionTokenForCarol//assumed-role/Developer=\n' >"$HOME/.aws/credentials"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN; export AWS_PROFILE=carol
expect_rc 0 --json setup -y --team teamA --model "$MODEL" --region ap-northeast-1
json_ok '.identity.member == "carol@example.com" and .profile.created == false and (.profile.arn | test("application-inference-profile/"))'
assert_contains "$err" "by its tags"

#!/bin/sh
# setup_identity.sh - the member name is the identity, unabridged: an IAM
# user `alice`, an IAM Identity Center (SSO) user `alice@example.com` and
# `--member alice@partner.com` get three profiles, each tagged with the exact
# identity and named by the injective rule (sanitised stem + 8 hex digits of
# SHA-256 when sanitising changed anything).  A profile named like yours but
# tagged for someone else is exit 8, naming both identities, even with
# --fix-tags, and nothing is written for Cline.  member_rule
# "email-local-part" keeps short names and stops where two identities meet.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
MODEL=apac.anthropic.claude-sonnet-4-5-20250929-v1:0
SRC=arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/$MODEL
SSO_ARN=arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_BedrockDeveloper_0123456789abcdef/alice@example.com
SEED="$T_HOME/seed.json"
jq --arg src "$SRC" --arg sso "$SSO_ARN" '
  .sso += [{"access_token": "fake-sso-access-token-alice", "account_id": "123456789012",
            "role_name": "BedrockDeveloper", "expires_in": 28800, "arn": $sso}]
  | .application_profiles = [
  {"name": "teama-bedrock-frank", "tags": {"Team": "teamA", "MemberName": "frank@example.com"}, "copy_from": $src, "region": "ap-northeast-1"},
  {"name": "teamc-bedrock-carol", "tags": {"Team": "teamC", "MemberName": "carol"}, "copy_from": $src, "region": "ap-northeast-1"},
  {"name": "teamd-bedrock-alice", "tags": {"Team": "teamD", "MemberName": "alice@example.com"}, "copy_from": $src, "region": "ap-northeast-1"}
]' "$CLINECFG_TOP/tests/fake_aws/seed-default.json" > "$SEED"
fake_aws_start --seed "$SEED"
state() { curl -sf "$FAKE_AWS_URL/__admin/state?fillers=0"; }
tags_of() { state | jq -c --arg n "$1" '.application_profiles[] | select(.name == $n) | .tags'; }
hash8() { printf '%s' "$1" | sha256sum | cut -c1-8; }
# Each person on their own machine: a fresh HOME, no remembered profile.
as_home() { export HOME="$T_HOME/$1"; mkdir -p "$HOME"; export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state"; }
iam() { # USER: that seeded IAM user's keys
  unset AWS_SESSION_TOKEN AWS_PROFILE
  U=$(printf '%s' "$1" | tr a-z A-Z)
  export AWS_ACCESS_KEY_ID=$(printf 'AKIAFAKE%s00000000000000' "$U" | cut -c1-20)
  export AWS_SECRET_ACCESS_KEY=$(jq -r --arg n "$1" '.users[] | select(.name == $n) | .secret_access_key' "$SEED")
}
SETUP="setup -y --model $MODEL --region ap-northeast-1"

note "IAM user alice: teama-bedrock-alice, MemberName=alice (the name earlier versions gave too)"
as_home alice; iam alice
expect_rc 0 --json $SETUP --team teamA
json_ok '.identity.member == "alice" and .profile.name == "teama-bedrock-alice" and .profile.created == true
  and .profile.tags.MemberName == "alice"'
ARN_IAM=$(printf '%s\n' "$out" | jq -r .profile.arn)

note "SSO user alice@example.com: her own profile, tagged with the whole e-mail"
as_home alice-sso; unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
mkdir -p "$HOME/.aws/sso/cache"
cat > "$HOME/.aws/config" <<CFG
[profile dev-sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = BedrockDeveloper
region = ap-northeast-1

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
CFG
EXPIRES=$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
printf '{"startUrl": "https://example.awsapps.com/start", "region": "us-east-1", "accessToken": "fake-sso-access-token-alice", "expiresAt": "%s"}\n' \
  "$EXPIRES" > "$HOME/.aws/sso/cache/$(printf corp | sha1sum | cut -c1-40).json"
SSO_NAME="teama-bedrock-alice-example-com-$(hash8 alice@example.com)"
expect_rc 0 --json $SETUP --team teamA --aws-profile dev-sso
json_ok --arg n "$SSO_NAME" '.identity.member == "alice@example.com" and .profile.name == $n and .profile.created == true
  and .profile.tags.MemberName == "alice@example.com"'
ARN_SSO=$(printf '%s\n' "$out" | jq -r .profile.arn)
assert_contains "$err" "member name 'alice@example.com' from caller ARN"

note "an earlier version's profile, retagged with the whole identity: found by its tags, name kept"
expect_rc 0 --json $SETUP --team teamD --aws-profile dev-sso
json_ok '.profile.name == "teamd-bedrock-alice" and .profile.created == false'
assert_contains "$err" "by its tags"

note "--member alice@partner.com: a third profile"
as_home partner; iam alice
PARTNER_NAME="teama-bedrock-alice-partner-com-$(hash8 alice@partner.com)"
expect_rc 0 --json $SETUP --team teamA --member alice@partner.com
json_ok --arg n "$PARTNER_NAME" '.identity.member == "alice@partner.com" and .profile.name == $n
  and .profile.created == true and .profile.tags.MemberName == "alice@partner.com"'
ARN_PARTNER=$(printf '%s\n' "$out" | jq -r .profile.arn)

[ "$ARN_IAM" != "$ARN_SSO" ] && [ "$ARN_IAM" != "$ARN_PARTNER" ] && [ "$ARN_SSO" != "$ARN_PARTNER" ] \
  || fail "two identities share a profile: $ARN_IAM $ARN_SSO $ARN_PARTNER"
tags_of teama-bedrock-alice | jq -e '.MemberName == "alice"' >/dev/null || fail "alice's tags: $(tags_of teama-bedrock-alice)"
tags_of "$SSO_NAME" | jq -e '.MemberName == "alice@example.com"' >/dev/null || fail "SSO tags: $(tags_of "$SSO_NAME")"
tags_of "$PARTNER_NAME" | jq -e '.MemberName == "alice@partner.com"' >/dev/null || fail "partner tags"

note "each finds their own again (a new machine: by name and exact tags)"
as_home alice-again; iam alice
expect_rc 0 --json $SETUP --team teamA
json_ok --arg a "$ARN_IAM" '.profile.arn == $a and .profile.created == false'
as_home partner-again
expect_rc 0 --json $SETUP --team teamA --member alice@partner.com
json_ok --arg a "$ARN_PARTNER" '.profile.arn == $a and .profile.created == false'

note "admin provision --roster names and tags members as their own setup does"
printf 'team,member\nteamA,alice\nteamA,alice@example.com\nteamA,alice@partner.com\n' > "$T_HOME/roster.csv"
expect_rc 0 --json admin provision --roster "$T_HOME/roster.csv" --model "$MODEL" --region ap-northeast-1
json_ok '.summary.existing == 3 and .summary.created == 0'
json_ok --arg a "$ARN_IAM" --arg s "$ARN_SSO" --arg p "$ARN_PARTNER" '[.rows[].arn] == [$a, $s, $p]'
printf 'team,member\nteamA,smith#john\n' > "$T_HOME/roster-bad.csv"
run_cc --json admin provision --roster "$T_HOME/roster-bad.csv" --model "$MODEL" --region ap-northeast-1
[ "$rc" != 0 ] || fail "a roster member Bedrock cannot tag was provisioned: $out"
printf '%s\n' "$out" | grep -q "U+0023" || fail "the roster error does not name '#': $out"

note "a profile named like yours but tagged for someone else: exit 8 naming both, nothing written"
as_home frank; iam frank
expect_rc 8 --json $SETUP --team teamA
json_ok '.error.message | test("MemberName=frank@example.com") and test("you \\(MemberName=frank\\)")'
[ ! -e "$HOME/.cline" ] && [ ! -e "$HOME/.aws/config" ] || fail "a conflict wrote files for Cline"
expect_rc 8 $SETUP --team teamA --fix-tags
tags_of teama-bedrock-frank | jq -e '.MemberName == "frank@example.com"' >/dev/null \
  || fail "--fix-tags retagged someone else's profile: $(tags_of teama-bedrock-frank)"
[ ! -e "$HOME/.cline" ] || fail "--fix-tags wrote Cline files"

note "setup --wait: a profile that appears under your name tagged for someone else is exit 8, not yours"
as_home bob-wait; iam bob
env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_STATE_HOME="$XDG_STATE_HOME" \
  "$CLINECFG_BIN" --json $SETUP --team teamW --wait=30 >"$T_HOME/wait.json" 2>"$T_HOME/wait.err" &
WAITER=$!
i=0; until grep -q "Waiting up to" "$T_HOME/wait.err" 2>/dev/null; do
  i=$((i+1)); [ $i -lt 200 ] || fail "setup --wait never started waiting: $(cat "$T_HOME/wait.err")"; sleep 0.1
done
( as_home squatter; iam alice
  expect_rc 0 --json $SETUP --team teamW --profile-name teamw-bedrock-bob --member bob@elsewhere.com )
wrc=0; wait $WAITER || wrc=$?
[ $wrc = 8 ] || { cat "$T_HOME/wait.err"; fail "setup --wait ended with $wrc, expected 8"; }
jq -e '.error.message | test("MemberName=bob@elsewhere.com") and test("MemberName=bob\\)")' "$T_HOME/wait.json" >/dev/null \
  || fail "wait JSON: $(cat "$T_HOME/wait.json")"
[ ! -e "$HOME/.cline" ] || fail "setup --wait wrote someone else's profile for Cline"

note "identities Bedrock cannot tag are refused, naming the character"
as_home unicode; iam alice
expect_rc 4 --json $SETUP --team teamA --member "$(printf '\303\245lice')"
json_ok '.error.message | test("U\\+00E5") and test("position 1")'
expect_rc 4 $SETUP --team teamA --member "smith,john"
assert_contains "$err" "','"
state | jq -e '[.application_profiles[] | select(.name | test("lice|smith"))] | length == 4' >/dev/null \
  || fail "a refused identity created a profile"

note "an SSO user whose earlier profile carries the e-mail's local part gets a new one; the old one is untouched"
as_home carol
# Temporary keys only in the environment are no source Cline can use: they sit in a profile.
mkdir -p "$HOME/.aws"
printf '[carol]\naws_access_key_id = ASIAFAKECAROL0000000\naws_secret_access_key = fake/carol/SecretKey+fake/carol/SecretKe\naws_session_token = FakeSessionTokenForCarol//assumed-role/Developer=\n' >"$HOME/.aws/credentials"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
AWS_PROFILE=carol expect_rc 0 --json $SETUP --team teamC
json_ok --arg n "teamc-bedrock-carol-example-com-$(hash8 carol@example.com)" '.profile.name == $n and .profile.created == true'
tags_of teamc-bedrock-carol | jq -e '.MemberName == "carol"' >/dev/null || fail "the old profile was changed"

note "member_rule email-local-part: short names, and a stop where two identities meet"
ORG="$T_HOME/org.json"
printf '{ "member_rule": "email-local-part" }\n' > "$ORG"
as_home sso-short; unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
cp -r "$T_HOME/alice-sso/.aws" "$HOME/.aws"
expect_rc 8 --json --org-config "$ORG" $SETUP --team teamA --aws-profile dev-sso
json_ok '.error.message | test("teama-bedrock-alice") and test("MemberName=alice[),;]") and test("alice@example.com")'
json_ok '.error.hint | test("email-local-part")'
[ ! -e "$HOME/.cline" ] || fail "the email-local-part conflict wrote Cline files"
expect_rc 0 --json --org-config "$ORG" $SETUP --team teamB --aws-profile dev-sso
json_ok '.profile.name == "teamb-bedrock-alice" and .profile.tags.MemberName == "alice@example.com"'
printf '{ "member_rule": "first-name" }\n' > "$ORG"
expect_rc 4 --org-config "$ORG" $SETUP --team teamB --aws-profile dev-sso
assert_contains "$err" "member_rule"
echo "setup identity: ok"

#!/bin/sh
# config_layers.sh - org file < user file < --config file < CLINECFG_* < flags,
# comments allowed everywhere, maps merged per key, and each value says
# which layer it came from.
. "$CLINECFG_TOP/tests/lib.sh"
t_home
cat > "$CLINECFG_ORG_CONFIG" <<'JSON'
{
  /* org defaults */
  "region": "ap-northeast-1",
  "model": "apac.anthropic.claude-sonnet-4-5-20250929-v1:0",
  "team": "org-team",
  "tag_keys": { "team": "Team", "member": "MemberName" },
  "extra_tags": { "CostCenter": "cc-org", "Org": "acme" },
  "allowed_regions": ["ap-northeast-1", "ap-northeast-3", "ap-southeast-2"],
  "request": { "webhook_url": "https://hooks.example.com/bedrock" },
}
JSON
mkdir -p "$XDG_CONFIG_HOME/clinecfg"
cat > "$XDG_CONFIG_HOME/clinecfg/config.json" <<'JSON'
{
  "team": "user-team", // mine
  "extra_tags": { "CostCenter": "cc-user" }
}
JSON
printf '{ "name_template": "{member}-{team}" }\n' > "$T_HOME/extra.json"

expect_rc 0 --json --config "$T_HOME/extra.json" status
json_ok '.config.region.source == "org" and .config.team.value == "user-team" and .config.team.source == "user"
  and .config.name_template.source == "config" and .config.name_template.value == "{member}-{team}"
  and .config.extra_tags.value == {"CostCenter": "cc-user", "Org": "acme"}
  and .config["request.webhook_url"].value == "https://hooks.example.com/bedrock"
  and (.config.team.origin | endswith("config.json:2:3"))'

CLINECFG_TEAM=env-team CLINECFG_EXTRA_TAGS="Project=p1,CostCenter=cc-env" expect_rc 0 --json --config "$T_HOME/extra.json" status
json_ok '.config.team.value == "env-team" and .config.team.source == "env"
  and .config.extra_tags.value == {"CostCenter": "cc-env", "Org": "acme", "Project": "p1"}'

note "flags win over everything (seen through setup's dry run)"
fake_aws_start
export AWS_ACCESS_KEY_ID=AKIAFAKEALICE0000000 AWS_SECRET_ACCESS_KEY=fake/alice/SecretKey+fake/alice/SecretKe
CLINECFG_TEAM=env-team expect_rc 0 --json --dry-run setup -y --team flag-team
json_ok '.profile.tags.Team == "flag-team" and .profile.name == "flag-team-bedrock-alice" and .profile.tags.Org == "acme"'

note "a missing --config file and bad values are exit 4 with the place named"
expect_rc 4 --config "$T_HOME/nope.json" status
assert_contains "$err" "$T_HOME/nope.json"
printf '{ "allowed_regions": "ap-northeast-1" }' > "$T_HOME/bad.json"
expect_rc 4 --config "$T_HOME/bad.json" status
assert_contains "$err" "$T_HOME/bad.json:1:3: allowed_regions must be an array of strings"
printf '{ "region": "tokyo" }' > "$T_HOME/bad.json"
expect_rc 4 --config "$T_HOME/bad.json" status
assert_contains "$err" "is not an AWS region name"
printf '\xef\xbb\xbf{ "team": "t\xff" }' > "$T_HOME/bad.json"
expect_rc 4 --config "$T_HOME/bad.json" status
assert_contains "$err" "$T_HOME/bad.json:1:"
CLINECFG_REGION=Tokyo expect_rc 4 status
assert_contains "$err" "CLINECFG_REGION"
CLINECFG_EXTRA_TAGS=novalue expect_rc 4 status
assert_contains "$err" "KEY=VALUE"

note "session_duration beyond any integer: a range error naming file:line:col, not undefined behaviour"
for v in 1e300 -1e300 1e999 9.3e18; do
  printf '{\n  "session_duration": %s\n}\n' "$v" > "$T_HOME/big.json"
  expect_rc 4 --config "$T_HOME/big.json" status
  assert_contains "$err" "$T_HOME/big.json:2:3: session_duration"
  assert_contains "$err" "is outside 900..129600 seconds"
done
printf '{ "session_duration": 3600.5 }' > "$T_HOME/big.json"
expect_rc 4 --config "$T_HOME/big.json" status
assert_contains "$err" "$T_HOME/big.json:1:3: session_duration must be a whole number"
CLINECFG_SESSION_DURATION=99999999999999999999 expect_rc 4 status
assert_contains "$err" "CLINECFG_SESSION_DURATION"
printf '{ "session_duration": 3600 }' > "$T_HOME/ok.json"
expect_rc 0 --json --config "$T_HOME/ok.json" status
json_ok '.config.session_duration.value == 3600'

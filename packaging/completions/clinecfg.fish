# fish completion for clinecfg.  Installed as
# $(DATADIR)/fish/vendor_completions.d/clinecfg.fish.
# The option lists mirror the tables in src/cli.c and src/cmd/*.c;
# tests/integration/packaging_completions.sh (in the shells) and
# tests/integration/cli_tables.sh (as text) compare them with --help.

set -l __clinecfg_commands setup login logout credential-process status doctor restore admin usage whoami config

function __clinecfg_aws_profiles
    set -l files
    if set -q AWS_CONFIG_FILE
        set -a files $AWS_CONFIG_FILE
    else
        set -a files ~/.aws/config
    end
    if set -q AWS_SHARED_CREDENTIALS_FILE
        set -a files $AWS_SHARED_CREDENTIALS_FILE
    else
        set -a files ~/.aws/credentials
    end
    for f in $files
        test -r $f; or continue
        string match -r '^\s*\[\s*(?:profile\s+)?([^\]\s]+)\s*\]' --groups-only <$f
    end | string match -v -r '^(sso-session|services)$' | sort -u
end

# The last element of a comma-separated --targets value.
function __clinecfg_targets
    set -l tok (commandline -ct | string replace -r '^--targets=' '')
    set -l head (string match -r '^.*,' -- $tok)
    for t in cline-extension cline-cli aws-config
        printf '%s%s\n' "$head" $t
    end
end

function __clinecfg_backups
    set -l state $HOME/.local/state
    set -q XDG_STATE_HOME; and set state $XDG_STATE_HOME
    # Run ids are the folders under the backups folder.
    for d in $state/clinecfg/backups/*/
        basename $d
    end
end

# The positional words of the command line so far (options and their values skipped).
function __clinecfg_positionals
    set -l words (commandline -opc)
    set -l takes_value --config --org-config --team --member --model --region --aws-profile --profile-name \
        --targets --account --mode --access-key-id --from-profile --request --roster --concurrency --file \
        --principal --name --user --role --group --since --until --period --format -o --output --start-url \
        --sso-region --account-id --role-name --source --endpoint-sts --endpoint-sso --endpoint-sso-oidc \
        --monthly-usd --notify --alert-at --hourly-tokens --execution-role
    set -l skip 0
    for w in $words[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        if string match -q -- '-*' $w
            if not string match -q -- '*=*' $w; and contains -- $w $takes_value
                set skip 1
            end
            continue
        end
        echo $w
    end
end

# True when the command is $argv[1] and it has exactly $argv[2] positional words so far.
function __clinecfg_nth_arg
    set -l pos (__clinecfg_positionals)
    test (count $pos) -ge 1; and test "$pos[1]" = $argv[1]; and test (math (count $pos) - 1) = $argv[2]
end

# True on `clinecfg admin $argv[1] ...`: the options offered are that subcommand's.
function __clinecfg_admin_sub
    set -l pos (__clinecfg_positionals)
    test (count $pos) -ge 2; and test "$pos[1]" = admin; and test "$pos[2]" = $argv[1]
end

complete -c clinecfg -f

# Global options.
complete -c clinecfg -s h -l help -d 'show help for clinecfg or for a command'
complete -c clinecfg -l version -d 'print the version and exit'
complete -c clinecfg -l json -d 'print exactly one JSON object on stdout'
complete -c clinecfg -s v -l verbose -d 'trace what happens on stderr (never secrets)'
complete -c clinecfg -s q -l quiet -d 'no progress lines on stderr'
complete -c clinecfg -l no-color -d 'no colour'
complete -c clinecfg -s y -l yes -d 'never prompt; take the defaults'
complete -c clinecfg -l dry-run -d 'show a diff of planned file changes; touch nothing'
complete -c clinecfg -l config -r -F -d 'an extra config layer, above the user config'
complete -c clinecfg -l org-config -r -F -d 'use FILE instead of /etc/clinecfg/config.json'
complete -c clinecfg -l allow-insecure-endpoint -d 'allow plain http:// AWS endpoints beyond loopback'

# Commands.
complete -c clinecfg -n "not __fish_seen_subcommand_from $__clinecfg_commands" -a setup -d 'find or create your Bedrock profile and point Cline at it'
complete -c clinecfg -n "not __fish_seen_subcommand_from $__clinecfg_commands" -a login -d 'store an AWS access key pair or an SSO sign-in in the OS keyring'
complete -c clinecfg -n "not __fish_seen_subcommand_from $__clinecfg_commands" -a logout -d 'remove an account from the keyring'
complete -c clinecfg -n "not __fish_seen_subcommand_from $__clinecfg_commands" -a credential-process -d 'print AWS credential_process JSON'
complete -c clinecfg -n "not __fish_seen_subcommand_from $__clinecfg_commands" -a status -d 'show what is configured, offline'
complete -c clinecfg -n "not __fish_seen_subcommand_from $__clinecfg_commands" -a doctor -d 'check every link from config to Cline'
complete -c clinecfg -n "not __fish_seen_subcommand_from $__clinecfg_commands" -a restore -d 'put back the files a setup run replaced'
complete -c clinecfg -n "not __fish_seen_subcommand_from $__clinecfg_commands" -a admin -d 'create requested profiles or a roster'
complete -c clinecfg -n "not __fish_seen_subcommand_from $__clinecfg_commands" -a usage -d "your profile's tokens and cost"
complete -c clinecfg -n "not __fish_seen_subcommand_from $__clinecfg_commands" -a whoami -d 'show the AWS identity and member name'
complete -c clinecfg -n "not __fish_seen_subcommand_from $__clinecfg_commands" -a config -d 'read or edit the config safely'

# setup
set -l c '__fish_seen_subcommand_from setup'
complete -c clinecfg -n $c -l team -x -d 'team tag value'
complete -c clinecfg -n $c -l member -x -d 'member name'
complete -c clinecfg -n $c -l model -x -d 'base model id'
complete -c clinecfg -n $c -l region -x -d 'AWS region for Bedrock'
complete -c clinecfg -n $c -l aws-profile -x -a '(__clinecfg_aws_profiles)' -d 'AWS profile for the calls and for Cline'
complete -c clinecfg -n $c -l profile-name -x -d 'inference profile name'
complete -c clinecfg -n $c -l targets -x -a '(__clinecfg_targets)' -d 'comma-separated targets'
complete -c clinecfg -n $c -l wait -d 'wait for a requested profile (--wait=SECONDS)'
complete -c clinecfg -n $c -l force -d 'write Cline files even while Cline is running'
complete -c clinecfg -n $c -l fix-tags -d 'retag a same-named profile whose model matches'
complete -c clinecfg -n $c -l account -x -d 'keyring account for credential_process'
complete -c clinecfg -n $c -l mode -x -a 'plan act both' -d 'Cline modes to configure'
complete -c clinecfg -n $c -l store-env-keys -d 'store the environment access key in the keyring for Cline'

# login
set -l c '__fish_seen_subcommand_from login'
complete -c clinecfg -n $c -l account -x -d 'keyring account name'
complete -c clinecfg -n $c -l access-key-id -x -d 'the access key id'
complete -c clinecfg -n $c -l secret-stdin -d 'read the secret access key from stdin'
complete -c clinecfg -n $c -l from-env -d 'take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
complete -c clinecfg -n $c -l from-profile -x -a '(__clinecfg_aws_profiles)' -d 'import static keys of profile P'
complete -c clinecfg -n $c -l region -x -d 'region for the STS check'
complete -c clinecfg -n $c -l sso -d 'sign in with IAM Identity Center (device flow)'
complete -c clinecfg -n $c -l start-url -x -d 'IAM Identity Center start URL'
complete -c clinecfg -n $c -l sso-region -x -d 'IAM Identity Center region'
complete -c clinecfg -n $c -l account-id -x -d 'AWS account to sign in to'
complete -c clinecfg -n $c -l role-name -x -d 'role (permission set) name'
complete -c clinecfg -n $c -l no-browser -d 'only print the URL and code'

# logout, credential-process, status
complete -c clinecfg -n '__fish_seen_subcommand_from logout credential-process status' -l account -x -d 'keyring account name'
set -l c '__fish_seen_subcommand_from credential-process'
complete -c clinecfg -n $c -l source -x -a 'keyring:default sso:default profile:' -d 'credential source setup recorded'
complete -c clinecfg -n $c -l endpoint-sts -x -d 'remembered STS endpoint'
complete -c clinecfg -n $c -l endpoint-sso -x -d 'remembered SSO portal endpoint'
complete -c clinecfg -n $c -l endpoint-sso-oidc -x -d 'remembered SSO OIDC endpoint'

# doctor
set -l c '__fish_seen_subcommand_from doctor'
complete -c clinecfg -n $c -l live -d 'also make one tiny Bedrock Converse call'
complete -c clinecfg -n $c -l aws-profile -x -a '(__clinecfg_aws_profiles)' -d 'check with AWS profile P'
complete -c clinecfg -n $c -l account -x -d 'keyring account to check'

# restore
set -l c '__fish_seen_subcommand_from restore'
complete -c clinecfg -n $c -l list -d 'list the backups'
complete -c clinecfg -n $c -l force -d 'also put back files changed after that run'
complete -c clinecfg -n '__clinecfg_nth_arg restore 0' -a '(__clinecfg_backups)' -d 'backup run id'

# admin: each subcommand has its own options
complete -c clinecfg -n '__clinecfg_nth_arg admin 0' -a provision -d 'create requested profiles or a roster'
complete -c clinecfg -n '__clinecfg_nth_arg admin 0' -a policy -d 'print, apply or check an IAM policy'
complete -c clinecfg -n '__clinecfg_nth_arg admin 0' -a report -d "the team's usage"
complete -c clinecfg -n '__clinecfg_nth_arg admin 0' -a limits -d 'per-member monthly limits'

set -l c '__clinecfg_admin_sub provision'
complete -c clinecfg -n $c -l request -r -F -d 'a request file written by a denied setup'
complete -c clinecfg -n $c -l roster -r -F -d 'CSV with columns team,member[,model]'
complete -c clinecfg -n $c -l concurrency -x -d 'lookups in flight at most'
complete -c clinecfg -n $c -l region -x -d 'AWS region'
complete -c clinecfg -n $c -l aws-profile -x -a '(__clinecfg_aws_profiles)' -d 'AWS profile for the admin calls'
complete -c clinecfg -n $c -l model -x -d 'base model for roster rows without one'
complete -c clinecfg -n $c -l fix-tags -d 'retag same-named profiles whose model matches'
complete -c clinecfg -n $c -l team -x -d 'with --request: the team a request may be for'

set -l c '__clinecfg_admin_sub policy'
complete -c clinecfg -n '__clinecfg_nth_arg admin 1; and __clinecfg_admin_sub policy' -a 'developer enforce blocked' -d 'policy'
complete -c clinecfg -n $c -l team -x -d 'the team tag the policy requires'
complete -c clinecfg -n $c -l principal -x -a 'iam-user sso' -d 'who the policy matches'
complete -c clinecfg -n $c -l account -x -d 'the AWS account the policy names'
complete -c clinecfg -n $c -l apply -d 'create or update the policy and attach it'
complete -c clinecfg -n $c -l name -x -d 'the customer-managed policy name'
complete -c clinecfg -n $c -l user -x -d 'IAM user(s), repeatable'
complete -c clinecfg -n $c -l role -x -d 'IAM role(s), repeatable'
complete -c clinecfg -n $c -l group -x -d 'IAM group(s), repeatable'
complete -c clinecfg -n $c -l check -d 'simulate the expected cases'
complete -c clinecfg -n $c -l member -x -d 'the member --check --role stands for'
complete -c clinecfg -n $c -l region -x -d 'the region the policy names'
complete -c clinecfg -n $c -l aws-profile -x -a '(__clinecfg_aws_profiles)' -d 'AWS profile for the admin calls'

set -l c '__clinecfg_admin_sub report'
complete -c clinecfg -n $c -l team -x -d 'only team T'
complete -c clinecfg -n $c -l since -x -a 'today month 24h 7d 30d' -d 'start day'
complete -c clinecfg -n $c -l until -x -a 'now today' -d 'end'
complete -c clinecfg -n $c -l group -x -a 'member team' -d 'one row per member or team'
complete -c clinecfg -n $c -l format -x -a 'table json csv html' -d 'output format'
complete -c clinecfg -n $c -s o -l output -r -F -d 'write to FILE atomically'
complete -c clinecfg -n $c -l region -x -d 'AWS region'
complete -c clinecfg -n $c -l aws-profile -x -a '(__clinecfg_aws_profiles)' -d 'AWS profile for the admin calls'
complete -c clinecfg -n $c -l concurrency -x -d 'lookups in flight at most'

set -l c '__clinecfg_admin_sub limits'
complete -c clinecfg -n '__clinecfg_nth_arg admin 1; and __clinecfg_admin_sub limits' -a 'set enforce list remove' -d 'limits'
complete -c clinecfg -n $c -l team -x -d "the members' team"
complete -c clinecfg -n $c -l member -x -d 'one member'
complete -c clinecfg -n $c -l roster -r -F -d 'the members: CSV with columns team,member'
complete -c clinecfg -n $c -l region -x -d 'AWS region'
complete -c clinecfg -n $c -l aws-profile -x -a '(__clinecfg_aws_profiles)' -d 'AWS profile for the admin calls'
complete -c clinecfg -n $c -l monthly-usd -x -d 'set: each member\'s monthly limit in USD'
complete -c clinecfg -n $c -l notify -x -d 'set: email:ADDR or sns:TOPIC-ARN, repeatable'
complete -c clinecfg -n $c -l alert-at -x -d 'set: notify at these percentages'
complete -c clinecfg -n $c -l hourly-tokens -x -d 'set: alarm per profile above N tokens an hour'
complete -c clinecfg -n $c -l budget-action -d 'set: AWS budget action denying IAM users at 100%'
complete -c clinecfg -n $c -l execution-role -x -d 'set: the role the budget action runs as'
complete -c clinecfg -n $c -l user -x -d 'enforce: attach clinecfg-blocked to IAM user(s)'
complete -c clinecfg -n $c -l role -x -d 'enforce: attach clinecfg-blocked to IAM role(s)'
complete -c clinecfg -n $c -l group -x -d 'enforce: attach clinecfg-blocked to IAM group(s)'

# usage
set -l c '__fish_seen_subcommand_from usage'
complete -c clinecfg -n $c -l since -x -a 'today month 24h 7d 30d' -d 'start'
complete -c clinecfg -n $c -l until -x -a 'now today' -d 'end'
complete -c clinecfg -n $c -l period -x -a '1h 1d' -d 'one row per hour or day'
complete -c clinecfg -n $c -l account -x -d 'keyring account'
complete -c clinecfg -n $c -l aws-profile -x -a '(__clinecfg_aws_profiles)' -d 'resolve credentials from profile P'

# whoami
set -l c '__fish_seen_subcommand_from whoami'
complete -c clinecfg -n $c -l aws-profile -x -a '(__clinecfg_aws_profiles)' -d 'resolve credentials from profile P'
complete -c clinecfg -n $c -l region -x -d 'AWS region'
complete -c clinecfg -n $c -l account -x -d 'keyring account to look in'

# config
complete -c clinecfg -n '__fish_seen_subcommand_from config' -l file -r -F -d 'edit this JSONC file instead of the user config'
complete -c clinecfg -n '__fish_seen_subcommand_from config' -l force -d 'set: write a key clinecfg does not know into its config'
complete -c clinecfg -n '__clinecfg_nth_arg config 0' -a 'get set unset list'
for key in region runtime_endpoint model team tag_keys.team tag_keys.member extra_tags name_template \
        aws_profile_name allowed_regions request.dir request.webhook_url session_duration member_rule prices
    complete -c clinecfg -n '__clinecfg_nth_arg config 1; and __fish_seen_subcommand_from get set unset' -a $key
end

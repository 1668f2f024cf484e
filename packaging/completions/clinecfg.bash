# bash completion for clinecfg                              -*- shell-script -*-
#
# Installed as $(DATADIR)/bash-completion/completions/clinecfg and loaded on
# demand by bash-completion.  It works on plain bash as well (it only reads
# COMP_WORDS/COMP_CWORD), so it can also be sourced from ~/.bashrc.
# The option lists mirror the tables in src/cli.c and src/cmd/*.c;
# tests/integration/packaging_completions.sh (in the shells) and
# tests/integration/cli_tables.sh (as text) compare them with --help.

_clinecfg_commands='setup login logout credential-process status doctor restore admin usage whoami config'
_clinecfg_global='-h --help --version --json -v --verbose -q --quiet --no-color -y --yes --dry-run --config --org-config --allow-insecure-endpoint'

# Options of one command, or of 'admin SUBCOMMAND' (besides the global ones).
_clinecfg_command_opts()
{
    case $1 in
        setup) echo '--team --member --model --region --aws-profile --profile-name --targets --wait --force --fix-tags --account --mode --store-env-keys' ;;
        login) echo '--account --access-key-id --secret-stdin --from-env --from-profile --region --sso --start-url --sso-region --account-id --role-name --no-browser' ;;
        credential-process) echo '--account --source --endpoint-sts --endpoint-sso --endpoint-sso-oidc' ;;
        logout | status) echo '--account' ;;
        doctor) echo '--live --aws-profile --account' ;;
        restore) echo '--list --force' ;;
        'admin provision') echo '--request --roster --concurrency --region --aws-profile --model --fix-tags --team' ;;
        'admin policy') echo '--team --principal --account --apply --name --user --role --group --check --member --region --aws-profile' ;;
        'admin report') echo '--team --since --until --group --format -o --output --region --aws-profile --concurrency' ;;
        'admin limits') echo '--team --member --roster --region --aws-profile --monthly-usd --notify --alert-at --hourly-tokens --budget-action --execution-role --user --role --group' ;;
        usage) echo '--since --until --period --account --aws-profile' ;;
        whoami) echo '--aws-profile --region --account' ;;
        config) echo '--file --force' ;;
    esac
}

# Does option $1 take the next word as its value?
_clinecfg_takes_value()
{
    case $1 in
        --config | --org-config | --team | --member | --model | --region | --aws-profile | --profile-name | \
            --targets | --account | --mode | --access-key-id | --from-profile | --request | --roster | \
            --concurrency | --file | --principal | --name | --user | --role | --group | --since | --until | --period | \
            --format | -o | --output | --start-url | --sso-region | --account-id | --role-name | --source | \
            --endpoint-sts | --endpoint-sso | --endpoint-sso-oidc | --monthly-usd | --notify | --alert-at | \
            --hourly-tokens | --execution-role) return 0 ;;
    esac
    return 1
}

# Profile names from the AWS config and credentials files.
_clinecfg_aws_profiles()
{
    local f
    for f in "${AWS_CONFIG_FILE:-$HOME/.aws/config}" "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"; do
        [[ -r $f ]] || continue
        sed -n -e 's/^[[:space:]]*\[[[:space:]]*profile[[:space:]]\{1,\}\([^]]*\)\].*/\1/p' \
            -e 's/^[[:space:]]*\[\([^][:space:]]*\)\].*/\1/p' "$f"
    done 2>/dev/null | sed -e 's/[[:space:]]*$//' -e '/^sso-session /d' -e '/^services /d' | sort -u
}

_clinecfg_config_keys='region runtime_endpoint model team tag_keys.team tag_keys.member extra_tags name_template aws_profile_name allowed_regions request.dir request.webhook_url session_duration member_rule prices'

_clinecfg_files()
{
    type compopt &>/dev/null && compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$1"))
}

# Completes the value $cur of option $opt; returns 1 when $opt has no value.
_clinecfg_value()
{
    local opt=$1 cur=$2 head tail
    case $opt in
        --targets)
            # A comma-separated list: complete the last element only.
            if [[ $cur == *,* ]]; then head=${cur%,*},; tail=${cur##*,}; else head=; tail=$cur; fi
            COMPREPLY=($(compgen -P "$head" -W 'cline-extension cline-cli aws-config' -- "$tail"))
            ;;
        --mode) COMPREPLY=($(compgen -W 'plan act both' -- "$cur")) ;;
        --config | --org-config | --file | --request | --roster | -o | --output) _clinecfg_files "$cur" ;;
        --since | --until) COMPREPLY=($(compgen -W 'today month 24h 7d 30d now' -- "$cur")) ;;
        --period) COMPREPLY=($(compgen -W '1h 1d' -- "$cur")) ;;
        --group) COMPREPLY=($(compgen -W 'member team' -- "$cur")) ;;
        --format) COMPREPLY=($(compgen -W 'table json csv html' -- "$cur")) ;;
        --aws-profile | --from-profile) COMPREPLY=($(compgen -W "$(_clinecfg_aws_profiles)" -- "$cur")) ;;
        --wait) COMPREPLY=($(compgen -W '60 300 900 1800' -- "$cur")) ;;
        --team | --member | --model | --region | --profile-name | --account | --access-key-id | --concurrency | \
            --monthly-usd | --notify | --alert-at | --hourly-tokens | --execution-role)
            COMPREPLY=() ;;
        *) return 1 ;;
    esac
    return 0
}

_clinecfg()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev= i w cmd= sub= nargs=0
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    # bash splits "--opt=value" at '=' (COMP_WORDBREAKS): "--opt" "=" "value".
    if [[ $cur == = ]]; then
        _clinecfg_value "$prev" "" && return 0
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        _clinecfg_value "${COMP_WORDS[COMP_CWORD - 2]}" "$cur" && return 0
    elif [[ $cur == --*=* ]]; then
        # bash without '=' in COMP_WORDBREAKS keeps the word whole.
        _clinecfg_value "${cur%%=*}" "${cur#*=}" && COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}") && return 0
    elif _clinecfg_takes_value "$prev"; then
        _clinecfg_value "$prev" "$cur"
        return 0
    fi

    # Find the command and its positional words, skipping options and values.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == = ]] || [[ ${COMP_WORDS[i - 1]} == = ]]; then
            continue
        elif [[ $w == -* ]]; then
            [[ $w != *=* ]] && [[ ${COMP_WORDS[i + 1]:-} != = ]] && _clinecfg_takes_value "$w" && ((i++))
        elif [[ -z $cmd ]]; then
            cmd=$w
        else
            ((nargs++))
            [[ -z $sub ]] && sub=$w
        fi
    done

    if [[ $cur == -* ]]; then
        # admin's options belong to its subcommands (admin provision, admin limits, ...).
        local key=$cmd
        [[ $cmd == admin ]] && key="admin $sub"
        COMPREPLY=($(compgen -W "$_clinecfg_global $(_clinecfg_command_opts "$key")" -- "$cur"))
        return 0
    fi
    case $cmd in
        '') COMPREPLY=($(compgen -W "$_clinecfg_commands" -- "$cur")) ;;
        admin)
            if ((nargs == 0)); then COMPREPLY=($(compgen -W 'provision policy report limits' -- "$cur"))
            elif ((nargs == 1)) && [[ $sub == policy ]]; then COMPREPLY=($(compgen -W 'developer enforce blocked' -- "$cur"))
            elif ((nargs == 1)) && [[ $sub == limits ]]; then COMPREPLY=($(compgen -W 'set enforce list remove' -- "$cur")); fi ;;
        config)
            if ((nargs == 0)); then
                COMPREPLY=($(compgen -W 'get set unset list' -- "$cur"))
            elif ((nargs == 1)); then
                case $sub in
                    get | set | unset) COMPREPLY=($(compgen -W "$_clinecfg_config_keys" -- "$cur")) ;;
                esac
            fi
            ;;
        restore)
            if ((nargs == 0)); then
                # Run ids are the folders under the backups folder.
                local dir=${XDG_STATE_HOME:-$HOME/.local/state}/clinecfg/backups d ids=()
                for d in "$dir"/*/; do
                    [[ -d $d ]] && d=${d%/} && ids+=("${d##*/}")
                done
                COMPREPLY=($(compgen -W "${ids[*]}" -- "$cur"))
            fi
            ;;
    esac
    return 0
}
complete -F _clinecfg clinecfg

# ex: filetype=sh

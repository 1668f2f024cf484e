/* setup.c - 'clinecfg setup': find or create your tagged Bedrock inference profile and point Cline at it */
#include "clinecfg/commands.h"

static const cli_opt setup_opts[] = {
    {"team", 0, OPT_VALUE, "T", "team tag value (config: team)"},
    {"member", 0, OPT_VALUE, "M", "member name (default: from your AWS identity)"},
    {"model", 0, OPT_VALUE, "ID", "base model: system profile id (apac.anthropic...) or foundation-model id"},
    {"region", 0, OPT_VALUE, "R", "AWS region for Bedrock"},
    {"aws-profile", 0, OPT_VALUE, "P", "use AWS profile P for the calls, and point Cline at it"},
    {"profile-name", 0, OPT_VALUE, "NAME", "inference profile name (default: from the name template)"},
    {"targets", 0, OPT_VALUE, "LIST", "comma-separated: cline-extension,cline-cli,aws-config (default: all)"},
    {"wait", 0, OPT_OPTIONAL_VALUE, "SECONDS", "after filing a request, wait for the profile to appear"},
    {"force", 0, OPT_FLAG, NULL, "write Cline files even while Cline is running"},
    {"fix-tags", 0, OPT_FLAG, NULL, "retag a same-named profile whose model matches"},
    {0},
};

const cli_command cmd_setup = {
    .name = "setup",
    .synopsis = "[--team T] [--member M] [--model ID] [--region R] [--aws-profile P] [--profile-name NAME] [--targets LIST] [--wait[=SECONDS]] [--force] [--fix-tags]",
    .summary = "find or create your tagged Bedrock inference profile and point Cline at it",
    .opts = setup_opts,
    .run = cmd_not_implemented,
};

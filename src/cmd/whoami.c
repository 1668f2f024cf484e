/* whoami.c - 'clinecfg whoami': show the AWS identity, member name and credential source */
#include "clinecfg/commands.h"

static const cli_opt whoami_opts[] = {
    {"aws-profile", 0, OPT_VALUE, "P", "resolve credentials from profile P"},
    {"region", 0, OPT_VALUE, "R", "AWS region"},
    {0},
};

const cli_command cmd_whoami = {
    .name = "whoami",
    .synopsis = "[--aws-profile P]",
    .summary = "show the AWS identity, member name and credential source",
    .opts = whoami_opts,
    .run = cmd_not_implemented,
};

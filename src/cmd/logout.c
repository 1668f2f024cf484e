/* logout.c - 'clinecfg logout': remove an account's credentials (and cached session) from the keyring */
#include "clinecfg/commands.h"

static const cli_opt logout_opts[] = {
    {"account", 0, OPT_VALUE, "NAME", "keyring account name (default: default)"},
    {0},
};

const cli_command cmd_logout = {
    .name = "logout",
    .synopsis = "[--account NAME]",
    .summary = "remove an account's credentials (and cached session) from the keyring",
    .opts = logout_opts,
    .run = cmd_not_implemented,
};

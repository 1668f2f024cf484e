/* status.c - 'clinecfg status': show what is configured, offline, from files and keyring */
#include "clinecfg/commands.h"

static const cli_opt status_opts[] = {
    {0},
};

const cli_command cmd_status = {
    .name = "status",
    .synopsis = "",
    .summary = "show what is configured, offline, from files and keyring",
    .opts = status_opts,
    .run = cmd_not_implemented,
};

/* restore.c - 'clinecfg restore': put back the files a setup run replaced */
#include "clinecfg/commands.h"

static const cli_opt restore_opts[] = {
    {"list", 0, OPT_FLAG, NULL, "list the backups"},
    {0},
};

const cli_command cmd_restore = {
    .name = "restore",
    .synopsis = "[--list | ID]",
    .summary = "put back the files a setup run replaced",
    .opts = restore_opts,
    .run = cmd_not_implemented,
};

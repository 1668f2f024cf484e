/* admin.c - 'clinecfg admin': admin: create requested profiles or a whole roster */
#include "clinecfg/commands.h"

static const cli_opt admin_opts[] = {
    {"request", 0, OPT_VALUE, "FILE", "a request file written by a denied setup"},
    {"roster", 0, OPT_VALUE, "CSV", "CSV with columns team,member[,model]"},
    {"concurrency", 0, OPT_VALUE, "N", "calls in flight at most (default 4)"},
    {"region", 0, OPT_VALUE, "R", "AWS region"},
    {"aws-profile", 0, OPT_VALUE, "P", "AWS profile for the admin calls"},
    {0},
};

const cli_command cmd_admin = {
    .name = "admin",
    .synopsis = "provision (--request FILE | --roster CSV) [--concurrency N]",
    .summary = "admin: create requested profiles or a whole roster",
    .opts = admin_opts,
    .run = cmd_not_implemented,
};

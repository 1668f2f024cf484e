/* credential_process.c - 'clinecfg credential-process': print AWS credential_process JSON (Version 1) from the keyring */
#include "clinecfg/commands.h"

static const cli_opt credential_process_opts[] = {
    {"account", 0, OPT_VALUE, "NAME", "keyring account name (default: default)"},
    {0},
};

const cli_command cmd_credential_process = {
    .name = "credential-process",
    .synopsis = "[--account NAME]",
    .summary = "print AWS credential_process JSON (Version 1) from the keyring",
    .opts = credential_process_opts,
    .run = cmd_not_implemented,
};

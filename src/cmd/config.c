/* config.c - 'clinecfg config': read or edit clinecfg's config (or any JSONC file) safely */
#include "clinecfg/commands.h"

static const cli_opt config_opts[] = {
    {"file", 0, OPT_VALUE, "F", "edit this JSONC file instead of the user config"},
    {0},
};

const cli_command cmd_config = {
    .name = "config",
    .synopsis = "[--file F] (get KEY | set KEY VALUE | unset KEY | list)",
    .summary = "read or edit clinecfg's config (or any JSONC file) safely",
    .opts = config_opts,
    .run = cmd_not_implemented,
};

/* login.c - 'clinecfg login': store an AWS access key pair in the OS keyring */
#include "clinecfg/commands.h"

static const cli_opt login_opts[] = {
    {"account", 0, OPT_VALUE, "NAME", "keyring account name (default: default)"},
    {"access-key-id", 0, OPT_VALUE, "ID", "the access key id; the secret comes from stdin or the TTY"},
    {"secret-stdin", 0, OPT_FLAG, NULL, "read the secret access key from stdin"},
    {"from-env", 0, OPT_FLAG, NULL, "take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"},
    {"from-profile", 0, OPT_VALUE, "P", "import static keys of profile P from the shared credentials file"},
    {0},
};

const cli_command cmd_login = {
    .name = "login",
    .synopsis = "[--account NAME] [--access-key-id ID --secret-stdin | --from-env | --from-profile P]",
    .summary = "store an AWS access key pair in the OS keyring",
    .opts = login_opts,
    .run = cmd_not_implemented,
};

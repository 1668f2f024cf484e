/* not_implemented.c - the honest answer for commands not built yet. */
#include "clinecfg/commands.h"

int cmd_not_implemented(cc_ctx *ctx, const cli_args *args, cc_err *err)
{
    (void)ctx;
    (void)args;
    return cc_err_set(err, CC_EUSAGE, "not_implemented", "this command is not implemented yet");
}

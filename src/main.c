/*
 * main.c - the command table and main: parse argv (src/cli.c) against the
 * global options and the named command's table, set up the run context,
 * run the command and turn its status into the exit code via out_finish.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clinecfg/cli.h"
#include "clinecfg/commands.h"
#include "clinecfg/secret.h"
#include "clinecfg/version.h"

static const cli_command *const commands[] = {
    &cmd_setup,  &cmd_login,   &cmd_logout, &cmd_credential_process,
    &cmd_status, &cmd_doctor,  &cmd_restore, &cmd_admin,
    &cmd_whoami, &cmd_config,  &cmd_usage, NULL,
};

static const char *resolve_self_path(const char *argv0, char *buf, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    if (n > 0) {
        buf[n] = '\0';
        return buf;
    }
    if (argv0 && realpath(argv0, buf))
        return buf;
    return argv0 ? argv0 : "clinecfg";
}

int main(int argc, char **argv)
{
    /* Secrets pass through this process: never leave them in a core file. */
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);

    cc_err err;
    cc_err_clear(&err);
    cli_args g, c;
    memset(&g, 0, sizeof g);
    memset(&c, 0, sizeof c);
    const cli_command *cmd = NULL;
    int status = cli_parse(argc, argv, commands, &g, &cmd, &c, &err);

    cc_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    out_init(&ctx.out, cli_count(&g, GLOBAL_OPT_JSON) > 0, cli_count(&g, GLOBAL_OPT_QUIET) > 0,
             cli_count(&g, GLOBAL_OPT_VERBOSE), cli_count(&g, GLOBAL_OPT_NO_COLOR) > 0);
    ctx.yes = cli_count(&g, GLOBAL_OPT_YES) > 0;
    ctx.dry_run = cli_count(&g, GLOBAL_OPT_DRY_RUN) > 0;
    ctx.config_file = cli_value(&g, GLOBAL_OPT_CONFIG);
    ctx.org_config = cli_value(&g, GLOBAL_OPT_ORG_CONFIG);
    if (!ctx.org_config)
        ctx.org_config = getenv("CLINECFG_ORG_CONFIG");
    char self[PATH_MAX];
    ctx.self_path = resolve_self_path(argv[0], self, sizeof self);
    ctx.result = cJSON_CreateObject();
    if (!ctx.result)
        return 1;

    if (status == 0) {
        if (cli_count(&g, GLOBAL_OPT_VERSION)) {
            cJSON_AddStringToObject(ctx.result, "version", CLINECFG_VERSION);
            out_text(&ctx.out, "clinecfg %s\n", CLINECFG_VERSION);
        } else if (cli_count(&g, GLOBAL_OPT_HELP)) {
            if (cmd)
                cli_print_command_help(stdout, cmd);
            else
                cli_print_tool_help(stdout, CLINECFG_VERSION, commands);
            cJSON_Delete(ctx.result);
            return 0;
        } else if (!cmd) {
            cli_print_tool_help(stderr, CLINECFG_VERSION, commands);
            status = cc_err_set(&err, CC_EUSAGE, "usage", "no command given");
        } else {
            status = cmd->run(&ctx, &c, &err);
        }
    }
    int code = out_finish(&ctx.out, status, &err, ctx.result);
    secret_json_delete(ctx.result);
    return code;
}

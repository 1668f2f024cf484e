/*
 * main.c - the command table and main: parse argv (src/cli.c) against the
 * global options and the named command's (or subcommand's) table, set up
 * the run context, run it and turn its status into the exit code via
 * out_finish.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>

#include "clinecfg/cli.h"
#include "clinecfg/commands.h"
#include "clinecfg/http.h"
#include "clinecfg/secret.h"
#include "clinecfg/version.h"

static const cli_command *const commands[] = {
    &cmd_setup,  &cmd_login,   &cmd_logout, &cmd_credential_process,
    &cmd_status, &cmd_doctor,  &cmd_restore, &cmd_admin,
    &cmd_whoami, &cmd_config,  &cmd_usage, NULL,
};

/* The running binary as the kernel sees it (every symlink resolved). */
static bool resolved_exe(const char *argv0, char *buf, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    if (n > 0) {
        buf[n] = '\0';
        return true;
    }
    return argv0 && realpath(argv0, buf);
}

static bool same_file(const char *a, const struct stat *b)
{
    struct stat st;
    return stat(a, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == b->st_dev && st.st_ino == b->st_ino;
}

/* dir/name made absolute against the working directory, symlinks kept. */
static bool absolute_candidate(const char *dir, size_t dir_len, const char *name, char *out, size_t size)
{
    char cwd[PATH_MAX] = "";
    bool relative = dir_len == 0 ? name[0] != '/' : dir[0] != '/';
    if (relative && !getcwd(cwd, sizeof cwd))
        return false;
    int n;
    if (dir_len == 0)
        n = snprintf(out, size, "%s%s%s", cwd, relative ? "/" : "", name);
    else
        n = snprintf(out, size, "%s%s%.*s/%s", cwd, relative ? "/" : "", (int)dir_len, dir, name);
    if (n < 0 || (size_t)n >= size)
        return false;
    /* "./clinecfg" and "dir//clinecfg" read better without the noise. */
    char *p;
    while ((p = strstr(out, "/./")))
        memmove(p, p + 2, strlen(p + 2) + 1);
    while ((p = strstr(out, "//")))
        memmove(p, p + 1, strlen(p + 1) + 1);
    return true;
}

/* The path credential_process should name: the one the user ran (argv[0],
 * or its PATH entry), symlinks kept, when it is the running binary.  A
 * package manager's symlink (/opt/homebrew/bin/clinecfg ->
 * ../Cellar/clinecfg/0.1.0/bin/clinecfg) survives upgrades; the versioned
 * target it resolves to does not. */
static const char *resolve_self_path(const char *argv0, char *buf, size_t size)
{
    char exe[PATH_MAX];
    struct stat exe_st;
    if (!resolved_exe(argv0, exe, sizeof exe))
        return argv0 ? argv0 : "clinecfg";
    if (argv0 && *argv0 && stat(exe, &exe_st) == 0) {
        if (strchr(argv0, '/')) {
            if (absolute_candidate("", 0, argv0, buf, size) && same_file(buf, &exe_st))
                return buf;
        } else {
            const char *path = getenv("PATH");
            for (const char *p = path; p && *p;) {
                size_t len = strcspn(p, ":");
                if (absolute_candidate(p, len, argv0, buf, size) && same_file(buf, &exe_st))
                    return buf;
                p += len + (p[len] == ':');
            }
        }
    }
    snprintf(buf, size, "%s", exe);
    return buf;
}

int main(int argc, char **argv)
{
    /* Secrets pass through this process: never leave them in a core file,
     * and keep other processes of the same user from ptrace or /proc/PID/mem. */
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
#ifdef __linux__
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif

    cc_err err;
    cc_err_clear(&err);
    cli_args g, c;
    memset(&g, 0, sizeof g);
    memset(&c, 0, sizeof c);
    const cli_command *cmd = NULL, *sub = NULL;
    int status = cli_parse(argc, argv, commands, &g, &cmd, &sub, &c, &err);

    cc_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    out_init(&ctx.out, cli_count(&g, GLOBAL_OPT_JSON) > 0, cli_count(&g, GLOBAL_OPT_QUIET) > 0,
             cli_count(&g, GLOBAL_OPT_VERBOSE), cli_count(&g, GLOBAL_OPT_NO_COLOR) > 0);
    ctx.yes = cli_count(&g, GLOBAL_OPT_YES) > 0;
    ctx.dry_run = cli_count(&g, GLOBAL_OPT_DRY_RUN) > 0;
    ctx.config_file = cli_value(&g, GLOBAL_OPT_CONFIG);
    ctx.org_config = cli_value(&g, GLOBAL_OPT_ORG_CONFIG);
    http_allow_insecure_endpoints(cli_count(&g, GLOBAL_OPT_ALLOW_INSECURE_ENDPOINT) > 0);
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
                cli_print_command_help(stdout, cmd, sub);
            else
                cli_print_tool_help(stdout, CLINECFG_VERSION, commands);
            cJSON_Delete(ctx.result);
            return 0;
        } else if (!cmd) {
            cli_print_tool_help(stderr, CLINECFG_VERSION, commands);
            status = cc_err_set(&err, CC_EUSAGE, "usage", "no command given");
        } else {
            status = (sub ? sub : cmd)->run(&ctx, &c, &err);
        }
    }
    int code = out_finish(&ctx.out, status, &err, ctx.result);
    secret_json_delete(ctx.result);
    return code;
}

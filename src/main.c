/*
 * main.c - global options, the command table and exit codes.
 *
 * Global options are accepted before or after the command name and mean the
 * same everywhere.  Each command's own options come from its cli_command
 * entry (src/cmd/X.c); this file parses both, prints --help from the tables,
 * runs the command and turns its status into the exit code via out_finish.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "clinecfg/cli.h"
#include "clinecfg/commands.h"
#include "clinecfg/secret.h"
#include "clinecfg/version.h"

const cli_command *const cli_commands[] = {
    &cmd_setup,  &cmd_login,   &cmd_logout, &cmd_credential_process,
    &cmd_status, &cmd_doctor,  &cmd_restore, &cmd_admin,
    &cmd_whoami, &cmd_config,  NULL,
};

static const cli_opt global_opts[] = {
    {"help", 'h', OPT_FLAG, NULL, "show help for clinecfg or for a command"},
    {"version", 0, OPT_FLAG, NULL, "print the version and exit"},
    {"json", 0, OPT_FLAG, NULL, "print exactly one JSON object on stdout"},
    {"verbose", 'v', OPT_FLAG, NULL, "trace what happens on stderr (repeat for more; never secrets)"},
    {"quiet", 'q', OPT_FLAG, NULL, "no progress lines on stderr"},
    {"no-color", 0, OPT_FLAG, NULL, "no colour (NO_COLOR is honoured too)"},
    {"yes", 'y', OPT_FLAG, NULL, "never prompt; take the defaults"},
    {"dry-run", 0, OPT_FLAG, NULL, "show a unified diff of planned file changes; touch nothing"},
    {"config", 0, OPT_VALUE, "FILE", "an extra config layer, above the user config"},
    {"org-config", 0, OPT_VALUE, "FILE", "use FILE instead of /etc/clinecfg/config.json"},
    {0},
};

static int spec_index(const cli_opt *opts, const char *name)
{
    for (int i = 0; opts && opts[i].name; i++)
        if (strcmp(opts[i].name, name) == 0)
            return i;
    return -1;
}

const char *cli_value(const cli_args *a, const cli_opt *opts, const char *name)
{
    int i = spec_index(opts, name);
    return i < 0 ? NULL : a->value[i];
}

int cli_count(const cli_args *a, const cli_opt *opts, const char *name)
{
    int i = spec_index(opts, name);
    return i < 0 ? 0 : a->count[i];
}

bool cli_confirm(const cc_ctx *ctx, bool def, const char *fmt, ...)
{
    if (ctx->yes || !isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
        return def;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, def ? " [Y/n] " : " [y/N] ");
    fflush(stderr);
    char line[64];
    if (!fgets(line, sizeof line, stdin))
        return def;
    if (line[0] == 'y' || line[0] == 'Y')
        return true;
    if (line[0] == 'n' || line[0] == 'N')
        return false;
    return def;
}

static const cli_command *find_command(const char *name)
{
    for (int i = 0; cli_commands[i]; i++)
        if (strcmp(cli_commands[i]->name, name) == 0)
            return cli_commands[i];
    return NULL;
}

static void print_opts(FILE *f, const cli_opt *opts)
{
    for (int i = 0; opts && opts[i].name; i++) {
        char left[64];
        const cli_opt *o = &opts[i];
        const char *mv = o->metavar ? o->metavar : "";
        if (o->kind == OPT_VALUE)
            snprintf(left, sizeof left, "%s%c%s--%s %s", o->shortc ? "-" : " ", o->shortc ? o->shortc : ' ',
                     o->shortc ? ", " : "  ", o->name, mv);
        else if (o->kind == OPT_OPTIONAL_VALUE)
            snprintf(left, sizeof left, "%s%c%s--%s[=%s]", o->shortc ? "-" : " ", o->shortc ? o->shortc : ' ',
                     o->shortc ? ", " : "  ", o->name, mv);
        else
            snprintf(left, sizeof left, "%s%c%s--%s", o->shortc ? "-" : " ", o->shortc ? o->shortc : ' ',
                     o->shortc ? ", " : "  ", o->name);
        fprintf(f, "  %-28s %s\n", left, o->help);
    }
}

static void print_tool_help(FILE *f)
{
    fprintf(f, "clinecfg %s - give each developer a tagged Amazon Bedrock inference profile and point Cline at it\n\n",
            CLINECFG_VERSION);
    fprintf(f, "usage: clinecfg [global options] <command> [options]\n\ncommands:\n");
    for (int i = 0; cli_commands[i]; i++)
        fprintf(f, "  %-20s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
    fprintf(f, "\nglobal options (accepted before or after the command):\n");
    print_opts(f, global_opts);
    fprintf(f, "\nexit codes: 0 done, 2 usage, 3 profile request pending, 4 bad input (nothing written),\n"
               "            5 AWS denied, 6 AWS/network error, 7 keyring unavailable, 8 conflict\n");
    fprintf(f, "\nRun 'clinecfg <command> --help' for a command's options.\n");
}

static void print_command_help(FILE *f, const cli_command *c)
{
    fprintf(f, "usage: clinecfg %s %s\n\n%s\n", c->name, c->synopsis ? c->synopsis : "", c->summary);
    if (c->description)
        fprintf(f, "\n%s\n", c->description);
    if (c->opts && c->opts[0].name) {
        fprintf(f, "\noptions:\n");
        print_opts(f, c->opts);
    }
    fprintf(f, "\nglobal options:\n");
    print_opts(f, global_opts);
}

/* Matches argv[*i] against `opts`.  Returns 1 when consumed, 0 when it is not
 * one of these options, or a negative status on a malformed use. */
static int take_option(int argc, char **argv, int *i, const cli_opt *opts, cli_args *a, cc_err *err)
{
    const char *arg = argv[*i];
    if (arg[0] != '-' || arg[1] == '\0')
        return 0;
    if (arg[1] == '-') {
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        for (int k = 0; opts && opts[k].name; k++) {
            if (strlen(opts[k].name) != nlen || strncmp(opts[k].name, name, nlen) != 0)
                continue;
            const cli_opt *o = &opts[k];
            if (o->kind == OPT_FLAG) {
                if (eq)
                    return cc_err_set(err, CC_EUSAGE, "usage", "option --%s takes no value", o->name);
                a->count[k]++;
                a->value[k] = "1";
            } else if (o->kind == OPT_OPTIONAL_VALUE) {
                a->count[k]++;
                a->value[k] = eq ? eq + 1 : "";
            } else {
                const char *v = eq ? eq + 1 : NULL;
                if (!v) {
                    if (*i + 1 >= argc)
                        return cc_err_set(err, CC_EUSAGE, "usage", "option --%s needs a value (%s)", o->name,
                                          o->metavar ? o->metavar : "VALUE");
                    v = argv[++*i];
                }
                a->count[k]++;
                a->value[k] = v;
            }
            return 1;
        }
        return 0;
    }
    /* Short options; bundles of flags like -yq are accepted. */
    int consumed = 0;
    for (const char *p = arg + 1; *p; p++) {
        int k = -1;
        for (int j = 0; opts && opts[j].name; j++)
            if (opts[j].shortc && opts[j].shortc == *p)
                k = j;
        if (k < 0) {
            if (consumed)
                return cc_err_set(err, CC_EUSAGE, "usage", "unknown option -%c in %s", *p, arg);
            return 0;
        }
        if (opts[k].kind == OPT_VALUE) {
            if (p[1]) {
                a->value[k] = p + 1;
            } else {
                if (*i + 1 >= argc)
                    return cc_err_set(err, CC_EUSAGE, "usage", "option -%c needs a value", *p);
                a->value[k] = argv[++*i];
            }
            a->count[k]++;
            return 1;
        }
        a->count[k]++;
        a->value[k] = "1";
        consumed = 1;
    }
    return 1;
}

/* Splits argv into global options, the command, its options and positionals. */
static int parse_all(int argc, char **argv, cli_args *g, const cli_command **cmd, cli_args *c, cc_err *err)
{
    bool only_pos = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_pos && strcmp(arg, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (!only_pos && arg[0] == '-' && arg[1]) {
            int r = take_option(argc, argv, &i, global_opts, g, err);
            if (r < 0)
                return r;
            if (r == 1)
                continue;
            if (*cmd) {
                r = take_option(argc, argv, &i, (*cmd)->opts, c, err);
                if (r < 0)
                    return r;
                if (r == 1)
                    continue;
                return cc_err_set(err, CC_EUSAGE, "usage", "unknown option '%s' for 'clinecfg %s'", arg,
                                  (*cmd)->name);
            }
            return cc_err_set(err, CC_EUSAGE, "usage", "unknown option '%s'", arg);
        }
        if (!*cmd) {
            *cmd = find_command(arg);
            if (!*cmd) {
                cc_err_set(err, CC_EUSAGE, "usage", "unknown command '%s'", arg);
                cc_err_hint(err, "run 'clinecfg --help' to list the commands");
                return CC_EUSAGE;
            }
            continue;
        }
        if (c->npos >= CLI_MAX_POS)
            return cc_err_set(err, CC_EUSAGE, "usage", "too many arguments");
        c->pos[c->npos++] = arg;
    }
    return 0;
}

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
    int status = parse_all(argc, argv, &g, &cmd, &c, &err);

    cc_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    out_init(&ctx.out, cli_count(&g, global_opts, "json") > 0, cli_count(&g, global_opts, "quiet") > 0,
             cli_count(&g, global_opts, "verbose"), cli_count(&g, global_opts, "no-color") > 0);
    ctx.yes = cli_count(&g, global_opts, "yes") > 0;
    ctx.dry_run = cli_count(&g, global_opts, "dry-run") > 0;
    ctx.config_file = cli_value(&g, global_opts, "config");
    ctx.org_config = cli_value(&g, global_opts, "org-config");
    if (!ctx.org_config)
        ctx.org_config = getenv("CLINECFG_ORG_CONFIG");
    char self[PATH_MAX];
    ctx.self_path = resolve_self_path(argv[0], self, sizeof self);
    ctx.result = cJSON_CreateObject();
    if (!ctx.result)
        return 1;

    if (status == 0) {
        if (cli_count(&g, global_opts, "version")) {
            cJSON_AddStringToObject(ctx.result, "version", CLINECFG_VERSION);
            out_text(&ctx.out, "clinecfg %s\n", CLINECFG_VERSION);
        } else if (cli_count(&g, global_opts, "help")) {
            if (cmd)
                print_command_help(stdout, cmd);
            else
                print_tool_help(stdout);
            cJSON_Delete(ctx.result);
            return 0;
        } else if (!cmd) {
            print_tool_help(stderr);
            status = cc_err_set(&err, CC_EUSAGE, "usage", "no command given");
        } else {
            status = cmd->run(&ctx, &c, &err);
        }
    }
    int code = out_finish(&ctx.out, status, &err, ctx.result);
    secret_json_delete(ctx.result);
    return code;
}

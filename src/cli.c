/*
 * cli.c - the command-line parser and help printer: argv is matched against
 * the global option table and the named command's table, and both the
 * usage line and --help are printed from those same tables.  It knows no
 * command by name; main.c hands it the command table.  cli_confirm, the one
 * interactive y/N question, lives here too.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clinecfg/cli.h"

static const cli_opt global_table[GLOBAL_OPT_COUNT] = {
    [GLOBAL_OPT_HELP] = {"help", 'h', OPT_FLAG, NULL, "show help for clinecfg or for a command"},
    [GLOBAL_OPT_VERSION] = {"version", 0, OPT_FLAG, NULL, "print the version and exit"},
    [GLOBAL_OPT_JSON] = {"json", 0, OPT_FLAG, NULL, "print exactly one JSON object on stdout"},
    [GLOBAL_OPT_VERBOSE] = {"verbose", 'v', OPT_FLAG, NULL,
                            "trace what happens on stderr (repeat for more; never secrets)"},
    [GLOBAL_OPT_QUIET] = {"quiet", 'q', OPT_FLAG, NULL, "no progress lines on stderr"},
    [GLOBAL_OPT_NO_COLOR] = {"no-color", 0, OPT_FLAG, NULL, "no colour (NO_COLOR is honoured too)"},
    [GLOBAL_OPT_YES] = {"yes", 'y', OPT_FLAG, NULL, "never prompt; take the defaults"},
    [GLOBAL_OPT_DRY_RUN] = {"dry-run", 0, OPT_FLAG, NULL,
                            "show a unified diff of planned file changes; touch nothing"},
    [GLOBAL_OPT_CONFIG] = {"config", 0, OPT_VALUE, "FILE", "an extra config layer, above the user config"},
    [GLOBAL_OPT_ORG_CONFIG] = {"org-config", 0, OPT_VALUE, "FILE", "use FILE instead of /etc/clinecfg/config.json"},
};

const cli_opts cli_global_opts = CLI_OPTS(global_table);

const char *cli_value(const cli_args *a, int opt)
{
    return opt >= 0 && opt < CLI_MAX_OPTS ? a->value[opt] : NULL;
}

int cli_count(const cli_args *a, int opt)
{
    return opt >= 0 && opt < CLI_MAX_OPTS ? a->count[opt] : 0;
}

static int check_table(const char *owner, cli_opts t, cc_err *err)
{
    if (t.n > CLI_MAX_OPTS)
        return cc_err_set(err, CC_EINTERNAL, "cli.table", "%s has %zu options; at most %d fit in cli_args", owner,
                          t.n, CLI_MAX_OPTS);
    for (size_t i = 0; i < t.n; i++) {
        const cli_opt *o = &t.opt[i];
        if (!o->name || !o->name[0] || !o->help || (o->kind == OPT_FLAG) != (o->metavar == NULL))
            return cc_err_set(err, CC_EINTERNAL, "cli.table", "%s: option table entry %zu is not filled in", owner, i);
    }
    return 0;
}

int cli_check_tables(const cli_command *const *commands, cc_err *err)
{
    int rc = check_table("the global options", cli_global_opts, err);
    for (size_t i = 0; !rc && commands[i]; i++) {
        char owner[64];
        snprintf(owner, sizeof owner, "clinecfg %s", commands[i]->name);
        rc = check_table(owner, commands[i]->opts, err);
    }
    return rc;
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

/* ---- help ------------------------------------------------------------------ */

/* "--name VALUE", "--name[=VALUE]" or "--name". */
static void format_long(char *buf, size_t size, const cli_opt *o)
{
    const char *mv = o->metavar ? o->metavar : "";
    if (o->kind == OPT_VALUE)
        snprintf(buf, size, "--%s %s", o->name, mv);
    else if (o->kind == OPT_OPTIONAL_VALUE)
        snprintf(buf, size, "--%s[=%s]", o->name, mv);
    else
        snprintf(buf, size, "--%s", o->name);
}

static void print_opts(FILE *f, cli_opts t)
{
    for (size_t i = 0; i < t.n; i++) {
        const cli_opt *o = &t.opt[i];
        char lng[48], left[64];
        format_long(lng, sizeof lng, o);
        if (o->shortc)
            snprintf(left, sizeof left, "-%c, %s", o->shortc, lng);
        else
            snprintf(left, sizeof left, "    %s", lng);
        fprintf(f, "  %-28s %s\n", left, o->help);
    }
}

/* "usage: clinecfg NAME OPERANDS [--opt V] ...", wrapped under the first word. */
static void print_usage_line(FILE *f, const cli_command *c)
{
    enum { WIDTH = 100 };
    int indent = fprintf(f, "usage: clinecfg %s", c->name);
    int col = indent;
    if (c->operands)
        col += fprintf(f, " %s", c->operands);
    for (size_t i = 0; i < c->opts.n; i++) {
        char lng[48], word[52];
        format_long(lng, sizeof lng, &c->opts.opt[i]);
        int len = snprintf(word, sizeof word, "[%s]", lng);
        if (col + 1 + len > WIDTH) {
            col = fprintf(f, "\n%*s", indent, "") - 1;
        }
        col += fprintf(f, " %s", word);
    }
    fputc('\n', f);
}

void cli_print_tool_help(FILE *f, const char *version, const cli_command *const *commands)
{
    fprintf(f, "clinecfg %s - give each developer a tagged Amazon Bedrock inference profile and point Cline at it\n\n",
            version);
    fprintf(f, "usage: clinecfg [global options] <command> [options]\n\ncommands:\n");
    for (int i = 0; commands[i]; i++)
        fprintf(f, "  %-20s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(f, "\nglobal options (accepted before or after the command):\n");
    print_opts(f, cli_global_opts);
    fprintf(f, "\nexit codes: 0 done, 2 usage, 3 profile request pending, 4 bad input (nothing written),\n"
               "            5 AWS denied, 6 AWS/network error, 7 keyring unavailable, 8 conflict\n");
    fprintf(f, "\nRun 'clinecfg <command> --help' for a command's options.\n");
}

void cli_print_command_help(FILE *f, const cli_command *c)
{
    print_usage_line(f, c);
    fprintf(f, "\n%s\n", c->summary);
    if (c->description)
        fprintf(f, "\n%s\n", c->description);
    if (c->opts.n) {
        fprintf(f, "\noptions:\n");
        print_opts(f, c->opts);
    }
    fprintf(f, "\nglobal options:\n");
    print_opts(f, cli_global_opts);
}

/* ---- parsing --------------------------------------------------------------- */

/* --name, --name=VALUE or --name VALUE.  Returns 1 when consumed, 0 when it
 * is not one of these options, or a negative status on a malformed use. */
static int take_long(int argc, char **argv, int *i, cli_opts t, cli_args *a, cc_err *err)
{
    const char *name = argv[*i] + 2;
    const char *eq = strchr(name, '=');
    size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
    for (size_t k = 0; k < t.n; k++) {
        const cli_opt *o = &t.opt[k];
        if (strlen(o->name) != nlen || strncmp(o->name, name, nlen) != 0)
            continue;
        if (o->kind == OPT_FLAG) {
            if (eq)
                return cc_err_set(err, CC_EUSAGE, "usage", "option --%s takes no value", o->name);
            a->value[k] = "1";
        } else if (o->kind == OPT_OPTIONAL_VALUE) {
            a->value[k] = eq ? eq + 1 : "";
        } else {
            const char *v = eq ? eq + 1 : NULL;
            if (!v) {
                if (*i + 1 >= argc)
                    return cc_err_set(err, CC_EUSAGE, "usage", "option --%s needs a value (%s)", o->name,
                                      o->metavar ? o->metavar : "VALUE");
                v = argv[++*i];
            }
            a->value[k] = v;
        }
        a->count[k]++;
        return 1;
    }
    return 0;
}

/* -x, -xVALUE, -x VALUE and bundles of flags like -yq. */
static int take_short(int argc, char **argv, int *i, cli_opts t, cli_args *a, cc_err *err)
{
    const char *arg = argv[*i];
    int consumed = 0;
    for (const char *p = arg + 1; *p; p++) {
        int k = -1;
        for (size_t j = 0; j < t.n; j++)
            if (t.opt[j].shortc && t.opt[j].shortc == *p)
                k = (int)j;
        if (k < 0) {
            if (consumed)
                return cc_err_set(err, CC_EUSAGE, "usage", "unknown option -%c in %s", *p, arg);
            return 0;
        }
        if (t.opt[k].kind == OPT_VALUE) {
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

static int take_option(int argc, char **argv, int *i, cli_opts t, cli_args *a, cc_err *err)
{
    const char *arg = argv[*i];
    if (arg[0] != '-' || arg[1] == '\0')
        return 0;
    return arg[1] == '-' ? take_long(argc, argv, i, t, a, err) : take_short(argc, argv, i, t, a, err);
}

static const cli_command *find_command(const cli_command *const *commands, const char *name)
{
    for (int i = 0; commands[i]; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* An option word: global first, then the command's own. */
static int take_any_option(int argc, char **argv, int *i, cli_args *g, const cli_command *cmd, cli_args *c,
                           cc_err *err)
{
    int r = take_option(argc, argv, i, cli_global_opts, g, err);
    if (r != 0)
        return r;
    if (cmd) {
        r = take_option(argc, argv, i, cmd->opts, c, err);
        if (r != 0)
            return r;
        return cc_err_set(err, CC_EUSAGE, "usage", "unknown option '%s' for 'clinecfg %s'", argv[*i], cmd->name);
    }
    return cc_err_set(err, CC_EUSAGE, "usage", "unknown option '%s'", argv[*i]);
}

int cli_parse(int argc, char **argv, const cli_command *const *commands, cli_args *g, const cli_command **cmd,
              cli_args *c, cc_err *err)
{
    int rc = cli_check_tables(commands, err);
    if (rc)
        return rc;
    bool only_pos = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_pos && strcmp(arg, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (!only_pos && arg[0] == '-' && arg[1]) {
            int r = take_any_option(argc, argv, &i, g, *cmd, c, err);
            if (r < 0)
                return r;
            continue;
        }
        if (!*cmd) {
            *cmd = find_command(commands, arg);
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

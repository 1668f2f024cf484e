/*
 * cli.c - the command-line parser and help printer: argv is matched against
 * the global option table and the named command's table, and both the
 * usage line and --help are printed from those same tables; a command with
 * subcommands ('admin limits') hands the parsing of options over to the
 * subcommand its first positional word names.  It knows no command by name;
 * main.c hands it the command table.  The interactive
 * questions (cli_confirm, cli_yes_no, cli_ask) live here too: end of input or
 * Ctrl-C at one of them is "cancelled", never a default.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clinecfg/cli.h"
#include "clinecfg/suggest.h"

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
    [GLOBAL_OPT_ALLOW_INSECURE_ENDPOINT] = {"allow-insecure-endpoint", 0, OPT_FLAG, NULL,
                                            "allow plain http:// AWS endpoints beyond loopback (warns)"},
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

/* A command's table, its run-or-subcommands, and its subcommands' own. */
static int check_command(const char *parent, const cli_command *c, cc_err *err)
{
    char owner[64];
    snprintf(owner, sizeof owner, "clinecfg %s%s%s", parent ? parent : "", parent ? " " : "", c->name);
    int rc = check_table(owner, c->opts, err);
    if (!rc && !c->run == !c->subcommands)
        rc = cc_err_set(err, CC_EINTERNAL, "cli.table", "%s needs either a run function or subcommands", owner);
    if (!rc && c->subcommands && c->opts.n)
        rc = cc_err_set(err, CC_EINTERNAL, "cli.table", "%s has subcommands, so its options belong to them", owner);
    for (size_t i = 0; !rc && c->subcommands && c->subcommands[i]; i++)
        rc = c->subcommands[i]->subcommands
                 ? cc_err_set(err, CC_EINTERNAL, "cli.table", "%s %s: subcommands nest one level only", owner,
                              c->subcommands[i]->name)
                 : check_command(c->name, c->subcommands[i], err);
    return rc;
}

int cli_check_tables(const cli_command *const *commands, cc_err *err)
{
    int rc = check_table("the global options", cli_global_opts, err);
    for (size_t i = 0; !rc && commands[i]; i++)
        rc = check_command(NULL, commands[i], err);
    return rc;
}

bool cli_interactive(const cc_ctx *ctx)
{
    return !ctx->yes && isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
}

/* Ctrl-C while a question is open ends the question, not the process: the
 * command then stops with exit 1 having written nothing (see out_cancelled). */
static volatile sig_atomic_t interrupted;
static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* One line from stdin without its newline; false on end of input or Ctrl-C. */
static bool read_answer(char *line, size_t size)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt; /* no SA_RESTART: the read returns EINTR */
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old);
    char *got = fgets(line, (int)size, stdin);
    sigaction(SIGINT, &old, NULL);
    if (!got || interrupted) {
        fputc('\n', stderr); /* the prompt's line ends here, not in the shell's prompt */
        clearerr(stdin);
        line[0] = '\0';
        return false;
    }
    line[strcspn(line, "\r\n")] = '\0';
    return true;
}

__attribute__((format(printf, 3, 0))) static int ask_yes_no(const cc_ctx *ctx, bool def, const char *fmt, va_list ap)
{
    if (!cli_interactive(ctx))
        return def;
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, def ? " [Y/n] " : " [y/N] ");
    fflush(stderr);
    char line[64];
    if (!read_answer(line, sizeof line))
        return -1;
    if (line[0] == 'y' || line[0] == 'Y')
        return 1;
    if (line[0] == 'n' || line[0] == 'N')
        return 0;
    return def;
}

int cli_yes_no(const cc_ctx *ctx, bool def, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = ask_yes_no(ctx, def, fmt, ap);
    va_end(ap);
    return r;
}

bool cli_confirm(const cc_ctx *ctx, bool def, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = ask_yes_no(ctx, def, fmt, ap);
    va_end(ap);
    return r == 1;
}

bool cli_ask(const cc_ctx *ctx, const char *def, char *answer, size_t size, const char *fmt, ...)
{
    if (!cli_interactive(ctx)) {
        snprintf(answer, size, "%s", def ? def : "");
        return def != NULL;
    }
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (def && *def)
        fprintf(stderr, " [%s]", def);
    fprintf(stderr, ": ");
    fflush(stderr);
    if (!read_answer(answer, size))
        return false;
    if (!answer[0] && def)
        snprintf(answer, size, "%s", def);
    return true;
}

/* ---- help ------------------------------------------------------------------ */

/* "--name VALUE", "--name[=VALUE]" or "--name". */
static void format_long(char *buf, size_t size, const cli_opt *o)
{
    const char *mv = o->metavar ? o->metavar : "";
    if (o->kind == OPT_VALUE || o->kind == OPT_LIST)
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

/* "usage: clinecfg [PARENT] NAME OPERANDS [--opt V] ...", wrapped under the first word. */
static void print_usage_line(FILE *f, const cli_command *parent, const cli_command *c)
{
    enum { WIDTH = 100 };
    int indent = parent ? fprintf(f, "usage: clinecfg %s %s", parent->name, c->name)
                        : fprintf(f, "usage: clinecfg %s", c->name);
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
    fprintf(f, "\nexit codes: 0 done, 1 cancelled at a prompt (or an internal error), 2 usage,\n"
               "            3 profile request pending, 4 bad input (nothing written), 5 AWS denied,\n"
               "            6 AWS/network error, 7 keyring unavailable, 8 conflict\n");
    fprintf(f, "\nRun 'clinecfg <command> --help' for a command's options.\n");
}

void cli_print_command_help(FILE *f, const cli_command *cmd, const cli_command *sub)
{
    const cli_command *c = sub ? sub : cmd;
    print_usage_line(f, sub ? cmd : NULL, c);
    fprintf(f, "\n%s\n", c->summary);
    if (c->description)
        fprintf(f, "\n%s\n", c->description);
    if (c->subcommands) {
        fprintf(f, "\nsubcommands:\n");
        for (size_t i = 0; c->subcommands[i]; i++)
            fprintf(f, "  %-20s %s\n", c->subcommands[i]->name, c->subcommands[i]->summary);
        fprintf(f, "\nRun 'clinecfg %s <subcommand> --help' for a subcommand's options.\n", c->name);
    }
    if (c->opts.n) {
        fprintf(f, "\noptions:\n");
        print_opts(f, c->opts);
    }
    fprintf(f, "\nglobal options:\n");
    print_opts(f, cli_global_opts);
}

/* ---- parsing --------------------------------------------------------------- */

/* Records one value of option k.  A repeated OPT_LIST option keeps every
 * value, comma-joined in the args' own pool; other options keep the last. */
static int store_value(const cli_opt *o, int k, const char *v, cli_args *a, cc_err *err)
{
    a->count[k]++;
    if (o->kind != OPT_LIST || !a->value[k]) {
        a->value[k] = v;
        return 1;
    }
    size_t old = strlen(a->value[k]), add = strlen(v);
    if (a->list_used + old + 1 + add + 1 > sizeof a->list_pool)
        return cc_err_set(err, CC_EUSAGE, "usage", "--%s is repeated with more than %zu bytes of values: split the run",
                          o->name, sizeof a->list_pool);
    char *joined = a->list_pool + a->list_used;
    memcpy(joined, a->value[k], old);
    joined[old] = ',';
    memcpy(joined + old + 1, v, add + 1);
    a->list_used += old + 1 + add + 1;
    a->value[k] = joined;
    return 1;
}

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
            return store_value(o, (int)k, v, a, err);
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
        if (t.opt[k].kind == OPT_VALUE || t.opt[k].kind == OPT_LIST) {
            if (!p[1] && *i + 1 >= argc)
                return cc_err_set(err, CC_EUSAGE, "usage", "option -%c needs a value", *p);
            return store_value(&t.opt[k], k, p[1] ? p + 1 : argv[++*i], a, err);
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

/* "-2.5", "-1e3": a JSON number is a value (as in git config), never an option. */
bool cli_is_json_number(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return false;
    if (*p == '.') {
        if (!(*++p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* Appends the long names of table t to names (NULL-terminated, at most max). */
static size_t add_names(const char **names, size_t n, size_t max, cli_opts t)
{
    for (size_t i = 0; i < t.n && n + 1 < max; i++)
        names[n++] = t.opt[i].name;
    names[n] = NULL;
    return n;
}

/* "did you mean '--team'?" for a misspelt long option; no hint when nothing
 * is close.  `owner` is the command or subcommand whose table was searched
 * (NULL before the subcommand is named).  An option that a sibling
 * subcommand has is named with its owner ("an option of 'clinecfg admin
 * limits'"), so a misplaced flag says where it belongs. */
static void hint_option(cc_err *err, const char *arg, const cli_command *cmd, const cli_command *owner)
{
    if (strncmp(arg, "--", 2) != 0)
        return;
    char typed[64];
    snprintf(typed, sizeof typed, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
    const char *names[2 * CLI_MAX_OPTS + 1];
    size_t n = add_names(names, 0, sizeof names / sizeof names[0], cli_global_opts);
    if (owner)
        add_names(names, n, sizeof names / sizeof names[0], owner->opts);
    char best[256];
    if (cmd && cmd->subcommands && !owner) {
        cc_err_hint(err, "options go after the subcommand: clinecfg %s <subcommand> --%s ('clinecfg %s --help' "
                         "lists them)", cmd->name, typed, cmd->name);
        return;
    }
    if (suggest_closest(typed, names, "--", best, sizeof best)) {
        cc_err_hint(err, "did you mean %s?", best);
        return;
    }
    char holders[256] = "";
    size_t used = 0;
    for (size_t i = 0; cmd && cmd->subcommands && cmd->subcommands[i]; i++) {
        const cli_command *s = cmd->subcommands[i];
        for (size_t k = 0; s != owner && k < s->opts.n; k++)
            if (strcmp(s->opts.opt[k].name, typed) == 0 && used < sizeof holders)
                used += (size_t)snprintf(holders + used, sizeof holders - used, "%s'clinecfg %s %s'",
                                         used ? " and " : "", cmd->name, s->name);
    }
    if (holders[0])
        cc_err_hint(err, "--%s is an option of %s", typed, holders);
}

/* Every name of a NULL-terminated command list, for suggest_closest and messages. */
static size_t command_names(const cli_command *const *commands, const char **names, size_t max)
{
    size_t n = 0;
    for (; commands[n] && n + 1 < max; n++)
        names[n] = commands[n]->name;
    names[n] = NULL;
    return n;
}

static int unknown_command(const cli_command *const *commands, const char *name, cc_err *err)
{
    const char *names[64];
    command_names(commands, names, sizeof names / sizeof names[0]);
    cc_err_set(err, CC_EUSAGE, "usage", "unknown command '%s'", name);
    char best[256];
    if (suggest_closest(name, names, "", best, sizeof best))
        cc_err_hint(err, "did you mean %s? ('clinecfg --help' lists the commands)", best);
    else
        cc_err_hint(err, "run 'clinecfg --help' to list the commands");
    return CC_EUSAGE;
}

/* "usage: clinecfg admin provision|policy|report|limits ..." */
static void subcommand_usage(const cli_command *cmd, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "usage: clinecfg %s ", cmd->name);
    for (size_t i = 0; cmd->subcommands[i] && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "|" : "", cmd->subcommands[i]->name);
    if (used < size)
        snprintf(buf + used, size - used, " ...");
}

/* No subcommand, or an unknown one (name != NULL), for a command that has them. */
static int bad_subcommand(const cli_command *cmd, const char *name, cc_err *err)
{
    char usage[256];
    subcommand_usage(cmd, usage, sizeof usage);
    if (!name) {
        cc_err_set(err, CC_EUSAGE, "usage", "%s", usage);
        cc_err_hint(err, "'clinecfg %s --help' describes the subcommands", cmd->name);
        return CC_EUSAGE;
    }
    const char *names[64];
    command_names(cmd->subcommands, names, sizeof names / sizeof names[0]);
    cc_err_set(err, CC_EUSAGE, "usage", "unknown subcommand '%s' for 'clinecfg %s'", name, cmd->name);
    char best[256];
    if (suggest_closest(name, names, "", best, sizeof best))
        cc_err_hint(err, "did you mean %s? (%s)", best, usage);
    else
        cc_err_hint(err, "%s; 'clinecfg %s --help' describes them", usage, cmd->name);
    return CC_EUSAGE;
}

static const cli_command *find_command(const cli_command *const *commands, const char *name)
{
    for (int i = 0; commands[i]; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* An option word: global first, then the options of the one that runs (the
 * subcommand once it is named; a command with subcommands has none). */
static int take_any_option(int argc, char **argv, int *i, cli_args *g, const cli_command *cmd,
                           const cli_command *sub, cli_args *c, cc_err *err)
{
    int r = take_option(argc, argv, i, cli_global_opts, g, err);
    if (r != 0)
        return r;
    const cli_command *owner = sub ? sub : cmd;
    if (owner) {
        r = take_option(argc, argv, i, owner->opts, c, err);
        if (r != 0)
            return r;
        if (sub)
            cc_err_set(err, CC_EUSAGE, "usage", "unknown option '%s' for 'clinecfg %s %s'", argv[*i], cmd->name,
                       sub->name);
        else
            cc_err_set(err, CC_EUSAGE, "usage", "unknown option '%s' for 'clinecfg %s'", argv[*i], cmd->name);
    } else {
        cc_err_set(err, CC_EUSAGE, "usage", "unknown option '%s'", argv[*i]);
    }
    hint_option(err, argv[*i], cmd, sub ? sub : (cmd && !cmd->subcommands ? cmd : NULL));
    return CC_EUSAGE;
}

/* A word that is not an option: the command, its subcommand, or a positional. */
static int take_word(const char *arg, const cli_command *const *commands, const cli_command **cmd,
                     const cli_command **sub, cli_args *c, cc_err *err)
{
    if (!*cmd) {
        *cmd = find_command(commands, arg);
        return *cmd ? 0 : unknown_command(commands, arg, err);
    }
    if ((*cmd)->subcommands && !*sub) {
        *sub = find_command((*cmd)->subcommands, arg);
        return *sub ? 0 : bad_subcommand(*cmd, arg, err);
    }
    if (c->npos >= CLI_MAX_POS)
        return cc_err_set(err, CC_EUSAGE, "usage", "too many arguments");
    c->pos[c->npos++] = arg;
    return 0;
}

int cli_parse(int argc, char **argv, const cli_command *const *commands, cli_args *g, const cli_command **cmd,
              const cli_command **sub, cli_args *c, cc_err *err)
{
    int rc = cli_check_tables(commands, err);
    if (rc)
        return rc;
    *sub = NULL;
    bool only_pos = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_pos && strcmp(arg, "--") == 0) {
            only_pos = true;
            continue;
        }
        int r = !only_pos && arg[0] == '-' && arg[1] && !cli_is_json_number(arg)
                    ? take_any_option(argc, argv, &i, g, *cmd, *sub, c, err)
                    : take_word(arg, commands, cmd, sub, c, err);
        if (r < 0)
            return r;
    }
    if (*cmd && (*cmd)->subcommands && !*sub && !g->count[GLOBAL_OPT_HELP] && !g->count[GLOBAL_OPT_VERSION])
        return bad_subcommand(*cmd, NULL, err);
    return 0;
}

/*
 * cli.h - the command-line layer: the run context every subcommand
 * receives, the option tables and their parsed values.
 *
 * Each command (src/cmd/X.c) declares an enum of its options and a table
 * indexed by it, with designated initializers; cli_parse (src/cli.c) splits
 * argv against the global table and that table, and the usage line and
 * --help are printed from the same tables, so they cannot drift.  Values are
 * read back by enum index (cli_value(a, SETUP_OPT_TEAM)), never by name.
 * A command may instead have subcommands, git-style ('clinecfg admin limits
 * set'): the first positional word picks one, and that subcommand's own
 * table, usage line, --help and run take over; an option of a sibling is a
 * usage error like any unknown one.
 * Commands never print their result directly for --json: they add fields to
 * ctx->result and return a CC_* status.
 */
#ifndef CLINECFG_CLI_H
#define CLINECFG_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "clinecfg/error.h"
#include "clinecfg/output.h"

#define CLI_MAX_OPTS 32
#define CLI_MAX_POS 16
#define CLI_LIST_BYTES 4096 /* room for the joined values of repeated OPT_LIST options */

/* OPT_LIST takes a value and may be repeated: the values are joined with
 * commas, so "--user a --user b,c" reads back as "a,b,c". */
typedef enum { OPT_FLAG, OPT_VALUE, OPT_OPTIONAL_VALUE, OPT_LIST } cli_opt_kind;

typedef struct cli_opt {
    const char *name;     /* long name without "--" */
    char shortc;          /* 0 if none */
    cli_opt_kind kind;    /* OPT_OPTIONAL_VALUE takes only --name=VALUE */
    const char *metavar;  /* e.g. "NAME" */
    const char *help;
} cli_opt;

/* A command's option table: the entries in enum order, and how many. */
typedef struct cli_opts {
    const cli_opt *opt;
    size_t n;
} cli_opts;

/* CLI_OPTS(table) for a `static const cli_opt table[X_OPT_COUNT]`. */
#define CLI_OPTS(table) {(table), sizeof(table) / sizeof((table)[0])}

typedef struct cli_args {
    const char *value[CLI_MAX_OPTS]; /* last value given (OPT_LIST: all of them, joined), by table index */
    int count[CLI_MAX_OPTS];         /* how often it was given */
    const char *pos[CLI_MAX_POS];    /* positional arguments */
    int npos;
    char list_pool[CLI_LIST_BYTES];  /* where repeated OPT_LIST values are joined */
    size_t list_used;
} cli_args;

typedef struct cc_ctx {
    cc_out out;
    bool yes;                 /* -y: never prompt */
    bool dry_run;             /* --dry-run: show diffs, write nothing */
    const char *config_file;  /* --config FILE: extra config layer */
    const char *org_config;   /* --org-config FILE (tests); default /etc/clinecfg/config.json */
    const char *self_path;    /* absolute path of the running binary */
    cJSON *result;            /* command result fields for --json */
} cc_ctx;

typedef struct cli_command {
    const char *name;
    const char *operands;   /* positional part of the usage line, e.g. "provision"; may be NULL */
    const char *summary;    /* one line */
    const char *description;/* a paragraph for --help; may be NULL */
    cli_opts opts;          /* CLI_OPTS(table), or {0} for none */
    int (*run)(cc_ctx *ctx, const cli_args *args, cc_err *err); /* NULL when it has subcommands */
    /* NULL-terminated, or NULL: the first positional word names one, which
     * then owns the options, the remaining positionals and the run. */
    const struct cli_command *const *subcommands;
} cli_command;

/* The global options, accepted before or after the command name. */
enum {
    GLOBAL_OPT_HELP,
    GLOBAL_OPT_VERSION,
    GLOBAL_OPT_JSON,
    GLOBAL_OPT_VERBOSE,
    GLOBAL_OPT_QUIET,
    GLOBAL_OPT_NO_COLOR,
    GLOBAL_OPT_YES,
    GLOBAL_OPT_DRY_RUN,
    GLOBAL_OPT_CONFIG,
    GLOBAL_OPT_ORG_CONFIG,
    GLOBAL_OPT_ALLOW_INSECURE_ENDPOINT,
    GLOBAL_OPT_COUNT
};
extern const cli_opts cli_global_opts;

/* Value of option `opt` (an index of the command's enum); NULL when absent. */
const char *cli_value(const cli_args *a, int opt);
/* How many times option `opt` was given. */
int cli_count(const cli_args *a, int opt);

/* Checks that every entry of every table (the global one, each command's and
 * each subcommand's) is filled in and that no table is larger than
 * CLI_MAX_OPTS: an enum value without an initializer would otherwise be a
 * silent hole.  A command has a run or subcommands, never both. */
int cli_check_tables(const cli_command *const *commands, cc_err *err);

/* Splits argv into global options (g), the command (*cmd, NULL when none was
 * named), its subcommand (*sub, NULL when the command has none), the
 * options of the one that runs (c) and its positionals.  `commands` is
 * NULL-terminated.  A command with subcommands but none named is a usage
 * error, unless --help or --version was given.  Returns 0 or CC_EUSAGE with
 * err filled. */
int cli_parse(int argc, char **argv, const cli_command *const *commands, cli_args *g, const cli_command **cmd,
              const cli_command **sub, cli_args *c, cc_err *err);

/* True when s is a JSON number ("-2.5", "1e3"): cli_parse takes such a
 * word as a positional value even when it starts with '-'. */
bool cli_is_json_number(const char *s);

/* 'clinecfg --help', 'clinecfg CMD --help' (sub NULL; a command with
 * subcommands lists them) and 'clinecfg CMD SUB --help', from the tables. */
void cli_print_tool_help(FILE *f, const char *version, const cli_command *const *commands);
void cli_print_command_help(FILE *f, const cli_command *c, const cli_command *sub);

/* May clinecfg ask?  Not with -y, and only with a terminal on stdin and stderr. */
bool cli_interactive(const cc_ctx *ctx);

/* Prints a y/N question on stderr and reads the answer from the TTY: 1 yes,
 * 0 no, -1 cancelled (end of input or Ctrl-C, which ends the line).  An empty
 * answer is `def`; without cli_interactive it is `def` unasked. */
int cli_yes_no(const cc_ctx *ctx, bool def, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* cli_yes_no == 1: false for "no" and for a cancelled question alike. */
bool cli_confirm(const cc_ctx *ctx, bool def, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Asks for a line ("Team [teamA]: "); an empty answer is `def` (may be
 * NULL).  False when cancelled.  Without cli_interactive the answer is
 * `def` unasked (false when there is none). */
bool cli_ask(const cc_ctx *ctx, const char *def, char *answer, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Sets the key of clinecfg's user config through the safe edit of
 * 'clinecfg config set' (checked, backed up; src/cmd/config.c).  VALUE is
 * stored as a JSON string. */
int config_set_user_string(cc_ctx *ctx, const char *key, const char *value, cc_err *err);

#endif

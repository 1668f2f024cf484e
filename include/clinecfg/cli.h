/*
 * cli.h - what every subcommand receives: the run context and its parsed
 * options.  Option tables are declared next to each command (src/cmd/X.c) and
 * parsed centrally by cli_parse, so global options and --help behave the same
 * everywhere.  Commands never print their result directly for --json: they
 * add fields to ctx->result and return a CC_* status.
 */
#ifndef CLINECFG_CLI_H
#define CLINECFG_CLI_H

#include <limits.h>
#include <stdbool.h>

#include <cjson/cJSON.h>

#include "clinecfg/error.h"
#include "clinecfg/output.h"

#define CLI_MAX_OPTS 32
#define CLI_MAX_POS 16

typedef enum { OPT_FLAG, OPT_VALUE, OPT_OPTIONAL_VALUE } cli_opt_kind;

typedef struct cli_opt {
    const char *name;     /* long name without "--" */
    char shortc;          /* 0 if none */
    cli_opt_kind kind;    /* OPT_OPTIONAL_VALUE takes only --name=VALUE */
    const char *metavar;  /* e.g. "NAME" */
    const char *help;
} cli_opt;

typedef struct cli_args {
    const char *value[CLI_MAX_OPTS]; /* last value given, by spec index */
    int count[CLI_MAX_OPTS];         /* how often it was given */
    const char *pos[CLI_MAX_POS];    /* positional arguments */
    int npos;
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
    const char *synopsis;   /* after the command name, e.g. "[--account NAME]" */
    const char *summary;    /* one line */
    const char *description;/* a paragraph for --help; may be NULL */
    const cli_opt *opts;    /* terminated by a zeroed entry; may be NULL */
    int (*run)(cc_ctx *ctx, const cli_args *args, cc_err *err);
} cli_command;

/* Value of option `name` (NULL when absent); the spec table must hold it. */
const char *cli_value(const cli_args *a, const cli_opt *opts, const char *name);
/* How many times option `name` was given. */
int cli_count(const cli_args *a, const cli_opt *opts, const char *name);

/* Prints a y/N question on stderr and reads the answer from the TTY.
 * Returns `def` when ctx->yes is set or there is no TTY. */
bool cli_confirm(const cc_ctx *ctx, bool def, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Every registered command, NULL-terminated (src/main.c). */
extern const cli_command *const cli_commands[];

#endif

/*
 * admin_limits.h - `clinecfg admin limits set|enforce|list|remove`, a
 * subcommand of admin with its own options (src/cmd/admin_limits.c),
 * and the pieces its parts share (src/cmd/admin_limits_common.c): the run
 * context, the member list, the members' profiles, the price table and the
 * one place writes go through (so --dry-run shows every call).
 */
#ifndef CLINECFG_ADMIN_LIMITS_H
#define CLINECFG_ADMIN_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/cli.h"
#include "clinecfg/config.h"
#include "clinecfg/prices.h"
#include "clinecfg/session.h"
#include "clinecfg/sts.h"

typedef struct admin_limits_args {
    const char *action;         /* the operand after `limits`: set, enforce, list, remove */
    const char *team;           /* --team; NULL = the config's team (set, remove) or every team */
    const char *member;         /* --member */
    const char *roster;         /* --roster CSV: team,member per line */
    const char *region, *aws_profile;
    const char *monthly_usd;    /* --monthly-usd */
    const char *notify;         /* --notify email:ADDR|sns:ARN[,...] */
    const char *alert_at;       /* --alert-at 80,100 */
    const char *hourly_tokens;  /* --hourly-tokens N */
    bool budget_action;         /* --budget-action */
    const char *execution_role; /* --execution-role ARN */
    const char *users, *roles, *groups; /* enforce: attach clinecfg-blocked to these */
} admin_limits_args;

extern const cli_command cmd_admin_limits;

/* ---- shared by admin_limits*.c ------------------------------------------ */

typedef struct limits_member {
    char *team, *member;
} limits_member;

/* An application profile tagged for a member. */
typedef struct limits_profile {
    char *arn, *id, *member, *team, *model_arn;
} limits_profile;

typedef struct limits_ctx {
    cc_ctx *ctx;
    cc_config cfg;
    bool have_cfg;
    session s;
    bool have_session;
    sts_identity id;
    char partition[16];
    const char *member_key, *team_key;
    size_t writes;              /* write calls made (or shown, with --dry-run) */
    cJSON *planned;             /* --dry-run: the calls that would be made */
} limits_ctx;

int limits_open(limits_ctx *l, cc_ctx *ctx, const admin_limits_args *a, cc_err *err);
void limits_close(limits_ctx *l);

/* --member (with --team or the config's team) or --roster rows. */
int limits_members(const limits_ctx *l, const admin_limits_args *a, limits_member **out, size_t *n, cc_err *err);
void limits_members_free(limits_member *m, size_t n);

/* Every application profile carrying the member tag (one listing, the tags
 * read concurrently). */
int limits_profiles(limits_ctx *l, limits_profile **out, size_t *n, cc_err *err);
void limits_profiles_free(limits_profile *p, size_t n);

/* The price table: CLINECFG_PRICES_FILE, the installed one, or one beside
 * the binary (../share/clinecfg, ../packaging). */
int limits_load_prices(const cc_ctx *ctx, price_table *out, cc_err *err);

/* A write: with --dry-run prints "would call SERVICE:OP BODY" and records it;
 * else sends it through budgets.h ("budgets") or cwalarm.h ("cloudwatch").
 * Takes body. */
int limits_write(limits_ctx *l, const char *service, const char *op, cJSON *body, cJSON **reply, cc_err *err);
/* A write that is not a JSON call (IAM): with --dry-run prints the line and
 * returns 1 (the caller skips the call); else counts it and returns 0. */
int limits_write_plan(limits_ctx *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The ARN of the customer-managed policy `name` in the caller's account. */
void limits_policy_arn(const limits_ctx *l, const char *name, char *out, size_t size);

/* The profile ARNs clinecfg-blocked denies now (*arns malloc'd, free with
 * limits_strings_free); *exists false and none when the policy does not
 * exist.  arn gets the policy's ARN. */
int limits_read_blocked(limits_ctx *l, char *arn, size_t size, char ***arns, size_t *n, bool *exists, cc_err *err);

/* set/remove (admin_limits.c) and enforce/list (admin_limits_enforce.c). */
int limits_enforce(limits_ctx *l, const admin_limits_args *a, bool list_only, cc_err *err);

#endif

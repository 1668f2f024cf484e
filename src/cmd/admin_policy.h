/*
 * admin_policy.h - `clinecfg admin policy developer|enforce|blocked`,
 * called by admin.c once it has parsed the admin options
 * (src/cmd/admin_policy.c), and the Identity Center steps for
 * clinecfg-blocked that `admin limits enforce` prints too.
 */
#ifndef CLINECFG_ADMIN_POLICY_H
#define CLINECFG_ADMIN_POLICY_H

#include <stdbool.h>

#include "clinecfg/cli.h"

typedef struct admin_policy_args {
    const char *kind;        /* the operand: "developer", "enforce" or "blocked" */
    const char *principal;   /* --principal iam-user|sso; NULL = iam-user */
    const char *team;        /* --team; NULL = the config's team */
    const char *account;     /* --account; NULL = any (print) or the caller's (apply, check) */
    const char *region;      /* --region; NULL = any (print) or the session's (check) */
    const char *aws_profile; /* --aws-profile */
    const char *name;        /* --name, with --apply */
    const char *users;       /* --user, --role, --group: comma-separated names */
    const char *roles;
    const char *groups;
    const char *member;      /* --member, with --check */
    bool apply, check;
} admin_policy_args;

int admin_policy_run(cc_ctx *ctx, const admin_policy_args *a, cc_err *err);

/* Prints how to attach clinecfg-blocked in IAM Identity Center (progress
 * lines) and adds them to the result as "identity_center". */
void admin_policy_blocked_steps(cc_ctx *ctx);

#endif

/*
 * admin_policy.h - `clinecfg admin policy developer|enforce|blocked`, a
 * subcommand of admin with its own options (src/cmd/admin_policy.c), and
 * the Identity Center steps for clinecfg-blocked that `admin limits
 * enforce` prints too.
 */
#ifndef CLINECFG_ADMIN_POLICY_H
#define CLINECFG_ADMIN_POLICY_H

#include "clinecfg/cli.h"

extern const cli_command cmd_admin_policy;

/* Prints how to attach clinecfg-blocked in IAM Identity Center (progress
 * lines) and adds them to the result as "identity_center". */
void admin_policy_blocked_steps(cc_ctx *ctx);

#endif

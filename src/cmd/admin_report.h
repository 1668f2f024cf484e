/*
 * admin_report.h - 'clinecfg admin report', run from admin.c's dispatcher
 * with admin's parsed options; the indices say where each option sits in
 * admin's table.
 */
#ifndef CLINECFG_ADMIN_REPORT_H
#define CLINECFG_ADMIN_REPORT_H

#include "clinecfg/cli.h"

typedef struct admin_report_opt_index {
    int team, since, until, group, format, output, region, aws_profile, concurrency;
} admin_report_opt_index;

int admin_report_run(cc_ctx *ctx, const cli_args *a, const admin_report_opt_index *ix, cc_err *err);

#endif

/*
 * admin_report.h - 'clinecfg admin report', a subcommand of admin (its
 * options, usage and run live in src/cmd/admin_report.c).
 */
#ifndef CLINECFG_ADMIN_REPORT_H
#define CLINECFG_ADMIN_REPORT_H

#include "clinecfg/cli.h"

extern const cli_command cmd_admin_report;

#endif

/*
 * commands.h - the subcommands, one file each under src/cmd/.  main.c puts
 * them in its command table; nothing else should call them.
 */
#ifndef CLINECFG_COMMANDS_H
#define CLINECFG_COMMANDS_H

#include "clinecfg/cli.h"

extern const cli_command cmd_setup;
extern const cli_command cmd_login;
extern const cli_command cmd_logout;
extern const cli_command cmd_credential_process;
extern const cli_command cmd_status;
extern const cli_command cmd_doctor;
extern const cli_command cmd_restore;
extern const cli_command cmd_admin;
extern const cli_command cmd_whoami;
extern const cli_command cmd_config;
extern const cli_command cmd_usage;

#endif

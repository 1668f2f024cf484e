/* doctor.c - 'clinecfg doctor': check every link from config to Cline and print a fix for each problem */
#include "clinecfg/commands.h"

static const cli_opt doctor_opts[] = {
    {"live", 0, OPT_FLAG, NULL, "also make one tiny Bedrock Converse call through the profile"},
    {0},
};

const cli_command cmd_doctor = {
    .name = "doctor",
    .synopsis = "[--live]",
    .summary = "check every link from config to Cline and print a fix for each problem",
    .opts = doctor_opts,
    .run = cmd_not_implemented,
};

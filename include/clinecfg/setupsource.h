/*
 * setupsource.h - which credential source `setup` records for Cline, and
 * the proof that it works (src/app/setupsource.c).
 *
 * setup_source_choose looks at where setup's own credentials came from:
 * the keyring account (long-term keys), the account's IAM Identity Center
 * sign-in, a named AWS profile (--aws-profile or AWS_PROFILE, or the
 * `default` profile), or the environment.  Environment keys are a source
 * Cline cannot see: the keyring account's stored keys or sign-in is used
 * instead, the keys are stored when --store-env-keys says so, and
 * otherwise setup stops before writing anything (CC_EKEYRING, exit 7,
 * "run `clinecfg login --from-env`").
 *
 * setup_source_run_process runs the credential_process line that was
 * written exactly as Cline's AWS SDK will: fork/exec, no shell, a bare
 * environment (HOME, PATH=/usr/bin:/bin, and only what reaches the desktop
 * keyring: DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR and libsecret's
 * SECRET_BACKEND / SECRET_FILE_TEST_* test switches).
 */
#ifndef CLINECFG_SETUPSOURCE_H
#define CLINECFG_SETUPSOURCE_H

#include <stdbool.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/credsource.h"
#include "clinecfg/error.h"
#include "clinecfg/output.h"

typedef struct setup_source {
    credsource src;
    /* What awsconfig_plan.account takes: the bare keyring account, or
     * "sso:NAME" / "profile:NAME" followed by " SERVICE=URL" endpoints. */
    char plan_arg[2048];
    char spec[300]; /* "keyring:default", "sso:default", "profile:dev-sso" */
} setup_source;

typedef struct setup_source_opts {
    const char *account;   /* keyring account (checked) */
    const char *own_profile; /* Cline's AWS profile (aws_profile_name): used as a source, it stands for its own source */
    bool store_env_keys;   /* --store-env-keys */
    bool dry_run;          /* nothing stored; a missing source only warns */
    bool no_prompt;        /* -y */
    const cc_out *out;
} setup_source_opts;

int setup_source_choose(awsclient *c, const setup_source_opts *o, setup_source *out, cc_err *err);

/* Runs `cmdline` as Cline will.  0 when it printed Version 1 credentials;
 * otherwise the child's exit status and its first stderr line are in the
 * message and the hint names the fix for the source. */
int setup_source_run_process(const char *cmdline, const setup_source *s, const cc_out *out, cc_err *err);

#endif

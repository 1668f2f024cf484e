/*
 * login_sso.h - `clinecfg login --sso` (src/cmd/login_sso.c), the IAM
 * Identity Center device flow, and the SSO part of `logout`; private to
 * src/cmd/login.c and logout.c.
 */
#ifndef CLINECFG_LOGIN_SSO_H
#define CLINECFG_LOGIN_SSO_H

#include <stdbool.h>

#include "clinecfg/cli.h"
#include "clinecfg/keyring.h"

typedef struct login_sso_opts {
    const char *account;    /* keyring account; NULL: CLINECFG_ACCOUNT or default */
    const char *start_url;  /* --start-url, else sso.start_url */
    const char *sso_region; /* --sso-region, else sso.region */
    const char *account_id; /* --account-id, else sso.account_id */
    const char *role_name;  /* --role-name, else sso.role_name */
    const char *region;     /* --region: for the STS check */
    bool no_browser;
} login_sso_opts;

int login_sso_run(cc_ctx *ctx, const login_sso_opts *o, cc_err *err);

/* Ends the stored sign-in at the portal (Logout) when there is one; a
 * failure only warns (the items are deleted anyway).  *had_sso says whether
 * one was stored. */
void login_sso_logout(cc_ctx *ctx, keyring *kr, const char *account, bool *had_sso);

#endif

/*
 * session.c - opens the AWS client a command works with: the credential
 * chain with the keyring account as one of its sources, the command's
 * --aws-profile and region, and the run's output for traces and prompts;
 * and opens the keyring for an account the same way for every command.
 */
#include <string.h>

#include "clinecfg/session.h"

#include "clinecfg/credsource.h"

int session_open(session *s, const cc_ctx *ctx, const session_opts *o, cc_err *err)
{
    memset(s, 0, sizeof *s);
    s->keyring.account = o->account;
    s->keyring.no_prompt = ctx->yes;
    s->keyring.out = &ctx->out;
    awsclient_opts ao = {
        .profile = o->aws_profile,
        .region = o->region,
        .fallback_region = o->fallback_region,
        .out = &ctx->out,
        .keyring = credsource_keyring_or_sso, /* long-term keys, else the SSO sign-in */
        .keyring_ud = &s->keyring,
    };
    return awsclient_new(&ao, &s->aws, err);
}

void session_close(session *s)
{
    awsclient_free(s->aws);
    s->aws = NULL;
}

int session_keyring(const cc_ctx *ctx, const char *flag, const char **account, keyring **kr, cc_err *err)
{
    *kr = NULL;
    *account = keyring_account_name(flag);
    int rc = keyring_check_account(*account, err);
    if (rc)
        return rc;
    keyring_opts ko = {.no_prompt = ctx->yes, .out = &ctx->out};
    return keyring_open(kr, &ko, err);
}

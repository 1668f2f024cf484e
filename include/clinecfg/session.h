/*
 * session.h - one AWS session for a command: the AWS client whose
 * credential chain includes the OS keyring account, wired the same way for
 * setup, doctor, admin and whoami.  The keyring source's options live in the
 * session because the chain borrows them for every later refresh.
 */
#ifndef CLINECFG_SESSION_H
#define CLINECFG_SESSION_H

#include "clinecfg/awsclient.h"
#include "clinecfg/cli.h"
#include "clinecfg/keyring.h"

typedef struct session_opts {
    const char *aws_profile;     /* --aws-profile; NULL = AWS_PROFILE, then the chain */
    const char *region;          /* --region or config; NULL = environment, then profile */
    const char *fallback_region; /* last resort (e.g. the last setup's); may be NULL */
    const char *account;         /* keyring account; NULL = CLINECFG_ACCOUNT or "default" */
} session_opts;

typedef struct session {
    keyring_source_opts keyring; /* borrowed by aws's credential chain */
    awsclient *aws;
} session;

/* Resolves credentials (environment, profile, keyring account, ...) and the
 * region; prompts follow ctx->yes and traces go to ctx->out.  Errors as
 * awsclient_new; on failure s->aws is NULL and nothing needs closing. */
int session_open(session *s, const cc_ctx *ctx, const session_opts *o, cc_err *err);
/* Frees the client; safe on a session that failed to open or was zeroed. */
void session_close(session *s);

/* The keyring account named by `flag` (else CLINECFG_ACCOUNT, else
 * "default"), checked, and the OS keyring opened with ctx's prompt policy.
 * On failure *kr is NULL; close it with keyring_close. */
int session_keyring(const cc_ctx *ctx, const char *flag, const char **account, keyring **kr, cc_err *err);

#endif

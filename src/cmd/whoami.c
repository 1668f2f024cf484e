/*
 * whoami.c - 'clinecfg whoami': resolve AWS credentials through the chain,
 * call STS GetCallerIdentity and show the account, ARN, the member name
 * clinecfg would use and where the credentials came from (never a secret).
 *
 * Root credentials still show their identity (it is the diagnosis), but
 * have no member name: the result says why and the command warns.
 */
#include <string.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/commands.h"
#include "clinecfg/identity.h"
#include "clinecfg/keyring.h"
#include "clinecfg/session.h"
#include "clinecfg/sts.h"

enum {
    WHOAMI_OPT_AWS_PROFILE,
    WHOAMI_OPT_REGION,
    WHOAMI_OPT_ACCOUNT,
    WHOAMI_OPT_COUNT
};

static const cli_opt whoami_opts[WHOAMI_OPT_COUNT] = {
    [WHOAMI_OPT_AWS_PROFILE] = {"aws-profile", 0, OPT_VALUE, "P", "resolve credentials from profile P"},
    [WHOAMI_OPT_REGION] = {"region", 0, OPT_VALUE, "R", "AWS region"},
    [WHOAMI_OPT_ACCOUNT] = {"account", 0, OPT_VALUE, "NAME",
                            "keyring account to look in (default: CLINECFG_ACCOUNT or default)"},
};

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    const char *account = cli_value(a, WHOAMI_OPT_ACCOUNT);
    if (account) {
        int rc = keyring_check_account(account, err);
        if (rc)
            return rc;
    }
    session_opts so = {
        .aws_profile = cli_value(a, WHOAMI_OPT_AWS_PROFILE),
        .region = cli_value(a, WHOAMI_OPT_REGION),
        .account = account,
    };
    session s;
    int rc = session_open(&s, ctx, &so, err);
    if (rc)
        return rc;
    awsclient *c = s.aws;
    out_progress(&ctx->out, "asking STS who these credentials belong to (%s)", awsclient_credential_source(c));
    sts_identity id;
    rc = sts_get_caller_identity(c, &id, err);
    if (rc) {
        session_close(&s);
        return rc;
    }

    identity ident;
    cc_err merr;
    cc_err_clear(&merr);
    char member[IDENTITY_NAME_MAX + 1] = "";
    int mrc = identity_from_arn(id.arn, &ident, &merr);
    if (!mrc)
        mrc = identity_sanitize(ident.raw_name, IDENTITY_NAME_MAX, "member name", member, sizeof member, &merr);
    if (mrc) {
        member[0] = '\0';
        out_warn(&ctx->out, "no member name: %s", merr.message);
        if (merr.hint[0])
            out_warn(&ctx->out, "%s", merr.hint);
    }

    const char *source = awsclient_credential_source(c);
    const char *region = awsclient_region(c);
    out_text(&ctx->out, "account:           %s\n", id.account);
    out_text(&ctx->out, "arn:               %s\n", id.arn);
    out_text(&ctx->out, "user id:           %s\n", id.user_id ? id.user_id : "");
    out_text(&ctx->out, "member:            %s\n", member[0] ? member : "(none)");
    out_text(&ctx->out, "credential source: %s\n", source);
    out_text(&ctx->out, "region:            %s\n", region);

    cJSON *r = ctx->result;
    if (r) {
        cJSON_AddStringToObject(r, "account", id.account);
        cJSON_AddStringToObject(r, "arn", id.arn);
        if (id.user_id)
            cJSON_AddStringToObject(r, "user_id", id.user_id);
        else
            cJSON_AddNullToObject(r, "user_id");
        if (member[0]) {
            cJSON_AddStringToObject(r, "member", member);
        } else {
            cJSON_AddNullToObject(r, "member");
            cJSON_AddStringToObject(r, "member_error", merr.message);
        }
        cJSON_AddStringToObject(r, "credential_source", source);
        cJSON_AddStringToObject(r, "region", region);
    }
    sts_identity_free(&id);
    session_close(&s);
    return CC_OK;
}

const cli_command cmd_whoami = {
    .name = "whoami",
    .summary = "show the AWS identity, member name and credential source",
    .description = "Resolves AWS credentials in clinecfg's order (--aws-profile or AWS_PROFILE, the AWS_* "
                   "environment variables, the OS keyring, the default profile), calls STS GetCallerIdentity "
                   "and prints the account, the ARN, the member name derived from it and where the credentials "
                   "came from. Secrets are never printed.",
    .opts = CLI_OPTS(whoami_opts),
    .run = run,
};

/*
 * whoami.c - 'clinecfg whoami': resolve AWS credentials through the chain,
 * call STS GetCallerIdentity and show the account, ARN, the member name
 * (the MemberName tag setup would use: the identity, unabridged), the
 * profile name it implies and where the credentials came from (never a
 * secret).
 *
 * Root credentials still show their identity (it is the diagnosis), but
 * have no member name: the result says why and the command warns.
 */
#include <string.h>

#include "clinecfg/aws_advice.h"
#include "clinecfg/awsclient.h"
#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/credsource.h"
#include "clinecfg/identity.h"
#include "clinecfg/keyring.h"
#include "clinecfg/printable.h"
#include "clinecfg/session.h"
#include "clinecfg/setupstate.h"
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

/* The MemberName tag `setup` would give this identity (the identity itself,
 * unabridged) and the profile name the org's template and member_rule make
 * of it.  Either may be missing (root has no member; the name needs a team):
 * the reason goes to the warnings and the error structs, and whoami still
 * shows the identity, which is the diagnosis. */
/* cfg is NULL when the config did not load; cfg_err then says why. */
static void member_and_name(const cc_ctx *ctx, const cc_config *cfg, const cc_err *cfg_err, const sts_identity *id,
                            const char *region, char *member, size_t member_size, char *name, size_t name_size,
                            cc_err *merr, cc_err *nerr)
{
    cc_err_clear(merr);
    cc_err_clear(nerr);
    int mrc = identity_member_from_arn(id->arn, member, member_size, merr);
    if (!mrc)
        mrc = identity_check_member(member, "your name in the caller ARN", merr);
    if (mrc) {
        member[0] = '\0';
        out_warn(&ctx->out, "no member name: %s", merr->message);
        if (merr->hint[0])
            out_warn(&ctx->out, "%s", merr->hint);
        return;
    }
    identity_member_rule rule;
    int nrc = 0;
    if (!cfg) {
        *nerr = *cfg_err;
        nrc = nerr->status ? nerr->status : CC_EINPUT;
    }
    if (!nrc)
        nrc = identity_member_rule_parse(cfg_str(cfg, CFG_MEMBER_RULE), &rule, nerr);
    if (!nrc && !cfg_str(cfg, CFG_TEAM))
        nrc = cc_err_set(nerr, CC_EINPUT, "config.team_missing", "no team is configured, so there is no profile name yet");
    if (!nrc)
        nrc = identity_profile_name(cfg_str(cfg, CFG_NAME_TEMPLATE), cfg_str(cfg, CFG_TEAM), member, rule, region,
                                    id->account, name, name_size, nerr);
    if (nrc)
        name[0] = '\0';
}

/* The source Cline's AWS profile names ("sso:default"), or "" when none of ours. */
static void cline_credential_source(const cc_config *cfg, char *out, size_t size)
{
    out[0] = '\0';
    credsource src;
    if (cfg && credsource_of_cline(cfg_str(cfg, CFG_AWS_PROFILE_NAME), &src))
        credsource_format(&src, out, size);
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    const char *account = cli_value(a, WHOAMI_OPT_ACCOUNT);
    if (account) {
        int rc = keyring_check_account(account, err);
        if (rc)
            return rc;
    }
    /* One config load for the whole run.  Without --region, the environment
     * or the AWS profile, the region is the one the config names or the last
     * setup used: after `login --sso` and `setup` nothing else may name one. */
    cc_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cc_err cfg_err;
    cc_err_clear(&cfg_err);
    bool have_cfg = cfg_load(&cfg, ctx, &cfg_err) == 0;
    setupstate st;
    setupstate_init(&st);
    setupstate_load(&st);
    const char *cfg_region = have_cfg ? cfg_str(&cfg, CFG_REGION) : NULL;
    session_opts so = {
        .aws_profile = cli_value(a, WHOAMI_OPT_AWS_PROFILE),
        .region = cli_value(a, WHOAMI_OPT_REGION),
        .fallback_region = cfg_region ? cfg_region : st.region,
        .account = account,
    };
    session s;
    int rc = session_open(&s, ctx, &so, err);
    setupstate_free(&st);
    if (rc) {
        cfg_free(&cfg);
        return rc;
    }
    awsclient *c = s.aws;
    out_progress(&ctx->out, "asking STS who these credentials belong to (%s)", awsclient_credential_source(c));
    sts_identity id;
    rc = sts_get_caller_identity(c, &id, err);
    if (rc) {
        if (aws_advice_unknown_region(err, awsclient_region(c)))
            rc = err->status;
        session_close(&s);
        cfg_free(&cfg);
        return rc;
    }

    char member[IDENTITY_MEMBER_MAX + 1] = "", name[80] = "";
    cc_err merr, nerr;
    member_and_name(ctx, have_cfg ? &cfg : NULL, &cfg_err, &id, awsclient_region(c), member, sizeof member, name,
                    sizeof name, &merr, &nerr);

    const char *source = awsclient_credential_source(c);
    const char *region = awsclient_region(c);
    /* What STS answered is shown, not obeyed: no escape sequence reaches the terminal. */
    char shown[1024];
    out_text(&ctx->out, "account:           %s\n", printable_copy(shown, sizeof shown, id.account));
    out_text(&ctx->out, "arn:               %s\n", printable_copy(shown, sizeof shown, id.arn));
    out_text(&ctx->out, "user id:           %s\n", printable_copy(shown, sizeof shown, id.user_id ? id.user_id : ""));
    out_text(&ctx->out, "member:            %s\n", member[0] ? member : "(none)");
    if (name[0])
        out_text(&ctx->out, "profile name:      %s\n", name);
    else if (member[0])
        out_text(&ctx->out, "profile name:      (none: %s)\n", nerr.message);
    out_text(&ctx->out, "credential source: %s\n", source);
    char cline_source[300];
    cline_credential_source(have_cfg ? &cfg : NULL, cline_source, sizeof cline_source);
    out_text(&ctx->out, "Cline's source:    %s\n", cline_source[0] ? cline_source : "(not set up: run `clinecfg setup`)");
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
        if (name[0]) {
            cJSON_AddStringToObject(r, "profile_name", name);
        } else {
            cJSON_AddNullToObject(r, "profile_name");
            if (member[0])
                cJSON_AddStringToObject(r, "profile_name_error", nerr.message);
        }
        cJSON_AddStringToObject(r, "credential_source", source);
        if (cline_source[0])
            cJSON_AddStringToObject(r, "cline_credential_source", cline_source);
        else
            cJSON_AddNullToObject(r, "cline_credential_source");
        cJSON_AddStringToObject(r, "region", region);
    }
    sts_identity_free(&id);
    session_close(&s);
    cfg_free(&cfg);
    return CC_OK;
}

const cli_command cmd_whoami = {
    .name = "whoami",
    .summary = "show the AWS identity, member name and credential source",
    .description = "Resolves AWS credentials in clinecfg's order (--aws-profile or AWS_PROFILE, the AWS_* "
                   "environment variables, the OS keyring, the default profile), calls STS GetCallerIdentity "
                   "and prints the account, the ARN, the member name derived from it and where the credentials "
                   "came from, and the credential source Cline's AWS profile names (what `clinecfg setup` recorded: "
                   "keyring:NAME, sso:NAME or profile:NAME). Secrets are never printed.",
    .opts = CLI_OPTS(whoami_opts),
    .run = run,
};

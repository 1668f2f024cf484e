/*
 * credentials.c - the credential chain (explicit profile, environment,
 * keyring, default profile), static profile keys, refresh on expiry, and the
 * profile source table: role_arn (AssumeRole through sts_wire.c) and static
 * keys live here, SSO in sso.c, credential_process in credential_process.c.
 * The sources never call back into this file.  See credentials.h.
 */
#include "clinecfg/credentials.h"
#include "clinecfg/secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "clinecfg/sts.h"

typedef enum { SRC_ENV, SRC_KEYRING, SRC_PROFILE } creds_src_kind;

struct creds_provider {
    creds_src_kind kind;
    creds_chain_opts o; /* borrowed pointers, except profile (owned below) */
    char *profile;      /* SRC_PROFILE: the profile name */
    aws_credentials creds;
};

/* --- helpers ------------------------------------------------------------- */

static const char *env_get(const creds_chain_opts *o, const char *name)
{
    return cc_getenv_set(o->env, o->env_ud, name);
}

/* -v traces; out_trace itself drops them below -v. */
#define TRACE(o, ...) do { if ((o)->out) out_trace((o)->out, __VA_ARGS__); } while (0)

static int set_str(char **dst, const char *src, cc_err *err)
{
    *dst = strdup(src);
    return *dst ? 0 : cc_err_oom(err);
}

/* --- environment --------------------------------------------------------- */

int creds_from_env(cc_getenv_fn env, void *env_ud, aws_credentials *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    creds_chain_opts o = {.env = env, .env_ud = env_ud};
    const char *id = env_get(&o, "AWS_ACCESS_KEY_ID");
    const char *secret = env_get(&o, "AWS_SECRET_ACCESS_KEY");
    const char *token = env_get(&o, "AWS_SESSION_TOKEN");
    if (!id && !secret)
        return CREDS_NOT_FOUND;
    if (!id || !secret) {
        cc_err_set(err, CC_EINPUT, "credentials.env_partial", "%s is set but %s is not",
                   id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY", id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
        cc_err_hint(err, "set both variables, or unset both to use a profile or the keyring");
        return CC_EINPUT;
    }
    if (set_str(&out->access_key_id, id, err) || set_str(&out->secret_access_key, secret, err) ||
        (token && set_str(&out->session_token, token, err))) {
        aws_credentials_wipe(out);
        return CC_EINTERNAL;
    }
    snprintf(out->source, sizeof out->source, "env");
    return 0;
}

/* --- profiles ------------------------------------------------------------ */

static int missing_profile(const creds_chain_opts *o, const char *profile, cc_err *err)
{
    cc_err_set(err, CC_EINPUT, "credentials.profile_missing", "AWS profile '%s' not found in %s", profile,
               o->files_desc ? o->files_desc : "the AWS shared files");
    cc_err_hint(err,
                "check the name (profiles are [profile %s] in the config file or [%s] in the credentials file), "
                "or create it with `aws configure --profile %s`",
                profile, profile, profile);
    return CC_EINPUT;
}

#define ROLE_CHAIN_MAX 5

static int profile_creds(const creds_chain_opts *o, const char *profile, int depth, aws_credentials *out,
                         cc_err *err);

static bool has_static_keys(const aws_profile *p)
{
    return ini_get(p, "aws_access_key_id") || ini_get(p, "aws_secret_access_key");
}

static int static_keys(const creds_profile_ctx *ctx, aws_credentials *out, cc_err *err)
{
    const aws_profile *p = ctx->p;
    const char *id = ini_get(p, "aws_access_key_id"), *secret = ini_get(p, "aws_secret_access_key");
    const char *token = ini_get(p, "aws_session_token");
    if (!id || !*id || !secret || !*secret) {
        cc_err_set(err, CC_EINPUT, "credentials.partial", "AWS profile '%s' has %s but no %s", ctx->profile,
                   id && *id ? "aws_access_key_id" : "aws_secret_access_key",
                   id && *id ? "aws_secret_access_key" : "aws_access_key_id");
        cc_err_hint(err, "add the missing key to the profile (in %s)",
                    ctx->o->files_desc ? ctx->o->files_desc : "the credentials file");
        return CC_EINPUT;
    }
    if (set_str(&out->access_key_id, id, err) || set_str(&out->secret_access_key, secret, err) ||
        (token && *token && set_str(&out->session_token, token, err))) {
        aws_credentials_wipe(out);
        return CC_EINTERNAL;
    }
    return 0;
}

const creds_profile_source creds_source_static = {"static", has_static_keys, static_keys};

static int role_unsupported(const char *profile, const char *what, cc_err *err)
{
    cc_err_set(err, CC_EINPUT, "credentials.unsupported",
               "AWS profile '%s' uses %s, which clinecfg does not support yet", profile, what);
    cc_err_hint(err, "use a role profile with source_profile (no MFA), or static keys, credential_process or SSO, "
                     "or export temporary credentials as AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN");
    return CC_EINPUT;
}

/* The checks before any call: MFA, web identity and credential_source are
 * refused, the chain is bounded, duration_seconds is in range. */
static int role_preflight(const creds_profile_ctx *ctx, int *duration, cc_err *err)
{
    const aws_profile *p = ctx->p;
    const char *source = ini_get(p, "source_profile");
    if (ini_get(p, "mfa_serial"))
        return role_unsupported(ctx->profile, "role_arn with mfa_serial (an MFA prompt)", err);
    if (!source || !*source)
        return role_unsupported(ctx->profile,
                                ini_get(p, "web_identity_token_file") ? "role_arn with web_identity_token_file"
                                                                      : "role_arn without source_profile "
                                                                        "(credential_source)",
                                err);
    if (ctx->depth >= ROLE_CHAIN_MAX) {
        cc_err_set(err, CC_EINPUT, "credentials.role_chain",
                   "AWS profile '%s': source_profile chain is longer than %d profiles or circular", ctx->profile,
                   ROLE_CHAIN_MAX);
        cc_err_hint(err, "check the source_profile keys in %s",
                    ctx->o->files_desc ? ctx->o->files_desc : "the AWS config");
        return CC_EINPUT;
    }
    if (!ctx->o->http)
        return cc_err_set(err, CC_EINTERNAL, "internal", "AssumeRole needs an HTTP client");
    *duration = 0;
    const char *d = ini_get(p, "duration_seconds");
    if (d) {
        char *end;
        long v = strtol(d, &end, 10);
        if (*end || v < 900 || v > 43200)
            return cc_err_set(err, CC_EINPUT, "credentials.role_duration",
                              "AWS profile '%s': duration_seconds must be 900..43200", ctx->profile);
        *duration = (int)v;
    }
    return 0;
}

static bool has_role_arn(const aws_profile *p)
{
    return ini_get(p, "role_arn") != NULL;
}

/* role_arn + source_profile: the source profile's credentials call STS
 * AssumeRole.  A profile that names itself as its source uses its own
 * static keys (as the SDKs do); longer chains are followed up to
 * ROLE_CHAIN_MAX profiles, which also stops cycles. */
static int assume_role(const creds_profile_ctx *ctx, aws_credentials *out, cc_err *err)
{
    const creds_chain_opts *o = ctx->o;
    const aws_profile *p = ctx->p;
    const char *profile = ctx->profile, *role_arn = ini_get(p, "role_arn");
    const char *source = ini_get(p, "source_profile");
    int duration = 0;
    int rc = role_preflight(ctx, &duration, err);
    if (rc)
        return rc;
    aws_credentials src;
    memset(&src, 0, sizeof src);
    rc = strcmp(source, profile) == 0 ? static_keys(ctx, &src, err)
                                      : profile_creds(o, source, ctx->depth + 1, &src, err);
    if (rc) {
        if (strcmp(source, profile) != 0)
            cc_err_prefix(err, "source_profile of AWS profile '%s'", profile);
        return rc;
    }
    const char *region = o->region && *o->region ? o->region : ini_get(p, "region");
    if (!region || !*region)
        region = "us-east-1";
    char *url = NULL;
    rc = aws_endpoint("sts", region, ini_get(p, "endpoint_url"), o->env, o->env_ud, &url, err);
    if (!rc) {
        TRACE(o, "credentials: profile %s assumes %s with the credentials of %s", profile, role_arn, source);
        rc = sts_assume_role_with(o->http, url, region, &src, role_arn, ini_get(p, "role_session_name"),
                                  ini_get(p, "external_id"), duration, out, err);
    }
    free(url);
    aws_credentials_wipe(&src);
    if (rc)
        cc_err_hint(err, "check role_arn and the trust policy of the role for profile %s", profile);
    return rc;
}

const creds_profile_source creds_source_assume_role = {"assume_role", has_role_arn, assume_role};

/* The profile sources in precedence order: the first that applies wins. */
static const creds_profile_source *const PROFILE_SOURCES[] = {
    &creds_source_assume_role,
    &creds_source_sso,
    &creds_source_static,
    &creds_source_process,
};

static const creds_profile_source *source_for(const aws_profile *p)
{
    for (size_t i = 0; i < sizeof PROFILE_SOURCES / sizeof PROFILE_SOURCES[0]; i++)
        if (PROFILE_SOURCES[i]->applies(p))
            return PROFILE_SOURCES[i];
    return NULL;
}

int creds_from_profile(const creds_chain_opts *o, const char *profile, aws_credentials *out, cc_err *err)
{
    return profile_creds(o, profile, 0, out, err);
}

static int profile_creds(const creds_chain_opts *o, const char *profile, int depth, aws_credentials *out,
                         cc_err *err)
{
    memset(out, 0, sizeof *out);
    const aws_profile *p = o->profiles ? ini_profile(o->profiles, profile) : NULL;
    if (!p)
        return missing_profile(o, profile, err);
    const creds_profile_source *src = source_for(p);
    if (!src) {
        cc_err_set(err, CC_EINPUT, "credentials.none_in_profile",
                   "AWS profile '%s' has no credentials (no aws_access_key_id, credential_process, sso_* or role_arn)",
                   profile);
        cc_err_hint(err, "add credentials to the profile, or use `clinecfg login` to store keys in the keyring");
        return CC_EINPUT;
    }
    creds_profile_ctx ctx = {.o = o, .profile = profile, .p = p, .depth = depth};
    int rc = src->fetch(&ctx, out, err);
    if (rc)
        return rc;
    const char *acct = ini_get(p, "aws_account_id");
    if (!out->account_id[0] && acct && strlen(acct) < sizeof out->account_id)
        snprintf(out->account_id, sizeof out->account_id, "%s", acct);
    snprintf(out->source, sizeof out->source, "profile:%.32s (%s)", profile, src->name);
    return 0;
}

/* --- the chain ----------------------------------------------------------- */

static int fetch(creds_provider *p, aws_credentials *out, cc_err *err)
{
    switch (p->kind) {
    case SRC_ENV: {
        int rc = creds_from_env(p->o.env, p->o.env_ud, out, err);
        if (rc == CREDS_NOT_FOUND)
            rc = cc_err_set(err, CC_EINPUT, "credentials.env_gone", "the AWS_* credential variables are no longer set");
        return rc;
    }
    case SRC_KEYRING: {
        memset(out, 0, sizeof *out);
        int rc = p->o.keyring(p->o.keyring_ud, out, err);
        if (rc == CREDS_NOT_FOUND) {
            aws_credentials_wipe(out);
            rc = cc_err_set(err, CC_EKEYRING, "credentials.keyring_gone",
                            "the keyring no longer holds AWS credentials");
        }
        return rc;
    }
    case SRC_PROFILE: return creds_from_profile(&p->o, p->profile, out, err);
    }
    return cc_err_set(err, CC_EINTERNAL, "internal", "unknown credential source");
}

static int provider_new(const creds_chain_opts *o, creds_src_kind kind, const char *profile, aws_credentials *c,
                        creds_provider **out, cc_err *err)
{
    creds_provider *p = calloc(1, sizeof *p);
    if (!p || (profile && !(p->profile = strdup(profile)))) {
        free(p);
        aws_credentials_wipe(c);
        return cc_err_oom(err);
    }
    p->kind = kind;
    p->o = *o;
    p->o.profile = p->profile;
    p->creds = *c;
    memset(c, 0, sizeof *c);
    if (kind == SRC_KEYRING && !p->creds.source[0])
        snprintf(p->creds.source, sizeof p->creds.source, "keyring");
    *out = p;
    return 0;
}

int creds_resolve(const creds_chain_opts *o, creds_provider **out, cc_err *err)
{
    *out = NULL;
    aws_credentials c;
    memset(&c, 0, sizeof c);
    const char *explicit_profile = o->profile && *o->profile ? o->profile : env_get(o, "AWS_PROFILE");
    if (explicit_profile) {
        TRACE(o, "credentials: using profile %s (explicit)", explicit_profile);
        int rc = creds_from_profile(o, explicit_profile, &c, err);
        return rc ? rc : provider_new(o, SRC_PROFILE, explicit_profile, &c, out, err);
    }
    int rc = creds_from_env(o->env, o->env_ud, &c, err);
    if (rc == 0) {
        TRACE(o, "credentials: using %s", "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment");
        return provider_new(o, SRC_ENV, NULL, &c, out, err);
    }
    if (rc != CREDS_NOT_FOUND)
        return rc;
    cc_err kerr;
    cc_err_clear(&kerr);
    int krc = CREDS_NOT_FOUND;
    if (o->keyring) {
        krc = o->keyring(o->keyring_ud, &c, &kerr);
        if (krc == 0) {
            TRACE(o, "credentials: using the %s", "OS keyring");
            return provider_new(o, SRC_KEYRING, NULL, &c, out, err);
        }
        aws_credentials_wipe(&c);
        if (krc != CREDS_NOT_FOUND)
            TRACE(o, "credentials: keyring unavailable: %s", kerr.message);
    }
    const aws_profile *def = o->profiles ? ini_profile(o->profiles, "default") : NULL;
    if (def && source_for(def)) {
        TRACE(o, "credentials: using profile %s", "default");
        rc = creds_from_profile(o, "default", &c, err);
        return rc ? rc : provider_new(o, SRC_PROFILE, "default", &c, out, err);
    }
    if (krc != CREDS_NOT_FOUND && krc != 0) {
        if (err) {
            *err = kerr;
            cc_err_prefix(err, "no AWS credentials in the environment or the default profile, and the keyring failed");
        }
        return krc < 0 ? krc : CC_EKEYRING;
    }
    cc_err_set(err, CC_EINPUT, "credentials.none",
               "no AWS credentials found (looked at AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, %s"
               "the default profile in %s)",
               o->keyring ? "the OS keyring, " : "", o->files_desc ? o->files_desc : "the AWS shared files");
    cc_err_hint(err, "run `clinecfg login` to store an access key in the keyring, pass --aws-profile P, "
                     "or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    return CC_EINPUT;
}

int creds_current(creds_provider *p, time_t now, const aws_credentials **out, cc_err *err)
{
    if (!now)
        now = time(NULL);
    if (p->creds.expiration && p->creds.expiration - now <= CREDS_REFRESH_MARGIN_S) {
        TRACE(&p->o, "credentials: %s expire now; fetching them again", p->creds.source);
        aws_credentials fresh;
        int rc = fetch(p, &fresh, err);
        if (rc)
            return rc;
        /* Same struct, new content: pointers handed out earlier stay valid. */
        aws_credentials_wipe(&p->creds);
        p->creds = fresh;
    }
    *out = &p->creds;
    return 0;
}

const char *creds_source(const creds_provider *p)
{
    return p ? p->creds.source : "";
}

const char *creds_profile(const creds_provider *p)
{
    return p ? p->profile : NULL;
}

void creds_free(creds_provider *p)
{
    if (!p)
        return;
    aws_credentials_wipe(&p->creds);
    free(p->profile);
    free(p);
}

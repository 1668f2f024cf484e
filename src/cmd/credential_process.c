/*
 * credential_process.c - 'clinecfg credential-process': print the AWS
 * credential_process JSON (Version 1) from the source setup recorded:
 * --source keyring:NAME (= --account NAME, the default), sso:NAME (the IAM
 * Identity Center sign-in of `login --sso`, credsource.h) or profile:NAME
 * (a named AWS profile through clinecfg's own credential chain).  The
 * keyring source is described below.
 *
 * Every credential refresh of Cline's AWS SDK runs this, so the common path
 * is one keyring lookup and one write: cached STS session credentials that
 * are still valid for more than SESSION_REFRESH_MARGIN_S.  Only when they
 * are missing or about to expire does it read the long-term keys, load the
 * config (session duration, region) and call STS GetSessionToken, caching
 * the answer in the keyring.  Long-term keys are handed out directly only
 * when GetSessionToken is denied (said on stderr; the denial is remembered
 * for an hour so the fast path stays fast).
 *
 * Cline started from a desktop runs it without the shell's AWS_*
 * variables, so the STS endpoint and region `login` verified the keys
 * against (kept in the long-term item) are used when the environment names
 * none; the environment still wins.
 *
 * stdout carries nothing but the JSON; an AWS SDK shows our stderr to its
 * user when we fail, so every message says what happened and what to run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "clinecfg/awsfiles.h"
#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/credsource.h"
#include "clinecfg/ini.h"
#include "clinecfg/keyclient.h"
#include "clinecfg/keyring.h"
#include "clinecfg/sts.h"

#define SESSION_REFRESH_MARGIN_S 300   /* refresh 5 minutes before expiry */
#define SESSION_DEFAULT_DURATION_S 43200
#define SESSION_DENIED_RETRY_S 3600    /* ask STS again after a denial */
#define RECURSION_GUARD "CLINECFG_IN_CREDENTIAL_PROCESS"

enum {
    CREDENTIAL_PROCESS_OPT_ACCOUNT,
    CREDENTIAL_PROCESS_OPT_SOURCE,
    CREDENTIAL_PROCESS_OPT_ENDPOINT_STS,
    CREDENTIAL_PROCESS_OPT_ENDPOINT_SSO,
    CREDENTIAL_PROCESS_OPT_ENDPOINT_SSO_OIDC,
    CREDENTIAL_PROCESS_OPT_COUNT
};

static const cli_opt credential_process_opts[CREDENTIAL_PROCESS_OPT_COUNT] = {
    [CREDENTIAL_PROCESS_OPT_ACCOUNT] = {"account", 0, OPT_VALUE, "NAME",
                                        "keyring account name (default: CLINECFG_ACCOUNT or default)"},
    [CREDENTIAL_PROCESS_OPT_SOURCE] = {"source", 0, OPT_VALUE, "SPEC",
                                       "keyring:NAME, sso:NAME or profile:NAME (what setup recorded)"},
    [CREDENTIAL_PROCESS_OPT_ENDPOINT_STS] = {"endpoint-sts", 0, OPT_VALUE, "URL",
                                             "STS endpoint remembered by setup (the environment wins)"},
    [CREDENTIAL_PROCESS_OPT_ENDPOINT_SSO] = {"endpoint-sso", 0, OPT_VALUE, "URL",
                                             "SSO portal endpoint remembered by setup (the environment wins)"},
    [CREDENTIAL_PROCESS_OPT_ENDPOINT_SSO_OIDC] = {"endpoint-sso-oidc", 0, OPT_VALUE, "URL",
                                                  "SSO OIDC endpoint remembered by setup (the environment wins)"},
};

/* Appends s JSON-escaped; returns the new end.  dst has room for 6x. */
static char *json_escape(char *dst, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *dst++ = '\\';
            *dst++ = (char)*p;
        } else if (*p < 0x20) {
            dst += sprintf(dst, "\\u%04x", *p);
        } else {
            *dst++ = (char)*p;
        }
    }
    return dst;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Prints the credential_process document.  Without --json it is written
 * with write(2) from a buffer that is wiped afterwards (no stdio copy). */
static int emit(cc_ctx *ctx, const aws_credentials *c, cc_err *err)
{
    char exp[32] = "";
    if (c->expiration)
        keyring_format_time(c->expiration, exp);
    if (ctx->out.json) {
        cJSON *r = ctx->result;
        cJSON_AddNumberToObject(r, "Version", 1);
        cJSON_AddStringToObject(r, "AccessKeyId", c->access_key_id);
        cJSON_AddStringToObject(r, "SecretAccessKey", c->secret_access_key);
        if (c->session_token)
            cJSON_AddStringToObject(r, "SessionToken", c->session_token);
        if (exp[0])
            cJSON_AddStringToObject(r, "Expiration", exp);
        return 0;
    }
    size_t need = 6 * (strlen(c->access_key_id) + strlen(c->secret_access_key) +
                       (c->session_token ? strlen(c->session_token) : 0)) + 256;
    char *buf = malloc(need);
    if (!buf)
        return cc_err_oom(err);
    char *p = buf;
    p += sprintf(p, "{\"Version\":1,\"AccessKeyId\":\"");
    p = json_escape(p, c->access_key_id);
    p += sprintf(p, "\",\"SecretAccessKey\":\"");
    p = json_escape(p, c->secret_access_key);
    if (c->session_token) {
        p += sprintf(p, "\",\"SessionToken\":\"");
        p = json_escape(p, c->session_token);
    }
    p += sprintf(p, "\"");
    if (exp[0])
        p += sprintf(p, ",\"Expiration\":\"%s\"", exp);
    p += sprintf(p, "}\n");
    FILE *f = ctx->out.outf ? ctx->out.outf : stdout;
    fflush(f);
    int rc = write_all(fileno(f), buf, (size_t)(p - buf));
    OPENSSL_cleanse(buf, need);
    free(buf);
    if (rc)
        return cc_err_set(err, CC_EINTERNAL, "output", "cannot write the credentials to stdout: %s", strerror(errno));
    return 0;
}

/* The region of Cline's own AWS profile ([profile clinecfg], written by
 * setup), or "" when it cannot be read: only a hint, never an error. */
static void aws_profile_region(const char *profile, char *region, size_t region_size)
{
    char *config_path = NULL, *creds_path = NULL;
    aws_profile_set *set = NULL;
    cc_err e;
    cc_err_clear(&e);
    if (profile && awsfiles_locate(cc_getenv_process, NULL, &config_path, &creds_path, &e) == 0 &&
        awsfiles_load(config_path, NULL, &set, &e) == 0) {
        const char *r = ini_get(ini_profile(set, profile), "region");
        if (r && strlen(r) < region_size)
            snprintf(region, region_size, "%s", r);
    }
    ini_profiles_free(set);
    free(config_path);
    free(creds_path);
}

/* Session duration: config session_duration / CLINECFG_SESSION_DURATION;
 * the region from config is used only when nothing else names one, and
 * the region of Cline's AWS profile is read for run_region(). */
static int load_settings(cc_ctx *ctx, int *duration, char *region, size_t region_size, char *profile_region,
                         cc_err *err)
{
    *duration = SESSION_DEFAULT_DURATION_S;
    region[0] = profile_region[0] = '\0';
    cc_config cfg;
    memset(&cfg, 0, sizeof cfg);
    int rc = cfg_load(&cfg, ctx, err);
    if (rc) {
        cfg_free(&cfg);
        return rc;
    }
    long d = cfg_int(&cfg, CFG_SESSION_DURATION);
    if (d) {
        if (d < 900 || d > 129600) {
            const cfg_setting *s = &cfg.s[CFG_SESSION_DURATION];
            cc_err_set(err, CC_EINPUT, "config.session_duration",
                       "session_duration %ld (from %s) is outside what STS allows (900..129600 seconds)", d,
                       s->origin ? s->origin : s->source);
            cc_err_hint(err, "use e.g. 43200 for 12 hours (%s or `clinecfg config set session_duration 43200`)",
                        cfg_key_env(CFG_SESSION_DURATION));
            cfg_free(&cfg);
            return CC_EINPUT;
        }
        *duration = (int)d;
    }
    const char *r = cfg_str(&cfg, CFG_REGION);
    if (r)
        snprintf(region, region_size, "%s", r);
    aws_profile_region(cfg_str(&cfg, CFG_AWS_PROFILE_NAME), profile_region, region_size);
    cfg_free(&cfg);
    return 0;
}

static bool env_set(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

/* Cline started from a desktop gives us none of the shell's AWS_*
 * variables.  When the environment names no region, use the one `login`
 * checked the keys in, else the region of Cline's AWS profile (never a
 * silent us-east-1); NULL leaves the choice to the environment. */
static const char *run_region(const keyring_record *lt, const char *profile_region)
{
    if (env_set("AWS_REGION") || env_set("AWS_DEFAULT_REGION"))
        return NULL;
    if (lt->region[0])
        return lt->region;
    return profile_region[0] ? profile_region : NULL;
}

static void store_session(cc_ctx *ctx, keyring *kr, const char *account, const keyring_record *rec)
{
    char *payload = NULL;
    cc_err e;
    cc_err_clear(&e);
    int rc = keyring_record_to_payload(rec, KEYRING_SESSION, &payload, &e);
    if (!rc)
        rc = keyring_store(kr, account, KEYRING_SESSION, payload, &e);
    keyring_payload_free(payload);
    if (rc)
        out_warn(&ctx->out, "could not cache the session credentials in the keyring (%s); the next run asks STS again",
                 e.message);
}

static void warn_long_term(cc_ctx *ctx, const char *account, const char *why)
{
    out_warn(&ctx->out,
             "clinecfg: STS GetSessionToken is denied for the keys of account '%s' (%s): handing out the long-term "
             "access key itself. Allow sts:GetSessionToken for this IAM user to get 12-hour session credentials "
             "instead.",
             account, why);
}

/* The cached session record, if any: *have is false when there is none or
 * it does not parse (then it is ignored, not an error).  Returns < 0 only
 * when the keyring fails. */
static int load_session(cc_ctx *ctx, keyring *kr, const char *account, keyring_record *session, bool *have,
                        cc_err *err)
{
    *have = false;
    char *payload = NULL;
    int rc = keyring_lookup(kr, account, KEYRING_SESSION, &payload, err);
    if (rc == 0) {
        cc_err perr;
        cc_err_clear(&perr);
        *have = keyring_record_from_payload(payload, KEYRING_SESSION, session, &perr) == 0;
        if (!*have)
            out_trace(&ctx->out, "credential-process: ignoring the cached session: %s", perr.message);
    }
    keyring_payload_free(payload);
    return rc < 0 ? rc : 0;
}

/* The long-term keys `clinecfg login` stored; a missing one says what to run. */
static int load_long_term(keyring *kr, const char *account, keyring_record *lt, cc_err *err)
{
    char *payload = NULL;
    int rc = keyring_lookup(kr, account, KEYRING_LONG_TERM, &payload, err);
    if (rc == KEYRING_NOT_FOUND) {
        cc_err_set(err, CC_EINPUT, "credential_process.no_keys",
                   "clinecfg credential-process: no AWS access key is stored in the keyring for account '%s'",
                   account);
        cc_err_hint(err, "run `clinecfg login%s%s` once to store one", strcmp(account, "default") ? " --account " : "",
                    strcmp(account, "default") ? account : "");
        keyring_payload_free(payload);
        return CC_EINPUT;
    }
    if (rc == 0)
        rc = keyring_record_from_payload(payload, KEYRING_LONG_TERM, lt, err);
    keyring_payload_free(payload);
    return rc;
}

/* Asks STS for fresh session credentials and prints them; on a denial
 * hands out the long-term keys (and remembers the denial); when STS cannot
 * be reached, the cached session while it lasts.  Closes kr. */
static int refresh_session(cc_ctx *ctx, keyring *kr, const char *account, const keyring_record *session,
                           bool have_session, keyring_record *lt, time_t now, cc_err *err)
{
    int duration = 0;
    char cfg_region[64], profile_region[64];
    int rc = load_settings(ctx, &duration, cfg_region, sizeof cfg_region, profile_region, err);
    awsclient *client = NULL;
    if (!rc) {
        if (lt->sts_endpoint[0])
            out_trace(&ctx->out, "credential-process: STS endpoint %s remembered by login, unless the environment "
                                 "names one", lt->sts_endpoint);
        setenv(RECURSION_GUARD, "1", 1);
        rc = keyclient_new(&lt->creds, run_region(lt, profile_region), cfg_region, lt->sts_endpoint, &ctx->out, &client,
                           err);
    }
    aws_credentials fresh;
    memset(&fresh, 0, sizeof fresh);
    if (!rc) {
        out_trace(&ctx->out, "credential-process: asking STS for %d s session credentials", duration);
        rc = sts_get_session_token(client, duration, &fresh, err);
    }
    awsclient_free(client);

    if (rc == 0) {
        keyring_record rec;
        memset(&rec, 0, sizeof rec);
        rec.creds = fresh;
        rec.stored_at = now;
        memcpy(rec.arn, lt->arn, sizeof rec.arn);
        memcpy(rec.account, lt->account, sizeof rec.account);
        store_session(ctx, kr, account, &rec);
        keyring_close(kr);
        rc = emit(ctx, &fresh, err);
        aws_credentials_wipe(&fresh);
    } else if (rc == CC_EDENIED) {
        warn_long_term(ctx, account, err->code);
        keyring_record marker;
        memset(&marker, 0, sizeof marker);
        marker.session_denied_until = now + SESSION_DENIED_RETRY_S;
        marker.stored_at = now;
        store_session(ctx, kr, account, &marker);
        keyring_close(kr);
        cc_err_clear(err);
        rc = emit(ctx, &lt->creds, err);
    } else if (have_session && session->creds.access_key_id && session->creds.expiration > now + 60) {
        /* STS unreachable but the cached session still works for a bit. */
        out_warn(&ctx->out, "clinecfg: could not refresh the AWS session (%s); using the cached one, which expires "
                            "in %ld s",
                 err->message, (long)(session->creds.expiration - now));
        keyring_close(kr);
        cc_err_clear(err);
        rc = emit(ctx, &session->creds, err);
    } else {
        keyring_close(kr);
        cc_err_prefix(err, "clinecfg credential-process: cannot get AWS session credentials for account '%s'",
                      account);
    }
    return rc;
}

/* --source keyring:NAME (or --account NAME): STS session credentials made
 * from the stored access key. */
static int serve_keyring(cc_ctx *ctx, const char *account, cc_err *err)
{
    int rc;
    keyring_opts ko = {.no_prompt = ctx->yes, .out = &ctx->out};
    keyring *kr = NULL;
    if ((rc = keyring_open(&kr, &ko, err)))
        goto fail_prefix;

    time_t now = time(NULL);
    keyring_record session, lt;
    memset(&session, 0, sizeof session);
    memset(&lt, 0, sizeof lt);
    bool have_session = false;
    if ((rc = load_session(ctx, kr, account, &session, &have_session, err))) {
        keyring_close(kr);
        goto fail_prefix;
    }

    /* The fast path: cached session credentials, valid for a while yet. */
    if (have_session && session.creds.access_key_id && session.creds.expiration - now > SESSION_REFRESH_MARGIN_S) {
        out_trace(&ctx->out, "credential-process: cached session credentials, %ld s left",
                  (long)(session.creds.expiration - now));
        keyring_close(kr);
        rc = emit(ctx, &session.creds, err);
        keyring_record_wipe(&session);
        return rc;
    }

    rc = load_long_term(kr, account, &lt, err);
    if (rc) {
        keyring_close(kr);
        keyring_record_wipe(&session);
        goto fail_prefix;
    }

    if (have_session && !session.creds.access_key_id && session.session_denied_until > now) {
        /* GetSessionToken was denied recently: use the long-term keys. */
        warn_long_term(ctx, account, "remembered from an earlier call");
        keyring_close(kr);
        lt.creds.session_token = NULL;
        lt.creds.expiration = 0;
        rc = emit(ctx, &lt.creds, err);
    } else {
        rc = refresh_session(ctx, kr, account, &session, have_session, &lt, now, err);
    }
    keyring_record_wipe(&session);
    keyring_record_wipe(&lt);
    return rc;

fail_prefix:
    /* An SDK shows this text without saying where it came from. */
    if (strncmp(err->message, "clinecfg", 8) != 0)
        cc_err_prefix(err, "clinecfg credential-process");
    return rc;
}

/* --source sso:NAME: the role credentials of the IAM Identity Center
 * sign-in, cached in its keyring item (credsource.h). */
static int serve_sso(cc_ctx *ctx, const char *account, cc_err *err)
{
    keyring_opts ko = {.no_prompt = ctx->yes, .out = &ctx->out};
    keyring *kr = NULL;
    aws_credentials creds;
    memset(&creds, 0, sizeof creds);
    int rc = keyring_open(&kr, &ko, err);
    if (!rc)
        rc = credsource_sso_credentials(kr, account, &ctx->out, time(NULL), &creds, err);
    keyring_close(kr);
    if (!rc)
        rc = emit(ctx, &creds, err);
    aws_credentials_wipe(&creds);
    return rc;
}

/* --source profile:NAME: that profile's credentials through clinecfg's own
 * chain (SSO caches, role_arn/source_profile, credential_process, static keys). */
static int serve_profile(cc_ctx *ctx, const char *profile, cc_err *err)
{
    setenv(RECURSION_GUARD, "1", 1);
    awsclient_opts ao = {.profile = profile, .fallback_region = "us-east-1", .out = &ctx->out};
    awsclient *client = NULL;
    const aws_credentials *creds = NULL;
    int rc = awsclient_new(&ao, &client, err);
    if (!rc)
        rc = awsclient_credentials(client, &creds, err);
    if (!rc)
        rc = emit(ctx, creds, err);
    awsclient_free(client);
    return rc;
}

/* Endpoints remembered by setup, used only when the environment names none:
 * Cline runs us without the shell's AWS_* variables. */
static void apply_remembered_endpoints(cc_ctx *ctx, const cli_args *a)
{
    static const struct {
        int opt;
        const char *service;
    } eps[] = {{CREDENTIAL_PROCESS_OPT_ENDPOINT_STS, "sts"},
               {CREDENTIAL_PROCESS_OPT_ENDPOINT_SSO, "sso"},
               {CREDENTIAL_PROCESS_OPT_ENDPOINT_SSO_OIDC, "sso-oidc"}};
    for (size_t i = 0; i < sizeof eps / sizeof eps[0]; i++) {
        const char *url = cli_value(a, eps[i].opt), *var = credsource_endpoint_env(eps[i].service);
        if (!url || !*url || env_set(var) || env_set("AWS_ENDPOINT_URL"))
            continue;
        out_trace(&ctx->out, "credential-process: %s endpoint %s remembered by setup", eps[i].service, url);
        setenv(var, url, 1);
    }
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    if (getenv(RECURSION_GUARD)) {
        cc_err_set(err, CC_EINPUT, "credential_process.recursion",
                   "clinecfg credential-process was started by itself (an AWS profile used to refresh the session "
                   "runs `clinecfg credential-process` again)");
        cc_err_hint(err, "unset AWS_PROFILE for clinecfg, or point its endpoint settings at a profile without "
                         "credential_process");
        return CC_EINPUT;
    }
    const char *spec = cli_value(a, CREDENTIAL_PROCESS_OPT_SOURCE);
    credsource src = {.kind = CREDSOURCE_KEYRING};
    int rc = 0;
    if (spec && cli_value(a, CREDENTIAL_PROCESS_OPT_ACCOUNT)) {
        cc_err_set(err, CC_EUSAGE, "usage", "give --source or --account, not both");
        return CC_EUSAGE;
    }
    if (spec)
        rc = credsource_parse(spec, &src, err);
    else
        snprintf(src.name, sizeof src.name, "%s", keyring_account_name(cli_value(a, CREDENTIAL_PROCESS_OPT_ACCOUNT)));
    if (!rc && src.kind != CREDSOURCE_PROFILE)
        rc = keyring_check_account(src.name, err);
    if (rc)
        return rc;
    apply_remembered_endpoints(ctx, a);
    if (src.kind == CREDSOURCE_KEYRING)
        return serve_keyring(ctx, src.name, err);
    rc = src.kind == CREDSOURCE_SSO ? serve_sso(ctx, src.name, err) : serve_profile(ctx, src.name, err);
    if (rc && strncmp(err->message, "clinecfg", 8) != 0)
        cc_err_prefix(err, "clinecfg credential-process (source %s)", spec);
    return rc;
}

const cli_command cmd_credential_process = {
    .name = "credential-process",
    .summary = "print AWS credential_process JSON (Version 1) from the keyring, an SSO sign-in or a profile",
    .description = "Meant for an AWS profile's `credential_process = clinecfg credential-process`. Prints STS "
                   "session credentials made from the access key that `clinecfg login` stored (12 hours by "
                   "default: config session_duration or CLINECFG_SESSION_DURATION), cached in the keyring and "
                   "renewed 5 minutes before they expire. The long-term key itself is printed only when "
                   "sts:GetSessionToken is denied, and then a warning says so on stderr. --source sso:NAME serves the "
                   "role credentials of the IAM Identity Center sign-in of `clinecfg login --sso` (cached in the "
                   "keyring until 5 minutes before they expire; the access token is renewed with the refresh token); "
                   "--source profile:NAME serves that AWS profile's credentials. An expired or revoked SSO sign-in "
                   "exits 5 with the hint to run `clinecfg login --sso`.",
    .opts = CLI_OPTS(credential_process_opts),
    .run = run,
};

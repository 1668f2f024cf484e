/*
 * sso.c - IAM Identity Center (SSO) profiles: the cached token written by
 * `aws sso login` and the portal's GetRoleCredentials.  See credentials.h.
 *
 * An expired access token in a cache that `aws sso login` wrote for an
 * sso-session profile (it then holds clientId, clientSecret and
 * refreshToken) is renewed with SSO-OIDC CreateToken and the cache file
 * rewritten in place (0600, atomically), as the AWS SDKs do; a legacy cache
 * without a refresh token still needs `aws sso login`.
 */
#include "clinecfg/atomicfile.h"
#include "clinecfg/awstime.h"
#include "clinecfg/credentials.h"
#include "clinecfg/secret.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "clinecfg/atomicfile.h"
#include "clinecfg/sigv4.h"
#include "clinecfg/ssooidc.h"

#define SSO_TOKEN_MAX_FILE ((size_t)1024 * 1024)

void sso_cache_key(const char *key, char out[41])
{
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)key, strlen(key), md);
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int expired(const char *profile, cc_err *err, const char *why)
{
    cc_err_set(err, CC_EINPUT, "credentials.sso_expired", "the SSO session for profile %s has expired%s", profile,
               why);
    cc_err_hint(err, "run `aws sso login --profile %s`", profile);
    return CC_EINPUT;
}

int sso_parse_token(const char *json, size_t len, const char *profile, time_t now, char **token_out,
                    time_t *expires_out, cc_err *err)
{
    *token_out = NULL;
    const char *end = NULL;
    cJSON *j = len && len <= SSO_TOKEN_MAX_FILE ? cJSON_ParseWithLengthOpts(json, len, &end, false) : NULL;
    int rc = 0;
    if (!cJSON_IsObject(j)) {
        rc = cc_err_set(err, CC_EINPUT, "credentials.sso_cache", "the SSO token cache for profile %s is not a JSON object",
                        profile);
        cc_err_hint(err, "run `aws sso login --profile %s` to write it again", profile);
        goto done;
    }
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(j, "accessToken");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(j, "expiresAt");
    if (!cJSON_IsString(tok) || !*tok->valuestring || !cJSON_IsString(exp)) {
        rc = cc_err_set(err, CC_EINPUT, "credentials.sso_cache",
                        "the SSO token cache for profile %s lacks accessToken or expiresAt", profile);
        cc_err_hint(err, "run `aws sso login --profile %s` to write it again", profile);
        goto done;
    }
    time_t t;
    if (aws_parse_timestamp(exp->valuestring, &t) != 0) {
        rc = cc_err_set(err, CC_EINPUT, "credentials.sso_cache",
                        "the SSO token cache for profile %s has an unreadable expiresAt", profile);
        cc_err_hint(err, "run `aws sso login --profile %s` to write it again", profile);
        goto done;
    }
    if (t <= now) {
        rc = expired(profile, err, "");
        goto done;
    }
    if (!(*token_out = strdup(tok->valuestring))) {
        rc = cc_err_oom(err);
        goto done;
    }
    if (expires_out)
        *expires_out = t;
done:
    secret_json_delete(j);
    return rc;
}

int sso_parse_role_credentials(const char *json, size_t len, aws_credentials *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    const char *end = NULL;
    cJSON *j = json && len && len <= SSO_TOKEN_MAX_FILE ? cJSON_ParseWithLengthOpts(json, len, &end, false) : NULL;
    const cJSON *rcj = cJSON_IsObject(j) ? cJSON_GetObjectItemCaseSensitive(j, "roleCredentials") : NULL;
    int rc = 0;
    if (!cJSON_IsObject(rcj)) {
        rc = cc_err_set(err, CC_EINPUT, "aws.sso_response",
                        "malformed SSO GetRoleCredentials response: no roleCredentials object");
        goto done;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(rcj, "accessKeyId");
    const cJSON *secret = cJSON_GetObjectItemCaseSensitive(rcj, "secretAccessKey");
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(rcj, "sessionToken");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(rcj, "expiration");
    if (!cJSON_IsString(id) || !*id->valuestring || !cJSON_IsString(secret) || !*secret->valuestring ||
        (token && !cJSON_IsNull(token) && !cJSON_IsString(token))) {
        rc = cc_err_set(err, CC_EINPUT, "aws.sso_response",
                        "malformed SSO GetRoleCredentials response: accessKeyId/secretAccessKey missing or not strings");
        goto done;
    }
    if (!cJSON_IsNumber(exp) || exp->valuedouble < 0 || exp->valuedouble > 253402300799000.0) {
        rc = cc_err_set(err, CC_EINPUT, "aws.sso_response",
                        "malformed SSO GetRoleCredentials response: expiration is not epoch milliseconds");
        goto done;
    }
    if (!(out->access_key_id = strdup(id->valuestring)) ||
        !(out->secret_access_key = strdup(secret->valuestring)) ||
        (cJSON_IsString(token) && *token->valuestring && !(out->session_token = strdup(token->valuestring)))) {
        rc = cc_err_oom(err);
        goto done;
    }
    out->expiration = (time_t)(exp->valuedouble / 1000.0);
done:
    secret_json_delete(j);
    if (rc)
        aws_credentials_wipe(out);
    return rc;
}

/* Reads the token cache file into a malloc'd buffer, through the one safe
 * read (a FIFO in the cache fails at once instead of hanging). */
static int read_cache(const char *path, const char *profile, char **text, size_t *len, cc_err *err)
{
    *text = NULL;
    *len = 0;
    char *buf = NULL;
    size_t n = 0;
    bool exists = false;
    int rc = safefile_read(path, SSO_TOKEN_MAX_FILE, &buf, &n, &exists, err);
    if (rc) {
        if (err)
            snprintf(err->code, sizeof err->code, "credentials.sso_cache");
        return rc;
    }
    if (!exists) {
        free(buf);
        return expired(profile, err, " (no cached token; not logged in?)");
    }
    *text = buf;
    *len = n;
    return 0;
}

/* A copy of the string member `key`, wiped on free; NULL when absent. */
static char *cache_string(const cJSON *j, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(v) && v->valuestring[0] ? secret_dup(v->valuestring) : NULL;
}

/* Writes the refreshed tokens into the parsed cache and the file. */
static int rewrite_cache(cJSON *j, const char *path, const ssooidc_token *tok, char **text, size_t *len, cc_err *err)
{
    char expires[32];
    struct tm tm;
    gmtime_r(&tok->expires_at, &tm);
    strftime(expires, sizeof expires, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_ReplaceItemInObjectCaseSensitive(j, "accessToken", cJSON_CreateString(tok->access_token));
    cJSON_ReplaceItemInObjectCaseSensitive(j, "expiresAt", cJSON_CreateString(expires));
    if (tok->refresh_token)
        cJSON_ReplaceItemInObjectCaseSensitive(j, "refreshToken", cJSON_CreateString(tok->refresh_token));
    char *fresh = cJSON_PrintUnformatted(j);
    if (!fresh)
        return cc_err_oom(err);
    size_t n = strlen(fresh);
    int rc = safefile_write_atomic(path, fresh, n, 0600, err);
    OPENSSL_cleanse(*text, *len);
    free(*text);
    *text = fresh; /* the caller wipes it */
    *len = n;
    return rc;
}

/* Renews an expired access token of an `aws sso login` cache with its
 * refresh token.  Nothing to do (not expired, or no refresh token) is 0
 * with *text unchanged; a refused refresh leaves the file alone and the
 * expiry is reported as before. */
static int refresh_cache(const creds_chain_opts *o, const char *profile, const char *path, const char *sso_region,
                         char **text, size_t *len, cc_err *err)
{
    cJSON *j = cJSON_ParseWithLength(*text, *len);
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(j, "expiresAt");
    time_t expires = 0, reg_expires = 0, now = time(NULL);
    if (!cJSON_IsString(exp) || aws_parse_timestamp(exp->valuestring, &expires) != 0 ||
        expires > now + CREDS_REFRESH_MARGIN_S) {
        secret_json_delete(j);
        return 0;
    }
    const cJSON *reg = cJSON_GetObjectItemCaseSensitive(j, "registrationExpiresAt");
    if (cJSON_IsString(reg))
        aws_parse_timestamp(reg->valuestring, &reg_expires);
    ssooidc_client client = {.client_id = cache_string(j, "clientId"), .client_secret = cache_string(j, "clientSecret"),
                             .expires_at = reg_expires};
    char *refresh = cache_string(j, "refreshToken"), *url = NULL;
    int rc = 0;
    if (client.client_id && client.client_secret && refresh &&
        sso_endpoint(SSO_SERVICE_OIDC, sso_region, NULL, o->env, o->env_ud, &url, err) == 0) {
        sso_conn conn = {.http = o->http, .url_base = url, .region = sso_region, .out = o->out};
        ssooidc_token tok;
        cc_err rerr;
        cc_err_clear(&rerr);
        if (ssooidc_refresh(&conn, &client, refresh, now, &tok, &rerr) == 0) {
            if (o->out)
                out_trace(o->out, "credentials: renewed the SSO access token of profile %s with its refresh token",
                          profile);
            rc = rewrite_cache(j, path, &tok, text, len, err);
            ssooidc_token_wipe(&tok);
        } else if (o->out) {
            out_trace(o->out, "credentials: the SSO refresh for profile %s was refused: %s", profile, rerr.message);
        }
    }
    if (!rc)
        cc_err_clear(err); /* an endpoint problem only means no refresh */
    free(url);
    secret_free(refresh);
    ssooidc_client_wipe(&client);
    secret_json_delete(j);
    return rc;
}

static int config_error(const char *profile, cc_err *err, const char *what)
{
    cc_err_set(err, CC_EINPUT, "credentials.sso_config", "AWS profile '%s': %s", profile, what);
    cc_err_hint(err, "an SSO profile needs sso_account_id, sso_role_name and either sso_session (with an "
                     "[sso-session] section holding sso_start_url and sso_region) or sso_start_url and sso_region");
    return CC_EINPUT;
}

int sso_profile_credentials(const creds_chain_opts *o, const char *profile, const aws_profile *p,
                            aws_credentials *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    const char *session = ini_get(p, "sso_session");
    const char *start_url = ini_get(p, "sso_start_url");
    const char *sso_region = ini_get(p, "sso_region");
    const char *account = ini_get(p, "sso_account_id");
    const char *role = ini_get(p, "sso_role_name");
    const char *cache_key;
    char what[256];
    if (session) {
        const aws_profile *s = o->profiles ? ini_sso_session(o->profiles, session) : NULL;
        if (!s) {
            snprintf(what, sizeof what, "sso_session '%.64s' has no [sso-session %.64s] section", session, session);
            return config_error(profile, err, what);
        }
        const char *s_url = ini_get(s, "sso_start_url"), *s_region = ini_get(s, "sso_region");
        if ((start_url && s_url && strcmp(start_url, s_url) != 0) ||
            (sso_region && s_region && strcmp(sso_region, s_region) != 0))
            return config_error(profile, err, "sso_start_url/sso_region differ between the profile and its sso-session");
        start_url = s_url ? s_url : start_url;
        sso_region = s_region ? s_region : sso_region;
        cache_key = session;
    } else {
        cache_key = start_url;
    }
    if (!start_url || !sso_region)
        return config_error(profile, err, "sso_start_url or sso_region is missing");
    if (!account || !role)
        return config_error(profile, err, "sso_account_id or sso_role_name is missing");
    int rc = aws_region_validate(sso_region, err);
    if (rc) {
        cc_err_prefix(err, "AWS profile '%s', sso_region", profile);
        return rc;
    }
    if (!o->http)
        return cc_err_set(err, CC_EINTERNAL, "internal", "SSO credentials need an HTTP client");

    const char *home = cc_getenv_set(o->env, o->env_ud, "HOME");
    if (!home)
        return cc_err_set(err, CC_EINPUT, "credentials.no_home", "HOME is not set; cannot find the SSO token cache");
    char key[41], path[4096];
    sso_cache_key(cache_key, key);
    snprintf(path, sizeof path, "%s/.aws/sso/cache/%s.json", home, key);
    if (o->out)
        out_trace(o->out, "credentials: SSO token cache %s", path);
    char *text = NULL, *token = NULL;
    size_t len = 0;
    if ((rc = read_cache(path, profile, &text, &len, err)))
        return rc;
    if (session) /* only sso-session caches carry a refresh token */
        rc = refresh_cache(o, profile, path, sso_region, &text, &len, err);
    if (!rc)
        rc = sso_parse_token(text, len, profile, time(NULL), &token, NULL, err);
    OPENSSL_cleanse(text, len);
    free(text);
    if (rc)
        return rc;

    char *url = NULL, *q_role = aws_uri_encode(role, strlen(role), false);
    char *q_acct = aws_uri_encode(account, strlen(account), false);
    char query[1024], *header = NULL;
    size_t hlen = strlen("x-amz-sso_bearer_token: ") + strlen(token) + 1;
    header = malloc(hlen);
    if (!q_role || !q_acct || !header) {
        rc = cc_err_oom(err);
        goto done;
    }
    snprintf(header, hlen, "x-amz-sso_bearer_token: %s", token);
    snprintf(query, sizeof query, "role_name=%s&account_id=%s", q_role, q_acct);
    if ((rc = aws_endpoint("sso", sso_region, ini_get(p, "endpoint_url"), o->env, o->env_ud, &url, err)))
        goto done;
    const char *headers[] = {header, NULL};
    aws_request req = {
        .method = "GET",
        .url_base = url,
        .path = "/federation/credentials",
        .query = query,
        .service = aws_signing_name("sso"),
        .region = sso_region,
        .extra_headers = headers,
        .creds = NULL, /* this operation is unsigned */
        .operation = "sso:GetRoleCredentials",
    };
    aws_response resp;
    rc = http_aws_call(o->http, &req, &resp, err);
    if (resp.status == 401) {
        /* The portal no longer accepts the token: same advice, but AWS said no. */
        expired(profile, err, " or was revoked (GetRoleCredentials answered 401)");
        rc = CC_EDENIED;
        if (err)
            err->status = CC_EDENIED;
    } else if (resp.status >= 300 || (!rc && resp.status < 200)) {
        rc = cc_err_set(err, resp.status == 403 ? CC_EDENIED : CC_EAWS, "aws.sso_error",
                        "SSO GetRoleCredentials for profile %s failed: HTTP %ld %s%s%s", profile, resp.status,
                        resp.error_code, resp.error_message[0] ? ": " : "", resp.error_message);
        cc_err_hint(err, "check sso_account_id and sso_role_name of the profile, or run `aws sso login --profile %s`",
                    profile);
    } else if (!rc) {
        rc = sso_parse_role_credentials(resp.body, resp.body_len, out, err);
        if (!rc)
            snprintf(out->account_id, sizeof out->account_id, "%.12s", account);
    }
    if (resp.body)
        OPENSSL_cleanse(resp.body, resp.body_len);
    aws_response_free(&resp);
done:
    if (header) {
        OPENSSL_cleanse(header, hlen);
        free(header);
    }
    OPENSSL_cleanse(token, strlen(token));
    free(token);
    free(q_role);
    free(q_acct);
    free(url);
    return rc;
}

static bool is_sso_profile(const aws_profile *p)
{
    return ini_get(p, "sso_session") || ini_get(p, "sso_start_url") || ini_get(p, "sso_account_id");
}

static int sso_fetch(const creds_profile_ctx *ctx, aws_credentials *out, cc_err *err)
{
    if (ctx->o->out)
        out_trace(ctx->o->out, "credentials: profile %s uses IAM Identity Center (SSO)", ctx->profile);
    return sso_profile_credentials(ctx->o, ctx->profile, ctx->p, out, err);
}

const creds_profile_source creds_source_sso = {"sso", is_sso_profile, sso_fetch};

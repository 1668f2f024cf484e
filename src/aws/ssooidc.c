/*
 * ssooidc.c - IAM Identity Center OIDC: client registration, the device
 * authorization flow (RFC 8628 polling) and token refresh, plus the
 * Identity Center endpoints and the send/parse helpers the portal client
 * shares.  See include/clinecfg/ssooidc.h.
 *
 * Request bodies carrying the client secret, device code or refresh token
 * are built in secret strbufs and wiped after the call; answer bodies are
 * wiped by aws_response_free, parsed trees by secret_json_delete.
 */
#include "clinecfg/ssooidc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "clinecfg/endpoints.h"
#include "clinecfg/secret.h"
#include "clinecfg/strbuf.h"

#define OIDC_SIGNING_NAME "sso-oauth" /* unused: every OIDC call is unsigned */
#define DEVICE_GRANT "urn:ietf:params:oauth:grant-type:device_code"
#define REFRESH_GRANT "refresh_token"

/* --- endpoints ---------------------------------------------------------- */

/* The OIDC service and the portal each have their own entry in endpoints.c,
 * so AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO follow the SDKs'
 * override rules like every other service. */
int sso_endpoint(sso_service which, const char *region, const char *profile_endpoint_url, cc_getenv_fn env,
                 void *env_ud, char **url_out, cc_err *err)
{
    *url_out = NULL;
    return aws_endpoint(which == SSO_SERVICE_OIDC ? "sso-oidc" : "sso", region, profile_endpoint_url, env, env_ud,
                        url_out, err);
}

/* --- sending and parsing ------------------------------------------------ */

int sso_conn_send(const sso_conn *c, const aws_request *req, aws_response *resp, cc_err *err)
{
    if (c->send)
        return c->send(c->send_ud, req, resp, err);
    memset(resp, 0, sizeof *resp);
    if (!c->http)
        return cc_err_set(err, CC_EINTERNAL, "internal", "%s needs an HTTP client", req->operation);
    return http_aws_call(c->http, req, resp, err);
}

int sso_json_object(const aws_response *resp, const char *operation, cJSON **out, cc_err *err)
{
    *out = NULL;
    cJSON *j = resp->body && resp->body_len ? cJSON_ParseWithLength(resp->body, resp->body_len) : NULL;
    if (!cJSON_IsObject(j)) {
        secret_json_delete(j);
        cc_err_set(err, CC_EAWS, "sso.response", "malformed %s response: not a JSON object", operation);
        cc_err_hint(err, "check AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC point at IAM Identity Center");
        return CC_EAWS;
    }
    *out = j;
    return 0;
}

int sso_json_string(const cJSON *obj, const char *key, const char *operation, int optional, char **out,
                    cc_err *err)
{
    *out = NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v || cJSON_IsNull(v)) {
        if (optional)
            return 0;
        return cc_err_set(err, CC_EAWS, "sso.response", "malformed %s response: key \"%s\" is missing", operation,
                          key);
    }
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return cc_err_set(err, CC_EAWS, "sso.response",
                          "malformed %s response: key \"%s\" is not a non-empty string", operation, key);
    if (!(*out = secret_dup(v->valuestring)))
        return cc_err_oom(err);
    return 0;
}

/* A number member as whole seconds; CC_EAWS naming the key otherwise. */
static int json_seconds(const cJSON *obj, const char *key, const char *operation, int optional, long long max,
                        long long *out, cc_err *err)
{
    *out = 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v && optional)
        return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > (double)max)
        return cc_err_set(err, CC_EAWS, "sso.response",
                          "malformed %s response: key \"%s\" is %s", operation, key,
                          v ? "not a number in range" : "missing");
    *out = (long long)v->valuedouble;
    return 0;
}

/* POSTs a JSON body (wiped afterwards) to an OIDC path. */
static int oidc_post(const sso_conn *c, const char *path, const char *operation, strbuf *body,
                     aws_response *resp, cc_err *err)
{
    memset(resp, 0, sizeof *resp);
    if (body->oom) {
        strbuf_release(body);
        return cc_err_oom(err);
    }
    aws_request req = {
        .method = "POST",
        .url_base = c->url_base,
        .path = path,
        .content_type = "application/json",
        .body = body->p,
        .body_len = body->len,
        .service = OIDC_SIGNING_NAME,
        .region = c->region,
        .creds = NULL,
        .operation = operation,
    };
    int rc = sso_conn_send(c, &req, resp, err);
    strbuf_release(body);
    return rc;
}

/* {"clientId":..,"clientSecret":.., then the caller's members. */
static void client_body(strbuf *b, const ssooidc_client *client)
{
    b->secret = true;
    strbuf_puts(b, "{\"clientId\":");
    strbuf_json_string(b, client->client_id);
    strbuf_json_member(b, "clientSecret", client->client_secret);
}

/* The answer of a failed OIDC call as a cc_err.  login: whether a new
 * `login --sso` is the cure (refresh) or the caller is already logging in. */
static int oidc_failure(const aws_response *resp, int rc, const char *operation, bool login, cc_err *err)
{
    const char *name = resp->error_code;
    if (resp->status >= 300 && (!strcmp(name, "InvalidGrantException") || !strcmp(name, "InvalidClientException") ||
                                !strcmp(name, "UnauthorizedClientException"))) {
        cc_err_set(err, CC_EDENIED, SSO_ERR_LOGIN_NEEDED,
                   login ? "IAM Identity Center no longer accepts this sign-in (%s: %s)"
                         : "the IAM Identity Center session has ended and cannot be renewed (%s: %s)",
                   operation, name);
        cc_err_hint(err, "%s", SSO_LOGIN_HINT);
        return CC_EDENIED;
    }
    if (resp->status >= 300 && (!strcmp(name, "InvalidRequestException") || !strcmp(name, "InvalidScopeException") ||
                                !strcmp(name, "InvalidClientMetadataException"))) {
        cc_err_set(err, CC_EINPUT, "sso.bad_request", "IAM Identity Center refused %s: %s%s%s", operation, name,
                   resp->error_message[0] ? ": " : "", resp->error_message);
        cc_err_hint(err, "check the start URL and the Identity Center region (sso.start_url, sso.region)");
        return CC_EINPUT;
    }
    if (rc)
        return rc; /* network, throttling, 5xx: err already says what happened */
    if (resp->status < 200 || resp->status >= 300) {
        cc_err_set(err, CC_EAWS, "sso.error", "%s failed: HTTP %ld %s%s%s", operation, resp->status, name,
                   resp->error_message[0] ? ": " : "", resp->error_message);
        cc_err_hint(err, "try again later; with -v the calls are traced");
        return CC_EAWS;
    }
    return 0;
}

/* --- RegisterClient ----------------------------------------------------- */

void ssooidc_client_wipe(ssooidc_client *c)
{
    if (!c)
        return;
    secret_free(c->client_id);
    secret_free(c->client_secret);
    memset(c, 0, sizeof *c);
}

int ssooidc_register_client(const sso_conn *c, const char *client_name, ssooidc_client *out, cc_err *err)
{
    static const char op[] = "sso-oidc:RegisterClient";
    memset(out, 0, sizeof *out);
    strbuf body = {0};
    strbuf_puts(&body, "{\"clientType\":\"public\"");
    strbuf_json_member(&body, "clientName", client_name);
    strbuf_puts(&body, ",\"scopes\":[\"sso:account:access\"],\"grantTypes\":[\"" DEVICE_GRANT "\",\"" REFRESH_GRANT
                       "\"]}");
    aws_response resp;
    int rc = oidc_post(c, "/client/register", op, &body, &resp, err);
    rc = oidc_failure(&resp, rc, op, true, err);
    cJSON *j = NULL;
    long long issued = 0, expires = 0;
    if (!rc && !(rc = sso_json_object(&resp, op, &j, err)) &&
        !(rc = sso_json_string(j, "clientId", op, 0, &out->client_id, err)) &&
        !(rc = sso_json_string(j, "clientSecret", op, 0, &out->client_secret, err)) &&
        !(rc = json_seconds(j, "clientIdIssuedAt", op, 1, 253402300799LL, &issued, err)) &&
        !(rc = json_seconds(j, "clientSecretExpiresAt", op, 1, 253402300799LL, &expires, err))) {
        out->issued_at = (time_t)issued;
        out->expires_at = (time_t)expires;
    }
    secret_json_delete(j);
    aws_response_free(&resp);
    if (rc)
        ssooidc_client_wipe(out);
    return rc;
}

/* --- StartDeviceAuthorization ------------------------------------------- */

void ssooidc_device_wipe(ssooidc_device *d)
{
    if (!d)
        return;
    secret_free(d->device_code);
    secret_free(d->user_code);
    secret_free(d->verification_uri);
    secret_free(d->verification_uri_complete);
    memset(d, 0, sizeof *d);
}

int ssooidc_start_device_authorization(const sso_conn *c, const ssooidc_client *client, const char *start_url,
                                       time_t now, ssooidc_device *out, cc_err *err)
{
    static const char op[] = "sso-oidc:StartDeviceAuthorization";
    memset(out, 0, sizeof *out);
    strbuf body = {0};
    client_body(&body, client);
    strbuf_json_member(&body, "startUrl", start_url);
    strbuf_puts(&body, "}");
    aws_response resp;
    int rc = oidc_post(c, "/device_authorization", op, &body, &resp, err);
    rc = oidc_failure(&resp, rc, op, true, err);
    cJSON *j = NULL;
    long long expires_in = 0, interval = 0;
    if (!rc && !(rc = sso_json_object(&resp, op, &j, err)) &&
        !(rc = sso_json_string(j, "deviceCode", op, 0, &out->device_code, err)) &&
        !(rc = sso_json_string(j, "userCode", op, 0, &out->user_code, err)) &&
        !(rc = sso_json_string(j, "verificationUri", op, 0, &out->verification_uri, err)) &&
        !(rc = sso_json_string(j, "verificationUriComplete", op, 1, &out->verification_uri_complete, err)) &&
        !(rc = json_seconds(j, "expiresIn", op, 0, 86400, &expires_in, err)) &&
        !(rc = json_seconds(j, "interval", op, 1, 3600, &interval, err))) {
        out->expires_at = now + (time_t)expires_in;
        out->interval = interval > 0 ? (int)interval : SSOOIDC_DEFAULT_INTERVAL;
    }
    secret_json_delete(j);
    aws_response_free(&resp);
    if (rc)
        ssooidc_device_wipe(out);
    return rc;
}

/* --- CreateToken -------------------------------------------------------- */

void ssooidc_token_wipe(ssooidc_token *t)
{
    if (!t)
        return;
    secret_free(t->access_token);
    secret_free(t->refresh_token);
    memset(t, 0, sizeof *t);
}

static int parse_token(const aws_response *resp, const char *op, time_t now, ssooidc_token *out, cc_err *err)
{
    cJSON *j = NULL;
    long long expires_in = 0;
    int rc = sso_json_object(resp, op, &j, err);
    if (!rc && !(rc = sso_json_string(j, "accessToken", op, 0, &out->access_token, err)) &&
        !(rc = sso_json_string(j, "refreshToken", op, 1, &out->refresh_token, err)) &&
        !(rc = json_seconds(j, "expiresIn", op, 0, 366LL * 86400, &expires_in, err)))
        out->expires_at = now + (time_t)expires_in;
    secret_json_delete(j);
    if (rc)
        ssooidc_token_wipe(out);
    return rc;
}

int ssooidc_poll_once(const sso_conn *c, const ssooidc_client *client, const ssooidc_device *dev, time_t now,
                      ssooidc_poll_result *result, ssooidc_token *out, cc_err *err)
{
    static const char op[] = "sso-oidc:CreateToken";
    memset(out, 0, sizeof *out);
    *result = SSOOIDC_POLL_PENDING;
    strbuf body = {0};
    client_body(&body, client);
    strbuf_json_member(&body, "grantType", DEVICE_GRANT);
    strbuf_json_member(&body, "deviceCode", dev->device_code);
    strbuf_puts(&body, "}");
    aws_response resp;
    int rc = oidc_post(c, "/token", op, &body, &resp, err);
    const char *name = resp.status >= 300 ? resp.error_code : "";
    if (!strcmp(name, "AuthorizationPendingException") || !strcmp(name, "SlowDownException")) {
        *result = name[0] == 'S' ? SSOOIDC_POLL_SLOW_DOWN : SSOOIDC_POLL_PENDING;
        cc_err_clear(err);
        rc = 0;
    } else if (!strcmp(name, "AccessDeniedException")) {
        rc = cc_err_set(err, CC_EDENIED, SSO_ERR_ACCESS_DENIED, "the sign-in request (code %s) was declined",
                        dev->user_code);
        cc_err_hint(err, "%s again and approve the request in the browser", SSO_LOGIN_HINT);
    } else if (!strcmp(name, "ExpiredTokenException") || !strcmp(name, "InvalidGrantException")) {
        rc = cc_err_set(err, CC_EDENIED, SSO_ERR_DEVICE_EXPIRED,
                        "the sign-in code %s expired or was already used before a token was issued", dev->user_code);
        cc_err_hint(err, "%s again and approve the request within its time limit", SSO_LOGIN_HINT);
    } else if (!(rc = oidc_failure(&resp, rc, op, true, err))) {
        rc = parse_token(&resp, op, now, out, err);
        if (!rc)
            *result = SSOOIDC_POLL_TOKEN;
    }
    aws_response_free(&resp);
    return rc;
}

static time_t default_now(void *ud)
{
    (void)ud;
    return time(NULL);
}

static void default_sleep(void *ud, int seconds)
{
    (void)ud;
    struct timespec ts = {seconds, 0};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int ssooidc_wait_for_token(const sso_conn *c, const ssooidc_client *client, const ssooidc_device *dev,
                           const ssooidc_wait_opts *o, ssooidc_token *out, cc_err *err)
{
    static const ssooidc_wait_opts none = {0};
    if (!o)
        o = &none;
    time_t (*now_fn)(void *) = o->now ? o->now : default_now;
    void (*sleep_fn)(void *, int) = o->sleep ? o->sleep : default_sleep;
    int interval = o->interval > 0 ? o->interval : dev->interval > 0 ? dev->interval : SSOOIDC_DEFAULT_INTERVAL;
    memset(out, 0, sizeof *out);
    for (;;) {
        time_t now = now_fn(o->ud);
        if (now >= dev->expires_at)
            break;
        long left = (long)(dev->expires_at - now);
        sleep_fn(o->ud, left < interval ? (int)left : interval);
        now = now_fn(o->ud);
        if (now >= dev->expires_at)
            break;
        ssooidc_poll_result result;
        int rc = ssooidc_poll_once(c, client, dev, now, &result, out, err);
        if (rc || result == SSOOIDC_POLL_TOKEN)
            return rc;
        if (result == SSOOIDC_POLL_SLOW_DOWN)
            interval += SSOOIDC_SLOW_DOWN_STEP;
        if (c->out)
            out_trace(c->out, "sso-oidc: %s; next poll in %d s",
                      result == SSOOIDC_POLL_SLOW_DOWN ? "asked to slow down" : "not approved yet", interval);
        if (o->on_poll && !o->on_poll(o->ud, result, interval)) {
            cc_err_set(err, CC_EINPUT, "sso.cancelled", "stopped waiting for the sign-in (code %s)", dev->user_code);
            cc_err_hint(err, "%s to start again", SSO_LOGIN_HINT);
            return CC_EINPUT;
        }
    }
    cc_err_set(err, CC_EDENIED, SSO_ERR_DEVICE_EXPIRED, "the sign-in code %s was not approved in time",
               dev->user_code);
    cc_err_hint(err, "%s again and approve the request within its time limit", SSO_LOGIN_HINT);
    return CC_EDENIED;
}

int ssooidc_refresh(const sso_conn *c, const ssooidc_client *client, const char *refresh_token, time_t now,
                    ssooidc_token *out, cc_err *err)
{
    static const char op[] = "sso-oidc:CreateToken";
    memset(out, 0, sizeof *out);
    if (!refresh_token || !*refresh_token || (client->expires_at && client->expires_at <= now)) {
        cc_err_set(err, CC_EDENIED, SSO_ERR_LOGIN_NEEDED, "the IAM Identity Center session cannot be renewed: %s",
                   !refresh_token || !*refresh_token ? "no refresh token was issued"
                                                     : "the client registration has expired");
        cc_err_hint(err, "%s", SSO_LOGIN_HINT);
        return CC_EDENIED;
    }
    strbuf body = {0};
    client_body(&body, client);
    strbuf_json_member(&body, "grantType", REFRESH_GRANT);
    strbuf_json_member(&body, "refreshToken", refresh_token);
    strbuf_puts(&body, "}");
    aws_response resp;
    int rc = oidc_post(c, "/token", op, &body, &resp, err);
    rc = oidc_failure(&resp, rc, op, false, err);
    if (!rc)
        rc = parse_token(&resp, op, now, out, err);
    if (!rc && !out->refresh_token && !(out->refresh_token = secret_dup(refresh_token))) {
        ssooidc_token_wipe(out);
        rc = cc_err_oom(err);
    }
    aws_response_free(&resp);
    return rc;
}

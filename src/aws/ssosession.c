/*
 * ssosession.c - an IAM Identity Center sign-in: its keyring payload (to
 * and from JSON, errors naming the key) and the credential path that
 * refreshes the access token and fetches role credentials.  See
 * include/clinecfg/ssosession.h.
 */
#include "clinecfg/ssosession.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clinecfg/keyring.h"
#include "clinecfg/secret.h"
#include "clinecfg/ssoportal.h"
#include "clinecfg/strbuf.h"

#define PAYLOAD_VERSION 1
#define PAYLOAD_TYPE "sso"

void sso_session_wipe(sso_session *s)
{
    if (!s)
        return;
    char *strings[] = {s->start_url, s->region, s->account_id, s->role_name, s->oidc_endpoint, s->portal_endpoint};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        secret_free(strings[i]);
    ssooidc_client_wipe(&s->client);
    ssooidc_token_wipe(&s->token);
    aws_credentials_wipe(&s->role);
    memset(s, 0, sizeof *s);
}

/* --- to JSON ------------------------------------------------------------ */

static void put_time(strbuf *b, const char *key, time_t t)
{
    if (!t)
        return;
    char text[32];
    keyring_format_time(t, text);
    strbuf_json_member(b, key, text);
}

int sso_session_to_payload(const sso_session *s, char **payload_out, cc_err *err)
{
    *payload_out = NULL;
    if (!s->start_url || !s->region || !s->client.client_id || !s->client.client_secret || !s->token.access_token)
        return cc_err_set(err, CC_EINTERNAL, "internal", "an SSO session without start URL, region, client or token");
    strbuf b = {.secret = true};
    strbuf_puts(&b, "{\"version\":1,\"type\":\"" PAYLOAD_TYPE "\"");
    strbuf_json_member(&b, "start_url", s->start_url);
    strbuf_json_member(&b, "region", s->region);
    strbuf_json_member(&b, "account_id", s->account_id);
    strbuf_json_member(&b, "role_name", s->role_name);
    strbuf_json_member(&b, "client_id", s->client.client_id);
    strbuf_json_member(&b, "client_secret", s->client.client_secret);
    put_time(&b, "client_issued_at", s->client.issued_at);
    put_time(&b, "registration_expires_at", s->client.expires_at);
    strbuf_json_member(&b, "access_token", s->token.access_token);
    char expires[32];
    keyring_format_time(s->token.expires_at, expires);
    strbuf_json_member(&b, "access_token_expires_at", expires);
    strbuf_json_member(&b, "refresh_token", s->token.refresh_token);
    strbuf_json_member(&b, "oidc_endpoint", s->oidc_endpoint);
    strbuf_json_member(&b, "portal_endpoint", s->portal_endpoint);
    put_time(&b, "stored_at", s->stored_at);
    if (s->role.access_key_id && s->role.secret_access_key && s->role.expiration) {
        strbuf_json_member(&b, "role_access_key_id", s->role.access_key_id);
        strbuf_json_member(&b, "role_secret_access_key", s->role.secret_access_key);
        strbuf_json_member(&b, "role_session_token", s->role.session_token);
        put_time(&b, "role_expiration", s->role.expiration);
    }
    strbuf_puts(&b, "}");
    if (b.oom) {
        strbuf_release(&b);
        return cc_err_oom(err);
    }
    *payload_out = b.p;
    return 0;
}

/* --- from JSON ---------------------------------------------------------- */

static int payload_error(cc_err *err, const char *key, const char *what)
{
    cc_err_set(err, CC_EKEYRING, "keyring.payload", "the SSO sign-in stored in the keyring is unreadable: key \"%s\" %s",
               key, what);
    cc_err_hint(err, "%s to store it again", SSO_LOGIN_HINT);
    return CC_EKEYRING;
}

static int get_string(const cJSON *j, const char *key, bool required, char **out, cc_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    if (!v || cJSON_IsNull(v))
        return required ? payload_error(err, key, "is missing") : 0;
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return payload_error(err, key, "is not a non-empty string");
    if (!(*out = secret_dup(v->valuestring)))
        return cc_err_oom(err);
    return 0;
}

static int get_time(const cJSON *j, const char *key, bool required, time_t *out, cc_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    if (!v || cJSON_IsNull(v))
        return required ? payload_error(err, key, "is missing") : 0;
    if (!cJSON_IsString(v) || keyring_parse_time(v->valuestring, out) != 0)
        return payload_error(err, key, "is not an RFC 3339 time such as 2026-01-02T03:04:05Z");
    return 0;
}

static int parse_fields(const cJSON *j, sso_session *s, cc_err *err)
{
    int rc = 0;
    if (!rc)
        rc = get_string(j, "start_url", true, &s->start_url, err);
    if (!rc)
        rc = get_string(j, "region", true, &s->region, err);
    if (!rc)
        rc = get_string(j, "account_id", false, &s->account_id, err);
    if (!rc)
        rc = get_string(j, "role_name", false, &s->role_name, err);
    if (!rc)
        rc = get_string(j, "client_id", true, &s->client.client_id, err);
    if (!rc)
        rc = get_string(j, "client_secret", true, &s->client.client_secret, err);
    if (!rc)
        rc = get_time(j, "client_issued_at", false, &s->client.issued_at, err);
    if (!rc)
        rc = get_time(j, "registration_expires_at", false, &s->client.expires_at, err);
    if (!rc)
        rc = get_string(j, "access_token", true, &s->token.access_token, err);
    if (!rc)
        rc = get_time(j, "access_token_expires_at", true, &s->token.expires_at, err);
    if (!rc)
        rc = get_string(j, "refresh_token", false, &s->token.refresh_token, err);
    if (!rc)
        rc = get_string(j, "oidc_endpoint", false, &s->oidc_endpoint, err);
    if (!rc)
        rc = get_string(j, "portal_endpoint", false, &s->portal_endpoint, err);
    if (!rc)
        rc = get_time(j, "stored_at", false, &s->stored_at, err);
    if (!rc)
        rc = get_string(j, "role_access_key_id", false, &s->role.access_key_id, err);
    if (!rc)
        rc = get_string(j, "role_secret_access_key", false, &s->role.secret_access_key, err);
    if (!rc)
        rc = get_string(j, "role_session_token", false, &s->role.session_token, err);
    if (!rc)
        rc = get_time(j, "role_expiration", false, &s->role.expiration, err);
    if (!rc && s->account_id)
        snprintf(s->role.account_id, sizeof s->role.account_id, "%s", s->account_id);
    return rc;
}

int sso_session_from_payload(const char *payload, sso_session *s, cc_err *err)
{
    memset(s, 0, sizeof *s);
    cJSON *j = payload ? cJSON_Parse(payload) : NULL;
    int rc = 0;
    if (!cJSON_IsObject(j)) {
        rc = cc_err_set(err, CC_EKEYRING, "keyring.payload",
                        "the SSO sign-in stored in the keyring is unreadable: not a JSON object");
        cc_err_hint(err, "%s to store it again", SSO_LOGIN_HINT);
        goto done;
    }
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(j, "version");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "type");
    if (!cJSON_IsNumber(version) || version->valuedouble != PAYLOAD_VERSION)
        rc = payload_error(err, "version", "is not 1 (written by another clinecfg version?)");
    else if (!cJSON_IsString(type) || strcmp(type->valuestring, PAYLOAD_TYPE) != 0)
        rc = payload_error(err, "type", "is not \"sso\" (this item holds other credentials)");
    else
        rc = parse_fields(j, s, err);
done:
    secret_json_delete(j);
    if (rc)
        sso_session_wipe(s);
    return rc;
}

/* --- the credential path ------------------------------------------------ */

bool sso_session_access_valid(const sso_session *s, time_t now, int margin_s)
{
    return s->token.access_token && s->token.access_token[0] && s->token.expires_at - margin_s > now;
}

bool sso_session_can_refresh(const sso_session *s, time_t now)
{
    return s->token.refresh_token && s->token.refresh_token[0] && s->client.client_id && s->client.client_secret &&
           (!s->client.expires_at || s->client.expires_at > now);
}

int sso_session_refresh(sso_session *s, const sso_conn *oidc, time_t now, cc_err *err)
{
    ssooidc_token fresh;
    int rc = ssooidc_refresh(oidc, &s->client, s->token.refresh_token, now, &fresh, err);
    if (rc)
        return rc;
    ssooidc_token_wipe(&s->token);
    s->token = fresh;
    return 0;
}

int sso_session_role_credentials(sso_session *s, const sso_conn *oidc, const sso_conn *portal, time_t now,
                                 aws_credentials *out, bool *refreshed, cc_err *err)
{
    *refreshed = false;
    memset(out, 0, sizeof *out);
    if (!s->account_id || !s->role_name) {
        cc_err_set(err, CC_EINPUT, "sso.no_role", "the stored IAM Identity Center sign-in names no account and role");
        cc_err_hint(err, "%s --account-id ID --role-name NAME (or set sso.account_id and sso.role_name)",
                    SSO_LOGIN_HINT);
        return CC_EINPUT;
    }
    int rc = 0;
    bool tried = false; /* one refresh per call, whatever its outcome */
    if (!sso_session_access_valid(s, now, SSO_SESSION_REFRESH_WINDOW_S)) {
        if (sso_session_can_refresh(s, now)) {
            tried = true;
            rc = sso_session_refresh(s, oidc, now, err);
            if (rc && !sso_session_access_valid(s, now, 0))
                return rc;
            *refreshed = rc == 0;
            cc_err_clear(err); /* a failed early refresh still leaves a few usable minutes */
        } else if (!sso_session_access_valid(s, now, 0)) {
            cc_err_set(err, CC_EDENIED, SSO_ERR_LOGIN_NEEDED,
                       "the IAM Identity Center access token has expired and cannot be renewed");
            cc_err_hint(err, "%s", SSO_LOGIN_HINT);
            return CC_EDENIED;
        }
    }
    rc = ssoportal_get_role_credentials(portal, s->token.access_token, s->account_id, s->role_name, out, err);
    if (rc == CC_EDENIED && err && !strcmp(err->code, SSO_ERR_TOKEN_REJECTED) && !tried &&
        sso_session_can_refresh(s, now)) {
        if ((rc = sso_session_refresh(s, oidc, now, err)))
            return rc;
        *refreshed = true;
        rc = ssoportal_get_role_credentials(portal, s->token.access_token, s->account_id, s->role_name, out, err);
    }
    if (rc == CC_EDENIED && err && !strcmp(err->code, SSO_ERR_TOKEN_REJECTED)) {
        snprintf(err->code, sizeof err->code, "%s", SSO_ERR_LOGIN_NEEDED);
        cc_err_hint(err, "the IAM Identity Center sign-in has ended; %s", SSO_LOGIN_HINT);
    }
    return rc;
}

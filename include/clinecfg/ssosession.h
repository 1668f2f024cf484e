/*
 * ssosession.h - one IAM Identity Center sign-in as clinecfg keeps it
 * (src/aws/ssosession.c): the client registration, the access and refresh
 * tokens, the start URL, region, chosen account and role, and the endpoints
 * in effect at login; its keyring payload; and the credential path that
 * credential-process runs on it (refresh when needed, GetRoleCredentials).
 *
 * The payload is one JSON object for one keyring item (keyring.h stores it
 * as given; the item kind for it is the keyring's business):
 *   {"version":1,"type":"sso","start_url":..,"region":..,
 *    "account_id":..?,"role_name":..?,
 *    "client_id":..,"client_secret":..,"client_issued_at":"..Z"?,
 *    "registration_expires_at":"..Z"?,
 *    "access_token":..,"access_token_expires_at":"..Z","refresh_token":..?,
 *    "oidc_endpoint":..?,"portal_endpoint":..?,"stored_at":"..Z"?,
 *    "role_access_key_id":..?,"role_secret_access_key":..?,
 *    "role_session_token":..?,"role_expiration":"..Z"?}
 * The role_* members cache the last GetRoleCredentials answer, so
 * credential-process asks the portal only when it is about to expire.
 * Times are RFC 3339 UTC.  Parse errors are CC_EKEYRING "keyring.payload"
 * and name the key; they never quote a value.
 */
#ifndef CLINECFG_SSOSESSION_H
#define CLINECFG_SSOSESSION_H

#include <stdbool.h>
#include <time.h>

#include "clinecfg/error.h"
#include "clinecfg/http.h"
#include "clinecfg/ssooidc.h"

/* Refresh the access token when less than this is left (the JS SDK's window). */
#define SSO_SESSION_REFRESH_WINDOW_S 300

typedef struct sso_session {
    char *start_url;
    char *region;          /* the Identity Center region */
    char *account_id;      /* NULL until chosen */
    char *role_name;       /* NULL until chosen */
    ssooidc_client client; /* registration (secret) */
    ssooidc_token token;   /* access + refresh token (secret) */
    char *oidc_endpoint;   /* an override in effect at login, or NULL (regional default) */
    char *portal_endpoint; /* likewise for the portal */
    time_t stored_at;      /* 0 = unknown */
    aws_credentials role;  /* cached role credentials (secret); access_key_id NULL when none */
} sso_session;

/* Wipes and frees every string, zeroes the struct.  NULL is fine. */
void sso_session_wipe(sso_session *s);

/* Builds the payload (a secret: free it with keyring_payload_free or
 * secret_free).  start_url, region, client id/secret and access token are
 * required (CC_EINTERNAL otherwise: a caller bug). */
int sso_session_to_payload(const sso_session *s, char **payload_out, cc_err *err);

/* Parses a payload into *s (zeroed first; wiped again on failure). */
int sso_session_from_payload(const char *payload, sso_session *s, cc_err *err);

/* The access token is present and has more than margin_s seconds left. */
bool sso_session_access_valid(const sso_session *s, time_t now, int margin_s);

/* A refresh can be tried: refresh token and client present, registration
 * not expired. */
bool sso_session_can_refresh(const sso_session *s, time_t now);

/* Replaces the tokens with refreshed ones (ssooidc_refresh).  On failure
 * the session is unchanged. */
int sso_session_refresh(sso_session *s, const sso_conn *oidc, time_t now, cc_err *err);

/* The credential path: refreshes the access token first when it has less
 * than SSO_SESSION_REFRESH_WINDOW_S left, calls GetRoleCredentials for the
 * session's account and role, and when the portal rejects the token (401)
 * refreshes once and retries.  *refreshed tells the caller to store the
 * session again (new tokens).  Failures that need a new login are
 * CC_EDENIED SSO_ERR_LOGIN_NEEDED with the `clinecfg login --sso` hint. */
int sso_session_role_credentials(sso_session *s, const sso_conn *oidc, const sso_conn *portal, time_t now,
                                 aws_credentials *out, bool *refreshed, cc_err *err);

#endif

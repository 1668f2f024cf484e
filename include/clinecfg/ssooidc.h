/*
 * ssooidc.h - the IAM Identity Center OIDC client (src/aws/ssooidc.c).
 *
 * Owns: RegisterClient, StartDeviceAuthorization and CreateToken (device
 * code grant, one poll or polling until approved with RFC 8628's `interval`
 * and slow_down rules; refresh_token grant), the endpoints of both Identity
 * Center services (OIDC and the portal, with the SDKs' endpoint-override
 * order) and the connection type the portal client (ssoportal.h) shares.
 *
 * Wire facts: shared/reference/aws-governance.md, last section.  Every call
 * is unsigned restJson1.  The client secret, device code, access token and
 * refresh token are secrets: they travel only in request bodies and the
 * bearer header, are kept in memory that is wiped when freed (secret.h), and
 * never appear in traces or error messages.
 *
 * "Log in again" failures - a refresh token that AWS no longer accepts, an
 * expired client registration, a rejected access token - all have status
 * CC_EDENIED and err->code SSO_ERR_LOGIN_NEEDED with the hint to run
 * `clinecfg login --sso`, wherever they are noticed.
 */
#ifndef CLINECFG_SSOOIDC_H
#define CLINECFG_SSOOIDC_H

#include <stdbool.h>
#include <time.h>

#include "clinecfg/envlookup.h"
#include "clinecfg/error.h"
#include "clinecfg/http.h"
#include "clinecfg/output.h"

#define SSO_ERR_LOGIN_NEEDED "sso.login_needed"     /* refresh/registration gone: login --sso */
#define SSO_ERR_ACCESS_DENIED "sso.access_denied"   /* the user declined the sign-in request */
#define SSO_ERR_DEVICE_EXPIRED "sso.device_expired" /* the user code was not approved in time */
#define SSO_LOGIN_HINT "run `clinecfg login --sso`"

/* RFC 8628: interval when the server names none, and the slow_down step. */
#define SSOOIDC_DEFAULT_INTERVAL 5
#define SSOOIDC_SLOW_DOWN_STEP 5

/* Sends one request; the default is http_aws_call.  Tests hand canned answers. */
typedef int (*sso_send_fn)(void *ud, const aws_request *req, aws_response *resp, cc_err *err);

/* Where Identity Center calls go.  Borrowed pointers; nothing is owned. */
typedef struct sso_conn {
    http_client *http;    /* used when send is NULL */
    const char *url_base; /* from sso_endpoint() */
    const char *region;   /* the Identity Center region (sso_region) */
    sso_send_fn send;     /* NULL: http_aws_call(http, ...) */
    void *send_ud;
    const cc_out *out;    /* -v traces (never secrets); may be NULL */
} sso_conn;

typedef enum { SSO_SERVICE_OIDC, SSO_SERVICE_PORTAL } sso_service;

/* Base URL (malloc'd, no trailing '/') of the OIDC service
 * (https://oidc.<region>.<suffix>) or the portal
 * (https://portal.sso.<region>.<suffix>).  Overrides, unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true: AWS_ENDPOINT_URL_SSO_OIDC resp.
 * AWS_ENDPOINT_URL_SSO, then AWS_ENDPOINT_URL, then profile_endpoint_url
 * (may be NULL).  env NULL = the process environment.  CC_EINPUT for a bad
 * region or override. */
int sso_endpoint(sso_service which, const char *region, const char *profile_endpoint_url, cc_getenv_fn env,
                 void *env_ud, char **url_out, cc_err *err);

/* Sends req through c and returns what http_aws_call returns (0 for most
 * answers of any status, which the caller maps; CC_EDENIED / CC_EAWS with
 * err set for AccessDenied-class names, 5xx and network failures - resp
 * still holds the answer).  Free resp with aws_response_free in every case.
 * Shared with ssoportal.c. */
int sso_conn_send(const sso_conn *c, const aws_request *req, aws_response *resp, cc_err *err);

/* --- RegisterClient ----------------------------------------------------- */

typedef struct ssooidc_client {
    char *client_id;
    char *client_secret; /* secret */
    time_t issued_at;    /* clientIdIssuedAt; 0 = not sent */
    time_t expires_at;   /* clientSecretExpiresAt; 0 = not sent */
} ssooidc_client;

/* Wipes and frees the strings, zeroes the struct.  NULL is fine. */
void ssooidc_client_wipe(ssooidc_client *c);

/* POST /client/register {clientName, clientType "public", scopes
 * ["sso:account:access"], grantTypes [device_code, refresh_token]}.  The
 * scopes are what make AWS issue refresh tokens. */
int ssooidc_register_client(const sso_conn *c, const char *client_name, ssooidc_client *out, cc_err *err);

/* --- StartDeviceAuthorization ------------------------------------------- */

typedef struct ssooidc_device {
    char *device_code;               /* secret (with the client it yields the token) */
    char *user_code;                 /* shown to the user, e.g. "ABCD-EFGH" */
    char *verification_uri;
    char *verification_uri_complete; /* NULL if not sent */
    time_t expires_at;               /* now + expiresIn */
    int interval;                    /* seconds between polls (SSOOIDC_DEFAULT_INTERVAL if not sent) */
} ssooidc_device;

void ssooidc_device_wipe(ssooidc_device *d);

/* POST /device_authorization {clientId, clientSecret, startUrl}.  now is the
 * clock expires_at is counted from. */
int ssooidc_start_device_authorization(const sso_conn *c, const ssooidc_client *client, const char *start_url,
                                       time_t now, ssooidc_device *out, cc_err *err);

/* --- CreateToken -------------------------------------------------------- */

typedef struct ssooidc_token {
    char *access_token;  /* secret */
    char *refresh_token; /* secret; NULL when none was issued */
    time_t expires_at;   /* now + expiresIn */
} ssooidc_token;

void ssooidc_token_wipe(ssooidc_token *t);

typedef enum {
    SSOOIDC_POLL_TOKEN = 0,     /* approved: *out holds the token */
    SSOOIDC_POLL_PENDING = 1,   /* AuthorizationPendingException: poll again after the interval */
    SSOOIDC_POLL_SLOW_DOWN = 2, /* SlowDownException: add SSOOIDC_SLOW_DOWN_STEP to the interval */
} ssooidc_poll_result;

/* One CreateToken with the device_code grant.  0 with *result set, or:
 * CC_EDENIED SSO_ERR_ACCESS_DENIED (declined), CC_EDENIED
 * SSO_ERR_DEVICE_EXPIRED (ExpiredTokenException, or the device code
 * already used), CC_EDENIED SSO_ERR_LOGIN_NEEDED (the client registration
 * is no longer accepted), CC_EAWS / CC_EINPUT otherwise. */
int ssooidc_poll_once(const sso_conn *c, const ssooidc_client *client, const ssooidc_device *dev, time_t now,
                      ssooidc_poll_result *result, ssooidc_token *out, cc_err *err);

typedef struct ssooidc_wait_opts {
    time_t (*now)(void *ud);              /* NULL: time(NULL) */
    void (*sleep)(void *ud, int seconds); /* NULL: nanosleep */
    /* Called after each poll that did not give the token, with the interval
     * now in force; returning false stops waiting (CC_EINPUT "sso.cancelled"). */
    bool (*on_poll)(void *ud, ssooidc_poll_result result, int interval);
    void *ud;
    int interval; /* 0: dev->interval; pass the grown interval after an earlier slow_down */
} ssooidc_wait_opts;

/* Polls until the user approves: waits the interval before every poll,
 * adds SSOOIDC_SLOW_DOWN_STEP on each slow_down (RFC 8628 section 3.5) and
 * stops with CC_EDENIED SSO_ERR_DEVICE_EXPIRED once dev->expires_at has
 * passed.  o may be NULL. */
int ssooidc_wait_for_token(const sso_conn *c, const ssooidc_client *client, const ssooidc_device *dev,
                           const ssooidc_wait_opts *o, ssooidc_token *out, cc_err *err);

/* CreateToken with the refresh_token grant.  AWS may hand out a new refresh
 * token (rotation): *out then holds it and the old one is spent; when the
 * answer has none, *out keeps a copy of `refresh_token`.  A client whose
 * registration expired before `now` is refused without a call.
 * InvalidGrantException / InvalidClientException / an expired registration:
 * CC_EDENIED SSO_ERR_LOGIN_NEEDED. */
int ssooidc_refresh(const sso_conn *c, const ssooidc_client *client, const char *refresh_token, time_t now,
                    ssooidc_token *out, cc_err *err);

/* --- shared with ssoportal.c -------------------------------------------- */

struct cJSON;
/* Parses an answer body into a JSON object; CC_EAWS "sso.response" naming
 * the operation otherwise.  Free with secret_json_delete. */
int sso_json_object(const aws_response *resp, const char *operation, struct cJSON **out, cc_err *err);
/* A wiped-on-free copy of the string member `key`; CC_EAWS naming the key
 * and operation when it is missing (unless optional), not a string or empty. */
int sso_json_string(const struct cJSON *obj, const char *key, const char *operation, int optional, char **out,
                    cc_err *err);

#endif

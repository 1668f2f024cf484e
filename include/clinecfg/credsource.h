/*
 * credsource.h - where Cline's credentials come from (src/app/credsource.c).
 *
 * A credential source is what `setup` records in Cline's AWS profile as
 *   credential_process = <clinecfg> credential-process --source SPEC
 * with SPEC one of
 *   keyring:NAME   the access key `clinecfg login` stored as keyring account NAME
 *                  (written as the older `--account NAME`, which means the same);
 *   sso:NAME       the IAM Identity Center sign-in `clinecfg login --sso` stored
 *                  as keyring account NAME;
 *   profile:NAME   a named AWS profile, through clinecfg's own credential chain.
 * Endpoint overrides in effect at setup for the services on the credential
 * path follow as `--endpoint-SERVICE URL` (sts, sso, sso-oidc), because Cline
 * runs credential_process without the user's shell variables.
 *
 * This module also owns the SSO sign-in as a credential source: loading and
 * storing it in the keyring (item kind "sso"), the connections to the OIDC
 * and portal services with the endpoints remembered at login, and role
 * credentials cached in the same item until SSO_ROLE_REFRESH_MARGIN_S
 * before they expire.
 *
 * An expired or revoked sign-in is, wherever it is noticed, CC_EDENIED
 * (exit 5) with err->code SSO_ERR_LOGIN_NEEDED and the hint to run
 * `clinecfg login --sso`.
 */
#ifndef CLINECFG_CREDSOURCE_H
#define CLINECFG_CREDSOURCE_H

#include <stdbool.h>
#include <time.h>

#include "clinecfg/envlookup.h"
#include "clinecfg/error.h"
#include "clinecfg/http.h"
#include "clinecfg/keyring.h"
#include "clinecfg/output.h"
#include "clinecfg/ssosession.h"

#define SSO_ROLE_REFRESH_MARGIN_S 300 /* role credentials are fetched again 5 minutes before expiry */
#define CREDSOURCE_MAX_ENDPOINTS 3

typedef enum { CREDSOURCE_KEYRING, CREDSOURCE_SSO, CREDSOURCE_PROFILE } credsource_kind;

typedef struct credsource {
    credsource_kind kind;
    char name[256]; /* keyring account or AWS profile name */
} credsource;

/* "keyring:NAME", "sso:NAME", "profile:NAME".  CC_EUSAGE naming the spec. */
int credsource_parse(const char *spec, credsource *out, cc_err *err);
/* "keyring", "sso", "profile". */
const char *credsource_kind_name(credsource_kind k);
/* The spec text into out ("sso:default"). */
void credsource_format(const credsource *s, char *out, size_t size);

/* One remembered endpoint override, "SERVICE=URL" on the command line. */
typedef struct credsource_endpoint {
    char service[16]; /* "sts", "sso", "sso-oidc" */
    char url[512];
} credsource_endpoint;

/* Parses "SERVICE=URL" (CC_EUSAGE otherwise). */
int credsource_endpoint_parse(const char *arg, credsource_endpoint *out, cc_err *err);
/* The environment variable that overrides SERVICE ("AWS_ENDPOINT_URL_STS"...). */
const char *credsource_endpoint_env(const char *service);
/* Fills eps[] with the overrides the environment `env` puts on the
 * credential path (what setup remembers for a profile source). */
size_t credsource_endpoints_in_effect(cc_getenv_fn env, void *env_ud, const char *region,
                                      credsource_endpoint eps[CREDSOURCE_MAX_ENDPOINTS]);

/* --- the SSO sign-in in the keyring ------------------------------------ */

/* Loads the sign-in of `account`.  Nothing stored: CC_EDENIED
 * SSO_ERR_LOGIN_NEEDED "no IAM Identity Center sign-in is stored". */
int credsource_sso_load(keyring *kr, const char *account, sso_session *s, cc_err *err);
int credsource_sso_store(keyring *kr, const char *account, const sso_session *s, cc_err *err);

/* The OIDC and portal connections of a sign-in: the environment's
 * overrides, else the endpoints remembered at login, else the regional
 * defaults.  Free with credsource_sso_conns_free. */
typedef struct credsource_sso_conns {
    http_client *http;
    char *oidc_url, *portal_url;
    sso_conn oidc, portal;
} credsource_sso_conns;

int credsource_sso_conns_open(const sso_session *s, const cc_out *out, credsource_sso_conns *c, cc_err *err);
void credsource_sso_conns_free(credsource_sso_conns *c);

/* The credential path of an SSO source: the cached role credentials while
 * they have more than SSO_ROLE_REFRESH_MARGIN_S left, else
 * GetRoleCredentials (refreshing the access token with the refresh token
 * when needed) with the sign-in stored again (new tokens: the old refresh
 * token is spent; and the new role credentials).  *out source "sso:ACCOUNT". */
int credsource_sso_credentials(keyring *kr, const char *account, const cc_out *out, time_t now, aws_credentials *creds,
                               cc_err *err);

/* creds_keyring_fn for the AWS credential chain (session.c): the long-term
 * keys of the account, else its SSO sign-in.  ud is a keyring_source_opts. */
int credsource_keyring_or_sso(void *ud, aws_credentials *out, cc_err *err);

/* What the keyring holds for `account` (false on any keyring failure). */
typedef struct credsource_stored {
    bool long_term, sso;
} credsource_stored;
int credsource_stored_items(keyring *kr, const char *account, credsource_stored *st, cc_err *err);

/* --- what Cline is pointed at (doctor, status, whoami) -------------------- */

/* The source named by a credential_process line: 1 and *out for
 * clinecfg's own `credential-process [--account N | --source SPEC ...]`
 * (no option: keyring:default), 0 for another program or a bad line. */
int credsource_from_process_line(const char *cmd, credsource *out);

/* The source in Cline's AWS profile `profile` of the shared config file
 * (AWS_CONFIG_FILE or ~/.aws/config): 1 and *out, 0 when the profile or its
 * credential_process is missing or is another program's. */
int credsource_of_cline(const char *profile, credsource *out);

/* An SSO sign-in as stored, without the network and without secrets. */
typedef struct credsource_sso_state {
    char start_url[512], region[64], account_id[32], role_name[128];
    time_t access_expires;       /* the access token's expiry */
    bool refresh_token;          /* a refresh token is stored */
    time_t registration_expires; /* 0: not known */
    time_t role_expires;         /* cached role credentials' expiry, 0: none */
} credsource_sso_state;

/* 0, or CC_EDENIED SSO_ERR_LOGIN_NEEDED when nothing is stored, or the
 * keyring's error. */
int credsource_sso_state_read(keyring *kr, const char *account, credsource_sso_state *st, cc_err *err);
/* The sign-in can still produce credentials without a new login. */
bool credsource_sso_state_usable(const credsource_sso_state *st, time_t now);

#endif

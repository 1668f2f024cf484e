/*
 * ssoportal.h - the IAM Identity Center access portal client
 * (src/aws/ssoportal.c): GetRoleCredentials, ListAccounts and
 * ListAccountRoles (every page) and Logout.
 *
 * Wire facts: shared/reference/aws-governance.md (last section) and
 * aws-wire.md section 5.1.  Every call is unsigned and carries the access
 * token in the `x-amz-sso_bearer_token` header; the connection (sso_conn)
 * and the "log in again" convention (SSO_ERR_LOGIN_NEEDED, CC_EDENIED) are
 * those of ssooidc.h.  A rejected access token (UnauthorizedException 401)
 * is SSO_ERR_LOGIN_NEEDED only to a caller that cannot refresh: the
 * credential path first refreshes with the refresh token and retries.
 */
#ifndef CLINECFG_SSOPORTAL_H
#define CLINECFG_SSOPORTAL_H

#include <stddef.h>

#include "clinecfg/error.h"
#include "clinecfg/http.h"
#include "clinecfg/ssooidc.h"

/* err->code of a 401 from the portal (status CC_EDENIED): the access token
 * expired or was revoked.  Refresh, or log in again. */
#define SSO_ERR_TOKEN_REJECTED "sso.token_rejected"
/* err->code of a 403 ForbiddenException: the role is not assigned. */
#define SSO_ERR_NO_ACCESS "sso.no_access"

/* GET /federation/credentials?role_name=&account_id=.  *out gets the role
 * credentials (expiration from epoch milliseconds; account_id set; source
 * "sso:<account>/<role>").  Wipe with aws_credentials_wipe. */
int ssoportal_get_role_credentials(const sso_conn *c, const char *access_token, const char *account_id,
                                   const char *role_name, aws_credentials *out, cc_err *err);

typedef struct ssoportal_account {
    char *account_id;
    char *account_name;  /* NULL if not sent */
    char *email_address; /* NULL if not sent */
} ssoportal_account;

typedef struct ssoportal_accounts {
    ssoportal_account *items;
    size_t n;
} ssoportal_accounts;

void ssoportal_accounts_free(ssoportal_accounts *a); /* NULL is fine */

/* GET /assignment/accounts, following nextToken until the last page (at
 * most SSOPORTAL_MAX_PAGES pages). */
#define SSOPORTAL_MAX_PAGES 1000
int ssoportal_list_accounts(const sso_conn *c, const char *access_token, ssoportal_accounts *out, cc_err *err);

typedef struct ssoportal_roles {
    char **names; /* role (permission set) names */
    size_t n;
} ssoportal_roles;

void ssoportal_roles_free(ssoportal_roles *r); /* NULL is fine */

/* GET /assignment/roles?account_id=, every page. */
int ssoportal_list_account_roles(const sso_conn *c, const char *access_token, const char *account_id,
                                 ssoportal_roles *out, cc_err *err);

/* POST /logout: ends the sign-in session, so the access token and its
 * refresh token stop working.  A token the portal already refuses (401)
 * counts as logged out: returns 0. */
int ssoportal_logout(const sso_conn *c, const char *access_token, cc_err *err);

#endif

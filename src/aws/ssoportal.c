/*
 * ssoportal.c - IAM Identity Center access portal calls: role credentials,
 * the account and role lists (all pages) and Logout.  See
 * include/clinecfg/ssoportal.h.
 *
 * The bearer header holding the access token is built in one malloc'd
 * line that is wiped after the call; answers that carry credentials are
 * wiped by aws_response_free.
 */
#include "clinecfg/ssoportal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clinecfg/credentials.h"
#include "clinecfg/secret.h"
#include "clinecfg/sigv4.h"

#define PORTAL_SIGNING_NAME "awsssoportal" /* unused: these calls are unsigned */
#define BEARER_HEADER "x-amz-sso_bearer_token: "

/* One portal call.  query may be NULL. */
static int portal_call(const sso_conn *c, const char *method, const char *path, const char *query,
                       const char *access_token, const char *operation, aws_response *resp, cc_err *err)
{
    memset(resp, 0, sizeof *resp);
    if (!access_token || !*access_token) {
        cc_err_set(err, CC_EDENIED, SSO_ERR_LOGIN_NEEDED, "%s: no IAM Identity Center access token", operation);
        cc_err_hint(err, "%s", SSO_LOGIN_HINT);
        return CC_EDENIED;
    }
    size_t n = strlen(BEARER_HEADER) + strlen(access_token) + 1;
    char *header = malloc(n);
    if (!header)
        return cc_err_oom(err);
    snprintf(header, n, "%s%s", BEARER_HEADER, access_token);
    const char *headers[] = {header, NULL};
    aws_request req = {
        .method = method,
        .url_base = c->url_base,
        .path = path,
        .query = query,
        .service = PORTAL_SIGNING_NAME,
        .region = c->region,
        .extra_headers = headers,
        .creds = NULL,
        .operation = operation,
    };
    int rc = sso_conn_send(c, &req, resp, err);
    secret_wipe(header, n);
    free(header);
    if (resp->status == 401) {
        cc_err_set(err, CC_EDENIED, SSO_ERR_TOKEN_REJECTED,
                   "IAM Identity Center no longer accepts the access token (%s answered 401 %s)", operation,
                   resp->error_code);
        cc_err_hint(err, "the sign-in expired or was ended; %s", SSO_LOGIN_HINT);
        return CC_EDENIED;
    }
    if (resp->status == 403 && !strcmp(resp->error_code, "ForbiddenException")) {
        cc_err_set(err, CC_EDENIED, SSO_ERR_NO_ACCESS, "%s: the role is not assigned to you (403 %s%s%s)",
                   operation, resp->error_code, resp->error_message[0] ? ": " : "", resp->error_message);
        cc_err_hint(err, "check the account id and role name (sso.account_id, sso.role_name); "
                         "`clinecfg login --sso` lists the ones you have");
        return CC_EDENIED;
    }
    if (rc)
        return rc;
    if (resp->status < 200 || resp->status >= 300) {
        rc = resp->status == 400 ? CC_EINPUT : CC_EAWS;
        cc_err_set(err, rc, "sso.error", "%s failed: HTTP %ld %s%s%s", operation, resp->status, resp->error_code,
                   resp->error_message[0] ? ": " : "", resp->error_message);
        cc_err_hint(err, "check the account id, the role name and the Identity Center region (sso.region)");
        return rc;
    }
    return 0;
}

/* "name=<encoded value>" appended to a query under construction. */
static int query_add(char *q, size_t size, const char *name, const char *value, cc_err *err)
{
    char *enc = aws_uri_encode(value, strlen(value), false);
    if (!enc)
        return cc_err_oom(err);
    size_t len = strlen(q);
    int w = snprintf(q + len, size - len, "%s%s=%s", len ? "&" : "", name, enc);
    free(enc);
    if (w < 0 || (size_t)w >= size - len)
        return cc_err_set(err, CC_EINPUT, "sso.query", "the %s value is too long (%zu bytes)", name, strlen(value));
    return 0;
}

int ssoportal_get_role_credentials(const sso_conn *c, const char *access_token, const char *account_id,
                                   const char *role_name, aws_credentials *out, cc_err *err)
{
    static const char op[] = "sso:GetRoleCredentials";
    memset(out, 0, sizeof *out);
    char query[1024] = "";
    int rc = query_add(query, sizeof query, "role_name", role_name, err);
    if (!rc)
        rc = query_add(query, sizeof query, "account_id", account_id, err);
    if (rc)
        return rc;
    aws_response resp;
    rc = portal_call(c, "GET", "/federation/credentials", query, access_token, op, &resp, err);
    if (!rc)
        rc = sso_parse_role_credentials(resp.body, resp.body_len, out, err);
    aws_response_free(&resp);
    if (rc)
        return rc;
    snprintf(out->account_id, sizeof out->account_id, "%.12s", account_id);
    snprintf(out->source, sizeof out->source, "sso:%.12s/%.40s", account_id, role_name);
    return 0;
}

/* The nextToken of a page, or NULL on the last one (wiped-on-free copy). */
static int next_token(const cJSON *page, const char *op, char **out, cc_err *err)
{
    return sso_json_string(page, "nextToken", op, 1, out, err);
}

/* Fetches every page of a list; `add` takes each page's array items. */
typedef int (*page_add_fn)(void *ud, const cJSON *item, const char *op, cc_err *err);

static int list_all(const sso_conn *c, const char *path, const char *account_id, const char *access_token,
                    const char *op, const char *array_key, page_add_fn add, void *ud, cc_err *err)
{
    char *token = NULL;
    int rc = 0;
    for (int page = 0; !rc; page++) {
        if (page == SSOPORTAL_MAX_PAGES) {
            rc = cc_err_set(err, CC_EAWS, "sso.paging", "%s returned more than %d pages", op, SSOPORTAL_MAX_PAGES);
            break;
        }
        char query[2048] = "";
        if (account_id)
            rc = query_add(query, sizeof query, "account_id", account_id, err);
        if (!rc && token)
            rc = query_add(query, sizeof query, "next_token", token, err);
        secret_free(token);
        token = NULL;
        if (rc)
            break;
        aws_response resp;
        cJSON *j = NULL;
        rc = portal_call(c, "GET", path, query[0] ? query : NULL, access_token, op, &resp, err);
        if (!rc)
            rc = sso_json_object(&resp, op, &j, err);
        const cJSON *items = j ? cJSON_GetObjectItemCaseSensitive(j, array_key) : NULL;
        if (!rc && items && !cJSON_IsArray(items))
            rc = cc_err_set(err, CC_EAWS, "sso.response", "malformed %s response: key \"%s\" is not an array", op,
                            array_key);
        for (const cJSON *it = items ? items->child : NULL; !rc && it; it = it->next)
            rc = add(ud, it, op, err);
        if (!rc)
            rc = next_token(j, op, &token, err);
        secret_json_delete(j);
        aws_response_free(&resp);
        if (!token)
            break;
    }
    secret_free(token);
    return rc;
}

void ssoportal_accounts_free(ssoportal_accounts *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        free(a->items[i].account_id);
        free(a->items[i].account_name);
        free(a->items[i].email_address);
    }
    free(a->items);
    memset(a, 0, sizeof *a);
}

static int add_account(void *ud, const cJSON *item, const char *op, cc_err *err)
{
    ssoportal_accounts *a = ud;
    ssoportal_account *grown = realloc(a->items, (a->n + 1) * sizeof *grown);
    if (!grown)
        return cc_err_oom(err);
    a->items = grown;
    ssoportal_account *acc = &a->items[a->n];
    memset(acc, 0, sizeof *acc);
    a->n++;
    int rc = cJSON_IsObject(item) ? 0
                                  : cc_err_set(err, CC_EAWS, "sso.response",
                                               "malformed %s response: an accountList item is not an object", op);
    if (!rc)
        rc = sso_json_string(item, "accountId", op, 0, &acc->account_id, err);
    if (!rc)
        rc = sso_json_string(item, "accountName", op, 1, &acc->account_name, err);
    if (!rc)
        rc = sso_json_string(item, "emailAddress", op, 1, &acc->email_address, err);
    return rc;
}

int ssoportal_list_accounts(const sso_conn *c, const char *access_token, ssoportal_accounts *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = list_all(c, "/assignment/accounts", NULL, access_token, "sso:ListAccounts", "accountList", add_account,
                      out, err);
    if (rc)
        ssoportal_accounts_free(out);
    return rc;
}

void ssoportal_roles_free(ssoportal_roles *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->names[i]);
    free(r->names);
    memset(r, 0, sizeof *r);
}

static int add_role(void *ud, const cJSON *item, const char *op, cc_err *err)
{
    ssoportal_roles *r = ud;
    char **grown = realloc(r->names, (r->n + 1) * sizeof *grown);
    if (!grown)
        return cc_err_oom(err);
    r->names = grown;
    r->names[r->n] = NULL;
    if (!cJSON_IsObject(item))
        return cc_err_set(err, CC_EAWS, "sso.response", "malformed %s response: a roleList item is not an object", op);
    int rc = sso_json_string(item, "roleName", op, 0, &r->names[r->n], err);
    if (!rc)
        r->n++;
    return rc;
}

int ssoportal_list_account_roles(const sso_conn *c, const char *access_token, const char *account_id,
                                 ssoportal_roles *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = list_all(c, "/assignment/roles", account_id, access_token, "sso:ListAccountRoles", "roleList", add_role,
                      out, err);
    if (rc)
        ssoportal_roles_free(out);
    return rc;
}

int ssoportal_logout(const sso_conn *c, const char *access_token, cc_err *err)
{
    aws_response resp;
    int rc = portal_call(c, "POST", "/logout", NULL, access_token, "sso:Logout", &resp, err);
    aws_response_free(&resp);
    if (rc == CC_EDENIED && err && !strcmp(err->code, SSO_ERR_TOKEN_REJECTED)) {
        cc_err_clear(err);
        return 0;
    }
    return rc;
}

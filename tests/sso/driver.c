/*
 * driver.c - runs the IAM Identity Center device flow end to end with
 * clinecfg's own modules (ssooidc, ssoportal, ssosession), for
 * tests/integration/sso_device_flow.sh, before any command is wired to it.
 *
 * It prints one "step ..." line per stage on stdout (never a secret) and the
 * user code as "user_code=XXXX-XXXX" once the pending and slow_down polls
 * are done, so the script approves only then.  -v traces go to stderr.
 * Usage: sso_driver START_URL SSO_REGION ACCOUNT ROLE SIGNING_REGION
 * (endpoints from AWS_ENDPOINT_URL; exits 0 when every expectation held).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/endpoints.h"
#include "clinecfg/http.h"
#include "clinecfg/secret.h"
#include "clinecfg/ssooidc.h"
#include "clinecfg/ssoportal.h"
#include "clinecfg/ssosession.h"
#include "clinecfg/sts.h"

static int failures;

#define EXPECT(cond, ...)                                                                              \
    do {                                                                                               \
        if (!(cond)) {                                                                                 \
            failures++;                                                                                \
            printf("FAIL line %d: ", __LINE__);                                                        \
            printf(__VA_ARGS__);                                                                       \
            printf("\n");                                                                              \
            fflush(stdout);                                                                            \
        }                                                                                              \
    } while (0)

static void report(const char *what, int rc, const cc_err *err)
{
    printf("step %s rc=%d code=%s\n", what, rc, rc ? err->code : "");
    if (rc)
        printf("  message: %s\n  hint: %s\n", err->message, err->hint);
    fflush(stdout);
}

static bool on_poll(void *ud, ssooidc_poll_result r, int interval)
{
    printf("poll %s interval=%d\n", r == SSOOIDC_POLL_SLOW_DOWN ? "slow_down" : "pending", interval);
    fflush(stdout);
    return true;
}

/* Signed calls with the role credentials: STS GetCallerIdentity and a Bedrock list. */
static void use_credentials(http_client *h, const aws_credentials *creds, const char *region, const char *expect_arn)
{
    char *sts_url = NULL, *bedrock_url = NULL;
    cc_err err;
    EXPECT(aws_endpoint("sts", region, NULL, NULL, NULL, &sts_url, &err) == 0, "sts endpoint");
    EXPECT(aws_endpoint("bedrock", region, NULL, NULL, NULL, &bedrock_url, &err) == 0, "bedrock endpoint");
    static const char form[] = "Action=GetCallerIdentity&Version=2011-06-15";
    aws_request req = {.method = "POST", .url_base = sts_url, .path = "/",
                       .content_type = "application/x-www-form-urlencoded; charset=utf-8", .body = form,
                       .body_len = strlen(form), .service = "sts", .region = region, .creds = creds,
                       .operation = "sts:GetCallerIdentity"};
    aws_response resp;
    int rc = http_aws_call(h, &req, &resp, &err);
    sts_identity id = {0};
    EXPECT(rc == 0 && resp.status == 200, "GetCallerIdentity rc=%d status=%ld", rc, resp.status);
    if (rc == 0 && resp.status == 200 && sts_parse_caller_identity(resp.body, resp.body_len, &id, &err) == 0) {
        printf("arn=%s\n", id.arn);
        EXPECT(!strcmp(id.arn, expect_arn) || !strncmp(id.arn, expect_arn, strlen(expect_arn)), "arn %s", id.arn);
    }
    sts_identity_free(&id);
    aws_response_free(&resp);
    aws_request list = {.method = "GET", .url_base = bedrock_url, .path = "/inference-profiles",
                        .query = "maxResults=5", .service = "bedrock", .region = region, .creds = creds,
                        .operation = "bedrock:ListInferenceProfiles"};
    rc = http_aws_call(h, &list, &resp, &err);
    printf("bedrock status=%ld\n", resp.status);
    EXPECT(rc == 0 && resp.status == 200, "ListInferenceProfiles rc=%d status=%ld", rc, resp.status);
    aws_response_free(&resp);
    free(sts_url);
    free(bedrock_url);
}

/* Register, start, the pending and slow_down polls, then wait for approval. */
static int sign_in(const sso_conn *oidc, const char *start_url, ssooidc_client *client, ssooidc_token *tok)
{
    cc_err err;
    int rc = ssooidc_register_client(oidc, "clinecfg-test", client, &err);
    report("register", rc, &err);
    if (rc)
        return rc;
    ssooidc_device dev;
    rc = ssooidc_start_device_authorization(oidc, client, start_url, time(NULL), &dev, &err);
    report("start", rc, &err);
    if (rc)
        return rc;
    ssooidc_poll_result r;
    rc = ssooidc_poll_once(oidc, client, &dev, time(NULL), &r, tok, &err);
    printf("step first_poll result=%s\n", r == SSOOIDC_POLL_PENDING ? "pending" : "other");
    EXPECT(rc == 0 && r == SSOOIDC_POLL_PENDING, "first poll");
    rc = ssooidc_poll_once(oidc, client, &dev, time(NULL), &r, tok, &err);
    printf("step second_poll result=%s\n", r == SSOOIDC_POLL_SLOW_DOWN ? "slow_down" : "other");
    EXPECT(rc == 0 && r == SSOOIDC_POLL_SLOW_DOWN, "second poll (too fast)");
    printf("user_code=%s\nverification=%s\n", dev.user_code,
           dev.verification_uri_complete ? dev.verification_uri_complete : dev.verification_uri);
    fflush(stdout);
    ssooidc_wait_opts o = {.on_poll = on_poll, .interval = dev.interval + SSOOIDC_SLOW_DOWN_STEP};
    rc = ssooidc_wait_for_token(oidc, client, &dev, &o, tok, &err);
    report("token", rc, &err);
    if (!rc)
        printf("token refresh_token=%s expires_in=%ld\n", tok->refresh_token ? "yes" : "no",
               (long)(tok->expires_at - time(NULL)));
    ssooidc_device_wipe(&dev);
    return rc;
}

static void list_assignments(const sso_conn *portal, const char *access_token, const char *account)
{
    ssoportal_accounts accounts;
    cc_err err;
    int rc = ssoportal_list_accounts(portal, access_token, &accounts, &err);
    report("list_accounts", rc, &err);
    printf("accounts=");
    for (size_t i = 0; !rc && i < accounts.n; i++)
        printf("%s%s(%s)", i ? "," : "", accounts.items[i].account_id,
               accounts.items[i].account_name ? accounts.items[i].account_name : "");
    printf("\n");
    ssoportal_accounts_free(&accounts);
    ssoportal_roles roles;
    rc = ssoportal_list_account_roles(portal, access_token, account, &roles, &err);
    report("list_roles", rc, &err);
    printf("roles=");
    for (size_t i = 0; !rc && i < roles.n; i++)
        printf("%s%s", i ? "," : "", roles.names[i]);
    printf("\n");
    ssoportal_roles_free(&roles);
}

/* The keyring payload round trip the command layer will do around each use. */
static void store_and_reload(sso_session *s)
{
    char *payload = NULL;
    cc_err err;
    sso_session back;
    memset(&back, 0, sizeof back); /* EXPECT goes on after a failure */
    EXPECT(sso_session_to_payload(s, &payload, &err) == 0, "to_payload");
    EXPECT(payload && sso_session_from_payload(payload, &back, &err) == 0, "from_payload");
    secret_free(payload);
    sso_session_wipe(s);
    *s = back;
}

static void after_logout(sso_session *s, const sso_conn *oidc, const sso_conn *portal)
{
    cc_err err;
    aws_credentials creds;
    int rc = ssoportal_logout(portal, s->token.access_token, &err);
    report("logout", rc, &err);
    EXPECT(rc == 0, "logout");
    rc = ssoportal_get_role_credentials(portal, s->token.access_token, s->account_id, s->role_name, &creds, &err);
    report("role_credentials_after_logout", rc, &err);
    EXPECT(rc == CC_EDENIED && !strcmp(err.code, SSO_ERR_TOKEN_REJECTED), "access token must be revoked");
    rc = sso_session_refresh(s, oidc, time(NULL), &err);
    report("refresh_after_logout", rc, &err);
    EXPECT(rc == CC_EDENIED && !strcmp(err.code, SSO_ERR_LOGIN_NEEDED), "refresh token must be revoked");
    bool refreshed = false;
    rc = sso_session_role_credentials(s, oidc, portal, time(NULL), &creds, &refreshed, &err);
    report("credential_path_after_logout", rc, &err);
    EXPECT(rc == CC_EDENIED && !strcmp(err.code, SSO_ERR_LOGIN_NEEDED) && strstr(err.hint, "clinecfg login --sso"),
           "credential path must say login --sso");
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s START_URL SSO_REGION ACCOUNT ROLE SIGNING_REGION\n", argv[0]);
        return 2;
    }
    const char *start_url = argv[1], *region = argv[2], *account = argv[3], *role = argv[4], *signing = argv[5];
    cc_out out;
    out_init(&out, false, false, 1, true);
    http_opts ho = {.out = &out};
    http_client *h = NULL;
    cc_err err;
    char *oidc_url = NULL, *portal_url = NULL;
    if (http_client_new(&ho, &h, &err) || sso_endpoint(SSO_SERVICE_OIDC, region, NULL, NULL, NULL, &oidc_url, &err) ||
        sso_endpoint(SSO_SERVICE_PORTAL, region, NULL, NULL, NULL, &portal_url, &err)) {
        fprintf(stderr, "setup: %s\n", err.message);
        return 1;
    }
    sso_conn oidc = {.http = h, .url_base = oidc_url, .region = region, .out = &out};
    sso_conn portal = {.http = h, .url_base = portal_url, .region = region, .out = &out};

    sso_session s = {0};
    if (sign_in(&oidc, start_url, &s.client, &s.token))
        return 1;
    list_assignments(&portal, s.token.access_token, account);
    s.start_url = secret_dup(start_url);
    s.region = secret_dup(region);
    s.account_id = secret_dup(account);
    s.role_name = secret_dup(role);
    s.portal_endpoint = secret_dup(portal_url);
    s.stored_at = time(NULL);
    store_and_reload(&s);

    /* the access token lives 3 s here (knob): inside the refresh window, so it is refreshed first */
    aws_credentials creds;
    bool refreshed = false;
    int rc = sso_session_role_credentials(&s, &oidc, &portal, time(NULL), &creds, &refreshed, &err);
    report("role_credentials", rc, &err);
    printf("refreshed=%s source=%s\n", refreshed ? "yes" : "no", rc ? "" : creds.source);
    EXPECT(rc == 0 && refreshed, "first credentials with an early refresh");
    if (!rc)
        use_credentials(h, &creds, signing, "arn:aws:sts::");
    aws_credentials_wipe(&creds);
    store_and_reload(&s);

    /* let the access token expire on the server: the portal refuses it, the credential path refreshes */
    sleep(4);
    rc = ssoportal_get_role_credentials(&portal, s.token.access_token, account, role, &creds, &err);
    report("expired_access_token", rc, &err);
    EXPECT(rc == CC_EDENIED && !strcmp(err.code, SSO_ERR_TOKEN_REJECTED), "expired token must be refused");
    rc = sso_session_role_credentials(&s, &oidc, &portal, time(NULL), &creds, &refreshed, &err);
    report("role_credentials_after_expiry", rc, &err);
    printf("refreshed=%s\n", refreshed ? "yes" : "no");
    EXPECT(rc == 0 && refreshed, "refresh after expiry");
    if (!rc)
        use_credentials(h, &creds, signing, "arn:aws:sts::");
    aws_credentials_wipe(&creds);

    after_logout(&s, &oidc, &portal);
    sso_session_wipe(&s);
    free(oidc_url);
    free(portal_url);
    http_client_free(h);
    printf("driver %s (%d failure%s)\n", failures ? "FAILED" : "passed", failures, failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}

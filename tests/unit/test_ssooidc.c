/*
 * test_ssooidc.c - the IAM Identity Center clients with canned answers (no
 * network): endpoints and their overrides, the OIDC request shapes,
 * RFC 8628 polling (interval, slow_down +5 s, expiry) on a fake clock,
 * refresh with and without rotation, the portal calls (bearer header,
 * paging, 401/403), the SSO session keyring payload (round trip, errors
 * naming the key) and the credential path (refresh before expiry, refresh
 * after a 401, "log in again").  No secret ever appears in an error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clinecfg/awserror.h"
#include "clinecfg/ssooidc.h"
#include "clinecfg/ssoportal.h"
#include "clinecfg/ssosession.h"

#define SECRET "SECRETclientsecretvalue"
#define ACCESS "ACCESStokenvalue"
#define REFRESH "REFRESHtokenvalue"

/* --- canned transport --------------------------------------------------- */

typedef struct canned {
    long status;
    const char *error; /* error name for status >= 300 */
    const char *body;
} canned;

typedef struct seen {
    char method[8];
    char path[64];
    char query[512];
    char body[2048];
    char header[256];
    const char *service;
    int signed_call;
} seen;

typedef struct transport {
    const canned *answers;
    size_t n, next;
    seen seen[16];
} transport;

static int canned_send(void *ud, const aws_request *req, aws_response *resp, cc_err *err)
{
    transport *t = ud;
    memset(resp, 0, sizeof *resp);
    assert_true(t->next < t->n);
    assert_true(t->next < 16);
    seen *s = &t->seen[t->next];
    snprintf(s->method, sizeof s->method, "%s", req->method);
    snprintf(s->path, sizeof s->path, "%s", req->path);
    snprintf(s->query, sizeof s->query, "%s", req->query ? req->query : "");
    snprintf(s->body, sizeof s->body, "%.*s", (int)req->body_len, req->body ? req->body : "");
    snprintf(s->header, sizeof s->header, "%s", req->extra_headers && req->extra_headers[0] ? req->extra_headers[0] : "");
    s->service = req->service;
    s->signed_call = req->creds != NULL;
    const canned *a = &t->answers[t->next++];
    resp->status = a->status;
    resp->body = strdup(a->body ? a->body : "");
    resp->body_len = strlen(resp->body);
    if (a->status >= 300) {
        snprintf(resp->error_code, sizeof resp->error_code, "%s", a->error ? a->error : "");
        snprintf(resp->error_message, sizeof resp->error_message, "canned %s", a->error ? a->error : "error");
        /* what http_aws_call returns for these names */
        int st = aws_error_status(resp->error_code, a->status);
        if (st)
            return cc_err_set(err, st, st == CC_EDENIED ? "aws.denied" : "aws.error", "http layer: %s",
                              resp->error_code);
    }
    return 0;
}

static sso_conn conn_for(transport *t)
{
    sso_conn c = {.url_base = "https://oidc.example", .region = "us-east-1", .send = canned_send, .send_ud = t};
    return c;
}

static void assert_no_secret(const cc_err *err)
{
    const char *secrets[] = {SECRET, ACCESS, REFRESH, "DEVICEcode"};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        assert_null(strstr(err->message, secrets[i]));
        assert_null(strstr(err->hint, secrets[i]));
    }
}

static ssooidc_client test_client(void)
{
    ssooidc_client c = {strdup("client-id-1"), strdup(SECRET), 1700000000, 1900000000};
    return c;
}

/* --- endpoints ---------------------------------------------------------- */

typedef struct envpair {
    const char *names[4];
    const char *values[4];
} envpair;

static const char *fake_env(void *ud, const char *name)
{
    const envpair *e = ud;
    for (int i = 0; i < 4 && e->names[i]; i++)
        if (!strcmp(e->names[i], name))
            return e->values[i];
    return NULL;
}

static void endpoint_is(sso_service which, const char *region, const char *profile, envpair *env, const char *want)
{
    char *url = NULL;
    cc_err err;
    assert_int_equal(sso_endpoint(which, region, profile, fake_env, env, &url, &err), 0);
    assert_string_equal(url, want);
    free(url);
}

static void endpoints_and_overrides(void **state)
{
    (void)state;
    envpair none = {{NULL}, {NULL}};
    endpoint_is(SSO_SERVICE_OIDC, "us-east-1", NULL, &none, "https://oidc.us-east-1.amazonaws.com");
    endpoint_is(SSO_SERVICE_PORTAL, "us-east-1", NULL, &none, "https://portal.sso.us-east-1.amazonaws.com");
    endpoint_is(SSO_SERVICE_OIDC, "cn-north-1", NULL, &none, "https://oidc.cn-north-1.amazonaws.com.cn");
    envpair oidc = {{"AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_SSO"}, {"http://127.0.0.1:1/", "http://127.0.0.1:2"}};
    endpoint_is(SSO_SERVICE_OIDC, "eu-west-1", NULL, &oidc, "http://127.0.0.1:1");
    endpoint_is(SSO_SERVICE_PORTAL, "eu-west-1", NULL, &oidc, "http://127.0.0.1:2");
    envpair portal_only = {{"AWS_ENDPOINT_URL_SSO"}, {"http://127.0.0.1:2"}};
    endpoint_is(SSO_SERVICE_OIDC, "eu-west-1", NULL, &portal_only, "https://oidc.eu-west-1.amazonaws.com");
    envpair global = {{"AWS_ENDPOINT_URL"}, {"http://127.0.0.1:3"}};
    endpoint_is(SSO_SERVICE_OIDC, "eu-west-1", NULL, &global, "http://127.0.0.1:3");
    endpoint_is(SSO_SERVICE_PORTAL, "eu-west-1", "http://profile:4", &none, "http://profile:4");
    envpair ignore = {{"AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"}, {"http://127.0.0.1:3", "true"}};
    endpoint_is(SSO_SERVICE_OIDC, "eu-west-1", "http://profile:4", &ignore, "https://oidc.eu-west-1.amazonaws.com");
    char *url = NULL;
    cc_err err;
    assert_int_equal(sso_endpoint(SSO_SERVICE_OIDC, "Not A Region", NULL, fake_env, &none, &url, &err), CC_EINPUT);
    assert_null(url);
    envpair bad = {{"AWS_ENDPOINT_URL_SSO_OIDC"}, {"ftp://x"}};
    assert_int_equal(sso_endpoint(SSO_SERVICE_OIDC, "us-east-1", NULL, fake_env, &bad, &url, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "AWS_ENDPOINT_URL_SSO_OIDC"));
}

/* --- RegisterClient / StartDeviceAuthorization -------------------------- */

static void register_client_shape(void **state)
{
    (void)state;
    canned answers[] = {
        {200, NULL, "{\"clientId\":\"cid\",\"clientSecret\":\"" SECRET "\",\"clientIdIssuedAt\":1700000000,"
                    "\"clientSecretExpiresAt\":1707776000}"},
        {200, NULL, "{\"clientId\":\"cid\",\"clientIdIssuedAt\":1700000000}"},
        {400, "InvalidClientMetadataException", "{\"error\":\"invalid_client_metadata\"}"},
    };
    transport t = {.answers = answers, .n = 3};
    sso_conn c = conn_for(&t);
    ssooidc_client client;
    cc_err err;
    assert_int_equal(ssooidc_register_client(&c, "clinecfg", &client, &err), 0);
    assert_string_equal(client.client_id, "cid");
    assert_string_equal(client.client_secret, SECRET);
    assert_int_equal(client.issued_at, 1700000000);
    assert_int_equal(client.expires_at, 1707776000);
    ssooidc_client_wipe(&client);
    assert_string_equal(t.seen[0].method, "POST");
    assert_string_equal(t.seen[0].path, "/client/register");
    assert_false(t.seen[0].signed_call);
    cJSON *j = cJSON_Parse(t.seen[0].body);
    assert_string_equal(cJSON_GetObjectItem(j, "clientName")->valuestring, "clinecfg");
    assert_string_equal(cJSON_GetObjectItem(j, "clientType")->valuestring, "public");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "scopes"), 0)->valuestring, "sso:account:access");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "grantTypes"), 0)->valuestring,
                        "urn:ietf:params:oauth:grant-type:device_code");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "grantTypes"), 1)->valuestring, "refresh_token");
    cJSON_Delete(j);
    /* an answer without the secret names the key */
    assert_int_equal(ssooidc_register_client(&c, "clinecfg", &client, &err), CC_EAWS);
    assert_non_null(strstr(err.message, "\"clientSecret\""));
    assert_null(client.client_id);
    assert_int_equal(ssooidc_register_client(&c, "clinecfg", &client, &err), CC_EINPUT);
    assert_string_equal(err.code, "sso.bad_request");
}

static void start_device_authorization_shape(void **state)
{
    (void)state;
    canned answers[] = {
        {200, NULL, "{\"deviceCode\":\"DEVICEcode\",\"userCode\":\"ABCD-EFGH\",\"verificationUri\":\"https://d/\","
                    "\"verificationUriComplete\":\"https://d/?user_code=ABCD-EFGH\",\"expiresIn\":600,\"interval\":1}"},
        {200, NULL, "{\"deviceCode\":\"DEVICEcode\",\"userCode\":\"ABCD-EFGH\",\"verificationUri\":\"https://d/\","
                    "\"expiresIn\":600}"},
        {200, NULL, "{\"deviceCode\":\"DEVICEcode\",\"userCode\":\"ABCD-EFGH\",\"verificationUri\":\"https://d/\","
                    "\"expiresIn\":\"soon\"}"},
        {400, "InvalidRequestException", "{\"error\":\"invalid_request\"}"},
    };
    transport t = {.answers = answers, .n = 4};
    sso_conn c = conn_for(&t);
    ssooidc_client client = test_client();
    ssooidc_device dev;
    cc_err err;
    assert_int_equal(ssooidc_start_device_authorization(&c, &client, "https://x.awsapps.com/start", 1000, &dev, &err), 0);
    assert_string_equal(dev.user_code, "ABCD-EFGH");
    assert_string_equal(dev.verification_uri_complete, "https://d/?user_code=ABCD-EFGH");
    assert_int_equal(dev.expires_at, 1600);
    assert_int_equal(dev.interval, 1);
    ssooidc_device_wipe(&dev);
    assert_string_equal(t.seen[0].path, "/device_authorization");
    cJSON *j = cJSON_Parse(t.seen[0].body);
    assert_string_equal(cJSON_GetObjectItem(j, "clientId")->valuestring, "client-id-1");
    assert_string_equal(cJSON_GetObjectItem(j, "clientSecret")->valuestring, SECRET);
    assert_string_equal(cJSON_GetObjectItem(j, "startUrl")->valuestring, "https://x.awsapps.com/start");
    cJSON_Delete(j);
    /* no interval: RFC 8628's 5 s; no verificationUriComplete: NULL */
    assert_int_equal(ssooidc_start_device_authorization(&c, &client, "https://x", 0, &dev, &err), 0);
    assert_int_equal(dev.interval, SSOOIDC_DEFAULT_INTERVAL);
    assert_null(dev.verification_uri_complete);
    ssooidc_device_wipe(&dev);
    assert_int_equal(ssooidc_start_device_authorization(&c, &client, "https://x", 0, &dev, &err), CC_EAWS);
    assert_non_null(strstr(err.message, "\"expiresIn\""));
    assert_no_secret(&err);
    assert_int_equal(ssooidc_start_device_authorization(&c, &client, "https://x", 0, &dev, &err), CC_EINPUT);
    assert_no_secret(&err);
    ssooidc_client_wipe(&client);
}

/* --- polling ------------------------------------------------------------ */

typedef struct fake_clock {
    time_t now;
    int sleeps[32];
    int nsleeps;
    int polls_seen;
    int last_interval;
} fake_clock;

static time_t clock_now(void *ud) { return ((fake_clock *)ud)->now; }

static void clock_sleep(void *ud, int seconds)
{
    fake_clock *f = ud;
    if (f->nsleeps < 32)
        f->sleeps[f->nsleeps++] = seconds;
    f->now += seconds;
}

static bool clock_on_poll(void *ud, ssooidc_poll_result r, int interval)
{
    fake_clock *f = ud;
    f->polls_seen++;
    f->last_interval = interval;
    return true;
}

static ssooidc_device test_device(time_t expires_at, int interval)
{
    ssooidc_device d = {strdup("DEVICEcode"), strdup("ABCD-EFGH"), strdup("https://d/"), NULL, expires_at, interval};
    return d;
}

#define PENDING {400, "AuthorizationPendingException", "{\"error\":\"authorization_pending\"}"}
#define SLOW {400, "SlowDownException", "{\"error\":\"slow_down\"}"}
#define TOKEN_OK                                                                                               \
    {200, NULL, "{\"accessToken\":\"" ACCESS "\",\"tokenType\":\"Bearer\",\"expiresIn\":3600,\"refreshToken\":\"" \
                REFRESH "\"}"}

static void polling_honours_interval_and_slow_down(void **state)
{
    (void)state;
    canned answers[] = {PENDING, SLOW, PENDING, TOKEN_OK};
    transport t = {.answers = answers, .n = 4};
    sso_conn c = conn_for(&t);
    ssooidc_client client = test_client();
    ssooidc_device dev = test_device(1000 + 600, 2);
    fake_clock f = {.now = 1000};
    ssooidc_wait_opts o = {clock_now, clock_sleep, clock_on_poll, &f, 0};
    ssooidc_token tok;
    cc_err err;
    assert_int_equal(ssooidc_wait_for_token(&c, &client, &dev, &o, &tok, &err), 0);
    assert_string_equal(tok.access_token, ACCESS);
    assert_string_equal(tok.refresh_token, REFRESH);
    assert_int_equal(tok.expires_at, f.now + 3600);
    /* waits the interval before each poll, 5 s more after slow_down */
    assert_int_equal(f.nsleeps, 4);
    assert_int_equal(f.sleeps[0], 2);
    assert_int_equal(f.sleeps[1], 2);
    assert_int_equal(f.sleeps[2], 7);
    assert_int_equal(f.sleeps[3], 7);
    assert_int_equal(f.polls_seen, 3);
    assert_int_equal(f.last_interval, 7);
    assert_int_equal(t.next, 4);
    cJSON *j = cJSON_Parse(t.seen[0].body);
    assert_string_equal(cJSON_GetObjectItem(j, "grantType")->valuestring,
                        "urn:ietf:params:oauth:grant-type:device_code");
    assert_string_equal(cJSON_GetObjectItem(j, "deviceCode")->valuestring, "DEVICEcode");
    cJSON_Delete(j);
    assert_string_equal(t.seen[0].path, "/token");
    ssooidc_token_wipe(&tok);
    /* a caller that already saw slow_down passes its grown interval */
    canned again[] = {TOKEN_OK};
    transport t2 = {.answers = again, .n = 1};
    c = conn_for(&t2);
    f = (fake_clock){.now = 1000};
    o.interval = 6;
    assert_int_equal(ssooidc_wait_for_token(&c, &client, &dev, &o, &tok, &err), 0);
    assert_int_equal(f.sleeps[0], 6);
    ssooidc_token_wipe(&tok);
    ssooidc_device_wipe(&dev);
    ssooidc_client_wipe(&client);
}

static void polling_stops_at_expiry(void **state)
{
    (void)state;
    canned answers[] = {PENDING, PENDING, PENDING};
    transport t = {.answers = answers, .n = 3};
    sso_conn c = conn_for(&t);
    ssooidc_client client = test_client();
    ssooidc_device dev = test_device(1012, 5);
    fake_clock f = {.now = 1000};
    ssooidc_wait_opts o = {clock_now, clock_sleep, NULL, &f, 0};
    ssooidc_token tok;
    cc_err err;
    assert_int_equal(ssooidc_wait_for_token(&c, &client, &dev, &o, &tok, &err), CC_EDENIED);
    assert_string_equal(err.code, SSO_ERR_DEVICE_EXPIRED);
    assert_non_null(strstr(err.hint, "login --sso"));
    assert_int_equal(t.next, 2); /* polls at 1005 and 1010; the 2 s sleep then reaches expiry */
    assert_int_equal(f.nsleeps, 3);
    assert_int_equal(f.sleeps[2], 2);
    assert_null(tok.access_token);
    assert_no_secret(&err);
    ssooidc_device_wipe(&dev);
    ssooidc_client_wipe(&client);
}

static void poll_errors(void **state)
{
    (void)state;
    canned answers[] = {
        {400, "AccessDeniedException", "{\"error\":\"access_denied\"}"},
        {400, "ExpiredTokenException", "{\"error\":\"expired_token\"}"},
        {401, "InvalidClientException", "{\"error\":\"invalid_client\"}"},
        {500, "InternalServerException", "{}"},
        {200, NULL, "{\"tokenType\":\"Bearer\",\"expiresIn\":3600}"},
    };
    transport t = {.answers = answers, .n = 5};
    sso_conn c = conn_for(&t);
    ssooidc_client client = test_client();
    ssooidc_device dev = test_device(5000, 1);
    ssooidc_poll_result r;
    ssooidc_token tok;
    cc_err err;
    assert_int_equal(ssooidc_poll_once(&c, &client, &dev, 1000, &r, &tok, &err), CC_EDENIED);
    assert_string_equal(err.code, SSO_ERR_ACCESS_DENIED);
    assert_no_secret(&err);
    assert_int_equal(ssooidc_poll_once(&c, &client, &dev, 1000, &r, &tok, &err), CC_EDENIED);
    assert_string_equal(err.code, SSO_ERR_DEVICE_EXPIRED);
    assert_int_equal(ssooidc_poll_once(&c, &client, &dev, 1000, &r, &tok, &err), CC_EDENIED);
    assert_string_equal(err.code, SSO_ERR_LOGIN_NEEDED);
    assert_int_equal(ssooidc_poll_once(&c, &client, &dev, 1000, &r, &tok, &err), CC_EAWS);
    assert_int_equal(ssooidc_poll_once(&c, &client, &dev, 1000, &r, &tok, &err), CC_EAWS);
    assert_non_null(strstr(err.message, "\"accessToken\""));
    assert_no_secret(&err);
    ssooidc_device_wipe(&dev);
    ssooidc_client_wipe(&client);
}

/* --- refresh ------------------------------------------------------------ */

static void refresh_rotation_and_failures(void **state)
{
    (void)state;
    canned answers[] = {
        {200, NULL, "{\"accessToken\":\"new-access\",\"expiresIn\":3600,\"refreshToken\":\"new-refresh\"}"},
        {200, NULL, "{\"accessToken\":\"new-access\",\"expiresIn\":3600}"},
        {400, "InvalidGrantException", "{\"error\":\"invalid_grant\"}"},
    };
    transport t = {.answers = answers, .n = 3};
    sso_conn c = conn_for(&t);
    ssooidc_client client = test_client();
    ssooidc_token tok;
    cc_err err;
    assert_int_equal(ssooidc_refresh(&c, &client, REFRESH, 2000, &tok, &err), 0);
    assert_string_equal(tok.refresh_token, "new-refresh");
    assert_int_equal(tok.expires_at, 5600);
    ssooidc_token_wipe(&tok);
    cJSON *j = cJSON_Parse(t.seen[0].body);
    assert_string_equal(cJSON_GetObjectItem(j, "grantType")->valuestring, "refresh_token");
    assert_string_equal(cJSON_GetObjectItem(j, "refreshToken")->valuestring, REFRESH);
    assert_string_equal(cJSON_GetObjectItem(j, "clientSecret")->valuestring, SECRET);
    cJSON_Delete(j);
    /* no new refresh token: the old one is kept */
    assert_int_equal(ssooidc_refresh(&c, &client, REFRESH, 2000, &tok, &err), 0);
    assert_string_equal(tok.refresh_token, REFRESH);
    ssooidc_token_wipe(&tok);
    assert_int_equal(ssooidc_refresh(&c, &client, REFRESH, 2000, &tok, &err), CC_EDENIED);
    assert_string_equal(err.code, SSO_ERR_LOGIN_NEEDED);
    assert_non_null(strstr(err.hint, "clinecfg login --sso"));
    assert_no_secret(&err);
    /* expired registration or no refresh token: refused without a call */
    client.expires_at = 1999;
    assert_int_equal(ssooidc_refresh(&c, &client, REFRESH, 2000, &tok, &err), CC_EDENIED);
    assert_string_equal(err.code, SSO_ERR_LOGIN_NEEDED);
    client.expires_at = 0;
    assert_int_equal(ssooidc_refresh(&c, &client, NULL, 2000, &tok, &err), CC_EDENIED);
    assert_int_equal(t.next, 3);
    ssooidc_client_wipe(&client);
}

/* --- portal ------------------------------------------------------------- */

#define ROLE_CREDS                                                                                            \
    {200, NULL, "{\"roleCredentials\":{\"accessKeyId\":\"ASIAROLE\",\"secretAccessKey\":\"rolesecret\","       \
                "\"sessionToken\":\"roletoken\",\"expiration\":1651516560000}}"}
#define UNAUTHORIZED {401, "UnauthorizedException", "{\"message\":\"Session token not found or invalid\"}"}

static void portal_role_credentials(void **state)
{
    (void)state;
    canned answers[] = {ROLE_CREDS, UNAUTHORIZED, {403, "ForbiddenException", "{\"message\":\"No access\"}"}};
    transport t = {.answers = answers, .n = 3};
    sso_conn c = conn_for(&t);
    aws_credentials creds;
    cc_err err;
    assert_int_equal(ssoportal_get_role_credentials(&c, ACCESS, "123456789012", "Bedrock Dev", &creds, &err), 0);
    assert_string_equal(creds.access_key_id, "ASIAROLE");
    assert_string_equal(creds.session_token, "roletoken");
    assert_int_equal(creds.expiration, 1651516560);
    assert_string_equal(creds.account_id, "123456789012");
    assert_string_equal(creds.source, "sso:123456789012/Bedrock Dev");
    aws_credentials_wipe(&creds);
    assert_string_equal(t.seen[0].method, "GET");
    assert_string_equal(t.seen[0].path, "/federation/credentials");
    assert_string_equal(t.seen[0].query, "role_name=Bedrock%20Dev&account_id=123456789012");
    assert_string_equal(t.seen[0].header, "x-amz-sso_bearer_token: " ACCESS);
    assert_false(t.seen[0].signed_call);
    assert_int_equal(ssoportal_get_role_credentials(&c, ACCESS, "123456789012", "Dev", &creds, &err), CC_EDENIED);
    assert_string_equal(err.code, SSO_ERR_TOKEN_REJECTED);
    assert_no_secret(&err);
    assert_int_equal(ssoportal_get_role_credentials(&c, ACCESS, "123456789012", "Dev", &creds, &err), CC_EDENIED);
    assert_string_equal(err.code, SSO_ERR_NO_ACCESS);
    assert_int_equal(ssoportal_get_role_credentials(&c, NULL, "123456789012", "Dev", &creds, &err), CC_EDENIED);
    assert_string_equal(err.code, SSO_ERR_LOGIN_NEEDED);
    assert_int_equal(t.next, 3);
}

static void portal_lists_every_page(void **state)
{
    (void)state;
    canned answers[] = {
        {200, NULL, "{\"accountList\":[{\"accountId\":\"111111111111\",\"accountName\":\"dev\","
                    "\"emailAddress\":\"a@x\"}],\"nextToken\":\"tok/+=1\"}"},
        {200, NULL, "{\"accountList\":[{\"accountId\":\"222222222222\"}],\"nextToken\":null}"},
        {200, NULL, "{\"roleList\":[{\"roleName\":\"A\",\"accountId\":\"111111111111\"}],\"nextToken\":\"n\"}"},
        {200, NULL, "{\"roleList\":[{\"roleName\":\"B\",\"accountId\":\"111111111111\"}]}"},
        {200, NULL, "{\"accountList\":[{\"accountName\":\"no id\"}]}"},
        {200, NULL, ""},
        UNAUTHORIZED,
    };
    transport t = {.answers = answers, .n = 7};
    sso_conn c = conn_for(&t);
    ssoportal_accounts accounts;
    ssoportal_roles roles;
    cc_err err;
    assert_int_equal(ssoportal_list_accounts(&c, ACCESS, &accounts, &err), 0);
    assert_int_equal(accounts.n, 2);
    assert_string_equal(accounts.items[0].account_name, "dev");
    assert_string_equal(accounts.items[0].email_address, "a@x");
    assert_string_equal(accounts.items[1].account_id, "222222222222");
    assert_null(accounts.items[1].account_name);
    ssoportal_accounts_free(&accounts);
    assert_string_equal(t.seen[0].path, "/assignment/accounts");
    assert_string_equal(t.seen[0].query, "");
    assert_string_equal(t.seen[1].query, "next_token=tok%2F%2B%3D1");
    assert_int_equal(ssoportal_list_account_roles(&c, ACCESS, "111111111111", &roles, &err), 0);
    assert_int_equal(roles.n, 2);
    assert_string_equal(roles.names[0], "A");
    assert_string_equal(roles.names[1], "B");
    ssoportal_roles_free(&roles);
    assert_string_equal(t.seen[2].path, "/assignment/roles");
    assert_string_equal(t.seen[2].query, "account_id=111111111111");
    assert_string_equal(t.seen[3].query, "account_id=111111111111&next_token=n");
    assert_int_equal(ssoportal_list_accounts(&c, ACCESS, &accounts, &err), CC_EAWS);
    assert_non_null(strstr(err.message, "\"accountId\""));
    assert_int_equal(accounts.n, 0);
    /* Logout: 200 with an empty body, and a token already refused counts as logged out */
    assert_int_equal(ssoportal_logout(&c, ACCESS, &err), 0);
    assert_string_equal(t.seen[5].method, "POST");
    assert_string_equal(t.seen[5].path, "/logout");
    assert_int_equal(ssoportal_logout(&c, ACCESS, &err), 0);
}

/* --- the session -------------------------------------------------------- */

static void fill_session(sso_session *s, time_t access_expires)
{
    memset(s, 0, sizeof *s);
    s->start_url = strdup("https://example.awsapps.com/start");
    s->region = strdup("us-east-1");
    s->account_id = strdup("123456789012");
    s->role_name = strdup("BedrockDeveloper");
    s->client = test_client();
    s->token.access_token = strdup(ACCESS);
    s->token.refresh_token = strdup(REFRESH);
    s->token.expires_at = access_expires;
    s->portal_endpoint = strdup("http://127.0.0.1:9");
    s->stored_at = 1700000100;
}

static void session_payload_round_trip(void **state)
{
    (void)state;
    sso_session s, back;
    fill_session(&s, 1800000000);
    char *payload = NULL;
    cc_err err;
    assert_int_equal(sso_session_to_payload(&s, &payload, &err), 0);
    assert_non_null(strstr(payload, "\"type\":\"sso\""));
    assert_non_null(strstr(payload, "\"access_token_expires_at\":\"2027-01-15T08:00:00Z\""));
    assert_int_equal(sso_session_from_payload(payload, &back, &err), 0);
    assert_string_equal(back.start_url, s.start_url);
    assert_string_equal(back.region, "us-east-1");
    assert_string_equal(back.account_id, "123456789012");
    assert_string_equal(back.role_name, "BedrockDeveloper");
    assert_string_equal(back.client.client_id, "client-id-1");
    assert_string_equal(back.client.client_secret, SECRET);
    assert_int_equal(back.client.issued_at, 1700000000);
    assert_int_equal(back.client.expires_at, 1900000000);
    assert_string_equal(back.token.access_token, ACCESS);
    assert_string_equal(back.token.refresh_token, REFRESH);
    assert_int_equal(back.token.expires_at, 1800000000);
    assert_string_equal(back.portal_endpoint, "http://127.0.0.1:9");
    assert_null(back.oidc_endpoint);
    assert_int_equal(back.stored_at, 1700000100);
    sso_session_wipe(&back);
    free(payload);
    /* optional members absent */
    free(s.account_id);
    free(s.role_name);
    free(s.token.refresh_token);
    s.account_id = s.role_name = s.token.refresh_token = NULL;
    assert_int_equal(sso_session_to_payload(&s, &payload, &err), 0);
    assert_null(strstr(payload, "refresh_token"));
    assert_int_equal(sso_session_from_payload(payload, &back, &err), 0);
    assert_null(back.token.refresh_token);
    assert_null(back.account_id);
    sso_session_wipe(&back);
    free(payload);
    sso_session_wipe(&s);
    assert_null(s.start_url);
}

static void session_payload_errors_name_the_key(void **state)
{
    (void)state;
    static const struct {
        const char *payload, *key;
    } cases[] = {
        {"{\"version\":1,\"type\":\"sso\",\"start_url\":\"u\",\"region\":\"r\",\"client_id\":\"c\","
         "\"client_secret\":\"" SECRET "\",\"access_token_expires_at\":\"2027-01-01T00:00:00Z\"}",
         "\"access_token\""},
        {"{\"version\":1,\"type\":\"sso\",\"start_url\":\"u\",\"region\":\"r\",\"client_id\":\"c\","
         "\"client_secret\":\"" SECRET "\",\"access_token\":\"" ACCESS "\",\"access_token_expires_at\":\"soon\"}",
         "\"access_token_expires_at\""},
        {"{\"version\":1,\"type\":\"sso\",\"start_url\":\"u\",\"region\":7}", "\"region\""},
        {"{\"version\":1,\"type\":\"long-term\"}", "\"type\""},
        {"{\"version\":2,\"type\":\"sso\"}", "\"version\""},
        {"{\"version\":1,\"type\":\"sso\",\"start_url\":\"u\",\"region\":\"r\",\"client_id\":\"c\","
         "\"client_secret\":\"" SECRET "\",\"access_token\":\"" ACCESS "\",\"access_token_expires_at\":"
         "\"2027-01-01T00:00:00Z\",\"registration_expires_at\":5}",
         "\"registration_expires_at\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sso_session s;
        cc_err err;
        assert_int_equal(sso_session_from_payload(cases[i].payload, &s, &err), CC_EKEYRING);
        assert_string_equal(err.code, "keyring.payload");
        assert_non_null(strstr(err.message, cases[i].key));
        assert_non_null(strstr(err.hint, "login --sso"));
        assert_no_secret(&err);
        assert_null(s.start_url);
    }
    sso_session s;
    cc_err err;
    assert_int_equal(sso_session_from_payload("not json", &s, &err), CC_EKEYRING);
    assert_int_equal(sso_session_from_payload(NULL, &s, &err), CC_EKEYRING);
}

static void credential_path_refreshes(void **state)
{
    (void)state;
    cc_err err;
    aws_credentials creds;
    bool refreshed;
    /* 1: access token about to expire -> refresh first, then role credentials */
    canned a1[] = {{200, NULL, "{\"accessToken\":\"fresh\",\"expiresIn\":3600,\"refreshToken\":\"rotated\"}"},
                   ROLE_CREDS};
    transport t1 = {.answers = a1, .n = 2};
    sso_conn c1 = conn_for(&t1);
    sso_session s;
    fill_session(&s, 10000 + 100);
    assert_int_equal(sso_session_role_credentials(&s, &c1, &c1, 10000, &creds, &refreshed, &err), 0);
    assert_true(refreshed);
    assert_string_equal(s.token.access_token, "fresh");
    assert_string_equal(s.token.refresh_token, "rotated");
    assert_string_equal(t1.seen[1].header, "x-amz-sso_bearer_token: fresh");
    aws_credentials_wipe(&creds);
    sso_session_wipe(&s);
    /* 2: valid token but the portal says 401 -> refresh once and retry */
    canned a2[] = {UNAUTHORIZED, {200, NULL, "{\"accessToken\":\"fresh\",\"expiresIn\":3600}"}, ROLE_CREDS};
    transport t2 = {.answers = a2, .n = 3};
    sso_conn c2 = conn_for(&t2);
    fill_session(&s, 20000);
    assert_int_equal(sso_session_role_credentials(&s, &c2, &c2, 10000, &creds, &refreshed, &err), 0);
    assert_true(refreshed);
    assert_string_equal(s.token.refresh_token, REFRESH); /* none returned: kept */
    aws_credentials_wipe(&creds);
    sso_session_wipe(&s);
    /* 3: expired and the refresh token refused (e.g. after logout) -> log in again */
    canned a3[] = {{400, "InvalidGrantException", "{\"error\":\"invalid_grant\"}"}};
    transport t3 = {.answers = a3, .n = 1};
    sso_conn c3 = conn_for(&t3);
    fill_session(&s, 9000);
    assert_int_equal(sso_session_role_credentials(&s, &c3, &c3, 10000, &creds, &refreshed, &err), CC_EDENIED);
    assert_string_equal(err.code, SSO_ERR_LOGIN_NEEDED);
    assert_non_null(strstr(err.hint, "clinecfg login --sso"));
    assert_false(refreshed);
    assert_string_equal(s.token.access_token, ACCESS); /* unchanged */
    assert_no_secret(&err);
    sso_session_wipe(&s);
    /* 4: 401 and the refresh gives a token the portal refuses too -> log in again */
    canned a4[] = {UNAUTHORIZED, {200, NULL, "{\"accessToken\":\"fresh\",\"expiresIn\":3600}"}, UNAUTHORIZED};
    transport t4 = {.answers = a4, .n = 3};
    sso_conn c4 = conn_for(&t4);
    fill_session(&s, 20000);
    assert_int_equal(sso_session_role_credentials(&s, &c4, &c4, 10000, &creds, &refreshed, &err), CC_EDENIED);
    assert_string_equal(err.code, SSO_ERR_LOGIN_NEEDED);
    assert_int_equal(t4.next, 3);
    sso_session_wipe(&s);
    /* 5: expired, nothing to refresh with: no call at all */
    transport t5 = {.answers = NULL, .n = 0};
    sso_conn c5 = conn_for(&t5);
    fill_session(&s, 9000);
    free(s.token.refresh_token);
    s.token.refresh_token = NULL;
    assert_int_equal(sso_session_role_credentials(&s, &c5, &c5, 10000, &creds, &refreshed, &err), CC_EDENIED);
    assert_string_equal(err.code, SSO_ERR_LOGIN_NEEDED);
    /* 6: inside the refresh window with nothing to refresh with: the token is still used */
    canned a6[] = {ROLE_CREDS};
    transport t6 = {.answers = a6, .n = 1};
    sso_conn c6 = conn_for(&t6);
    s.token.expires_at = 10100;
    assert_int_equal(sso_session_role_credentials(&s, &c6, &c6, 10000, &creds, &refreshed, &err), 0);
    assert_false(refreshed);
    aws_credentials_wipe(&creds);
    /* 7: no account or role chosen */
    free(s.role_name);
    s.role_name = NULL;
    assert_int_equal(sso_session_role_credentials(&s, &c6, &c6, 10000, &creds, &refreshed, &err), CC_EINPUT);
    assert_string_equal(err.code, "sso.no_role");
    sso_session_wipe(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(endpoints_and_overrides),
        cmocka_unit_test(register_client_shape),
        cmocka_unit_test(start_device_authorization_shape),
        cmocka_unit_test(polling_honours_interval_and_slow_down),
        cmocka_unit_test(polling_stops_at_expiry),
        cmocka_unit_test(poll_errors),
        cmocka_unit_test(refresh_rotation_and_failures),
        cmocka_unit_test(portal_role_credentials),
        cmocka_unit_test(portal_lists_every_page),
        cmocka_unit_test(session_payload_round_trip),
        cmocka_unit_test(session_payload_errors_name_the_key),
        cmocka_unit_test(credential_path_refreshes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * awsclient.c - one AWS client per run: shared files, profile, region, HTTP
 * client, credentials with refresh and endpoints per service.  AWS error
 * answers are mapped to clinecfg statuses by awserror.c.  See awsclient.h.
 */
#include "clinecfg/awsclient.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/awserror.h"
#include "clinecfg/awsfiles.h"

#define MAX_ENDPOINTS 8

struct awsclient {
    cc_getenv_fn env;
    void *env_ud;
    const cc_out *out;
    char *config_path, *creds_path;
    char files_desc[1024];
    aws_profile_set *profiles;
    char *profile_name; /* the profile whose settings apply */
    const aws_profile *profile;
    char region[64];
    char region_source[96];
    http_client *http;
    creds_provider *creds;
    struct {
        char service[24];
        char *url;
    } eps[MAX_ENDPOINTS];
    size_t neps;
};

static const char *env_get(const awsclient *c, const char *name)
{
    return cc_getenv_set(c->env, c->env_ud, name);
}

/* -v traces; out_trace itself drops them below -v. */
#define TRACE(c, ...) do { if ((c)->out) out_trace((c)->out, __VA_ARGS__); } while (0)

void awsclient_free(awsclient *c)
{
    if (!c)
        return;
    creds_free(c->creds);
    http_client_free(c->http);
    for (size_t i = 0; i < c->neps; i++)
        free(c->eps[i].url);
    ini_profiles_free(c->profiles);
    free(c->config_path);
    free(c->creds_path);
    free(c->profile_name);
    free(c);
}

static int pick_region(awsclient *c, const awsclient_opts *o, cc_err *err)
{
    struct {
        const char *value, *source;
    } cand[] = {
        {o->region, "--region"},
        {env_get(c, "AWS_REGION"), "AWS_REGION"},
        {env_get(c, "AWS_DEFAULT_REGION"), "AWS_DEFAULT_REGION"},
        {c->profile ? ini_get(c->profile, "region") : NULL, NULL},
        {o->fallback_region, "config"},
    };
    for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++) {
        const char *v = cand[i].value;
        if (!v || !*v)
            continue;
        char src[96];
        if (cand[i].source)
            snprintf(src, sizeof src, "%s", cand[i].source);
        else
            snprintf(src, sizeof src, "profile %.80s", c->profile_name);
        int rc = aws_region_validate(v, err);
        if (rc) {
            cc_err_prefix(err, "region from %s", src);
            return rc;
        }
        snprintf(c->region, sizeof c->region, "%s", v);
        snprintf(c->region_source, sizeof c->region_source, "%s", src);
        return 0;
    }
    cc_err_set(err, CC_EINPUT, "config.no_region", "no AWS region is set");
    cc_err_hint(err, "pass --region R, set AWS_REGION, or add `region = R` to profile %s in %s", c->profile_name,
                c->config_path ? c->config_path : "~/.aws/config");
    return CC_EINPUT;
}

int awsclient_new(const awsclient_opts *o, awsclient **out, cc_err *err)
{
    *out = NULL;
    awsclient *c = calloc(1, sizeof *c);
    if (!c)
        return cc_err_oom(err);
    c->env = o->env;
    c->env_ud = o->env_ud;
    c->out = o->out;
    int rc = awsfiles_locate(o->env, o->env_ud, &c->config_path, &c->creds_path, err);
    if (!rc)
        rc = awsfiles_load(c->config_path, c->creds_path, &c->profiles, err);
    if (rc)
        goto fail;
    snprintf(c->files_desc, sizeof c->files_desc, "%s and %s", c->config_path, c->creds_path);
    TRACE(c, "aws: shared files %s", c->files_desc);

    const char *explicit_profile = o->profile && *o->profile ? o->profile : env_get(c, "AWS_PROFILE");
    c->profile_name = strdup(explicit_profile ? explicit_profile : "default");
    if (!c->profile_name) {
        rc = cc_err_oom(err);
        goto fail;
    }
    c->profile = ini_profile(c->profiles, c->profile_name);
    if (explicit_profile && !c->profile) {
        rc = cc_err_set(err, CC_EINPUT, "credentials.profile_missing", "AWS profile '%s' not found in %s",
                        explicit_profile, c->files_desc);
        cc_err_hint(err,
                    "check the name (%s%s), or create it with `aws configure --profile %s`",
                    o->profile && *o->profile ? "--aws-profile" : "AWS_PROFILE",
                    o->profile && *o->profile ? "" : " is set in the environment", explicit_profile);
        goto fail;
    }
    if ((rc = pick_region(c, o, err)))
        goto fail;
    TRACE(c, "aws: profile %s, region %s (from %s)", c->profile_name, c->region, c->region_source);

    http_opts ho;
    if (o->http)
        ho = *o->http;
    else
        memset(&ho, 0, sizeof ho);
    if (!ho.out)
        ho.out = o->out;
    if (!ho.ca_bundle)
        ho.ca_bundle = env_get(c, "AWS_CA_BUNDLE");
    if (!ho.ca_bundle && c->profile)
        ho.ca_bundle = ini_get(c->profile, "ca_bundle");
    if (ho.ca_bundle)
        TRACE(c, "aws: CA bundle %s", ho.ca_bundle);
    if ((rc = http_client_new(&ho, &c->http, err)))
        goto fail;

    creds_chain_opts co = {
        .profile = o->profile,
        .profiles = c->profiles,
        .files_desc = c->files_desc,
        .env = o->env,
        .env_ud = o->env_ud,
        .keyring = o->keyring,
        .keyring_ud = o->keyring_ud,
        .http = c->http,
        .region = c->region,
        .out = o->out,
    };
    if ((rc = creds_resolve(&co, &c->creds, err)))
        goto fail;
    TRACE(c, "aws: credentials from %s", creds_source(c->creds));
    *out = c;
    return 0;
fail:
    awsclient_free(c);
    return rc;
}

const char *awsclient_region(const awsclient *c)
{
    return c->region;
}

const char *awsclient_region_source(const awsclient *c)
{
    return c->region_source;
}

const char *awsclient_profile(const awsclient *c)
{
    return c->profile_name;
}

const char *awsclient_credential_source(const awsclient *c)
{
    return creds_source(c->creds);
}

const aws_profile_set *awsclient_profiles(const awsclient *c)
{
    return c->profiles;
}

http_client *awsclient_http(awsclient *c)
{
    return c->http;
}

int awsclient_endpoint(awsclient *c, const char *service, const char **url, cc_err *err)
{
    for (size_t i = 0; i < c->neps; i++)
        if (strcmp(c->eps[i].service, service) == 0) {
            *url = c->eps[i].url;
            return 0;
        }
    if (c->neps == MAX_ENDPOINTS || strlen(service) >= sizeof c->eps[0].service)
        return cc_err_set(err, CC_EINTERNAL, "internal", "too many endpoints");
    char *u = NULL;
    int rc = aws_endpoint(service, c->region, c->profile ? ini_get(c->profile, "endpoint_url") : NULL, c->env,
                          c->env_ud, &u, err);
    if (rc)
        return rc;
    snprintf(c->eps[c->neps].service, sizeof c->eps[0].service, "%s", service);
    c->eps[c->neps++].url = u;
    TRACE(c, "aws: %s endpoint %s", service, u);
    *url = u;
    return 0;
}

int awsclient_credentials(awsclient *c, const aws_credentials **out, cc_err *err)
{
    return creds_current(c->creds, time(NULL) + http_client_clock_offset(c->http), out, err);
}

int awsclient_prepare(awsclient *c, const char *service, aws_request *req, cc_err *err)
{
    const char *url;
    const aws_credentials *cr;
    int rc = awsclient_endpoint(c, service, &url, err);
    if (!rc)
        rc = awsclient_credentials(c, &cr, err);
    if (rc)
        return rc;
    const char *signing = aws_signing_name(service);
    if (!signing)
        return cc_err_set(err, CC_EINTERNAL, "internal", "no signing name for service %s", service);
    req->url_base = url;
    req->service = signing;
    req->region = aws_signing_region(service, c->region);
    req->creds = cr;
    return 0;
}

int awsclient_call(awsclient *c, const char *service, aws_request *req, aws_response *resp, cc_err *err)
{
    memset(resp, 0, sizeof *resp);
    int rc = awsclient_prepare(c, service, req, err);
    if (rc)
        return rc;
    return aws_call_verdict(http_aws_call(c->http, req, resp, err), resp, req->operation, err);
}

int awsclient_call_many(awsclient *c, aws_request *reqs, size_t n, size_t max_in_flight, aws_response *results,
                        int *statuses, cc_err *errs)
{
    if (n == 0)
        return 0;
    http_aws_call_many(c->http, reqs, n, max_in_flight, results, statuses, errs);
    int first = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = aws_call_verdict(statuses[i], &results[i], reqs[i].operation, &errs[i]);
        statuses[i] = rc;
        if (rc && !first)
            first = rc;
    }
    return first;
}

void aws_request_json(aws_request *req, const char *content_type, const char *const *headers, const char *body,
                      const char *operation)
{
    req->method = "POST";
    req->path = "/";
    req->query = NULL;
    req->content_type = content_type;
    req->body = body;
    req->body_len = body ? strlen(body) : 0;
    req->extra_headers = headers;
    req->operation = operation;
}

int awsclient_call_query(awsclient *c, const char *service, const char *form, const char *operation,
                         aws_response *resp, cc_err *err)
{
    aws_request req = {
        .method = "POST",
        .path = "/",
        .content_type = "application/x-www-form-urlencoded; charset=utf-8",
        .body = form,
        .body_len = strlen(form),
        .operation = operation,
    };
    return awsclient_call(c, service, &req, resp, err);
}

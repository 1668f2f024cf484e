/*
 * endpoints.c - the URL each AWS service is called at, and region checks.
 *
 * Override order follows the SDKs' "service-specific endpoints" rules:
 * AWS_ENDPOINT_URL_<SERVICE_ID> > AWS_ENDPOINT_URL > profile endpoint_url,
 * all skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true.  Otherwise the
 * regional host from the partition's DNS suffix.
 */
#include "clinecfg/endpoints.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct service_info {
    const char *key;        /* what callers pass */
    const char *env_suffix; /* AWS_ENDPOINT_URL_<this> */
    const char *host_prefix;
    const char *signing_name;
} service_info;

static const service_info SERVICES[] = {
    {"bedrock", "BEDROCK", "bedrock", "bedrock"},
    {"bedrock-runtime", "BEDROCK_RUNTIME", "bedrock-runtime", "bedrock"},
    {"sts", "STS", "sts", "sts"},
    {"sso", "SSO", "portal.sso", "awsssoportal"},
    {"sso-oidc", "SSO_OIDC", "oidc", "sso-oauth"},
    {"monitoring", "CLOUDWATCH", "monitoring", "monitoring"},
    /* Cost Explorer has one endpoint per partition (doctor's tag check). */
    {"ce", "COST_EXPLORER", "ce", "ce"},
    /* IAM is global: iam.amazonaws.com, signed for us-east-1 (cn: cn-north-1). */
    {"iam", "IAM", "iam", "iam"},
    /* AWS Budgets is global too: budgets.amazonaws.com, signed for us-east-1. */
    {"budgets", "BUDGETS", "budgets", "budgets"},
};

const char *aws_signing_region(const char *service, const char *region)
{
    if (service && !strcmp(service, "ce"))
        return region && !strncmp(region, "cn-", 3) ? "cn-northwest-1" : "us-east-1";
    if (service && !strcmp(service, "iam"))
        return region && !strncmp(region, "cn-", 3) ? "cn-north-1" : "us-east-1";
    if (service && !strcmp(service, "budgets"))
        return region && !strncmp(region, "cn-", 3) ? "cn-northwest-1" : "us-east-1";
    return region;
}

static const service_info *find_service(const char *key)
{
    for (size_t i = 0; key && i < sizeof SERVICES / sizeof SERVICES[0]; i++)
        if (!strcmp(SERVICES[i].key, key))
            return &SERVICES[i];
    return NULL;
}

const char *aws_signing_name(const char *service)
{
    const service_info *s = find_service(service);
    return s ? s->signing_name : NULL;
}

int aws_region_validate(const char *region, cc_err *err)
{
    size_t n = region ? strlen(region) : 0;
    bool ok = n >= 1 && n <= 63 && region[0] != '-' && region[n - 1] != '-';
    for (size_t i = 0; ok && i < n; i++) {
        char c = region[i];
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    }
    if (ok)
        return 0;
    if (n == 0) {
        cc_err_set(err, CC_EINPUT, "aws.region_missing", "no AWS region is set");
        cc_err_hint(err, "pass --region, set AWS_REGION, or add region = ... to the AWS profile");
        return CC_EINPUT;
    }
    cc_err_set(err, CC_EINPUT, "aws.region_invalid",
               "AWS region '%.*s' is not a valid region name", 64, region);
    cc_err_hint(err, "use a lower-case region name such as us-east-1 or ap-northeast-1");
    return CC_EINPUT;
}

/* An override must be an absolute http(s) URL with a host and no query,
 * fragment, whitespace or control characters. */
static int check_override(const char *url, const char *source, cc_err *err)
{
    const char *rest = NULL;
    if (!strncasecmp(url, "https://", 8))
        rest = url + 8;
    else if (!strncasecmp(url, "http://", 7))
        rest = url + 7;
    bool ok = rest && *rest && *rest != '/' && *rest != ':' && strlen(url) < 2048;
    for (const char *p = url; ok && *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c == 0x7f || c == '?' || c == '#' || c == '"' || c == '\\')
            ok = false;
    }
    if (ok)
        return 0;
    cc_err_set(err, CC_EINPUT, "aws.endpoint_invalid",
               "%s is not a usable endpoint URL: '%.200s'", source, url);
    cc_err_hint(err, "use an absolute URL such as https://bedrock.us-east-1.amazonaws.com or "
                     "http://127.0.0.1:8080, without a query string");
    return CC_EINPUT;
}

static char *dup_trimmed(const char *url)
{
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    char *r = malloc(n + 1);
    if (r) {
        memcpy(r, url, n);
        r[n] = '\0';
    }
    return r;
}

static const char *dns_suffix(const char *region)
{
    if (!strncmp(region, "cn-", 3))
        return "amazonaws.com.cn";
    if (!strncmp(region, "us-isob-", 8))
        return "sc2s.sgov.gov";
    if (!strncmp(region, "us-iso-", 7))
        return "c2s.ic.gov";
    return "amazonaws.com";
}

int aws_endpoint(const char *service, const char *region, const char *profile_endpoint_url,
                 cc_getenv_fn getenv_fn, void *env_ud, char **url_out, cc_err *err)
{
    *url_out = NULL;
    const service_info *svc = find_service(service);
    if (!svc)
        return cc_err_set(err, CC_EINTERNAL, "aws.endpoint_service",
                          "no endpoint is known for AWS service '%s'", service ? service : "(null)");

    const char *ignore = cc_getenv_set(getenv_fn, env_ud, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    if (!ignore || strcasecmp(ignore, "true") != 0) {
        char name[64];
        snprintf(name, sizeof name, "AWS_ENDPOINT_URL_%s", svc->env_suffix);
        const char *source = name;
        const char *url = cc_getenv_set(getenv_fn, env_ud, name);
        if (!url) {
            url = cc_getenv_set(getenv_fn, env_ud, "AWS_ENDPOINT_URL");
            source = "AWS_ENDPOINT_URL";
        }
        if (!url && profile_endpoint_url && *profile_endpoint_url) {
            url = profile_endpoint_url;
            source = "the profile's endpoint_url";
        }
        if (url) {
            int rc = check_override(url, source, err);
            if (rc)
                return rc;
            *url_out = dup_trimmed(url);
            return *url_out ? 0 : cc_err_oom(err);
        }
    }

    if (region && !strcmp(svc->key, "sts") && !strcmp(region, "aws-global")) {
        *url_out = strdup("https://sts.amazonaws.com"); /* signed for us-east-1 */
        return *url_out ? 0 : cc_err_oom(err);
    }
    int rc = aws_region_validate(region, err);
    if (rc)
        return rc;
    region = aws_signing_region(svc->key, region);
    if (!strcmp(svc->key, "iam") && strncmp(region, "cn-", 3) != 0) {
        *url_out = strdup("https://iam.amazonaws.com");
        return *url_out ? 0 : cc_err_oom(err);
    }
    if (!strcmp(svc->key, "budgets")) {
        *url_out = strdup(strncmp(region, "cn-", 3) ? "https://budgets.amazonaws.com"
                                                    : "https://budgets.amazonaws.com.cn");
        return *url_out ? 0 : cc_err_oom(err);
    }
    size_t need = strlen(svc->host_prefix) + strlen(region) + strlen(dns_suffix(region)) + 16;
    char *u = malloc(need);
    if (!u)
        return cc_err_oom(err);
    snprintf(u, need, "https://%s.%s.%s", svc->host_prefix, region, dns_suffix(region));
    *url_out = u;
    return 0;
}

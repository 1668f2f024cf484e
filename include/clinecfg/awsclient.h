/*
 * awsclient.h - one AWS client per run: the shared files, the selected
 * profile, the region, the HTTP client, the resolved credentials (refreshed
 * before each call when they expire) and one endpoint per service.
 *
 * Owns the configuration order the SDKs use:
 *   region:    opts.region (--region), AWS_REGION, AWS_DEFAULT_REGION, the
 *              profile's `region`, opts.fallback_region; validated.
 *   profile:   opts.profile (--aws-profile), AWS_PROFILE, else `default`
 *              (settings only; credentials follow credentials.h's chain).
 *   endpoints: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's
 *              endpoint_url, else the regional default (endpoints.h).
 *   CA bundle: opts.http->ca_bundle, AWS_CA_BUNDLE, the profile's ca_bundle.
 * The STS, Bedrock and SSO modules make their calls through it.
 */
#ifndef CLINECFG_AWSCLIENT_H
#define CLINECFG_AWSCLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/credentials.h"
#include "clinecfg/endpoints.h"
#include "clinecfg/error.h"
#include "clinecfg/http.h"
#include "clinecfg/output.h"

typedef struct awsclient awsclient;

typedef struct awsclient_opts {
    const char *profile;         /* --aws-profile; NULL = AWS_PROFILE, then the chain */
    const char *region;          /* --region; NULL = environment, then profile */
    const char *fallback_region; /* last resort (e.g. clinecfg's own config); may be NULL */
    const cc_out *out;           /* progress and -v traces; may be NULL */
    cc_getenv_fn env;            /* NULL = the process environment */
    void *env_ud;
    creds_keyring_fn keyring;    /* the keyring source; NULL = skipped */
    void *keyring_ud;
    const http_opts *http;       /* NULL = defaults; out and ca_bundle are filled in when unset */
} awsclient_opts;

/* Loads the shared files, picks profile and region, creates the HTTP client
 * and resolves credentials.  Errors: CC_EINPUT (bad files, missing profile,
 * no or invalid region, no credentials), CC_EKEYRING, CC_EDENIED, CC_EAWS.
 * On failure *out is NULL. */
int awsclient_new(const awsclient_opts *o, awsclient **out, cc_err *err);
void awsclient_free(awsclient *c);

const char *awsclient_region(const awsclient *c);
/* Where the region came from: "--region", "AWS_REGION", "AWS_DEFAULT_REGION",
 * "profile NAME", "config". */
const char *awsclient_region_source(const awsclient *c);
/* The profile whose settings apply (explicit, AWS_PROFILE or "default"). */
const char *awsclient_profile(const awsclient *c);
/* creds_source() of the resolved credentials. */
const char *awsclient_credential_source(const awsclient *c);
/* The shared files as loaded (borrowed; valid until awsclient_free). */
const aws_profile_set *awsclient_profiles(const awsclient *c);
http_client *awsclient_http(awsclient *c);

/* Base URL of `service` ("bedrock", "bedrock-runtime", "sts", "sso"),
 * computed once and cached.  *url stays valid until awsclient_free. */
int awsclient_endpoint(awsclient *c, const char *service, const char **url, cc_err *err);

/* Current credentials, refreshed first when they expire soon. */
int awsclient_credentials(awsclient *c, const aws_credentials **out, cc_err *err);

/* Fills req->url_base, service (signing name), region and creds for
 * `service` (refreshing credentials).  The caller fills method, path, query,
 * body, content_type, operation. */
int awsclient_prepare(awsclient *c, const char *service, aws_request *req, cc_err *err);

/* Shapes req as an AWS JSON-protocol call (awsJson1_0 / awsJson1_1: POST /
 * with `content_type`, the body and `headers`, which carry X-Amz-Target and
 * are NULL-terminated).  Everything is borrowed; call awsclient_prepare (or
 * awsclient_call) for the endpoint and signing. */
void aws_request_json(aws_request *req, const char *content_type, const char *const *headers, const char *body,
                      const char *operation);

/* An awsQuery call (STS, IAM): POST / of the URL-encoded form
 * `Action=...&Version=...&...`, through awsclient_call. */
int awsclient_call_query(awsclient *c, const char *service, const char *form, const char *operation,
                         aws_response *resp, cc_err *err);

/* awsclient_prepare + http_aws_call + aws_call_verdict (awserror.h): returns 0 only for a
 * 2xx answer; resp must be freed with aws_response_free in every case. */
int awsclient_call(awsclient *c, const char *service, aws_request *req, aws_response *resp, cc_err *err);

/* n independent calls (services[i] for reqs[i]), at most max_in_flight at
 * once.  Every request must already be awsclient_prepare'd.  statuses[i] is
 * what awsclient_call would return; errs[i] filled for failures.  Returns 0
 * or the first failure's status. */
int awsclient_call_many(awsclient *c, aws_request *reqs, size_t n, size_t max_in_flight,
                        aws_response *results, int *statuses, cc_err *errs);

#endif

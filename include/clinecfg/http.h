/*
 * http.h - the AWS HTTP client: one libcurl client per run.
 *
 * Owns: keep-alive (one connection cache shared by every call), TLS
 * verification (always on; AWS_CA_BUNDLE / profile ca_bundle via ca_bundle),
 * proxies (libcurl's own http_proxy/https_proxy/no_proxy handling), connect
 * and total timeouts, a 16 MB response body cap, SDK "standard" retries
 * (capped exponential backoff with full jitter on throttling and transient
 * errors and 500/502/503/504, Retry-After, clock-skew correction from the
 * Date header, a retry quota), SigV4 signing per attempt, the SDK headers
 * amz-sdk-invocation-id / amz-sdk-request, -v traces with secrets redacted,
 * and bounded concurrent execution of independent calls via curl multi.
 *
 * Not thread-safe: one client is used by one thread.
 */
#ifndef CLINECFG_HTTP_H
#define CLINECFG_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "clinecfg/error.h"
#include "clinecfg/output.h"

#define HTTP_MAX_BODY (16u * 1024u * 1024u) /* response bodies larger than this fail */

/* AWS credentials, shared with the credentials module. */
typedef struct aws_credentials {
    char *access_key_id;
    char *secret_access_key;
    char *session_token;     /* NULL if none */
    time_t expiration;       /* 0 = does not expire */
    char source[64];         /* e.g. "env", "profile:dev (static)", "keyring:default" - never secret */
    char account_id[16];
} aws_credentials;

/* Cleanses and frees the strings and zeroes the struct. Safe with NULL. */
void aws_credentials_wipe(aws_credentials *c);

typedef struct http_client http_client;

/* Zero / NULL members take the defaults shown. */
typedef struct http_opts {
    long connect_timeout_ms;     /* default 5000 */
    long total_timeout_ms;       /* per attempt; default 30000 */
    int max_attempts;            /* default 3 (first try + 2 retries) */
    const char *ca_bundle;       /* PEM file; NULL = system store */
    const cc_out *out;           /* traces when out->verbose > 0; may be NULL */
    long retry_base_ms;          /* backoff base for transient errors; default 100 */
    long throttle_base_ms;       /* backoff base for throttling errors; default 500 */
    long max_backoff_ms;         /* cap for one backoff; default 20000 */
    const char *user_agent;      /* default "clinecfg/<version>" */
    long deadline_ms;            /* whole call, all attempts and backoff together; 0 = no limit
                                  * beyond attempts x total_timeout_ms */
} http_opts;

/* Whether plain http:// to a host other than loopback (localhost,
 * 127.0.0.0/8, ::1) may carry AWS requests: refused by default (exit 4,
 * naming the endpoint and --allow-insecure-endpoint); allowed with a warning
 * on stderr once the command line says so.  Process-wide; call before the
 * first request. */
void http_allow_insecure_endpoints(bool allow);

int http_client_new(const http_opts *o, http_client **out, cc_err *err);
void http_client_free(http_client *c);

typedef struct aws_request {
    const char *method;
    const char *url_base;        /* "https://bedrock.ap-northeast-1.amazonaws.com" or an override (may carry a path prefix) */
    const char *path;            /* percent-encoded, starts with '/' */
    const char *query;           /* percent-encoded, without '?', may be NULL */
    const char *content_type;    /* may be NULL (no body) */
    const char *body;            /* may be NULL */
    size_t body_len;
    const char *service;         /* signing name, e.g. "bedrock", "sts" */
    const char *region;          /* signing region */
    const char *const *extra_headers; /* "name: value" strings, NULL-terminated, may be NULL; signed */
    const aws_credentials *creds;     /* NULL = unsigned (SSO GetRoleCredentials) */
    const char *operation;            /* for traces and errors, e.g. "bedrock:GetInferenceProfile" */
} aws_request;

/* Everything malloc'd is owned by the response; free with aws_response_free. */
typedef struct aws_response {
    long status;                 /* HTTP status of the last attempt; 0 if none */
    char *body;                  /* NUL-terminated (body_len excludes the NUL); "" for an empty
                                  * body; NULL when no response arrived */
    size_t body_len;
    char *request_id;            /* x-amzn-RequestId / x-amz-request-id, or NULL */
    char error_code[128];        /* parsed AWS error name for status >= 300, else "" */
    char error_message[512];     /* parsed error message for status >= 300, else "" */
    int attempts;                /* attempts made for this call */
} aws_response;

/* Sends with retries.  Returns 0 when a response (any status) was received
 * and parsed into resp; CC_EDENIED for AccessDenied-class errors;
 * CC_EAWS for exhausted retries or network errors, with err set (resp then
 * holds the last response, if any).  Callers map other error names
 * themselves (e.g. ConflictException, ResourceNotFoundException).
 * resp is zeroed first and must be freed with aws_response_free. */
int http_aws_call(http_client *c, const aws_request *req, aws_response *resp, cc_err *err);
void aws_response_free(aws_response *r);

/* Runs n independent calls, at most max_in_flight at a time (curl multi),
 * each with the same retry rules; results[i]/statuses[i]/errs[i] per call
 * (statuses[i] as http_aws_call would return).  All three arrays must hold n
 * elements.  Returns 0 when every call returned 0, else the first non-zero
 * status in index order.  New calls start in index order. */
int http_aws_call_many(http_client *c, const aws_request *reqs, size_t n, size_t max_in_flight,
                       aws_response *results, int *statuses, cc_err *errs);

/* Seconds the client adds to the local clock when signing (learnt from a
 * Date header after a clock-skew error).  For traces and tests. */
long http_client_clock_offset(const http_client *c);

#endif

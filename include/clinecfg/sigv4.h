/*
 * sigv4.h - AWS Signature Version 4 header signing (pure computation, no I/O).
 *
 * Owns: the canonical request, string to sign, signing key and Authorization
 * value for one HTTP request, plus the RFC 3986 encoder every AWS request path
 * and query uses.  Matches the aws-c-auth v4 suite (double-encoded canonical
 * URI, optional path normalisation, optional x-amz-content-sha256) and the
 * official JS signer's output for Bedrock and STS requests.
 *
 * The caller passes the request exactly as it will be sent on the wire and
 * must add the headers listed in sigv4_result (x-amz-date, authorization and,
 * when set, x-amz-security-token and x-amz-content-sha256) before sending.
 */
#ifndef CLINECFG_SIGV4_H
#define CLINECFG_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "clinecfg/error.h"

typedef struct sigv4_header {
    const char *name;
    const char *value;
} sigv4_header;

typedef struct sigv4_request {
    const char *method;
    const char *path;               /* exactly as sent on the wire (already percent-encoded) */
    const char *query;              /* raw query string without '?', may be NULL */
    const sigv4_header *headers;    /* must include host; repeated names are joined with ',' */
    size_t nheaders;
    const void *body;
    size_t body_len;
} sigv4_request;

typedef struct sigv4_params {
    const char *access_key_id, *secret_access_key, *session_token; /* token may be NULL */
    const char *region, *service;
    time_t when;                    /* signing time (UTC seconds) */
    bool normalize_path;            /* drop empty and "." segments, resolve ".." */
    bool sign_session_token;        /* false = token is sent but not signed */
    bool sign_body;                 /* add and sign x-amz-content-sha256 */
} sigv4_params;

/* Every string is malloc'd and owned by the result; free with sigv4_result_free. */
typedef struct sigv4_result {
    char *canonical_request;
    char *string_to_sign;
    char signature[65];             /* lower-case hex */
    char *authorization;            /* value of the Authorization header */
    char amz_date[17];              /* value of x-amz-date, YYYYMMDDTHHMMSSZ */
    char *content_sha256;           /* value of x-amz-content-sha256 when sign_body, else NULL */
    char *signed_headers;           /* "host;x-amz-date;..." */
} sigv4_result;

/* Signs `req`.  Returns 0, CC_EINPUT for a malformed request (no host,
 * missing key) or CC_EINTERNAL when out of memory; *out is zeroed first and
 * must be freed with sigv4_result_free even on failure. */
int sigv4_sign(const sigv4_request *req, const sigv4_params *p, sigv4_result *out, cc_err *err);

/* Frees the strings (the canonical request is wiped: it can hold a token). */
void sigv4_result_free(sigv4_result *r);

/* RFC 3986 percent-encoding: everything except A-Z a-z 0-9 - _ . ~ (and '/'
 * when keep_slash) becomes %XX with upper-case hex.  Returns a malloc'd,
 * NUL-terminated string, or NULL when out of memory. */
char *aws_uri_encode(const char *in, size_t len, bool keep_slash);

/* Formats `when` (UTC) as YYYYMMDDTHHMMSSZ into out[17]. */
void sigv4_amz_date(time_t when, char out[17]);

#endif

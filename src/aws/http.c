/*
 * http.c - the AWS HTTP client (see include/clinecfg/http.h).
 *
 * Every call, single or batched, runs as a small state machine on one curl
 * multi handle that lives as long as the client: the multi handle owns the
 * connection cache, so sequential calls reuse one kept-alive connection and
 * concurrent calls share the pool.  Each attempt is signed afresh (the
 * signing time and amz-sdk-request change), and sent exactly as signed:
 * explicit Host header, path as-is, no Expect: 100-continue.
 *
 * Retries follow the SDK "standard" mode: max attempts (default 3), full
 * jitter over a capped exponential backoff (base 100 ms, 500 ms for
 * throttling, cap 20 s), Retry-After honoured (up to the cap), a retry quota
 * (500 tokens, 5 per retry, 10 per timeout, refunded on success), and a
 * clock offset learnt from the Date header so skewed clocks heal.
 */
#include "clinecfg/http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "clinecfg/atomicfile.h"
#include "clinecfg/awserror.h"
#include "clinecfg/sigv4.h"
#include "clinecfg/strbuf.h"
#include "clinecfg/version.h"
#include "curl_dl.h"

#define DEFAULT_CONNECT_MS 5000L
#define DEFAULT_TOTAL_MS 30000L
#define DEFAULT_ATTEMPTS 3
#define DEFAULT_RETRY_BASE_MS 100L
#define DEFAULT_THROTTLE_BASE_MS 500L
#define DEFAULT_MAX_BACKOFF_MS 20000L
#define RETRY_QUOTA_INITIAL 500
#define RETRY_COST 5
#define RETRY_TIMEOUT_COST 10
#define NO_RETRY_INCREMENT 1
#define CLOCK_SKEW_THRESHOLD_S 300
#define CA_BUNDLE_MAX_SIZE ((size_t)16 * 1024 * 1024)

/* Set once from the command line (--allow-insecure-endpoint) before any
 * client exists; process-wide because every command builds its clients
 * through different layers and the flag must reach all of them. */
static bool insecure_endpoints_allowed;

void http_allow_insecure_endpoints(bool allow) { insecure_endpoints_allowed = allow; }

struct http_client {
    CURLM *multi;
    long connect_ms, total_ms, retry_base_ms, throttle_base_ms, max_backoff_ms;
    long deadline_ms; /* whole-call budget across attempts and backoff; 0 = none */
    bool insecure_warned;
    int max_attempts;
    char *ca_bundle;
    char *user_agent;
    const cc_out *out;
    long clock_offset; /* seconds added to time(NULL) when signing */
    int retry_tokens;
};

void aws_credentials_wipe(aws_credentials *c)
{
    if (!c)
        return;
    char *s[] = {c->access_key_id, c->secret_access_key, c->session_token};
    for (size_t i = 0; i < 3; i++) {
        if (s[i]) {
            OPENSSL_cleanse(s[i], strlen(s[i]));
            free(s[i]);
        }
    }
    OPENSSL_cleanse(c, sizeof *c);
}

void aws_response_free(aws_response *r)
{
    if (!r)
        return;
    if (r->body) {
        /* bodies can hold credentials (GetSessionToken, GetRoleCredentials) */
        OPENSSL_cleanse(r->body, r->body_len);
        free(r->body);
    }
    free(r->request_id);
    memset(r, 0, sizeof *r);
}

long http_client_clock_offset(const http_client *c) { return c ? c->clock_offset : 0; }

int http_client_new(const http_opts *o, http_client **out, cc_err *err)
{
    *out = NULL;
    if (o && o->ca_bundle && *o->ca_bundle) {
        /* libcurl opens the bundle with a blocking open(): a FIFO there would
         * hang every call, so it must be a readable regular file first. */
        char *pem = NULL;
        size_t pem_len = 0;
        bool exists = false;
        int rc = safefile_read(o->ca_bundle, CA_BUNDLE_MAX_SIZE, &pem, &pem_len, &exists, err);
        if (pem)
            free(pem);
        if (!rc && !exists)
            rc = cc_err_set(err, CC_EINPUT, "aws.ca_bundle", "the CA bundle %.400s does not exist",
                            o->ca_bundle);
        if (rc) {
            if (err && strcmp(err->code, "aws.ca_bundle"))
                cc_err_prefix(err, "the CA bundle (AWS_CA_BUNDLE or ca_bundle) cannot be used");
            if (err)
                snprintf(err->code, sizeof err->code, "aws.ca_bundle");
            cc_err_hint(err, "point AWS_CA_BUNDLE (or ca_bundle in the AWS profile) at a PEM file "
                             "with your proxy's CA certificates, or unset it");
            return CC_EINPUT;
        }
    }
    int loaded = curl_dl_load(err);
    if (loaded)
        return loaded;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return cc_err_set(err, CC_EINTERNAL, "http.init", "could not initialise libcurl");
    http_client *c = calloc(1, sizeof *c);
    if (!c) {
        curl_global_cleanup();
        return cc_err_oom(err);
    }
    http_opts d = {0};
    if (!o)
        o = &d;
    c->connect_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : DEFAULT_CONNECT_MS;
    c->total_ms = o->total_timeout_ms > 0 ? o->total_timeout_ms : DEFAULT_TOTAL_MS;
    c->max_attempts = o->max_attempts > 0 ? o->max_attempts : DEFAULT_ATTEMPTS;
    c->retry_base_ms = o->retry_base_ms > 0 ? o->retry_base_ms : DEFAULT_RETRY_BASE_MS;
    c->throttle_base_ms = o->throttle_base_ms > 0 ? o->throttle_base_ms : DEFAULT_THROTTLE_BASE_MS;
    c->max_backoff_ms = o->max_backoff_ms > 0 ? o->max_backoff_ms : DEFAULT_MAX_BACKOFF_MS;
    c->deadline_ms = o->deadline_ms > 0 ? o->deadline_ms : 0;
    c->out = o->out;
    c->retry_tokens = RETRY_QUOTA_INITIAL;
    c->ca_bundle = o->ca_bundle && *o->ca_bundle ? strdup(o->ca_bundle) : NULL;
    c->user_agent = strdup(o->user_agent && *o->user_agent ? o->user_agent
                                                            : "clinecfg/" CLINECFG_VERSION);
    c->multi = curl_multi_init();
    if (!c->multi || !c->user_agent || (o->ca_bundle && *o->ca_bundle && !c->ca_bundle)) {
        http_client_free(c);
        return cc_err_oom(err);
    }
    curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, 16L);
    *out = c;
    return 0;
}

void http_client_free(http_client *c)
{
    if (!c)
        return;
    if (c->multi)
        curl_multi_cleanup(c->multi);
    free(c->ca_bundle);
    free(c->user_agent);
    free(c);
    curl_global_cleanup();
}

/* ---- small helpers ---- */

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double random_unit(void)
{
    uint32_t r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        r = (uint32_t)mono_ms() * 2654435761u;
    return (double)r / 4294967296.0;
}

static void make_uuid(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) {
        long long t = mono_ms();
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (unsigned char)((t >> (i % 8 * 8)) ^ (long long)i * 131);
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

/* Header names whose values never appear in traces. */
static bool is_secret_header(const char *name, size_t n)
{
    static const char *const words[] = {"authorization", "token", "secret", "password",
                                        "credential", "cookie", "session"};
    char low[128];
    if (n >= sizeof low)
        n = sizeof low - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(low, words[i]))
            return true;
    return false;
}

/* True when s holds a byte that must not reach a request line or header
 * (CR/LF would let a value inject headers). */
static bool has_ctl_or_space(const char *s, bool allow_space)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f || (!allow_space && c == ' '))
            return true;
    }
    return false;
}

/* ---- one logical call ---- */

typedef enum { CALL_WAITING, CALL_RUNNING, CALL_DONE } call_state;

typedef struct call {
    const aws_request *req;
    aws_response *resp;
    cc_err *err;
    int status;
    call_state state;
    bool started;
    int attempt;             /* attempts made so far */
    long long next_at;       /* monotonic ms when the next attempt may start */
    long long attempt_start;
    int retry_cost_taken;    /* tokens spent on retries of this call */
    long long deadline_at;   /* monotonic ms by which the whole call ends; 0 = none */
    char invocation_id[37];

    /* parsed once from url_base */
    char *scheme_authority;  /* "https://host:port" as given */
    char *host_header;       /* host[:port] without the default port */
    char *base_path;         /* path prefix from url_base, "" or "/prefix" */

    /* per attempt */
    CURL *easy;
    struct curl_slist *headers;
    char *url;
    strbuf body;
    bool body_too_large;
    char error_type[160];
    char request_id[128];
    char date_hdr[64];
    char retry_after[64];
    char content_type[128];
    char curl_error[CURL_ERROR_SIZE];
} call;

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    call *cl = ud;
    size_t n = size * nmemb;
    if (cl->body.len + n > HTTP_MAX_BODY) {
        cl->body_too_large = true;
        return 0; /* aborts the transfer */
    }
    cl->body.secret = true; /* STS and SSO answers carry credentials */
    if (!cl->body.cap) {
        /* A list page is most of a megabyte: allocate it once at its
         * announced size instead of doubling towards it. */
        curl_off_t announced = -1;
        if (curl_easy_getinfo(cl->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced) == CURLE_OK &&
            announced > 0 && announced <= (curl_off_t)HTTP_MAX_BODY)
            strbuf_reserve(&cl->body, (size_t)announced);
    }
    strbuf_put(&cl->body, data, n);
    return cl->body.oom ? 0 : n;
}

static void copy_header_value(char *dst, size_t dsize, const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n >= dsize)
        n = dsize - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        dst[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    dst[n] = '\0';
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    call *cl = ud;
    size_t n = size * nmemb;
    if (n >= 5 && !strncmp(data, "HTTP/", 5)) {
        /* a new response (e.g. after a 1xx): forget earlier headers */
        cl->error_type[0] = cl->request_id[0] = cl->date_hdr[0] = '\0';
        cl->retry_after[0] = cl->content_type[0] = '\0';
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (!colon)
        return n;
    size_t nl = (size_t)(colon - data);
    const char *v = colon + 1;
    size_t vl = n - nl - 1;
#define HDR_IS(s) (nl == sizeof(s) - 1 && !strncasecmp(data, s, nl))
    if (HDR_IS("x-amzn-errortype"))
        copy_header_value(cl->error_type, sizeof cl->error_type, v, vl);
    else if (HDR_IS("x-amzn-requestid") || HDR_IS("x-amz-request-id") ||
             (HDR_IS("x-amzn-request-id") && !cl->request_id[0]))
        copy_header_value(cl->request_id, sizeof cl->request_id, v, vl);
    else if (HDR_IS("date"))
        copy_header_value(cl->date_hdr, sizeof cl->date_hdr, v, vl);
    else if (HDR_IS("retry-after"))
        copy_header_value(cl->retry_after, sizeof cl->retry_after, v, vl);
    else if (HDR_IS("content-type"))
        copy_header_value(cl->content_type, sizeof cl->content_type, v, vl);
#undef HDR_IS
    return n;
}

/* Splits url_base into scheme+authority, the Host header value and a path
 * prefix.  Only http and https; no user info. */
static int parse_base(call *cl, cc_err *err)
{
    const char *u = cl->req->url_base;
    const char *rest = NULL;
    bool https = false;
    if (u && !strncasecmp(u, "https://", 8)) {
        rest = u + 8;
        https = true;
    } else if (u && !strncasecmp(u, "http://", 7)) {
        rest = u + 7;
    }
    if (!rest || !*rest)
        return cc_err_set(err, CC_EINPUT, "http.url", "'%.200s' is not an http(s) URL",
                          u ? u : "(none)");
    size_t alen = strcspn(rest, "/?#");
    if (alen == 0 || memchr(rest, '@', alen) || rest[alen] == '?' || rest[alen] == '#')
        return cc_err_set(err, CC_EINPUT, "http.url",
                          "'%.200s' is not a usable endpoint URL (no host, user info or query)", u);
    for (const char *p = u; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return cc_err_set(err, CC_EINPUT, "http.url",
                              "endpoint URL '%.200s' contains spaces or control characters", u);
    size_t prefix_len = (size_t)(rest - u);
    cl->scheme_authority = strndup(u, prefix_len + alen);
    /* Host header: the authority minus a default port, which curl would
     * otherwise omit or add differently from what was signed. */
    size_t hlen = alen;
    const char *dflt = https ? ":443" : ":80";
    size_t dl = strlen(dflt);
    if (hlen > dl && !strncmp(rest + hlen - dl, dflt, dl))
        hlen -= dl;
    cl->host_header = strndup(rest, hlen);
    const char *path = rest + alen;
    size_t plen = strlen(path);
    while (plen && path[plen - 1] == '/')
        plen--;
    cl->base_path = strndup(path, plen);
    if (!cl->scheme_authority || !cl->host_header || !cl->base_path)
        return cc_err_oom(err);
    return 0;
}

static void call_reset_attempt(call *cl)
{
    curl_slist_free_all(cl->headers);
    cl->headers = NULL;
    free(cl->url);
    cl->url = NULL;
    strbuf_release(&cl->body);
    cl->body_too_large = false;
    cl->error_type[0] = cl->request_id[0] = cl->date_hdr[0] = '\0';
    cl->retry_after[0] = cl->content_type[0] = cl->curl_error[0] = '\0';
}

static void call_cleanup(call *cl)
{
    call_reset_attempt(cl);
    if (cl->easy)
        curl_easy_cleanup(cl->easy);
    cl->easy = NULL;
    free(cl->scheme_authority);
    free(cl->host_header);
    free(cl->base_path);
    cl->scheme_authority = cl->host_header = cl->base_path = NULL;
}

static const char *op_name(const call *cl)
{
    return cl->req->operation ? cl->req->operation : "AWS call";
}

static void trace_header(const http_client *c, const char *line)
{
    const char *colon = strchr(line, ':');
    if (colon && is_secret_header(line, (size_t)(colon - line)))
        out_trace(c->out, "  > %.*s: [redacted]", (int)(colon - line), line);
    else
        out_trace(c->out, "  > %s", line);
}

/* Adds "Name: value" to the curl list and, when signed, to the signer. */
static bool add_header(call *cl, sigv4_header *sh, size_t *nsh, size_t max, const char *name,
                       const char *value, bool sign)
{
    size_t n = strlen(name) + strlen(value) + 3;
    char *line = malloc(n);
    if (!line)
        return false;
    snprintf(line, n, "%s: %s", name, value);
    struct curl_slist *nl = curl_slist_append(cl->headers, line);
    OPENSSL_cleanse(line, n);
    free(line);
    if (!nl)
        return false;
    cl->headers = nl;
    if (sign && *nsh < max) {
        sh[*nsh].name = name;
        sh[*nsh].value = value;
        (*nsh)++;
    }
    return true;
}

#define MAX_SIGNED 48

/* Builds, signs and queues one attempt.  Returns 0 or a CC_E* (no retry). */
static int start_attempt(http_client *c, call *cl)
{
    const aws_request *r = cl->req;
    call_reset_attempt(cl);
    cl->attempt++;
    cl->attempt_start = mono_ms();

    /* full path and URL */
    const char *path = r->path && *r->path ? r->path : "/";
    size_t plen = strlen(cl->base_path) + strlen(path) + 1;
    char *full_path = malloc(plen);
    if (!full_path)
        return cc_err_oom(cl->err);
    snprintf(full_path, plen, "%s%s", cl->base_path, path);
    const char *query = r->query && *r->query ? r->query : NULL;
    size_t ulen = strlen(cl->scheme_authority) + plen + (query ? strlen(query) + 1 : 0) + 1;
    cl->url = malloc(ulen);
    if (!cl->url) {
        free(full_path);
        return cc_err_oom(cl->err);
    }
    snprintf(cl->url, ulen, "%s%s%s%s", cl->scheme_authority, full_path, query ? "?" : "",
             query ? query : "");

    char amz_request[64];
    snprintf(amz_request, sizeof amz_request, "attempt=%d; max=%d", cl->attempt, c->max_attempts);

    sigv4_header sh[MAX_SIGNED];
    size_t nsh = 0;
    sigv4_result sig;
    memset(&sig, 0, sizeof sig);
    int rc = 0;
    bool ok = add_header(cl, sh, &nsh, MAX_SIGNED, "Host", cl->host_header, true) &&
              add_header(cl, sh, &nsh, MAX_SIGNED, "amz-sdk-invocation-id", cl->invocation_id, true) &&
              add_header(cl, sh, &nsh, MAX_SIGNED, "amz-sdk-request", amz_request, true);
    if (ok && r->content_type)
        ok = add_header(cl, sh, &nsh, MAX_SIGNED, "Content-Type", r->content_type, true);
    /* extra headers: split "name: value" into owned copies kept until signing is done */
    char *extra_copy[16] = {0};
    size_t nextra = 0;
    for (size_t i = 0; ok && r->extra_headers && r->extra_headers[i]; i++) {
        if (nextra == 16) {
            rc = cc_err_set(cl->err, CC_EINTERNAL, "http.headers", "too many extra headers");
            break;
        }
        char *dup = strdup(r->extra_headers[i]);
        if (!dup) {
            ok = false;
            break;
        }
        extra_copy[nextra++] = dup;
        char *colon = strchr(dup, ':');
        if (!colon || colon == dup) {
            rc = cc_err_set(cl->err, CC_EINTERNAL, "http.headers", "malformed extra header");
            break;
        }
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ')
            v++;
        ok = add_header(cl, sh, &nsh, MAX_SIGNED, dup, v, true);
    }
    if (ok && !rc && r->creds) {
        if (!r->creds->access_key_id || !r->creds->secret_access_key) {
            rc = cc_err_set(cl->err, CC_EINPUT, "aws.credentials",
                            "the AWS credentials for %s have no access key", op_name(cl));
        } else {
            sigv4_request sreq = {.method = r->method, .path = full_path, .query = query,
                                  .headers = sh, .nheaders = nsh, .body = r->body,
                                  .body_len = r->body ? r->body_len : 0};
            sigv4_params sp = {.access_key_id = r->creds->access_key_id,
                               .secret_access_key = r->creds->secret_access_key,
                               .session_token = r->creds->session_token,
                               .region = r->region, .service = r->service,
                               .when = time(NULL) + c->clock_offset, .normalize_path = false,
                               .sign_session_token = true};
            rc = sigv4_sign(&sreq, &sp, &sig, cl->err);
            if (!rc) {
                ok = add_header(cl, sh, &nsh, 0, "X-Amz-Date", sig.amz_date, false) &&
                     (!r->creds->session_token || !*r->creds->session_token ||
                      add_header(cl, sh, &nsh, 0, "X-Amz-Security-Token", r->creds->session_token,
                                 false)) &&
                     add_header(cl, sh, &nsh, 0, "Authorization", sig.authorization, false);
            }
        }
    }
    /* curl must not add Expect: 100-continue; Accept is unsigned and harmless */
    if (ok && !rc)
        ok = add_header(cl, sh, &nsh, 0, "Expect", "", false);
    sigv4_result_free(&sig);
    for (size_t i = 0; i < nextra; i++)
        free(extra_copy[i]);
    free(full_path);
    if (!ok && !rc)
        rc = cc_err_oom(cl->err);
    if (rc)
        return rc;

    if (!cl->easy) {
        cl->easy = curl_easy_init();
        if (!cl->easy)
            return cc_err_set(cl->err, CC_EINTERNAL, "http.init", "could not create a curl handle");
    } else {
        curl_easy_reset(cl->easy);
    }
    CURL *e = cl->easy;
    curl_easy_setopt(e, CURLOPT_URL, cl->url);
    curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca_bundle)
        curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_bundle);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
    long attempt_ms = c->total_ms;
    if (cl->deadline_at) {
        long long left = cl->deadline_at - cl->attempt_start;
        if (left < attempt_ms)
            attempt_ms = left > 1 ? (long)left : 1;
    }
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, attempt_ms);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)HTTP_MAX_BODY);
    curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, cl->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, cl);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, cl);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, cl->curl_error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, cl);
    const char *m = r->method ? r->method : "GET";
    if (!strcmp(m, "GET")) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
        if (r->body || !strcmp(m, "POST") || !strcmp(m, "PUT")) {
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(r->body ? r->body_len : 0));
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body ? r->body : "");
        }
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
    }

    if (c->out && c->out->verbose > 0) {
        out_trace(c->out, "%s %s (%s, attempt %d/%d)", m, cl->url, op_name(cl), cl->attempt,
                  c->max_attempts);
        for (struct curl_slist *h = cl->headers; h; h = h->next)
            if (h->data[0] && strncmp(h->data, "Expect:", 7))
                trace_header(c, h->data);
        if (r->body_len)
            out_trace(c->out, "  > (%zu byte body, not shown)", r->body_len);
    }
    if (curl_multi_add_handle(c->multi, e) != CURLM_OK)
        return cc_err_set(cl->err, CC_EINTERNAL, "http.multi", "could not queue the request");
    cl->state = CALL_RUNNING;
    return 0;
}

static long parse_retry_after_ms(const char *v)
{
    if (!v || !*v)
        return -1;
    char *end = NULL;
    long s = strtol(v, &end, 10);
    if (end != v && *end == '\0' && s >= 0)
        return s > 86400 ? 86400000L : s * 1000;
    time_t t = curl_getdate(v, NULL);
    if (t <= 0)
        return -1;
    time_t now = time(NULL);
    return t > now ? (long)(t - now) * 1000 : 0;
}

static bool curl_code_retryable(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
        return true;
    default:
        return false;
    }
}

static long backoff_ms(const http_client *c, int attempt, bool throttled)
{
    double base = (double)(throttled ? c->throttle_base_ms : c->retry_base_ms);
    double cap = (double)c->max_backoff_ms;
    double exp = base;
    for (int i = 1; i < attempt && exp < cap; i++)
        exp *= 2;
    if (exp > cap)
        exp = cap;
    return (long)(random_unit() * exp);
}

static void finish(call *cl, int status)
{
    cl->status = status;
    cl->state = CALL_DONE;
}

/* Takes the finished attempt apart: fills resp, decides retry or done. */
static void on_attempt_done(http_client *c, call *cl, CURLcode cc)
{
    long status = 0;
    curl_easy_getinfo(cl->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_multi_remove_handle(c->multi, cl->easy);
    long long took = mono_ms() - cl->attempt_start;
    aws_response *resp = cl->resp;

    /* learn the server clock from any Date header */
    bool clock_corrected = false;
    if (cl->date_hdr[0]) {
        time_t server = curl_getdate(cl->date_hdr, NULL);
        if (server > 0) {
            time_t now = time(NULL);
            long skew = (long)(server - (now + c->clock_offset));
            if (skew >= CLOCK_SKEW_THRESHOLD_S || skew <= -CLOCK_SKEW_THRESHOLD_S) {
                c->clock_offset = (long)(server - now);
                clock_corrected = true;
                if (c->out)
                    out_trace(c->out, "  clock differs from the server by %ld s; correcting", skew);
            }
        }
    }

    bool network_error = cc != CURLE_OK || status == 0;
    if (network_error && (cl->body_too_large || cc == CURLE_FILESIZE_EXCEEDED)) {
        if (c->out)
            out_trace(c->out, "  response body over %u bytes; aborted", HTTP_MAX_BODY);
        cc_err_set(cl->err, CC_EAWS, "aws.response_too_large",
                   "%s: the response from %s is larger than %u MB", op_name(cl), cl->host_header,
                   HTTP_MAX_BODY / (1024 * 1024));
        cc_err_hint(cl->err, "check AWS_ENDPOINT_URL points at the AWS service");
        resp->attempts = cl->attempt;
        finish(cl, CC_EAWS);
        return;
    }

    bool retry = false, throttled = false, timeout = false;
    if (network_error) {
        const char *what = cl->curl_error[0] ? cl->curl_error : curl_easy_strerror(cc);
        if (c->out)
            out_trace(c->out, "  network error after %lld ms: %s", took, what);
        retry = curl_code_retryable(cc);
        timeout = cc == CURLE_OPERATION_TIMEDOUT;
        cc_err_set(cl->err, CC_EAWS, "aws.network", "%s: cannot reach %s: %s", op_name(cl),
                   cl->host_header, what);
        if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE)
            cc_err_hint(cl->err, "the server's TLS certificate was not trusted; set AWS_CA_BUNDLE "
                                 "or ca_bundle in the AWS profile if you use a corporate proxy");
        else
            cc_err_hint(cl->err, "check your network, proxy settings (https_proxy, no_proxy) and "
                                 "AWS_ENDPOINT_URL, then try again");
    } else {
        /* a response: move it into resp (replacing an earlier attempt's) */
        if (resp->body)
            OPENSSL_cleanse(resp->body, resp->body_len);
        free(resp->body);
        free(resp->request_id);
        resp->status = status;
        resp->body = cl->body.p ? cl->body.p : calloc(1, 1);
        resp->body_len = cl->body.len;
        memset(&cl->body, 0, sizeof cl->body);
        resp->request_id = cl->request_id[0] ? strdup(cl->request_id) : NULL;
        resp->error_code[0] = resp->error_message[0] = '\0';
        if (status >= 300 && resp->body) {
            bool xml = strstr(cl->content_type, "xml") ||
                       (resp->body_len && resp->body[strspn(resp->body, " \r\n\t")] == '<');
            if (xml)
                aws_parse_query_error(resp->body, resp->body_len, resp->error_code,
                                      sizeof resp->error_code, resp->error_message,
                                      sizeof resp->error_message);
            else
                aws_parse_rest_json_error(cl->error_type[0] ? cl->error_type : NULL, resp->body,
                                          resp->body_len, resp->error_code,
                                          sizeof resp->error_code, resp->error_message,
                                          sizeof resp->error_message);
            if (!resp->error_code[0] && cl->error_type[0]) {
                snprintf(resp->error_code, sizeof resp->error_code, "%.127s", cl->error_type);
                aws_error_sanitize(resp->error_code);
            }
        }
        if (c->out)
            out_trace(c->out, "  < HTTP %ld in %lld ms, %zu bytes%s%s%s%s", status, took,
                      resp->body_len, resp->request_id ? ", request id " : "",
                      resp->request_id ? resp->request_id : "", resp->error_code[0] ? ", " : "",
                      resp->error_code);
        if (status >= 300) {
            const char *code = resp->error_code;
            throttled = status == 429 || aws_error_is_throttling(code);
            retry = throttled || aws_error_is_transient(code, status) ||
                    (clock_corrected && aws_error_is_clock_skew(code));
        }
    }
    resp->attempts = cl->attempt;

    if (!retry && network_error) {
        finish(cl, CC_EAWS);
        return;
    }
    if (!retry) {
        /* final response */
        if (status < 300) {
            int refund = cl->retry_cost_taken ? cl->retry_cost_taken : NO_RETRY_INCREMENT;
            c->retry_tokens += refund;
            if (c->retry_tokens > RETRY_QUOTA_INITIAL)
                c->retry_tokens = RETRY_QUOTA_INITIAL;
            finish(cl, 0);
            return;
        }
        int st = aws_error_status(resp->error_code, status);
        if (st == CC_EDENIED) {
            cc_err_set(cl->err, CC_EDENIED, "aws.denied", "AWS denied %s: %s%s%s (HTTP %ld)",
                       op_name(cl), resp->error_code[0] ? resp->error_code : "access denied",
                       resp->error_message[0] ? ": " : "", resp->error_message, status);
            cc_err_hint(cl->err, "check which credentials are used (clinecfg whoami) and that "
                                 "they are allowed to call %s", op_name(cl));
            finish(cl, CC_EDENIED);
            return;
        }
        if (st == CC_EAWS) {
            cc_err_set(cl->err, CC_EAWS, "aws.error", "%s failed: HTTP %ld %s%s%s", op_name(cl),
                       status, resp->error_code, resp->error_message[0] ? ": " : "",
                       resp->error_message);
            cc_err_hint(cl->err, "AWS reported a server-side problem; try again later");
            finish(cl, CC_EAWS);
            return;
        }
        finish(cl, 0); /* the caller maps other errors */
        return;
    }

    /* retryable: within attempts and quota? */
    int cost = timeout ? RETRY_TIMEOUT_COST : RETRY_COST;
    bool skew_only = !network_error && clock_corrected && aws_error_is_clock_skew(resp->error_code) &&
                     !throttled && !aws_error_is_transient(resp->error_code, status);
    if (cl->attempt < c->max_attempts && (skew_only || c->retry_tokens >= cost)) {
        if (!skew_only) {
            c->retry_tokens -= cost;
            cl->retry_cost_taken += cost;
        }
        long delay = skew_only ? 0 : backoff_ms(c, cl->attempt, throttled);
        long ra = network_error ? -1 : parse_retry_after_ms(cl->retry_after);
        if (ra > delay)
            delay = ra > c->max_backoff_ms ? c->max_backoff_ms : ra;
        if (!cl->deadline_at || mono_ms() + delay < cl->deadline_at) {
            if (c->out)
                out_trace(c->out, "  retrying %s in %ld ms", op_name(cl), delay);
            cl->next_at = mono_ms() + delay;
            cl->state = CALL_WAITING;
            return;
        }
    }

    /* exhausted */
    if (!network_error) {
        cc_err_set(cl->err, CC_EAWS, throttled ? "aws.throttled" : "aws.error",
                   "%s failed after %d attempt%s: HTTP %ld %s%s%s", op_name(cl), cl->attempt,
                   cl->attempt == 1 ? "" : "s", status, resp->error_code,
                   resp->error_message[0] ? ": " : "", resp->error_message);
        cc_err_hint(cl->err, throttled ? "AWS is throttling these calls; wait a minute and try again"
                                       : "AWS reported a server-side problem; try again later");
        if (aws_error_is_clock_skew(resp->error_code))
            cc_err_hint(cl->err, "the request signature was rejected; check the system clock and "
                                 "the credentials (clinecfg whoami)");
    } else {
        size_t ml = strlen(cl->err->message);
        snprintf(cl->err->message + ml, sizeof cl->err->message - ml, " (after %d attempt%s)",
                 cl->attempt, cl->attempt == 1 ? "" : "s");
    }
    if (cl->deadline_at && mono_ms() + 50 >= cl->deadline_at) {
        size_t ml = strlen(cl->err->message);
        snprintf(cl->err->message + ml, sizeof cl->err->message - ml,
                 "; gave up on %s after the %ld s limit for this call", cl->scheme_authority,
                 (c->deadline_ms + 999) / 1000);
    }
    finish(cl, CC_EAWS);
}

/* True when the authority (host[:port], "[v6]:port") names this machine
 * literally: localhost, 127.0.0.0/8 or ::1.  Names are not resolved: a
 * name that resolves to loopback today may not tomorrow. */
static bool authority_is_loopback(const char *authority)
{
    char host[256];
    const char *end;
    if (authority[0] == '[') {
        end = strchr(authority, ']');
        if (!end)
            return false;
        authority++;
    } else {
        end = strchr(authority, ':');
        if (!end)
            end = authority + strlen(authority);
    }
    size_t n = (size_t)(end - authority);
    if (n == 0 || n >= sizeof host)
        return false;
    memcpy(host, authority, n);
    host[n] = '\0';
    if (!strcasecmp(host, "localhost") || !strcasecmp(host, "localhost."))
        return true;
    unsigned char a[16];
    if (inet_pton(AF_INET, host, a) == 1)
        return a[0] == 127;
    if (inet_pton(AF_INET6, host, a) == 1) {
        static const unsigned char v6_loopback[16] = {[15] = 1};
        return memcmp(a, v6_loopback, sizeof a) == 0;
    }
    return false;
}

/* Plain http:// would carry the signed request, and STS or SSO answers with
 * session secrets, in clear text.  Loopback (an emulator, a local proxy) is
 * fine; anything else needs --allow-insecure-endpoint, and then a warning.
 * The request webhook is not an AWS call and carries no credentials: it is
 * left to the org config that names it. */
static int check_transport(http_client *c, call *cl, cc_err *e)
{
    const char *u = cl->req->url_base;
    if (strncasecmp(u, "http://", 7) || authority_is_loopback(u + 7) ||
        (cl->req->service && !strcmp(cl->req->service, "webhook")))
        return 0;
    if (!insecure_endpoints_allowed) {
        cc_err_set(e, CC_EINPUT, "http.insecure_endpoint",
                   "refusing to send %s to %s: plain http:// to a host other than this machine would "
                   "carry credentials in clear text",
                   op_name(cl), cl->scheme_authority);
        cc_err_hint(e, "use an https:// endpoint (check AWS_ENDPOINT_URL*, endpoint_url in the AWS "
                       "profile and the SSO start URL), or pass --allow-insecure-endpoint if the "
                       "network to it is trusted");
        return CC_EINPUT;
    }
    if (!c->insecure_warned) {
        c->insecure_warned = true;
        if (c->out)
            out_warn(c->out, "sending AWS requests to %s over plain http:// "
                             "(--allow-insecure-endpoint): credentials cross the network unencrypted",
                     cl->scheme_authority);
        else
            fprintf(stderr, "warning: sending AWS requests to %s over plain http:// "
                            "(--allow-insecure-endpoint): credentials cross the network unencrypted\n",
                    cl->scheme_authority);
    }
    return 0;
}

/* Refuses a request that cannot be sent as it is: no method, service or
 * region, a bad base URL, spaces or control characters in the path, query,
 * headers or credentials (a stray line break would split a header). */
static int check_request(http_client *c, call *cl, cc_err *e)
{
    const aws_request *q = cl->req;
    int rc = parse_base(cl, e);
    if (!rc)
        rc = check_transport(c, cl, e);
    if (!rc && (!q->method || !q->service || !q->region))
        rc = cc_err_set(e, CC_EINTERNAL, "http.request", "request for %s lacks a method, service or region",
                        op_name(cl));
    if (!rc && (has_ctl_or_space(q->path, false) || has_ctl_or_space(q->query, false)))
        rc = cc_err_set(e, CC_EINPUT, "http.request",
                        "request path or query for %s contains spaces or control characters", op_name(cl));
    if (!rc && (has_ctl_or_space(q->content_type, true) ||
                (q->creds && (has_ctl_or_space(q->creds->access_key_id, false) ||
                              has_ctl_or_space(q->creds->session_token, false)))))
        rc = cc_err_set(e, CC_EINPUT, "aws.credentials",
                        "the AWS credentials or headers for %s contain spaces or control "
                        "characters",
                        op_name(cl));
    for (size_t h = 0; !rc && q->extra_headers && q->extra_headers[h]; h++)
        if (has_ctl_or_space(q->extra_headers[h], true))
            rc = cc_err_set(e, CC_EINPUT, "http.request", "a header for %s contains control characters",
                            op_name(cl));
    if (rc == CC_EINPUT && !strcmp(e->code, "aws.credentials"))
        cc_err_hint(e, "check AWS_ACCESS_KEY_ID / AWS_SESSION_TOKEN or the profile for "
                       "stray line breaks");
    return rc;
}

/* Sleeps until socket activity or the earliest backoff ends, unless some
 * call could start now. */
static void wait_for_work(http_client *c, const call *calls, size_t n, size_t active, size_t max_in_flight)
{
    bool any_ready = false;
    long long now = mono_ms();
    long long wake = now + 1000;
    for (size_t i = 0; i < n && !any_ready; i++) {
        if (calls[i].state != CALL_WAITING)
            continue;
        if (calls[i].started && calls[i].next_at < wake)
            wake = calls[i].next_at;
        any_ready = (calls[i].started && calls[i].next_at <= now) || (!calls[i].started && active < max_in_flight);
    }
    if (!any_ready) {
        long long t = wake - now;
        if (t < 0)
            t = 0;
        if (t > 1000)
            t = 1000;
        curl_multi_poll(c->multi, NULL, 0, (int)t, NULL);
    }
}

int http_aws_call_many(http_client *c, const aws_request *reqs, size_t n, size_t max_in_flight,
                       aws_response *results, int *statuses, cc_err *errs)
{
    if (!n)
        return 0;
    if (max_in_flight == 0)
        max_in_flight = 1;
    call *calls = calloc(n, sizeof *calls);
    if (!calls) {
        for (size_t i = 0; i < n; i++) {
            memset(&results[i], 0, sizeof results[i]);
            statuses[i] = cc_err_oom(&errs[i]);
        }
        return CC_EINTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        memset(&results[i], 0, sizeof results[i]);
        cc_err_clear(&errs[i]);
        calls[i].req = &reqs[i];
        calls[i].resp = &results[i];
        calls[i].err = &errs[i];
        calls[i].state = CALL_WAITING;
        make_uuid(calls[i].invocation_id);
        int rc = check_request(c, &calls[i], &errs[i]);
        if (rc)
            finish(&calls[i], rc);
    }

    size_t done = 0, active = 0, next_new = 0;
    for (size_t i = 0; i < n; i++)
        done += calls[i].state == CALL_DONE;
    curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)(max_in_flight > 16 ? max_in_flight : 16));
    while (done < n) {
        while (next_new < n && calls[next_new].state == CALL_DONE)
            next_new++;
        long long now = mono_ms();
        long long wake = now + 1000;
        /* start attempts: retries whose backoff ended, then new calls */
        for (size_t i = 0; i < n; i++) {
            call *cl = &calls[i];
            if (cl->state != CALL_WAITING)
                continue;
            if (!cl->started) {
                if (i != next_new || active >= max_in_flight)
                    continue;
                cl->started = true;
                if (c->deadline_ms)
                    cl->deadline_at = now + c->deadline_ms;
                active++;
                next_new++;
            }
            if (cl->next_at > now) {
                if (cl->next_at < wake)
                    wake = cl->next_at;
                continue;
            }
            int rc = start_attempt(c, cl);
            if (rc) {
                finish(cl, rc);
                active--;
                done++;
            }
        }
        while (next_new < n && calls[next_new].state == CALL_DONE)
            next_new++;
        if (done >= n)
            break;
        int running = 0;
        curl_multi_perform(c->multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(c->multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            call *cl = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&cl);
            if (!cl)
                continue;
            on_attempt_done(c, cl, msg->data.result);
            if (cl->state == CALL_DONE) {
                active--;
                done++;
            }
        }
        if (done >= n)
            break;
        wait_for_work(c, calls, n, active, max_in_flight);
    }

    int first = 0;
    for (size_t i = 0; i < n; i++) {
        statuses[i] = calls[i].status;
        if (calls[i].status && !first)
            first = calls[i].status;
        call_cleanup(&calls[i]);
    }
    free(calls);
    return first;
}

int http_aws_call(http_client *c, const aws_request *req, aws_response *resp, cc_err *err)
{
    int status = 0;
    cc_err local;
    int rc = http_aws_call_many(c, req, 1, 1, resp, &status, &local);
    if (err)
        *err = local;
    return rc ? rc : status;
}

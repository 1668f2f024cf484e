/*
 * test_http.c - the AWS HTTP client against a scripted loopback server
 * running in a thread: what goes on the wire (path as-is, Host, no Expect,
 * SDK headers, signing), retries and backoff, Retry-After, clock-skew
 * correction, the body cap, keep-alive, bounded concurrency, trace
 * redaction, and the service-down bound.
 *
 * With "--driver ..." the same binary is the request driver used by
 * tests/integration/aws_retry.sh against the Python emulator: it issues N
 * signed GET /inference-profiles/<id> calls through http_aws_call (or
 * http_aws_call_many) and prints one JSON summary line.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/http.h"
#include "clinecfg/sigv4.h"

/* ---------------------------------------------------------------- server */

#define MAX_REQS 512

typedef struct srv_request {
    char *head; /* request line + headers */
    size_t body_len;
    int conn_id;
} srv_request;

typedef struct server server;
/* Writes the response for request number idx (0-based) to fd.  Returns false
 * to close the connection without answering. */
typedef bool (*responder)(server *s, int idx, const srv_request *r, int fd);

struct server {
    int listen_fd;
    int port;
    responder respond;
    pthread_mutex_t lock;
    srv_request reqs[MAX_REQS];
    int nreqs;
    int connections;
    int active, max_active; /* concurrent requests being handled */
    int script_state;
    pthread_t thread;
    volatile int stop;
};

typedef struct conn_arg {
    server *s;
    int fd;
    int id;
} conn_arg;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void *conn_main(void *argp)
{
    conn_arg *a = argp;
    server *s = a->s;
    char *buf = malloc(1 << 20);
    size_t len = 0;
    for (;;) {
        char *end;
        while (!(end = memmem(buf, len, "\r\n\r\n", 4))) {
            if (len >= (1 << 20) - 1)
                goto out;
            ssize_t r = recv(a->fd, buf + len, (1 << 20) - 1 - len, 0);
            if (r <= 0)
                goto out;
            len += (size_t)r;
        }
        size_t head_len = (size_t)(end - buf) + 4;
        size_t body_len = 0;
        char *head = strndup(buf, head_len);
        for (char *l = head; l && *l; l = strstr(l, "\r\n") ? strstr(l, "\r\n") + 2 : NULL)
            if (!strncasecmp(l, "Content-Length:", 15))
                body_len = strtoul(l + 15, NULL, 10);
        /* discard the body (it may be larger than the buffer) */
        size_t have = len - head_len;
        size_t need = body_len;
        if (have >= need) {
            memmove(buf, buf + head_len + need, have - need);
            len = have - need;
        } else {
            need -= have;
            len = 0;
            while (need) {
                ssize_t r = recv(a->fd, buf, need < (1 << 20) ? need : (1 << 20), 0);
                if (r <= 0) {
                    free(head);
                    goto out;
                }
                need -= (size_t)r;
            }
        }
        pthread_mutex_lock(&s->lock);
        int idx = s->nreqs;
        if (s->nreqs < MAX_REQS) {
            s->reqs[idx].head = head;
            s->reqs[idx].body_len = body_len;
            s->reqs[idx].conn_id = a->id;
            s->nreqs++;
        } else {
            free(head);
            idx = MAX_REQS - 1;
        }
        s->active++;
        if (s->active > s->max_active)
            s->max_active = s->active;
        srv_request copy = s->reqs[idx];
        pthread_mutex_unlock(&s->lock);
        bool keep = s->respond(s, idx, &copy, a->fd);
        pthread_mutex_lock(&s->lock);
        s->active--;
        pthread_mutex_unlock(&s->lock);
        if (!keep)
            break;
    }
out:
    free(buf);
    close(a->fd);
    free(a);
    return NULL;
}

static void *accept_main(void *argp)
{
    server *s = argp;
    while (!s->stop) {
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        if (s->stop) {
            close(fd);
            break;
        }
        conn_arg *a = malloc(sizeof *a);
        a->s = s;
        a->fd = fd;
        pthread_mutex_lock(&s->lock);
        a->id = ++s->connections;
        pthread_mutex_unlock(&s->lock);
        pthread_t t;
        pthread_create(&t, NULL, conn_main, a);
        pthread_detach(t);
    }
    return NULL;
}

static server *server_start(responder fn)
{
    server *s = calloc(1, sizeof *s);
    s->respond = fn;
    pthread_mutex_init(&s->lock, NULL);
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s->listen_fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(s->listen_fd, 64), 0);
    socklen_t sl = sizeof sa;
    getsockname(s->listen_fd, (struct sockaddr *)&sa, &sl);
    s->port = ntohs(sa.sin_port);
    pthread_create(&s->thread, NULL, accept_main, s);
    return s;
}

static void server_stop(server *s)
{
    s->stop = 1;
    /* wake accept() */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    connect(fd, (struct sockaddr *)&sa, sizeof sa);
    close(fd);
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    usleep(50 * 1000); /* let connection threads notice the closed sockets */
    for (int i = 0; i < s->nreqs; i++)
        free(s->reqs[i].head);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static void reply(int fd, int status, const char *extra_headers, const char *body)
{
    char head[1024];
    size_t bl = body ? strlen(body) : 0;
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nContent-Type: application/json\r\n"
                     "x-amzn-RequestId: req-%d\r\n%s\r\n",
                     status, bl, status, extra_headers ? extra_headers : "");
    write_all(fd, head, (size_t)n);
    if (bl)
        write_all(fd, body, bl);
}

/* Value of header `name` in a request head (malloc'd), or NULL. */
static char *req_header(const srv_request *r, const char *name)
{
    size_t nl = strlen(name);
    for (const char *l = strstr(r->head, "\r\n"); l; l = strstr(l, "\r\n")) {
        l += 2;
        if (!strncasecmp(l, name, nl) && l[nl] == ':') {
            const char *v = l + nl + 1;
            while (*v == ' ')
                v++;
            return strndup(v, strcspn(v, "\r\n"));
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------- client */

static aws_credentials test_creds(void)
{
    aws_credentials c = {0};
    c.access_key_id = strdup("AKIDTESTKEY000000000");
    c.secret_access_key = strdup("SeCrEtKeYvAlUe/+xyzSeCrEtKeYvAlUe/+xyz00");
    c.session_token = strdup("SessionTokenValue+/=Zq9");
    snprintf(c.source, sizeof c.source, "test");
    return c;
}

typedef struct fixture {
    server *srv;
    http_client *client;
    aws_credentials creds;
    char base[64];
    FILE *trace;
    cc_out out;
} fixture;

static void fixture_open(fixture *f, responder fn, const http_opts *extra)
{
    memset(f, 0, sizeof *f);
    f->srv = server_start(fn);
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", f->srv->port);
    f->creds = test_creds();
    f->trace = tmpfile();
    f->out.verbose = 1;
    f->out.errf = f->trace;
    f->out.outf = f->trace;
    http_opts o = extra ? *extra : (http_opts){0};
    o.out = &f->out;
    if (!o.retry_base_ms)
        o.retry_base_ms = 20;
    if (!o.throttle_base_ms)
        o.throttle_base_ms = 50;
    cc_err err = {0};
    assert_int_equal(http_client_new(&o, &f->client, &err), 0);
}

static void fixture_close(fixture *f)
{
    http_client_free(f->client);
    server_stop(f->srv);
    aws_credentials_wipe(&f->creds);
    fclose(f->trace);
}

static aws_request get_req(const fixture *f, const char *path)
{
    aws_request r = {.method = "GET", .url_base = f->base, .path = path, .service = "bedrock",
                     .region = "us-east-1", .creds = &f->creds,
                     .operation = "bedrock:GetInferenceProfile"};
    return r;
}

static char *read_trace(fixture *f)
{
    fflush(f->trace);
    long n = ftell(f->trace);
    char *b = calloc(1, (size_t)n + 1);
    rewind(f->trace);
    size_t got = fread(b, 1, (size_t)n, f->trace);
    b[got] = '\0';
    return b;
}

/* ---------------------------------------------------------------- tests */

static bool respond_ok(server *s, int idx, const srv_request *r, int fd)
{
    reply(fd, 200, NULL, "{\"ok\":true}");
    return true;
}

static void test_wire_shape(void **state)
{
    fixture f;
    fixture_open(&f, respond_ok, NULL);
    aws_request r = get_req(&f, "/inference-profiles/arn%3Aaws%3Ax%2Fy/./z/../w");
    r.query = "type=APPLICATION&maxResults=5";
    aws_response resp;
    cc_err err = {0};
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), 0);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.body, "{\"ok\":true}");
    assert_string_equal(resp.request_id, "req-200");
    assert_int_equal(resp.attempts, 1);
    aws_response_free(&resp);

    /* a 2 MB POST: no Expect: 100-continue, body signed as sent */
    size_t big = 2u << 20;
    char *body = malloc(big);
    memset(body, 'a', big);
    aws_request p = get_req(&f, "/tagResource");
    p.method = "POST";
    p.body = body;
    p.body_len = big;
    p.content_type = "application/json";
    assert_int_equal(http_aws_call(f.client, &p, &resp, &err), 0);
    aws_response_free(&resp);
    free(body);

    assert_int_equal(f.srv->nreqs, 2);
    const srv_request *g = &f.srv->reqs[0];
    char want_line[256];
    snprintf(want_line, sizeof want_line,
             "GET /inference-profiles/arn%%3Aaws%%3Ax%%2Fy/./z/../w?type=APPLICATION&maxResults=5 HTTP/1.1\r\n");
    assert_true(!strncmp(g->head, want_line, strlen(want_line)));
    char *host = req_header(g, "Host");
    char want_host[64];
    snprintf(want_host, sizeof want_host, "127.0.0.1:%d", f.srv->port);
    assert_string_equal(host, want_host);
    free(host);
    char *inv = req_header(g, "amz-sdk-invocation-id");
    assert_non_null(inv);
    assert_int_equal(strlen(inv), 36);
    assert_int_equal(inv[14], '4');
    free(inv);
    char *att = req_header(g, "amz-sdk-request");
    assert_string_equal(att, "attempt=1; max=3");
    free(att);
    char *tok = req_header(g, "X-Amz-Security-Token");
    assert_string_equal(tok, "SessionTokenValue+/=Zq9");
    free(tok);
    char *auth = req_header(g, "Authorization");
    assert_non_null(auth);
    const char *auth_prefix = "AWS4-HMAC-SHA256 Credential=AKIDTESTKEY000000000/";
    assert_true(!strncmp(auth, auth_prefix, strlen(auth_prefix)));
    assert_non_null(strstr(auth, "/us-east-1/bedrock/aws4_request, SignedHeaders=amz-sdk-invocation-id;"
                                 "amz-sdk-request;host;x-amz-date;x-amz-security-token, Signature="));
    free(auth);
    const srv_request *po = &f.srv->reqs[1];
    assert_int_equal(po->body_len, big);
    char *expect = req_header(po, "Expect");
    assert_null(expect);
    char *pauth = req_header(po, "Authorization");
    assert_non_null(strstr(pauth, "SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-type;host;"));
    free(pauth);
    /* both calls used one connection */
    assert_int_equal(f.srv->connections, 1);
    fixture_close(&f);
    (void)state;
}

/* Re-computes the signature of a received GET from its headers, as the
 * emulator would, to prove curl sent what was signed. */
static void test_signature_matches_wire(void **state)
{
    fixture f;
    fixture_open(&f, respond_ok, NULL);
    aws_request r = get_req(&f, "/inference-profiles/apac.anthropic.claude-3-5-sonnet-20240620-v1%3A0");
    aws_response resp;
    cc_err err = {0};
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), 0);
    aws_response_free(&resp);
    const srv_request *g = &f.srv->reqs[0];
    char *names[] = {"amz-sdk-invocation-id", "amz-sdk-request", "host", "x-amz-date",
                     "x-amz-security-token"};
    char *vals[5];
    sigv4_header h[5];
    for (int i = 0; i < 5; i++) {
        vals[i] = req_header(g, names[i]);
        assert_non_null(vals[i]);
        h[i].name = names[i];
        h[i].value = vals[i];
    }
    /* x-amz-date and the token are added by the signer itself */
    sigv4_request sr = {.method = "GET",
                        .path = "/inference-profiles/apac.anthropic.claude-3-5-sonnet-20240620-v1%3A0",
                        .headers = h, .nheaders = 3};
    struct tm tmv = {0};
    assert_non_null(strptime(vals[3], "%Y%m%dT%H%M%SZ", &tmv));
    time_t when = timegm(&tmv);
    sigv4_params sp = {.access_key_id = f.creds.access_key_id,
                       .secret_access_key = f.creds.secret_access_key,
                       .session_token = f.creds.session_token, .region = "us-east-1",
                       .service = "bedrock", .when = when, .sign_session_token = true};
    sigv4_result res;
    assert_int_equal(sigv4_sign(&sr, &sp, &res, NULL), 0);
    char *auth = req_header(g, "Authorization");
    assert_string_equal(auth, res.authorization);
    free(auth);
    sigv4_result_free(&res);
    for (int i = 0; i < 5; i++)
        free(vals[i]);
    fixture_close(&f);
    (void)state;
}

static bool respond_fail_twice(server *s, int idx, const srv_request *r, int fd)
{
    if (idx < 2)
        reply(fd, idx == 0 ? 500 : 503, NULL, "{\"message\":\"boom\"}");
    else
        reply(fd, 200, NULL, "{}");
    return true;
}

static void test_retries_then_success(void **state)
{
    fixture f;
    fixture_open(&f, respond_fail_twice, NULL);
    aws_request r = get_req(&f, "/x");
    aws_response resp;
    cc_err err = {0};
    long long t0 = now_ms();
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), 0);
    /* backoff base is 20 ms here: two retries wait at most 20 + 40 ms */
    assert_true(now_ms() - t0 < 900);
    assert_int_equal(resp.status, 200);
    assert_int_equal(resp.attempts, 3);
    assert_string_equal(resp.error_code, "");
    aws_response_free(&resp);
    assert_int_equal(f.srv->nreqs, 3);
    char *id0 = req_header(&f.srv->reqs[0], "amz-sdk-invocation-id");
    for (int i = 0; i < 3; i++) {
        char *id = req_header(&f.srv->reqs[i], "amz-sdk-invocation-id");
        assert_string_equal(id, id0);
        free(id);
        char *att = req_header(&f.srv->reqs[i], "amz-sdk-request");
        char want[32];
        snprintf(want, sizeof want, "attempt=%d; max=3", i + 1);
        assert_string_equal(att, want);
        free(att);
    }
    free(id0);
    fixture_close(&f);
    (void)state;
}

static bool respond_always_503(server *s, int idx, const srv_request *r, int fd)
{
    reply(fd, 503, "x-amzn-ErrorType: ServiceUnavailableException\r\n", "{\"message\":\"down\"}");
    return true;
}

static void test_retries_exhausted(void **state)
{
    fixture f;
    http_opts o = {.max_attempts = 4};
    fixture_open(&f, respond_always_503, &o);
    aws_request r = get_req(&f, "/x");
    aws_response resp;
    cc_err err = {0};
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), CC_EAWS);
    assert_int_equal(err.status, CC_EAWS);
    assert_int_equal(resp.attempts, 4);
    assert_int_equal(resp.status, 503);
    assert_string_equal(resp.error_code, "ServiceUnavailableException");
    assert_non_null(strstr(err.message, "after 4 attempts"));
    assert_non_null(strstr(err.message, "bedrock:GetInferenceProfile"));
    aws_response_free(&resp);
    assert_int_equal(f.srv->nreqs, 4);
    fixture_close(&f);
    (void)state;
}

static bool respond_throttle_once(server *s, int idx, const srv_request *r, int fd)
{
    if (idx == 0)
        reply(fd, 429, "x-amzn-ErrorType: ThrottlingException\r\nRetry-After: 1\r\n",
              "{\"message\":\"Rate exceeded\"}");
    else
        reply(fd, 200, NULL, "{}");
    return true;
}

static void test_throttling_retry_after(void **state)
{
    fixture f;
    fixture_open(&f, respond_throttle_once, NULL);
    aws_request r = get_req(&f, "/x");
    aws_response resp;
    cc_err err = {0};
    long long t0 = now_ms();
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), 0);
    long long took = now_ms() - t0;
    assert_int_equal(resp.status, 200);
    assert_int_equal(resp.attempts, 2);
    assert_true(took >= 950);
    assert_true(took < 5000);
    aws_response_free(&resp);
    fixture_close(&f);
    (void)state;
}

static bool respond_client_errors(server *s, int idx, const srv_request *r, int fd)
{
    if (strstr(r->head, "GET /denied "))
        reply(fd, 403, "x-amzn-ErrorType: AccessDeniedException:http://internal\r\n",
              "{\"message\":\"User: x is not authorized\"}");
    else if (strstr(r->head, "GET /conflict "))
        reply(fd, 400, NULL, "{\"__type\":\"ns#ConflictException\",\"message\":\"taken\"}");
    else if (strstr(r->head, "GET /sts "))
        reply(fd, 403, "Content-Type: text/xml\r\n",
              "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
              "<Message>bad token</Message></Error></ErrorResponse>");
    else
        reply(fd, 404, "x-amzn-ErrorType: ResourceNotFoundException\r\n", "not json at all");
    return true;
}

static void test_client_errors_not_retried(void **state)
{
    fixture f;
    fixture_open(&f, respond_client_errors, NULL);
    aws_response resp;
    cc_err err = {0};
    aws_request r = get_req(&f, "/denied");
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), CC_EDENIED);
    assert_string_equal(resp.error_code, "AccessDeniedException");
    assert_string_equal(resp.error_message, "User: x is not authorized");
    assert_int_equal(resp.attempts, 1);
    assert_non_null(strstr(err.message, "AccessDeniedException"));
    assert_true(err.hint[0]);
    aws_response_free(&resp);

    r = get_req(&f, "/conflict");
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), 0);
    assert_int_equal(resp.status, 400);
    assert_string_equal(resp.error_code, "ConflictException");
    assert_string_equal(resp.error_message, "taken");
    aws_response_free(&resp);

    r = get_req(&f, "/sts");
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), CC_EDENIED);
    assert_string_equal(resp.error_code, "InvalidClientTokenId");
    aws_response_free(&resp);

    r = get_req(&f, "/missing");
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), 0);
    assert_int_equal(resp.status, 404);
    assert_string_equal(resp.error_code, "ResourceNotFoundException");
    aws_response_free(&resp);
    assert_int_equal(f.srv->nreqs, 4);
    fixture_close(&f);
    (void)state;
}

/* First attempt: the server's clock is an hour ahead and the signature is
 * rejected as skewed; the client must correct its clock and retry. */
static bool respond_skew(server *s, int idx, const srv_request *r, int fd)
{
    time_t ahead = time(NULL) + 3600;
    struct tm tmv;
    gmtime_r(&ahead, &tmv);
    char date[128];
    strftime(date, sizeof date, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tmv);
    if (idx == 0)
        reply(fd, 403, date, "{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature expired\"}");
    else
        reply(fd, 200, date, "{}");
    return true;
}

static void test_clock_skew_corrected(void **state)
{
    fixture f;
    fixture_open(&f, respond_skew, NULL);
    aws_request r = get_req(&f, "/x");
    aws_response resp;
    cc_err err = {0};
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), 0);
    assert_int_equal(resp.status, 200);
    assert_int_equal(resp.attempts, 2);
    aws_response_free(&resp);
    long off = http_client_clock_offset(f.client);
    assert_true(off >= 3595 && off <= 3605);
    char *d0 = req_header(&f.srv->reqs[0], "X-Amz-Date");
    char *d1 = req_header(&f.srv->reqs[1], "X-Amz-Date");
    struct tm t0 = {0}, t1 = {0};
    strptime(d0, "%Y%m%dT%H%M%SZ", &t0);
    strptime(d1, "%Y%m%dT%H%M%SZ", &t1);
    long diff = (long)(timegm(&t1) - timegm(&t0));
    assert_true(diff >= 3595 && diff <= 3610);
    free(d0);
    free(d1);
    fixture_close(&f);
    (void)state;
}

static bool respond_huge(server *s, int idx, const srv_request *r, int fd)
{
    /* chunked, no length: 17 MB of JSON-ish bytes */
    const char *h = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    write_all(fd, h, strlen(h));
    static char chunk[65536];
    memset(chunk, 'x', sizeof chunk);
    char sz[32];
    for (int i = 0; i < 17 * 16; i++) {
        int n = snprintf(sz, sizeof sz, "%zx\r\n", sizeof chunk);
        write_all(fd, sz, (size_t)n);
        write_all(fd, chunk, sizeof chunk);
        write_all(fd, "\r\n", 2);
    }
    write_all(fd, "0\r\n\r\n", 5);
    return false;
}

static bool respond_declared_huge(server *s, int idx, const srv_request *r, int fd)
{
    const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 17825792\r\n\r\n{\"a\":";
    write_all(fd, h, strlen(h));
    return false;
}

static void test_body_cap(void **state)
{
    fixture f;
    fixture_open(&f, respond_huge, NULL);
    aws_request r = get_req(&f, "/chunked");
    aws_response resp;
    cc_err err = {0};
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), CC_EAWS);
    assert_string_equal(err.code, "aws.response_too_large");
    assert_int_equal(f.srv->nreqs, 1); /* not retried */
    aws_response_free(&resp);
    fixture_close(&f);

    fixture_open(&f, respond_declared_huge, NULL);
    r = get_req(&f, "/declared");
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), CC_EAWS);
    assert_string_equal(err.code, "aws.response_too_large");
    assert_int_equal(f.srv->nreqs, 1);
    aws_response_free(&resp);
    fixture_close(&f);
    (void)state;
}

static void test_keep_alive(void **state)
{
    fixture f;
    fixture_open(&f, respond_ok, NULL);
    for (int i = 0; i < 100; i++) {
        aws_request r = get_req(&f, "/inference-profiles/p");
        aws_response resp;
        cc_err err = {0};
        assert_int_equal(http_aws_call(f.client, &r, &resp, &err), 0);
        aws_response_free(&resp);
    }
    assert_int_equal(f.srv->nreqs, 100);
    assert_int_equal(f.srv->connections, 1);
    fixture_close(&f);
    (void)state;
}

static bool respond_slow(server *s, int idx, const srv_request *r, int fd)
{
    usleep(40 * 1000);
    if (strstr(r->head, "GET /p7 ")) {
        pthread_mutex_lock(&s->lock);
        bool first = s->script_state++ == 0;
        pthread_mutex_unlock(&s->lock);
        if (first) {
            reply(fd, 500, NULL, "{}");
            return true;
        }
    }
    reply(fd, 200, NULL, "{\"slow\":1}");
    return true;
}

static void test_call_many_bounded(void **state)
{
    fixture f;
    fixture_open(&f, respond_slow, NULL);
    enum { N = 20 };
    aws_request reqs[N];
    char paths[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(paths[i], sizeof paths[i], "/p%d", i);
        reqs[i] = get_req(&f, paths[i]);
    }
    aws_response res[N];
    int st[N];
    cc_err errs[N];
    long long t0 = now_ms();
    assert_int_equal(http_aws_call_many(f.client, reqs, N, 4, res, st, errs), 0);
    long long took = now_ms() - t0;
    for (int i = 0; i < N; i++) {
        assert_int_equal(st[i], 0);
        assert_int_equal(res[i].status, 200);
        assert_int_equal(res[i].attempts, i == 7 ? 2 : 1);
        aws_response_free(&res[i]);
    }
    assert_int_equal(f.srv->nreqs, N + 1);
    assert_true(f.srv->max_active <= 4);
    assert_true(f.srv->max_active >= 2); /* it did run in parallel */
    assert_true(f.srv->connections <= 4);
    assert_true(took < 20 * 40); /* faster than sequential */
    fixture_close(&f);
    (void)state;
}

/* Plain http:// is for this machine only: a host elsewhere is refused
 * before any I/O (resp.attempts stays 0), naming the endpoint and the flag;
 * loopback in every spelling is sent (here: refused connections). */
static void test_insecure_endpoint(void **state)
{
    (void)state;
    http_client *c;
    cc_err err = {0};
    http_opts o = {.connect_timeout_ms = 500, .total_timeout_ms = 1000, .retry_base_ms = 10, .max_attempts = 1};
    assert_int_equal(http_client_new(&o, &c, &err), 0);
    aws_request r = {.method = "GET", .path = "/x", .service = "sts", .region = "us-east-1",
                     .operation = "sts:GetCallerIdentity"};
    aws_response resp;
    static const char *const refused[] = {"http://198.51.100.7:8080", "http://127.0.0.1.example.com:1",
                                          "http://localhost.example.com", "http://10.0.0.1",
                                          "http://[::2]:80", "http://0x7f000001:1", "HTTP://192.0.2.1/prefix"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        r.url_base = refused[i];
        assert_int_equal(http_aws_call(c, &r, &resp, &err), CC_EINPUT);
        assert_string_equal(err.code, "http.insecure_endpoint");
        assert_int_equal(resp.attempts, 0);
        assert_non_null(strstr(err.hint, "--allow-insecure-endpoint"));
        aws_response_free(&resp);
    }
    r.url_base = "http://198.51.100.7:8080/p";
    assert_int_equal(http_aws_call(c, &r, &resp, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "http://198.51.100.7:8080"));
    aws_response_free(&resp);
    static const char *const loopback[] = {"http://127.0.0.1:1", "http://127.9.8.7:1", "http://localhost:1",
                                           "http://LOCALHOST:1", "http://[::1]:1"};
    for (size_t i = 0; i < sizeof loopback / sizeof loopback[0]; i++) {
        r.url_base = loopback[i];
        assert_int_equal(http_aws_call(c, &r, &resp, &err), CC_EAWS);
        assert_string_equal(err.code, "aws.network");
        assert_int_equal(resp.attempts, 1);
        aws_response_free(&resp);
    }
    http_client_free(c);
}

static void test_service_down(void **state)
{
    /* a port that was just closed: connection refused */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(fd, (struct sockaddr *)&sa, sizeof sa);
    socklen_t sl = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    int port = ntohs(sa.sin_port);
    close(fd);
    http_client *c;
    cc_err err = {0};
    http_opts o = {.connect_timeout_ms = 500, .total_timeout_ms = 1000, .retry_base_ms = 50};
    assert_int_equal(http_client_new(&o, &c, &err), 0);
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
    aws_request r = {.method = "GET", .url_base = base, .path = "/x", .service = "bedrock",
                     .region = "us-east-1", .operation = "bedrock:ListInferenceProfiles"};
    aws_response resp;
    long long t0 = now_ms();
    assert_int_equal(http_aws_call(c, &r, &resp, &err), CC_EAWS);
    assert_true(now_ms() - t0 < 3000);
    assert_int_equal(resp.attempts, 3);
    assert_int_equal(resp.status, 0);
    assert_string_equal(err.code, "aws.network");
    assert_non_null(strstr(err.message, "after 3 attempts"));
    assert_true(err.hint[0]);
    aws_response_free(&resp);

    /* a token with a line break would inject headers: refused before any I/O */
    aws_credentials bad = {.access_key_id = (char *)"AKID", .secret_access_key = (char *)"s",
                           .session_token = (char *)"tok\r\nX-Evil: 1"};
    r.creds = &bad;
    assert_int_equal(http_aws_call(c, &r, &resp, &err), CC_EINPUT);
    assert_string_equal(err.code, "aws.credentials");
    assert_int_equal(resp.attempts, 0);
    aws_response_free(&resp);
    r.creds = NULL;
    r.path = "/a b";
    assert_int_equal(http_aws_call(c, &r, &resp, &err), CC_EINPUT);
    aws_response_free(&resp);
    r.path = "/x";

    /* an unreadable CA bundle is bad input, found when the client is made */
    http_client *c2 = NULL;
    http_opts bad_ca = {.ca_bundle = "/nonexistent/ca.pem"};
    assert_int_equal(http_client_new(&bad_ca, &c2, &err), CC_EINPUT);
    assert_null(c2);
    assert_string_equal(err.code, "aws.ca_bundle");
    assert_non_null(strstr(err.hint, "AWS_CA_BUNDLE"));

    /* a malformed base URL is refused before any I/O */
    r.url_base = "ftp://example.com";
    assert_int_equal(http_aws_call(c, &r, &resp, &err), CC_EINPUT);
    aws_response_free(&resp);
    http_client_free(c);
    (void)state;
}

static void test_trace_redacts_secrets(void **state)
{
    fixture f;
    fixture_open(&f, respond_ok, NULL);
    aws_request r = get_req(&f, "/inference-profiles");
    const char *extra[] = {"x-amz-sso_bearer_token: BearerSecretXYZ", "x-custom: visible", NULL};
    r.extra_headers = extra;
    aws_response resp;
    cc_err err = {0};
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), 0);
    aws_response_free(&resp);
    char *t = read_trace(&f);
    assert_non_null(strstr(t, "GET http://127.0.0.1:"));
    assert_non_null(strstr(t, "HTTP 200"));
    assert_non_null(strstr(t, "x-custom: visible"));
    assert_non_null(strstr(t, "[redacted]"));
    assert_null(strstr(t, f.creds.secret_access_key));
    assert_null(strstr(t, f.creds.session_token));
    assert_null(strstr(t, "BearerSecretXYZ"));
    assert_null(strstr(t, "Signature="));
    /* the bearer header still reached the server (and was signed) */
    char *b = req_header(&f.srv->reqs[0], "x-amz-sso_bearer_token");
    assert_string_equal(b, "BearerSecretXYZ");
    free(b);
    free(t);
    fixture_close(&f);
    (void)state;
}

static void test_unsigned_call(void **state)
{
    fixture f;
    fixture_open(&f, respond_ok, NULL);
    aws_request r = get_req(&f, "/federation/credentials");
    r.query = "role_name=Dev&account_id=123456789012";
    r.creds = NULL;
    r.service = "awsssoportal";
    aws_response resp;
    cc_err err = {0};
    assert_int_equal(http_aws_call(f.client, &r, &resp, &err), 0);
    aws_response_free(&resp);
    char *a = req_header(&f.srv->reqs[0], "Authorization");
    assert_null(a);
    char *d = req_header(&f.srv->reqs[0], "X-Amz-Date");
    assert_null(d);
    fixture_close(&f);
    (void)state;
}

/* ---------------------------------------------------------------- driver */

static int driver(int argc, char **argv)
{
    const char *url = NULL, *id = "apac.anthropic.claude-3-5-sonnet-20240620-v1%3A0";
    const char *region = "ap-northeast-1", *path_fmt = NULL, *ca_bundle = NULL;
    int calls = 1, concurrency = 0, max_attempts = 0, verbose = 0;
    long connect_ms = 0, total_ms = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (!strcmp(a, name) && v && (i++, 1))
        if (OPT("--url"))
            url = v;
        else if (OPT("--id"))
            id = v;
        else if (OPT("--path"))
            path_fmt = v;
        else if (OPT("--ca-bundle"))
            ca_bundle = v;
        else if (OPT("--region"))
            region = v;
        else if (OPT("--calls"))
            calls = atoi(v);
        else if (OPT("--concurrency"))
            concurrency = atoi(v);
        else if (OPT("--max-attempts"))
            max_attempts = atoi(v);
        else if (OPT("--connect-timeout-ms"))
            connect_ms = atol(v);
        else if (OPT("--total-timeout-ms"))
            total_ms = atol(v);
        else if (!strcmp(a, "-v"))
            verbose = 1;
        else if (!strcmp(a, "--allow-insecure-endpoint"))
            http_allow_insecure_endpoints(true);
        else {
            fprintf(stderr, "driver: unknown argument %s\n", a);
            return 2;
        }
#undef OPT
    }
    if (!url || calls < 1) {
        fprintf(stderr, "usage: test_http --driver --url URL [--calls N] [--concurrency K] "
                        "[--id ID] [--max-attempts M] [--connect-timeout-ms MS] "
                        "[--total-timeout-ms MS] [--ca-bundle PEM] [--path P] [--allow-insecure-endpoint] [-v]\n");
        return 2;
    }
    aws_credentials creds = {0};
    const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
    const char *st = getenv("AWS_SESSION_TOKEN");
    if (!ak || !sk) {
        fprintf(stderr, "driver: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set\n");
        return 2;
    }
    creds.access_key_id = strdup(ak);
    creds.secret_access_key = strdup(sk);
    creds.session_token = st && *st ? strdup(st) : NULL;
    cc_out out = {.verbose = verbose, .errf = stderr, .outf = stderr};
    http_opts o = {.connect_timeout_ms = connect_ms, .total_timeout_ms = total_ms,
                   .max_attempts = max_attempts, .out = &out, .ca_bundle = ca_bundle};
    http_client *c;
    cc_err err = {0};
    if (http_client_new(&o, &c, &err)) {
        fprintf(stderr, "driver: %s\n", err.message);
        return 1;
    }
    char path[512];
    if (path_fmt)
        snprintf(path, sizeof path, "%s", path_fmt);
    else
        snprintf(path, sizeof path, "/inference-profiles/%s", id);
    aws_request *reqs = calloc((size_t)calls, sizeof *reqs);
    aws_response *res = calloc((size_t)calls, sizeof *res);
    int *sts = calloc((size_t)calls, sizeof *sts);
    cc_err *errs = calloc((size_t)calls, sizeof *errs);
    for (int i = 0; i < calls; i++)
        reqs[i] = (aws_request){.method = "GET", .url_base = url, .path = path,
                                .service = "bedrock", .region = region, .creds = &creds,
                                .operation = "bedrock:GetInferenceProfile"};
    long long t0 = now_ms();
    if (concurrency > 0) {
        http_aws_call_many(c, reqs, (size_t)calls, (size_t)concurrency, res, sts, errs);
    } else {
        for (int i = 0; i < calls; i++)
            sts[i] = http_aws_call(c, &reqs[i], &res[i], &errs[i]);
    }
    long long took = now_ms() - t0;
    int ok = 0, failed = 0, max_att = 0, first_status = 0, non2xx = 0;
    const char *first_msg = "", *first_hint = "";
    for (int i = 0; i < calls; i++) {
        if (sts[i] == 0 && res[i].status >= 200 && res[i].status < 300)
            ok++;
        else {
            failed++;
            if (sts[i] == 0)
                non2xx++;
            if (!first_status) {
                first_status = sts[i] ? sts[i] : CC_EAWS;
                first_msg = sts[i] ? errs[i].message : res[i].error_code;
                first_hint = sts[i] ? errs[i].hint : "";
            }
        }
        if (res[i].attempts > max_att)
            max_att = res[i].attempts;
    }
    printf("{\"calls\":%d,\"ok\":%d,\"failed\":%d,\"non_2xx\":%d,\"max_attempts_seen\":%d,"
           "\"elapsed_ms\":%lld,\"exit\":%d}\n",
           calls, ok, failed, non2xx, max_att, took, cc_exit_code(first_status));
    if (first_status)
        fprintf(stderr, "driver: first failure: %s\ndriver: hint: %s\n", first_msg, first_hint);
    for (int i = 0; i < calls; i++)
        aws_response_free(&res[i]);
    free(reqs);
    free(res);
    free(sts);
    free(errs);
    http_client_free(c);
    aws_credentials_wipe(&creds);
    return cc_exit_code(first_status);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--driver"))
        return driver(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_shape),
        cmocka_unit_test(test_signature_matches_wire),
        cmocka_unit_test(test_retries_then_success),
        cmocka_unit_test(test_retries_exhausted),
        cmocka_unit_test(test_throttling_retry_after),
        cmocka_unit_test(test_client_errors_not_retried),
        cmocka_unit_test(test_clock_skew_corrected),
        cmocka_unit_test(test_body_cap),
        cmocka_unit_test(test_keep_alive),
        cmocka_unit_test(test_call_many_bounded),
        cmocka_unit_test(test_service_down),
        cmocka_unit_test(test_insecure_endpoint),
        cmocka_unit_test(test_trace_redacts_secrets),
        cmocka_unit_test(test_unsigned_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_sigv4.c - SigV4 signer against the aws-c-auth v4 suite (38 cases,
 * read from ../shared/conformance/sigv4/v4 at run time), the older botocore
 * copy of the suite (extra/botocore-aws4_testsuite, 34 cases including the
 * repeated-query-key ones botocore itself skips), the official JS
 * signer's vectors (../shared/reference/sigv4-vectors.txt and aws-wire.md
 * section 7.1), and the encoder / normaliser edge cases.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "clinecfg/sigv4.h"

/* Parses "2015-08-30T12:36:00Z" without timegm. */
static time_t parse_utc(const char *s)
{
    int y, mo, d, h, mi, se;
    assert_int_equal(sscanf(s, "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &se), 6);
    y -= mo <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long days = era * 146097 + doe - 719468;
    return (time_t)(days * 86400 + h * 3600 + mi * 60 + se);
}

/* ---- the aws-c-auth suite ---- */

typedef struct parsed_request {
    char *method, *path, *query;
    sigv4_header h[32];
    char *names[32], *values[32];
    size_t nh;
    char *body;
    size_t body_len;
} parsed_request;

static void parse_request_txt(char *txt, size_t len, parsed_request *r)
{
    memset(r, 0, sizeof *r);
    char *end = txt + len;
    char *nl = strchr(txt, '\n');
    assert_non_null(nl);
    *nl = '\0';
    /* "METHOD URI HTTP/1.1"; the URI may contain spaces */
    char *sp = strchr(txt, ' ');
    char *ver = strstr(txt, " HTTP/");
    assert_non_null(sp);
    assert_non_null(ver);
    *sp = '\0';
    *ver = '\0';
    r->method = strdup(txt);
    char *uri = sp + 1;
    char *q = strchr(uri, '?');
    if (q) {
        *q = '\0';
        r->query = strdup(q + 1);
    }
    r->path = strdup(uri);
    char *line = nl + 1;
    while (line < end) {
        char *e = strchr(line, '\n');
        if (!e)
            e = end;
        size_t ll = (size_t)(e - line);
        if (ll == 0) {
            line = e < end ? e + 1 : end;
            break;
        }
        char *l = strndup(line, ll);
        if (l[0] == ' ' || l[0] == '\t') {
            /* continuation of the previous value */
            assert_true(r->nh > 0);
            char *prev = r->values[r->nh - 1];
            char *nv = NULL;
            assert_true(asprintf(&nv, "%s %s", prev, l) > 0);
            free(prev);
            r->values[r->nh - 1] = nv;
            free(l);
        } else {
            char *colon = strchr(l, ':');
            assert_non_null(colon);
            assert_true(r->nh < 32);
            *colon = '\0';
            r->names[r->nh] = strdup(l);
            r->values[r->nh] = strdup(colon + 1);
            r->nh++;
            free(l);
        }
        line = e < end ? e + 1 : end;
    }
    for (size_t i = 0; i < r->nh; i++) {
        r->h[i].name = r->names[i];
        r->h[i].value = r->values[i];
    }
    r->body_len = (size_t)(end - line);
    r->body = strndup(line, r->body_len);
}

static void free_parsed(parsed_request *r)
{
    free(r->method);
    free(r->path);
    free(r->query);
    for (size_t i = 0; i < r->nh; i++) {
        free(r->names[i]);
        free(r->values[i]);
    }
    free(r->body);
}

static char *case_file_text(const char *dir, const char *name, const char *file, size_t *len)
{
    char *p = NULL;
    assert_true(asprintf(&p, "%s/%s/%s", dir, name, file) > 0);
    char *t = test_read_file(p, len);
    if (!t)
        printf("cannot read %s\n", p);
    free(p);
    return t;
}

static int run_suite_case(const char *dir, const char *name)
{
    size_t len;
    char *req_txt = case_file_text(dir, name, "request.txt", &len);
    assert_non_null(req_txt);
    parsed_request r;
    parse_request_txt(req_txt, len, &r);

    char *ctx_txt = case_file_text(dir, name, "context.json", NULL);
    assert_non_null(ctx_txt);
    cJSON *ctx = cJSON_Parse(ctx_txt);
    assert_non_null(ctx);
    cJSON *creds = cJSON_GetObjectItem(ctx, "credentials");
    const char *token = cJSON_GetStringValue(cJSON_GetObjectItem(creds, "token"));
    sigv4_params prm = {
        .access_key_id = cJSON_GetStringValue(cJSON_GetObjectItem(creds, "access_key_id")),
        .secret_access_key = cJSON_GetStringValue(cJSON_GetObjectItem(creds, "secret_access_key")),
        .session_token = token,
        .region = cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "region")),
        .service = cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "service")),
        .when = parse_utc(cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "timestamp"))),
        .normalize_path = cJSON_IsTrue(cJSON_GetObjectItem(ctx, "normalize")),
        .sign_session_token = !cJSON_IsTrue(cJSON_GetObjectItem(ctx, "omit_session_token")),
        .sign_body = cJSON_IsTrue(cJSON_GetObjectItem(ctx, "sign_body")),
    };
    sigv4_request req = {
        .method = r.method, .path = r.path, .query = r.query, .headers = r.h, .nheaders = r.nh,
        .body = r.body, .body_len = r.body_len,
    };
    sigv4_result res;
    cc_err err = {0};
    int rc = sigv4_sign(&req, &prm, &res, &err);
    int failures = 0;
    if (rc != 0) {
        printf("FAIL %s: sigv4_sign returned %d: %s\n", name, rc, err.message);
        failures++;
    } else {
        static const char *const files[] = {"header-canonical-request.txt",
                                            "header-string-to-sign.txt", "header-signature.txt"};
        const char *got[] = {res.canonical_request, res.string_to_sign, res.signature};
        for (int i = 0; i < 3; i++) {
            char *want = case_file_text(dir, name, files[i], NULL);
            assert_non_null(want);
            if (strcmp(want, got[i]) != 0) {
                printf("FAIL %s: %s differs\n--- want\n%s\n--- got\n%s\n", name, files[i], want,
                       got[i]);
                failures++;
            }
            free(want);
        }
        /* the Authorization line of the signed request */
        char *signed_txt = case_file_text(dir, name, "header-signed-request.txt", NULL);
        assert_non_null(signed_txt);
        char *a = strstr(signed_txt, "\nAuthorization:");
        assert_non_null(a);
        a += strlen("\nAuthorization:");
        char *ae = strchr(a, '\n');
        if (ae)
            *ae = '\0';
        if (strcmp(a, res.authorization) != 0) {
            printf("FAIL %s: Authorization differs\n want %s\n  got %s\n", name, a,
                   res.authorization);
            failures++;
        }
        /* the headers the signer adds must be the ones the suite shows */
        if (prm.sign_body) {
            assert_non_null(res.content_sha256);
            assert_non_null(strstr(signed_txt, res.content_sha256));
        } else {
            assert_null(res.content_sha256);
        }
        free(signed_txt);
    }
    sigv4_result_free(&res);
    cJSON_Delete(ctx);
    free(ctx_txt);
    free_parsed(&r);
    free(req_txt);
    return failures;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_aws_c_auth_suite(void **state)
{
    (void)state;
    char conf[900], dir[1024];
    test_conformance_dir(conf, sizeof conf);
    if (snprintf(dir, sizeof dir, "%s/sigv4/v4", conf) >= (int)sizeof dir)
        fail_msg("conformance path too long");
    DIR *d = opendir(dir);
    if (!d) {
        printf("SKIP: SigV4 conformance suite absent (%s); not checking the 38 v4 cases\n", dir);
        skip();
    }
    char *names[128];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 128) {
        if (de->d_name[0] == '.')
            continue;
        char *p = NULL;
        struct stat st;
        assert_true(asprintf(&p, "%s/%s/request.txt", dir, de->d_name) > 0);
        if (stat(p, &st) == 0)
            names[n++] = strdup(de->d_name);
        free(p);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        failures += run_suite_case(dir, names[i]);
        free(names[i]);
    }
    printf("sigv4 suite: %zu cases, %d mismatches\n", n, failures);
    assert_int_equal(n, 38);
    assert_int_equal(failures, 0);
}

/* ---- the older botocore copy of the suite (.req/.creq/.sts/.authz) ---- */

/* Signs one case folder <dir>/<name>/<name>.req with the suite's fixed
 * inputs; a token in the request is the session token (signed). */
static int run_botocore_case(const char *dir, const char *name)
{
    char *p = NULL;
    size_t len;
    assert_true(asprintf(&p, "%s/%s.req", dir, name) > 0);
    char *req_txt = test_read_file(p, &len);
    free(p);
    if (!req_txt)
        return -1; /* not a case folder */
    parsed_request r;
    parse_request_txt(req_txt, len, &r);
    const char *token = NULL;
    for (size_t i = 0; i < r.nh; i++)
        if (!strcasecmp(r.names[i], "X-Amz-Security-Token"))
            token = r.values[i];
    /* A token that is not in the request comes from the credentials: the
     * signed request (.sreq) shows it.  "post-sts-header-after" adds it
     * after signing (sent, not signed). */
    char *sreq_token = NULL;
    if (!token) {
        assert_true(asprintf(&p, "%s/%s.sreq", dir, name) > 0);
        char *sreq = test_read_file(p, NULL);
        free(p);
        const char *t = sreq ? strcasestr(sreq, "\nX-Amz-Security-Token:") : NULL;
        if (t) {
            t += strlen("\nX-Amz-Security-Token:");
            sreq_token = strndup(t, strcspn(t, "\r\n"));
            token = sreq_token;
        }
        free(sreq);
    }
    sigv4_params prm = {.access_key_id = "AKIDEXAMPLE",
                        .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                        .session_token = token, .region = "us-east-1", .service = "service",
                        .when = parse_utc("2015-08-30T12:36:00Z"), .normalize_path = true,
                        .sign_session_token = strcmp(name, "post-sts-header-after") != 0};
    sigv4_request req = {.method = r.method, .path = r.path, .query = r.query, .headers = r.h,
                         .nheaders = r.nh, .body = r.body, .body_len = r.body_len};
    sigv4_result res;
    cc_err err = {0};
    int failures = 0;
    if (sigv4_sign(&req, &prm, &res, &err) != 0) {
        printf("FAIL %s: %s\n", name, err.message);
        failures++;
    } else {
        static const char *const ext[] = {"creq", "sts", "authz"};
        const char *got[] = {res.canonical_request, res.string_to_sign, res.authorization};
        for (int i = 0; i < 3; i++) {
            assert_true(asprintf(&p, "%s/%s.%s", dir, name, ext[i]) > 0);
            char *want = test_read_file(p, NULL);
            free(p);
            assert_non_null(want);
            size_t wl = strlen(want);
            while (wl && (want[wl - 1] == '\n' || want[wl - 1] == '\r'))
                want[--wl] = '\0';
            if (strcmp(want, got[i]) != 0) {
                printf("FAIL %s.%s differs\n--- want\n%s\n--- got\n%s\n", name, ext[i], want, got[i]);
                failures++;
            }
            free(want);
        }
    }
    sigv4_result_free(&res);
    free(sreq_token);
    free_parsed(&r);
    free(req_txt);
    return failures;
}

static void walk_botocore(const char *dir, int *cases, int *failures)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char *names[64];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 64)
        if (de->d_name[0] != '.')
            names[n++] = strdup(de->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char *sub = NULL;
        struct stat st;
        assert_true(asprintf(&sub, "%s/%s", dir, names[i]) > 0);
        if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
            int f = run_botocore_case(sub, names[i]);
            if (f >= 0) {
                (*cases)++;
                *failures += f;
            } else {
                walk_botocore(sub, cases, failures); /* normalize-path/, post-sts-token/ */
            }
        }
        free(sub);
        free(names[i]);
    }
}

static void test_botocore_suite(void **state)
{
    (void)state;
    char conf[900], dir[1024];
    test_conformance_dir(conf, sizeof conf);
    if (snprintf(dir, sizeof dir, "%s/extra/botocore-aws4_testsuite/tests/unit/auth/aws4_testsuite",
                 conf) >= (int)sizeof dir)
        fail_msg("conformance path too long");
    struct stat st;
    if (stat(dir, &st) != 0) {
        printf("SKIP: botocore aws4_testsuite absent (%s)\n", dir);
        skip();
    }
    int cases = 0, failures = 0;
    walk_botocore(dir, &cases, &failures);
    printf("botocore aws4_testsuite: %d cases, %d mismatches\n", cases, failures);
    assert_true(cases >= 30);
    assert_int_equal(failures, 0);
}

/* ---- sigv4-vectors.txt (official JS signer) ---- */

/* Returns the text of section `label` ("--- canonical request") inside the
 * case block, without trailing newlines; malloc'd. */
static char *section(const char *block, const char *label)
{
    const char *s = strstr(block, label);
    if (!s)
        return NULL;
    s = strchr(s, '\n');
    if (!s)
        return NULL;
    s++;
    const char *e = strstr(s, "\n--- ");
    const char *e2 = strstr(s, "\n=====");
    if (!e || (e2 && e2 < e))
        e = e2;
    if (!e)
        e = s + strlen(s);
    while (e > s && e[-1] == '\n')
        e--;
    return strndup(s, (size_t)(e - s));
}

static char *header_value(const char *headers, const char *name)
{
    size_t nl = strlen(name);
    const char *l = headers;
    while (l && *l) {
        if (!strncasecmp(l, name, nl) && l[nl] == ':') {
            const char *v = l + nl + 1;
            while (*v == ' ')
                v++;
            const char *e = strchr(v, '\n');
            return strndup(v, e ? (size_t)(e - v) : strlen(v));
        }
        l = strchr(l, '\n');
        if (l)
            l++;
    }
    return NULL;
}

static void test_js_signer_vectors(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/../shared/reference/sigv4-vectors.txt", test_top_dir());
    char *txt = test_read_file(path, NULL);
    if (!txt) {
        printf("SKIP: %s absent; JS signer vectors not checked\n", path);
        skip();
    }
    int cases = 0;
    char *blk = strstr(txt, "\n====");
    while (blk) {
        blk++;
        char *next = strstr(blk, "\n====");
        char *b = next ? strndup(blk, (size_t)(next - blk + 1)) : strdup(blk);
        char *line = section(b, "--- wire request line");
        char *creq = section(b, "--- canonical request");
        char *sts = section(b, "--- string to sign");
        char *hdrs = section(b, "--- headers to send");
        char *body = section(b, "--- body");
        assert_non_null(line);
        assert_non_null(creq);
        assert_non_null(sts);
        assert_non_null(hdrs);
        /* method, path, query from the wire line */
        char *sp = strchr(line, ' ');
        *sp = '\0';
        char *uri = sp + 1;
        *strstr(uri, " HTTP/") = '\0';
        char *q = strchr(uri, '?');
        if (q)
            *q++ = '\0';
        char *host = header_value(hdrs, "host");
        char *ctype = header_value(hdrs, "content-type");
        char *token = header_value(hdrs, "x-amz-security-token");
        char *auth = header_value(hdrs, "authorization");
        assert_non_null(host);
        assert_non_null(auth);
        sigv4_header h[2] = {{"Host", host}, {"Content-Type", ctype}};
        /* service name from the scope line of the string to sign */
        char scope_service[32] = "";
        char *scope = strchr(strchr(sts, '\n') + 1, '\n') + 1;
        sscanf(scope, "%*[^/]/%*[^/]/%31[^/]", scope_service);
        sigv4_request req = {.method = line, .path = uri, .query = q, .headers = h,
                             .nheaders = ctype ? 2 : 1, .body = body,
                             .body_len = body ? strlen(body) : 0};
        sigv4_params prm = {.access_key_id = "AKIDEXAMPLE",
                            .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                            .session_token = token, .region = "ap-northeast-1",
                            .service = scope_service, .when = parse_utc("2015-08-30T12:36:00Z"),
                            .normalize_path = true, .sign_session_token = true};
        sigv4_result res;
        cc_err err = {0};
        assert_int_equal(sigv4_sign(&req, &prm, &res, &err), 0);
        assert_string_equal(res.canonical_request, creq);
        assert_string_equal(res.string_to_sign, sts);
        assert_string_equal(res.authorization, auth);
        sigv4_result_free(&res);
        cases++;
        free(host);
        free(ctype);
        free(token);
        free(auth);
        free(line);
        free(creq);
        free(sts);
        free(hdrs);
        free(body);
        free(b);
        blk = next;
    }
    printf("JS signer vectors: %d cases\n", cases);
    assert_int_equal(cases, 5);
    free(txt);
}

/* aws-wire.md 7.1, kept here so the test runs even without the reference folder. */
static void test_wire_7_1_vector(void **state)
{
    (void)state;
    sigv4_header h[] = {{"host", "bedrock.ap-northeast-1.amazonaws.com"}};
    sigv4_request req = {.method = "GET", .path = "/inference-profiles", .query = "type=APPLICATION",
                         .headers = h, .nheaders = 1};
    sigv4_params prm = {.access_key_id = "AKIDEXAMPLE",
                        .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                        .region = "ap-northeast-1", .service = "bedrock",
                        .when = parse_utc("2015-08-30T12:36:00Z"), .normalize_path = true};
    sigv4_result res;
    assert_int_equal(sigv4_sign(&req, &prm, &res, NULL), 0);
    assert_string_equal(res.string_to_sign,
                        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/ap-northeast-1/bedrock/aws4_request\n"
                        "d282c947128d39cd2ff7071156223a06087db537c2dc0f35c1c34408b3e9112a");
    assert_string_equal(res.signature,
                        "9cbf9baa95fe78f5803509c1a431cee3ee67869f66808a5924c0bb147d2667ca");
    assert_string_equal(res.amz_date, "20150830T123600Z");
    assert_string_equal(res.signed_headers, "host;x-amz-date");
    sigv4_result_free(&res);
}

static void test_uri_encode(void **state)
{
    (void)state;
    char *e = aws_uri_encode("arn:aws:bedrock:x/y z+=~._-", 27, false);
    assert_string_equal(e, "arn%3Aaws%3Abedrock%3Ax%2Fy%20z%2B%3D~._-");
    free(e);
    e = aws_uri_encode("/a b/\xe1\x88\xb4", 8, true);
    assert_string_equal(e, "/a%20b/%E1%88%B4");
    free(e);
    e = aws_uri_encode("", 0, false);
    assert_string_equal(e, "");
    free(e);
}

#define assert_prefix(s, prefix)                                                      \
    do {                                                                               \
        if (strncmp((s), (prefix), strlen(prefix)) != 0)                               \
            fail_msg("expected prefix\n%s\ngot\n%s", (prefix), (s));                   \
    } while (0)

static sigv4_result sign_simple(const char *path, const char *query, bool normalize)
{
    sigv4_header h[] = {{"Host", "h.example"}};
    sigv4_request req = {.method = "GET", .path = path, .query = query, .headers = h, .nheaders = 1};
    sigv4_params prm = {.access_key_id = "AKID", .secret_access_key = "secret", .region = "r",
                        .service = "s", .when = 0, .normalize_path = normalize};
    sigv4_result res;
    assert_int_equal(sigv4_sign(&req, &prm, &res, NULL), 0);
    return res;
}

static void test_canonical_uri_and_query(void **state)
{
    (void)state;
    sigv4_result r = sign_simple("/a/b/../c/./d/", "b=2&a=&c&a=1", true);
    assert_prefix(r.canonical_request, "GET\n/a/c/d/\na=&a=1&b=2&c=\n");
    sigv4_result_free(&r);
    r = sign_simple("/a/../..", NULL, true);
    assert_prefix(r.canonical_request, "GET\n/\n\n");
    sigv4_result_free(&r);
    r = sign_simple("", "", false);
    assert_prefix(r.canonical_request, "GET\n/\n\n");
    sigv4_result_free(&r);
    /* already-encoded ARN label is encoded once more; a raw '+' in a query is a plus */
    r = sign_simple("/p/arn%3Aa%2Fb", "t=a+b%2F", false);
    assert_prefix(r.canonical_request, "GET\n/p/arn%253Aa%252Fb\nt=a%2Bb%2F\n");
    sigv4_result_free(&r);
    r = sign_simple("/x", NULL, false);
    assert_string_equal(r.amz_date, "19700101T000000Z");
    sigv4_result_free(&r);
}

static void test_token_and_errors(void **state)
{
    (void)state;
    sigv4_header h[] = {{"Host", "h"}, {"User-Agent", "ua"}, {"X-Amz-Date", "bogus"},
                        {"X-Custom", "  a \t  b  "}};
    sigv4_request req = {.method = "POST", .path = "/", .headers = h, .nheaders = 4};
    sigv4_params prm = {.access_key_id = "AKID", .secret_access_key = "secret",
                        .session_token = "TOKEN", .region = "r", .service = "s",
                        .sign_session_token = false};
    sigv4_result res;
    assert_int_equal(sigv4_sign(&req, &prm, &res, NULL), 0);
    assert_string_equal(res.signed_headers, "host;x-amz-date;x-custom");
    assert_non_null(strstr(res.canonical_request, "x-custom:a b\n"));
    assert_null(strstr(res.canonical_request, "TOKEN"));
    assert_null(strstr(res.canonical_request, "bogus"));
    sigv4_result_free(&res);

    prm.sign_session_token = true;
    assert_int_equal(sigv4_sign(&req, &prm, &res, NULL), 0);
    assert_string_equal(res.signed_headers, "host;x-amz-date;x-amz-security-token;x-custom");
    sigv4_result_free(&res);

    cc_err err = {0};
    req.nheaders = 0;
    assert_int_equal(sigv4_sign(&req, &prm, &res, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "Host"));
    sigv4_result_free(&res);
    req.nheaders = 1;
    prm.secret_access_key = "";
    assert_int_equal(sigv4_sign(&req, &prm, &res, &err), CC_EINPUT);
    sigv4_result_free(&res);
    prm.secret_access_key = "secret";
    prm.region = "us-east-1/x";
    assert_int_equal(sigv4_sign(&req, &prm, &res, &err), CC_EINPUT);
    sigv4_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aws_c_auth_suite),
        cmocka_unit_test(test_botocore_suite),
        cmocka_unit_test(test_js_signer_vectors),
        cmocka_unit_test(test_wire_7_1_vector),
        cmocka_unit_test(test_uri_encode),
        cmocka_unit_test(test_canonical_uri_and_query),
        cmocka_unit_test(test_token_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

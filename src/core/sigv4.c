/*
 * sigv4.c - AWS Signature Version 4 header signing.
 *
 * Owns the canonical request (section 7 of aws-wire.md), the string to sign,
 * the HMAC-SHA256 key chain and the Authorization value.  Pure computation:
 * no I/O, no globals.  Every intermediate that depends on the secret key is
 * wiped before returning.
 */
#include "clinecfg/sigv4.h"

#include "clinecfg/digest.h"
#include "clinecfg/strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* ---- strbuf glue ---- */

/* Every buffer here may hold a secret or a signature input: all are secret
 * strbufs, wiped when they grow or are released. */
#define SECRET_BUF {.secret = true}

static void sb_char(strbuf *b, char c) { strbuf_put(b, &c, 1); }

/* Hands the string to the caller ("" for an empty buffer), or NULL when
 * out of memory. */
static char *sb_take(strbuf *b)
{
    strbuf_put(b, "", 0);
    if (b->oom) {
        strbuf_release(b);
        return NULL;
    }
    char *r = b->p;
    *b = (strbuf){0};
    return r;
}

/* ---- encoding helpers ---- */

static const char HEX_UPPER[] = "0123456789ABCDEF";

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

static void sb_uri_encode(strbuf *b, const char *in, size_t len, bool keep_slash)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            sb_char(b, (char)c);
        } else {
            char e[3] = {'%', HEX_UPPER[c >> 4], HEX_UPPER[c & 15]};
            strbuf_put(b, e, 3);
        }
    }
}

char *aws_uri_encode(const char *in, size_t len, bool keep_slash)
{
    strbuf b = SECRET_BUF;
    sb_uri_encode(&b, in ? in : "", in ? len : 0, keep_slash);
    return sb_take(&b);
}

/* Percent-decodes in[0..len) into a fresh buffer; a '%' not followed by two
 * hex digits is kept as is. */
static char *uri_decode(const char *in, size_t len, size_t *out_len)
{
    char *o = malloc(len + 1);
    if (!o)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (in[i] == '%' && len - i >= 3 && (hi = hex_digit_value((unsigned char)in[i + 1])) >= 0 &&
            (lo = hex_digit_value((unsigned char)in[i + 2])) >= 0) {
            o[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            o[n++] = in[i];
        }
    }
    o[n] = '\0';
    *out_len = n;
    return o;
}

/* x-amz-date form of a UTC time. */
void sigv4_amz_date(time_t when, char out[17])
{
    struct tm tmv;
    if (!gmtime_r(&when, &tmv))
        memset(&tmv, 0, sizeof tmv);
    if (tmv.tm_year + 1900 < 0 || tmv.tm_year + 1900 > 9999 ||
        strftime(out, 17, "%Y%m%dT%H%M%SZ", &tmv) != 16)
        memcpy(out, "00000000T000000Z", 17); /* out of range: AWS will reject it */
}

static bool hmac256(const void *key, size_t keylen, const char *msg, unsigned char out[32])
{
    unsigned int n = 0;
    return HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg, strlen(msg), out, &n) &&
           n == 32;
}

/* ---- canonical URI ---- */

/* Drops empty and "." segments and resolves ".." (like the official JS
 * signer); keeps the leading '/' and a trailing '/' when segments remain. */
static char *normalize_path(const char *path)
{
    size_t len = strlen(path);
    const char **seg = malloc((len + 1) * sizeof *seg);
    size_t *seglen = malloc((len + 1) * sizeof *seglen);
    if (!seg || !seglen) {
        free(seg);
        free(seglen);
        return NULL;
    }
    size_t nseg = 0;
    const char *s = path;
    while (*s) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || (n == 1 && s[0] == '.')) {
            /* skip */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            if (nseg)
                nseg--;
        } else {
            seg[nseg] = s;
            seglen[nseg++] = n;
        }
        s += n;
        if (*s == '/')
            s++;
    }
    strbuf b = SECRET_BUF;
    if (path[0] == '/')
        sb_char(&b, '/');
    for (size_t i = 0; i < nseg; i++) {
        if (i)
            sb_char(&b, '/');
        strbuf_put(&b, seg[i], seglen[i]);
    }
    if (nseg && len && path[len - 1] == '/')
        sb_char(&b, '/');
    free(seg);
    free(seglen);
    return sb_take(&b);
}

static bool add_canonical_uri(strbuf *b, const char *path, bool normalize)
{
    if (!path || !*path) {
        sb_char(b, '/');
        return true;
    }
    char *np = normalize ? normalize_path(path) : NULL;
    if (normalize && !np)
        return false;
    const char *use = np ? np : path;
    if (!*use)
        sb_char(b, '/');
    else
        sb_uri_encode(b, use, strlen(use), true); /* encodes the wire path once more */
    free(np);
    return true;
}

/* ---- canonical query ---- */

typedef struct qparam {
    char *key, *value; /* RFC 3986-encoded */
} qparam;

static int cmp_qparam(const void *a, const void *b)
{
    const qparam *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

static char *reencode(const char *s, size_t n)
{
    size_t dl;
    char *d = uri_decode(s, n, &dl);
    if (!d)
        return NULL;
    char *e = aws_uri_encode(d, dl, false);
    OPENSSL_cleanse(d, dl);
    free(d);
    return e;
}

/* Each key and value is decoded and re-encoded so that raw and already
 * encoded query strings give the same canonical form. */
static bool add_canonical_query(strbuf *b, const char *query)
{
    if (!query || !*query)
        return true;
    size_t cap = 1;
    for (const char *q = query; *q; q++)
        cap += *q == '&';
    qparam *ps = calloc(cap, sizeof *ps);
    if (!ps)
        return false;
    size_t n = 0;
    bool ok = true;
    const char *s = query;
    while (ok) {
        const char *amp = strchr(s, '&');
        size_t plen = amp ? (size_t)(amp - s) : strlen(s);
        if (plen) {
            const char *eq = memchr(s, '=', plen);
            size_t klen = eq ? (size_t)(eq - s) : plen;
            ps[n].key = reencode(s, klen);
            ps[n].value = eq ? reencode(eq + 1, plen - klen - 1) : aws_uri_encode("", 0, false);
            if (!ps[n].key || !ps[n].value)
                ok = false;
            n++;
        }
        if (!amp)
            break;
        s = amp + 1;
    }
    if (ok) {
        qsort(ps, n, sizeof *ps, cmp_qparam);
        for (size_t i = 0; i < n; i++) {
            if (i)
                sb_char(b, '&');
            strbuf_puts(b, ps[i].key);
            sb_char(b, '=');
            strbuf_puts(b, ps[i].value);
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(ps[i].key);
        free(ps[i].value);
    }
    free(ps);
    return ok;
}

/* ---- canonical headers ---- */

typedef struct chdr {
    char *name;   /* lower-case */
    strbuf value;   /* trimmed, inner whitespace collapsed, duplicates joined with ',' */
    size_t order; /* first appearance, for a stable sort */
} chdr;

static int cmp_chdr(const void *a, const void *b)
{
    const chdr *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Headers never signed (hop-by-hop or changed by proxies), as the SDKs do. */
static bool is_unsignable(const char *lname)
{
    static const char *const names[] = {
        "authorization", "cache-control", "connection", "expect", "from", "keep-alive",
        "max-forwards", "pragma", "referer", "te", "trailer", "transfer-encoding", "upgrade",
        "user-agent", "x-amzn-trace-id", "proxy-authorization",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(lname, names[i]))
            return true;
    return false;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void add_folded_value(strbuf *b, const char *v)
{
    while (*v && is_space(*v))
        v++;
    bool pending_space = false;
    for (; *v; v++) {
        if (is_space(*v)) {
            pending_space = true;
            continue;
        }
        if (pending_space)
            sb_char(b, ' ');
        pending_space = false;
        sb_char(b, *v);
    }
}

static char *lower_dup(const char *s)
{
    size_t n = strlen(s);
    while (n && is_space(s[n - 1]))
        n--;
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++)
        d[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    d[n] = '\0';
    return d;
}

typedef struct hdrset {
    chdr *h;
    size_t n, cap;
    bool oom;
} hdrset;

static void hs_add(hdrset *hs, const char *name, const char *value)
{
    if (hs->oom)
        return;
    char *ln = lower_dup(name);
    if (!ln) {
        hs->oom = true;
        return;
    }
    for (size_t i = 0; i < hs->n; i++) {
        if (!strcmp(hs->h[i].name, ln)) {
            free(ln);
            sb_char(&hs->h[i].value, ',');
            add_folded_value(&hs->h[i].value, value ? value : "");
            hs->oom |= hs->h[i].value.oom;
            return;
        }
    }
    if (hs->n == hs->cap) {
        size_t nc = hs->cap ? hs->cap * 2 : 16;
        chdr *nh = realloc(hs->h, nc * sizeof *nh);
        if (!nh) {
            free(ln);
            hs->oom = true;
            return;
        }
        hs->h = nh;
        hs->cap = nc;
    }
    chdr *c = &hs->h[hs->n];
    memset(c, 0, sizeof *c);
    c->value.secret = true; /* x-amz-security-token is a header too */
    c->name = ln;
    c->order = hs->n++;
    strbuf_puts(&c->value, ""); /* an empty value is still a value */
    add_folded_value(&c->value, value ? value : "");
    hs->oom |= c->value.oom;
}

static void hs_free(hdrset *hs)
{
    for (size_t i = 0; i < hs->n; i++) {
        free(hs->h[i].name);
        strbuf_release(&hs->h[i].value);
    }
    free(hs->h);
    memset(hs, 0, sizeof *hs);
}

/* ---- signing ---- */

void sigv4_result_free(sigv4_result *r)
{
    if (!r)
        return;
    if (r->canonical_request) {
        OPENSSL_cleanse(r->canonical_request, strlen(r->canonical_request));
        free(r->canonical_request);
    }
    free(r->string_to_sign);
    free(r->authorization);
    free(r->content_sha256);
    free(r->signed_headers);
    memset(r, 0, sizeof *r);
}

static bool has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* The headers to sign: the request's own (minus the unsignable ones and
 * those this function sets), then x-amz-date, the session token and the
 * body hash as asked; sorted by name.  CC_EINPUT without a Host header,
 * CC_EINTERNAL when out of memory. */
static int collect_headers(const sigv4_request *req, const sigv4_params *p, sigv4_result *out,
                           const char *body_hash, hdrset *hs)
{
    bool have_host = false;
    for (size_t i = 0; i < req->nheaders; i++) {
        const char *nm = req->headers[i].name;
        if (!nm || !*nm)
            continue;
        char *ln = lower_dup(nm);
        if (!ln)
            return CC_EINTERNAL;
        bool drop = is_unsignable(ln) || !strcmp(ln, "x-amz-date") ||
                    (p->session_token && !strcmp(ln, "x-amz-security-token")) ||
                    (p->sign_body && !strcmp(ln, "x-amz-content-sha256"));
        have_host |= !strcmp(ln, "host");
        free(ln);
        if (!drop)
            hs_add(hs, nm, req->headers[i].value);
    }
    if (!have_host)
        return CC_EINPUT;
    hs_add(hs, "x-amz-date", out->amz_date);
    if (p->session_token && *p->session_token && p->sign_session_token)
        hs_add(hs, "x-amz-security-token", p->session_token);
    if (p->sign_body) {
        out->content_sha256 = strdup(body_hash);
        if (!out->content_sha256)
            return CC_EINTERNAL;
        hs_add(hs, "x-amz-content-sha256", body_hash);
    }
    if (hs->oom)
        return CC_EINTERNAL;
    qsort(hs->h, hs->n, sizeof *hs->h, cmp_chdr);
    return 0;
}

/* Step 1, the canonical request: method, URI, query, headers, signed
 * header names, body hash.  Fills *cr and *signed_names; false when out of
 * memory or the path or query cannot be encoded. */
static bool canonical_request(const sigv4_request *req, const sigv4_params *p, const hdrset *hs,
                              const char *body_hash, strbuf *cr, strbuf *signed_names)
{
    strbuf_puts(cr, req->method);
    sb_char(cr, '\n');
    if (!add_canonical_uri(cr, req->path, p->normalize_path))
        return false;
    sb_char(cr, '\n');
    if (!add_canonical_query(cr, req->query))
        return false;
    sb_char(cr, '\n');
    for (size_t i = 0; i < hs->n; i++) {
        strbuf_puts(cr, hs->h[i].name);
        sb_char(cr, ':');
        strbuf_put(cr, hs->h[i].value.p ? hs->h[i].value.p : "", hs->h[i].value.len);
        sb_char(cr, '\n');
        if (i)
            sb_char(signed_names, ';');
        strbuf_puts(signed_names, hs->h[i].name);
    }
    strbuf_put(signed_names, "", 0);
    sb_char(cr, '\n');
    strbuf_puts(cr, signed_names->p ? signed_names->p : "");
    sb_char(cr, '\n');
    strbuf_puts(cr, body_hash);
    return !cr->oom && !signed_names->oom;
}

/* Step 2, the string to sign: algorithm, time, credential scope
 * (date/region/service/aws4_request, into *scope) and the canonical
 * request's hash. */
static bool string_to_sign(const sigv4_params *p, const char *amz_date, const strbuf *cr, strbuf *scope,
                           strbuf *sts)
{
    strbuf_put(scope, amz_date, 8);
    sb_char(scope, '/');
    strbuf_puts(scope, p->region);
    sb_char(scope, '/');
    strbuf_puts(scope, p->service);
    strbuf_puts(scope, "/aws4_request");
    if (scope->oom)
        return false;
    char cr_hash[65];
    digest_sha256_hex(cr->p, cr->len, cr_hash);
    strbuf_puts(sts, "AWS4-HMAC-SHA256\n");
    strbuf_puts(sts, amz_date);
    sb_char(sts, '\n');
    strbuf_puts(sts, scope->p);
    sb_char(sts, '\n');
    strbuf_puts(sts, cr_hash);
    return !sts->oom;
}

/* Step 3, the signature: the HMAC key chain from the secret key over day,
 * region, service and "aws4_request", then HMAC of the string to sign
 * (into out->signature) and the Authorization value.  Every key is wiped. */
static bool signature(const sigv4_params *p, const strbuf *scope, const strbuf *sts, const strbuf *signed_names,
                      sigv4_result *out, strbuf *auth)
{
    unsigned char k1[32], k2[32], k3[32], k4[32], sig[32];
    strbuf keyseed = SECRET_BUF;
    char day[9];
    memcpy(day, out->amz_date, 8);
    day[8] = '\0';
    strbuf_puts(&keyseed, "AWS4");
    strbuf_puts(&keyseed, p->secret_access_key);
    bool ok = !keyseed.oom && hmac256(keyseed.p, keyseed.len, day, k1) && hmac256(k1, 32, p->region, k2) &&
              hmac256(k2, 32, p->service, k3) && hmac256(k3, 32, "aws4_request", k4) &&
              hmac256(k4, 32, sts->p, sig);
    if (ok) {
        digest_to_hex(sig, 32, out->signature);
        strbuf_puts(auth, "AWS4-HMAC-SHA256 Credential=");
        strbuf_puts(auth, p->access_key_id);
        sb_char(auth, '/');
        strbuf_puts(auth, scope->p);
        strbuf_puts(auth, ", SignedHeaders=");
        strbuf_puts(auth, signed_names->p);
        strbuf_puts(auth, ", Signature=");
        strbuf_puts(auth, out->signature);
        ok = !auth->oom;
    }
    OPENSSL_cleanse(k1, sizeof k1);
    OPENSSL_cleanse(k2, sizeof k2);
    OPENSSL_cleanse(k3, sizeof k3);
    OPENSSL_cleanse(k4, sizeof k4);
    OPENSSL_cleanse(sig, sizeof sig);
    strbuf_release(&keyseed);
    return ok;
}

static int check_params(const sigv4_request *req, const sigv4_params *p, cc_err *err)
{
    if (!req || !p || !req->method || !p->access_key_id || !*p->access_key_id ||
        !p->secret_access_key || !*p->secret_access_key || !p->region || !*p->region ||
        !p->service || !*p->service)
        return cc_err_set(err, CC_EINPUT, "sigv4.input",
                          "cannot sign the request: method, access key id, secret key, region and "
                          "service are all required");
    if (has_ctl(p->region) || has_ctl(p->service) || has_ctl(p->access_key_id) ||
        strchr(p->region, '/') || strchr(p->service, '/') || strchr(p->access_key_id, '/'))
        return cc_err_set(err, CC_EINPUT, "sigv4.input",
                          "cannot sign the request: region, service and access key id must not "
                          "contain '/' or control characters");
    return 0;
}

int sigv4_sign(const sigv4_request *req, const sigv4_params *p, sigv4_result *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_params(req, p, err);
    if (rc)
        return rc;
    hdrset hs = {0};
    strbuf cr = SECRET_BUF, sts = SECRET_BUF, scope = SECRET_BUF, signed_names = SECRET_BUF, auth = SECRET_BUF;
    char body_hash[65];
    sigv4_amz_date(p->when, out->amz_date);
    digest_sha256_hex(req->body, req->body_len, body_hash);

    rc = collect_headers(req, p, out, body_hash, &hs);
    if (rc == CC_EINPUT) {
        cc_err_set(err, CC_EINPUT, "sigv4.input", "cannot sign the request: it has no Host header");
        goto done;
    }
    rc = CC_EINTERNAL;
    if (hs.oom || !canonical_request(req, p, &hs, body_hash, &cr, &signed_names) ||
        !string_to_sign(p, out->amz_date, &cr, &scope, &sts) ||
        !signature(p, &scope, &sts, &signed_names, out, &auth))
        goto done;
    out->canonical_request = sb_take(&cr);
    out->string_to_sign = sb_take(&sts);
    out->authorization = sb_take(&auth);
    out->signed_headers = sb_take(&signed_names);
    if (out->canonical_request && out->string_to_sign && out->authorization && out->signed_headers)
        rc = 0;

done:
    if (rc == CC_EINTERNAL)
        cc_err_set(err, CC_EINTERNAL, "internal.oom", "out of memory while signing a request");
    strbuf_release(&cr);
    strbuf_release(&sts);
    strbuf_release(&scope);
    strbuf_release(&signed_names);
    strbuf_release(&auth);
    hs_free(&hs);
    return rc;
}

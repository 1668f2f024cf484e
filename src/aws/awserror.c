/*
 * awserror.c - AWS error responses: error name and message from restJson1
 * (Bedrock, SSO portal) and awsQuery XML (STS) bodies, and the error
 * classes that drive retries and exit codes.
 *
 * Everything here reads untrusted bytes from the network: inputs are
 * length-bounded, outputs are always NUL-terminated and stripped of control
 * characters (they end up on a terminal).
 */
#include "clinecfg/awserror.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "clinecfg/error.h"

/* Copies n bytes into dst (size dsize), replacing control characters with a
 * space so a hostile message cannot drive the terminal. */
static void copy_clean(char *dst, size_t dsize, const char *src, size_t n)
{
    if (!dsize)
        return;
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < dsize; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[o++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    dst[o] = '\0';
}

void aws_error_sanitize(char *code)
{
    if (!code)
        return;
    size_t n = strcspn(code, ",");
    code[n] = '\0';
    n = strcspn(code, ":");
    code[n] = '\0';
    char *hash = strrchr(code, '#');
    if (hash)
        memmove(code, hash + 1, strlen(hash + 1) + 1);
    /* trim surrounding blanks */
    size_t len = strlen(code);
    while (len && (code[len - 1] == ' ' || code[len - 1] == '\t'))
        code[--len] = '\0';
    size_t lead = strspn(code, " \t");
    if (lead)
        memmove(code, code + lead, len - lead + 1);
}

/* Case-insensitive member lookup that only accepts a string value. */
static const char *json_string_member(const cJSON *obj, const char *name)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        if (it->string && !strcasecmp(it->string, name) && cJSON_IsString(it))
            return it->valuestring;
    }
    return NULL;
}

int aws_parse_rest_json_error(const char *error_type_header, const char *body, size_t len,
                              char *code, size_t code_size, char *msg, size_t msg_size)
{
    if (code_size)
        code[0] = '\0';
    if (msg_size)
        msg[0] = '\0';
    cJSON *root = NULL;
    if (body && len)
        root = cJSON_ParseWithLength(body, len);
    if (root && !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        root = NULL;
    }
    const char *name = NULL;
    if (error_type_header && *error_type_header)
        name = error_type_header;
    if (!name && root) {
        name = json_string_member(root, "code");
        if (!name) {
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "__type");
            if (cJSON_IsString(t))
                name = t->valuestring;
        }
    }
    if (name && code_size) {
        copy_clean(code, code_size, name, strlen(name));
        aws_error_sanitize(code);
    }
    if (root && msg_size) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "message");
        if (!cJSON_IsString(m))
            m = cJSON_GetObjectItemCaseSensitive(root, "Message");
        if (!cJSON_IsString(m))
            m = cJSON_GetObjectItemCaseSensitive(root, "errorMessage");
        if (cJSON_IsString(m))
            copy_clean(msg, msg_size, m->valuestring, strlen(m->valuestring));
    }
    cJSON_Delete(root);
    return code_size && code[0] ? 0 : -1;
}

/* ---- minimal XML: find <Tag>text</Tag> inside [s, e) ---- */

static const char *find_bounded(const char *s, const char *e, const char *needle)
{
    size_t nl = strlen(needle);
    if (nl == 0 || s >= e)
        return NULL;
    for (const char *p = s; (size_t)(e - p) >= nl; p++) {
        p = memchr(p, needle[0], (size_t)(e - p));
        if (!p || (size_t)(e - p) < nl)
            return NULL;
        if (!memcmp(p, needle, nl))
            return p;
    }
    return NULL;
}

/* Finds the element <tag> or <tag attr...> and returns the span of its
 * content (up to the matching </tag>, without nesting of the same tag). */
static bool xml_element(const char *s, const char *e, const char *tag, const char **cs,
                        const char **ce)
{
    char open[64], close[64];
    if ((size_t)snprintf(open, sizeof open, "<%s", tag) >= sizeof open ||
        (size_t)snprintf(close, sizeof close, "</%s>", tag) >= sizeof close)
        return false;
    size_t ol = strlen(open);
    const char *p = s;
    while ((p = find_bounded(p, e, open)) != NULL) {
        const char *after = p + ol;
        if (after < e && (*after == '>' || *after == ' ' || *after == '\t' || *after == '\n' ||
                          *after == '\r' || *after == '/')) {
            const char *gt = memchr(after, '>', (size_t)(e - after));
            if (!gt)
                return false;
            if (gt > after && gt[-1] == '/') { /* <Tag/> : empty */
                *cs = *ce = gt + 1;
                return true;
            }
            const char *c = find_bounded(gt + 1, e, close);
            if (!c)
                return false;
            *cs = gt + 1;
            *ce = c;
            return true;
        }
        p = after;
    }
    return false;
}

/* Decodes the five XML entities and numeric references (ASCII only; others
 * become '?'), strips control characters and trims surrounding whitespace. */
static void xml_text(char *dst, size_t dsize, const char *s, const char *e)
{
    if (!dsize)
        return;
    while (s < e && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\t'))
        e--;
    size_t o = 0;
    while (s < e && o + 1 < dsize) {
        char c = *s;
        if (c == '&') {
            static const struct {
                const char *name;
                char ch;
            } ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
            bool done = false;
            for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
                size_t l = strlen(ents[i].name);
                if ((size_t)(e - s) >= l && !memcmp(s, ents[i].name, l)) {
                    dst[o++] = ents[i].ch;
                    s += l;
                    done = true;
                    break;
                }
            }
            if (!done && (size_t)(e - s) >= 4 && s[1] == '#') {
                const char *semi = memchr(s, ';', (size_t)(e - s) < 12 ? (size_t)(e - s) : 12);
                if (semi) {
                    char num[12] = {0};
                    size_t nl = (size_t)(semi - s - 2);
                    if (nl > 0 && nl < sizeof num) {
                        memcpy(num, s + 2, nl);
                        char *endp = NULL;
                        long v = (num[0] == 'x' || num[0] == 'X') ? strtol(num + 1, &endp, 16)
                                                                  : strtol(num, &endp, 10);
                        if (endp && *endp == '\0') {
                            dst[o++] = (v >= 0x20 && v < 0x7f) ? (char)v : '?';
                            s = semi + 1;
                            done = true;
                        }
                    }
                }
            }
            if (done)
                continue;
        }
        unsigned char uc = (unsigned char)c;
        dst[o++] = (uc < 0x20 || uc == 0x7f) ? ' ' : c;
        s++;
    }
    dst[o] = '\0';
}

int aws_parse_query_error(const char *xml, size_t len, char *code, size_t code_size, char *msg,
                          size_t msg_size)
{
    if (code_size)
        code[0] = '\0';
    if (msg_size)
        msg[0] = '\0';
    if (!xml || !len)
        return -1;
    const char *s = xml, *e = xml + len;
    const char *es, *ee;
    if (!xml_element(s, e, "Error", &es, &ee))
        return -1;
    const char *cs, *ce;
    if (xml_element(es, ee, "Code", &cs, &ce))
        xml_text(code, code_size, cs, ce);
    if (xml_element(es, ee, "Message", &cs, &ce))
        xml_text(msg, msg_size, cs, ce);
    return code_size && code[0] ? 0 : -1;
}

static bool in_list(const char *code, const char *const *list, size_t n)
{
    if (!code || !*code)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(code, list[i]))
            return true;
    return false;
}

#define IN_LIST(code, list) in_list((code), (list), sizeof(list) / sizeof((list)[0]))

/* botocore retries/standard.py and @smithy service-error-classification. */
static const char *const THROTTLING[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
};
static const char *const TRANSIENT[] = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    "InternalError", "InternalFailure", "InternalServerException", "ServiceUnavailable",
    "ServiceUnavailableException",
};
static const char *const CLOCK_SKEW[] = {
    "AuthFailure", "InvalidSignatureException", "RequestExpired", "RequestInTheFuture",
    "RequestTimeTooSkewed", "SignatureDoesNotMatch",
};
static const char *const DENIED[] = {
    "UnauthorizedOperation", "InvalidClientTokenId", "UnrecognizedClientException",
    "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch",
    "InvalidSignatureException", "IncompleteSignature", "IncompleteSignatureException",
    "MissingAuthenticationToken", "MissingAuthenticationTokenException",
    "UnauthorizedException", "AuthFailure", "OptInRequired",
};

bool aws_error_is_throttling(const char *code) { return IN_LIST(code, THROTTLING); }

bool aws_error_is_transient(const char *code, long status)
{
    return status == 500 || status == 502 || status == 503 || status == 504 ||
           IN_LIST(code, TRANSIENT);
}

bool aws_error_is_clock_skew(const char *code) { return IN_LIST(code, CLOCK_SKEW); }

int aws_error_status(const char *code, long status)
{
    if (code && !strncmp(code, "AccessDenied", 12))
        return CC_EDENIED;
    if (IN_LIST(code, DENIED))
        return CC_EDENIED;
    if (aws_error_is_throttling(code) || aws_error_is_transient(code, status) || status == 429 ||
        status >= 500)
        return CC_EAWS;
    if ((!code || !*code) && (status == 401 || status == 403))
        return CC_EDENIED;
    return 0;
}

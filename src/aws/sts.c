/*
 * sts.c - STS client (GetCallerIdentity, GetSessionToken, AssumeRole) and a
 * small strict XML reader for its answers.  See include/clinecfg/sts.h.
 *
 * The XML reader accepts exactly what STS sends: an optional declaration,
 * comments, elements with attributes, character data with the five named
 * entities and numeric references, CDATA.  It refuses DTDs (no entity
 * expansion tricks), mismatched tags, stray text outside the root, nesting
 * deeper than XML_MAX_DEPTH and more than XML_MAX_NODES elements.  Text is
 * wiped on free because credential answers carry secrets.
 */
#include "clinecfg/sts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/awstime.h"
#include "clinecfg/credentials.h"
#include "clinecfg/sigv4.h"

#define XML_MAX_DEPTH 32
#define XML_MAX_NODES 4096
#define XML_MAX_NAME 128

typedef struct xnode {
    char name[XML_MAX_NAME]; /* local name (prefix dropped) */
    char *text;              /* concatenated character data, NUL-terminated */
    size_t text_len, text_cap;
    struct xnode *child, *last_child, *next;
} xnode;

typedef struct xparser {
    const char *s;
    size_t len, pos;
    int nodes;
    cc_err *err;
} xparser;

static void xml_free(xnode *n)
{
    while (n) {
        xnode *next = n->next;
        xml_free(n->child);
        if (n->text) {
            OPENSSL_cleanse(n->text, n->text_cap);
            free(n->text);
        }
        free(n);
        n = next;
    }
}

static int xerr(xparser *p, const char *what)
{
    /* Report a byte offset: STS answers are small and often one line. */
    return cc_err_set(p->err, CC_EINPUT, "aws.sts_xml", "malformed STS response (XML) at byte %zu: %s", p->pos,
                      what);
}

static bool xat(const xparser *p, const char *lit)
{
    size_t n = strlen(lit);
    return p->len - p->pos >= n && memcmp(p->s + p->pos, lit, n) == 0;
}

static void xskip_ws(xparser *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\r' ||
                               p->s[p->pos] == '\n'))
        p->pos++;
}

/* Skips from the current position past `end`; false if it never comes. */
static bool xskip_past(xparser *p, const char *end)
{
    size_t n = strlen(end);
    while (p->len - p->pos >= n) {
        if (memcmp(p->s + p->pos, end, n) == 0) {
            p->pos += n;
            return true;
        }
        p->pos++;
    }
    p->pos = p->len;
    return false;
}

static bool xname_char(unsigned char c, bool first)
{
    if (isalpha(c) || c == '_' || c == ':' || c >= 0x80)
        return true;
    return !first && (isdigit(c) || c == '-' || c == '.');
}

/* Reads a name into out (local part only when local). */
static int xread_name(xparser *p, char *out, size_t size)
{
    size_t start = p->pos;
    while (p->pos < p->len && xname_char((unsigned char)p->s[p->pos], p->pos == start))
        p->pos++;
    size_t n = p->pos - start;
    if (n == 0)
        return xerr(p, "expected a name");
    if (n >= size)
        return xerr(p, "name too long");
    memcpy(out, p->s + start, n);
    out[n] = '\0';
    return 0;
}

static const char *local_name(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static int xappend(xparser *p, xnode *n, const char *data, size_t len)
{
    if (n->text_len + len + 1 > n->text_cap) {
        size_t cap = n->text_cap ? n->text_cap : 32;
        while (cap < n->text_len + len + 1)
            cap *= 2;
        char *t = malloc(cap);
        if (!t)
            return cc_err_set(p->err, CC_EINTERNAL, "internal", "out of memory");
        if (n->text) {
            memcpy(t, n->text, n->text_len);
            OPENSSL_cleanse(n->text, n->text_cap);
            free(n->text);
        }
        n->text = t;
        n->text_cap = cap;
    }
    memcpy(n->text + n->text_len, data, len);
    n->text_len += len;
    n->text[n->text_len] = '\0';
    return 0;
}

/* Encodes code point cp as UTF-8 into buf; returns its length, 0 if invalid. */
static size_t utf8_encode(unsigned long cp, char buf[4])
{
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int xentity(xparser *p, xnode *n)
{
    static const struct {
        const char *name;
        char ch;
    } named[] = {{"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'}, {"apos;", '\''}};
    p->pos++; /* '&' */
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (xat(p, named[i].name)) {
            p->pos += strlen(named[i].name);
            return xappend(p, n, &named[i].ch, 1);
        }
    if (p->pos < p->len && p->s[p->pos] == '#') {
        p->pos++;
        int base = 10;
        if (p->pos < p->len && p->s[p->pos] == 'x') {
            base = 16;
            p->pos++;
        }
        unsigned long cp = 0;
        size_t digits = 0;
        while (p->pos < p->len && p->s[p->pos] != ';') {
            unsigned char c = (unsigned char)p->s[p->pos];
            int v = isdigit(c) ? c - '0' : (base == 16 && isxdigit(c)) ? (tolower(c) - 'a' + 10) : -1;
            if (v < 0 || ++digits > 8)
                return xerr(p, "bad character reference");
            cp = cp * (unsigned long)base + (unsigned long)v;
            p->pos++;
        }
        if (p->pos >= p->len || digits == 0)
            return xerr(p, "unterminated character reference");
        p->pos++;
        char buf[4];
        size_t k = utf8_encode(cp, buf);
        if (!k)
            return xerr(p, "character reference out of range");
        return xappend(p, n, buf, k);
    }
    return xerr(p, "unknown entity (only &lt; &gt; &amp; &quot; &apos; and &#N; are allowed)");
}

static int xparse_element(xparser *p, int depth, xnode **out);

/* Content of element n up to and including its end tag. */
static int xparse_content(xparser *p, int depth, xnode *n, const char *qname)
{
    for (;;) {
        if (p->pos >= p->len)
            return xerr(p, "document ends inside an element (truncated?)");
        char c = p->s[p->pos];
        if (c == '<') {
            if (xat(p, "</")) {
                p->pos += 2;
                char end[XML_MAX_NAME];
                int rc = xread_name(p, end, sizeof end);
                if (rc)
                    return rc;
                if (strcmp(end, qname) != 0)
                    return xerr(p, "end tag does not match start tag");
                xskip_ws(p);
                if (p->pos >= p->len || p->s[p->pos] != '>')
                    return xerr(p, "expected '>' after end tag name");
                p->pos++;
                return 0;
            }
            if (xat(p, "<!--")) {
                if (!xskip_past(p, "-->"))
                    return xerr(p, "unterminated comment");
                continue;
            }
            if (xat(p, "<![CDATA[")) {
                p->pos += 9;
                size_t start = p->pos;
                if (!xskip_past(p, "]]>"))
                    return xerr(p, "unterminated CDATA section");
                int rc = xappend(p, n, p->s + start, p->pos - 3 - start);
                if (rc)
                    return rc;
                continue;
            }
            if (xat(p, "<?")) {
                if (!xskip_past(p, "?>"))
                    return xerr(p, "unterminated processing instruction");
                continue;
            }
            if (xat(p, "<!"))
                return xerr(p, "declarations (DOCTYPE) are not allowed");
            xnode *child = NULL;
            int rc = xparse_element(p, depth + 1, &child);
            if (rc) {
                xml_free(child); /* not linked into the tree yet */
                return rc;
            }
            if (n->last_child)
                n->last_child->next = child;
            else
                n->child = child;
            n->last_child = child;
            continue;
        }
        if (c == '&') {
            int rc = xentity(p, n);
            if (rc)
                return rc;
            continue;
        }
        if (c == '\0')
            return xerr(p, "NUL byte in text");
        size_t start = p->pos;
        while (p->pos < p->len && p->s[p->pos] != '<' && p->s[p->pos] != '&' && p->s[p->pos] != '\0')
            p->pos++;
        int rc = xappend(p, n, p->s + start, p->pos - start);
        if (rc)
            return rc;
    }
}

static int xparse_element(xparser *p, int depth, xnode **out)
{
    if (depth > XML_MAX_DEPTH)
        return xerr(p, "elements nested too deeply");
    if (++p->nodes > XML_MAX_NODES)
        return xerr(p, "too many elements");
    if (p->pos >= p->len || p->s[p->pos] != '<')
        return xerr(p, "expected '<'");
    p->pos++;
    char qname[XML_MAX_NAME];
    int rc = xread_name(p, qname, sizeof qname);
    if (rc)
        return rc;
    xnode *n = calloc(1, sizeof *n);
    if (!n)
        return cc_err_set(p->err, CC_EINTERNAL, "internal", "out of memory");
    *out = n;
    snprintf(n->name, sizeof n->name, "%s", local_name(qname));
    /* Attributes: checked for syntax, then ignored. */
    for (;;) {
        size_t before = p->pos;
        xskip_ws(p);
        if (p->pos >= p->len)
            return xerr(p, "document ends inside a start tag (truncated?)");
        if (p->s[p->pos] == '/') {
            if (!xat(p, "/>"))
                return xerr(p, "expected '/>'");
            p->pos += 2;
            return 0;
        }
        if (p->s[p->pos] == '>') {
            p->pos++;
            return xparse_content(p, depth, n, qname);
        }
        if (p->pos == before)
            return xerr(p, "expected whitespace before attribute");
        char aname[XML_MAX_NAME];
        if ((rc = xread_name(p, aname, sizeof aname)))
            return rc;
        xskip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != '=')
            return xerr(p, "expected '=' after attribute name");
        p->pos++;
        xskip_ws(p);
        if (p->pos >= p->len || (p->s[p->pos] != '"' && p->s[p->pos] != '\''))
            return xerr(p, "expected a quoted attribute value");
        char q = p->s[p->pos++];
        while (p->pos < p->len && p->s[p->pos] != q) {
            if (p->s[p->pos] == '<' || p->s[p->pos] == '\0')
                return xerr(p, "bad character in attribute value");
            p->pos++;
        }
        if (p->pos >= p->len)
            return xerr(p, "unterminated attribute value");
        p->pos++;
    }
}

/* Skips whitespace, comments and processing instructions between top-level items. */
static int xskip_misc(xparser *p)
{
    for (;;) {
        xskip_ws(p);
        if (xat(p, "<!--")) {
            if (!xskip_past(p, "-->"))
                return xerr(p, "unterminated comment");
        } else if (xat(p, "<?")) {
            if (!xskip_past(p, "?>"))
                return xerr(p, "unterminated processing instruction");
        } else if (xat(p, "<!")) {
            return xerr(p, "declarations (DOCTYPE) are not allowed");
        } else {
            return 0;
        }
    }
}

static int xml_parse(const char *s, size_t len, xnode **root, cc_err *err)
{
    *root = NULL;
    xparser p = {.s = s, .len = len, .err = err};
    if (!s || len == 0)
        return cc_err_set(err, CC_EINPUT, "aws.sts_xml", "empty STS response");
    if (len > STS_MAX_BODY)
        return cc_err_set(err, CC_EINPUT, "aws.sts_xml", "STS response too large (%zu bytes, limit %zu)", len,
                          STS_MAX_BODY);
    if (xat(&p, "\xEF\xBB\xBF"))
        p.pos = 3;
    int rc = xskip_misc(&p);
    if (!rc && (p.pos >= p.len || p.s[p.pos] != '<'))
        rc = xerr(&p, "not XML (expected an element)");
    if (!rc)
        rc = xparse_element(&p, 1, root);
    if (!rc)
        rc = xskip_misc(&p);
    if (!rc && p.pos != p.len)
        rc = xerr(&p, "text after the root element");
    if (rc) {
        xml_free(*root);
        *root = NULL;
    }
    return rc;
}

/* Finds a descendant by a slash-separated path of local names; the first
 * component names the root itself. */
static const xnode *xml_find(const xnode *root, const char *path)
{
    const xnode *cur = NULL;
    const xnode *level = root;
    while (*path) {
        const char *slash = strchr(path, '/');
        size_t n = slash ? (size_t)(slash - path) : strlen(path);
        cur = NULL;
        for (const xnode *k = level; k; k = k->next)
            if (strlen(k->name) == n && memcmp(k->name, path, n) == 0) {
                cur = k;
                break;
            }
        if (!cur)
            return NULL;
        path += n;
        if (*path == '/')
            path++;
        level = cur->child;
    }
    return cur;
}

/* The text of a leaf, trimmed of surrounding XML whitespace, malloc'd. */
static char *xml_leaf_text(const xnode *n)
{
    const char *t = n->text ? n->text : "";
    size_t len = n->text_len;
    while (len && strchr(" \t\r\n", t[0])) {
        t++;
        len--;
    }
    while (len && strchr(" \t\r\n", t[len - 1]))
        len--;
    char *s = malloc(len + 1);
    if (s) {
        memcpy(s, t, len);
        s[len] = '\0';
    }
    return s;
}

int sts_xml_text(const char *xml, size_t len, const char *path, char *out, size_t size, cc_err *err)
{
    xnode *root = NULL;
    int rc = xml_parse(xml, len, &root, err);
    if (rc)
        return rc;
    const xnode *n = xml_find(root, path);
    if (!n) {
        xml_free(root);
        return cc_err_set(err, CC_EINPUT, "aws.sts_xml", "STS response has no %s element", path);
    }
    char *t = xml_leaf_text(n);
    xml_free(root);
    if (!t)
        return cc_err_set(err, CC_EINTERNAL, "internal", "out of memory");
    snprintf(out, size, "%s", t);
    OPENSSL_cleanse(t, strlen(t));
    free(t);
    return 0;
}

/* Required leaf under base/name; fills *out (malloc'd). */
static int need_leaf(const xnode *root, const char *base, const char *name, bool allow_empty, char **out,
                     cc_err *err)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", base, name);
    const xnode *n = xml_find(root, path);
    if (!n)
        return cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response lacks %s", path);
    if (n->child)
        return cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response: %s should be text, not elements",
                          path);
    *out = xml_leaf_text(n);
    if (!*out)
        return cc_err_set(err, CC_EINTERNAL, "internal", "out of memory");
    if (!allow_empty && !**out)
        return cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response: %s is empty", path);
    return 0;
}

/* An ErrorResponse where a result was expected: report its code. */
static int error_document(const xnode *root, cc_err *err)
{
    const xnode *code = xml_find(root, "ErrorResponse/Error/Code");
    if (!code)
        code = xml_find(root, "Error/Code");
    if (!code)
        return 0;
    char *c = xml_leaf_text(code);
    cc_err_set(err, CC_EAWS, "aws.sts_error", "STS answered with error %.100s", c ? c : "?");
    free(c);
    return CC_EAWS;
}

void sts_identity_free(sts_identity *id)
{
    if (!id)
        return;
    free(id->account);
    free(id->arn);
    free(id->user_id);
    memset(id, 0, sizeof *id);
}

int sts_parse_caller_identity(const char *body, size_t len, sts_identity *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    xnode *root = NULL;
    int rc = xml_parse(body, len, &root, err);
    if (rc)
        return rc;
    if ((rc = error_document(root, err)))
        goto done;
    if (strcmp(root->name, "GetCallerIdentityResponse") != 0) {
        rc = cc_err_set(err, CC_EINPUT, "aws.sts_response",
                        "STS response: expected <GetCallerIdentityResponse>, got <%.64s>", root->name);
        goto done;
    }
    const char *base = "GetCallerIdentityResponse/GetCallerIdentityResult";
    if ((rc = need_leaf(root, base, "Arn", false, &out->arn, err)) ||
        (rc = need_leaf(root, base, "Account", false, &out->account, err)))
        goto done;
    if (xml_find(root, "GetCallerIdentityResponse/GetCallerIdentityResult/UserId") &&
        (rc = need_leaf(root, base, "UserId", true, &out->user_id, err)))
        goto done;
    if (strncmp(out->arn, "arn:", 4) != 0 || strlen(out->arn) > 2048) {
        rc = cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response: Arn is not an ARN");
        goto done;
    }
    size_t alen = strlen(out->account);
    bool digits = alen == 12;
    for (size_t i = 0; digits && i < alen; i++)
        digits = isdigit((unsigned char)out->account[i]);
    if (!digits)
        rc = cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response: Account is not a 12-digit account id");
done:
    xml_free(root);
    if (rc)
        sts_identity_free(out);
    return rc;
}

int sts_parse_credentials(const char *action, const char *body, size_t len, aws_credentials *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    xnode *root = NULL;
    int rc = xml_parse(body, len, &root, err);
    if (rc)
        return rc;
    char *exp = NULL;
    char want[96], base[160];
    snprintf(want, sizeof want, "%sResponse", action);
    snprintf(base, sizeof base, "%sResponse/%sResult/Credentials", action, action);
    if ((rc = error_document(root, err)))
        goto done;
    if (strcmp(root->name, want) != 0) {
        rc = cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response: expected <%s>, got <%.64s>", want,
                        root->name);
        goto done;
    }
    if ((rc = need_leaf(root, base, "AccessKeyId", false, &out->access_key_id, err)) ||
        (rc = need_leaf(root, base, "SecretAccessKey", false, &out->secret_access_key, err)) ||
        (rc = need_leaf(root, base, "SessionToken", false, &out->session_token, err)) ||
        (rc = need_leaf(root, base, "Expiration", false, &exp, err)))
        goto done;
    if (aws_parse_timestamp(exp, &out->expiration) != 0 || out->expiration <= 0)
        rc = cc_err_set(err, CC_EINPUT, "aws.sts_response", "STS response: Expiration is not an RFC 3339 time");
    snprintf(out->source, sizeof out->source, "sts:%s", action);
done:
    free(exp);
    xml_free(root);
    if (rc)
        aws_credentials_wipe(out);
    return rc;
}

/* --- calls --------------------------------------------------------------- */

static int sts_post(awsclient *c, const char *operation, const char *form, aws_response *resp, cc_err *err)
{
    aws_request req = {
        .method = "POST",
        .path = "/",
        .content_type = "application/x-www-form-urlencoded; charset=utf-8",
        .body = form,
        .body_len = strlen(form),
        .operation = operation,
    };
    return awsclient_call(c, "sts", &req, resp, err);
}

int sts_get_caller_identity(awsclient *c, sts_identity *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    aws_response resp;
    int rc = sts_post(c, "sts:GetCallerIdentity", "Action=GetCallerIdentity&Version=2011-06-15", &resp, err);
    if (rc == 0)
        rc = sts_parse_caller_identity(resp.body, resp.body_len, out, err);
    aws_response_free(&resp);
    return rc;
}

int sts_get_session_token(awsclient *c, int duration_s, aws_credentials *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (duration_s != 0 && (duration_s < 900 || duration_s > 129600))
        return cc_err_set(err, CC_EINPUT, "usage", "GetSessionToken duration %d s is outside 900..129600",
                          duration_s);
    char form[128];
    if (duration_s)
        snprintf(form, sizeof form, "Action=GetSessionToken&DurationSeconds=%d&Version=2011-06-15", duration_s);
    else
        snprintf(form, sizeof form, "Action=GetSessionToken&Version=2011-06-15");
    aws_response resp;
    int rc = sts_post(c, "sts:GetSessionToken", form, &resp, err);
    if (rc == 0)
        rc = sts_parse_credentials("GetSessionToken", resp.body, resp.body_len, out, err);
    if (resp.body)
        OPENSSL_cleanse(resp.body, resp.body_len);
    aws_response_free(&resp);
    return rc;
}

/* The AssumeRole form body, malloc'd into *form_out. */
static int assume_role_form(const char *role_arn, const char *session_name, const char *external_id, int duration_s,
                            char **form_out, cc_err *err)
{
    *form_out = NULL;
    if (!role_arn || !*role_arn)
        return cc_err_set(err, CC_EINPUT, "usage", "AssumeRole needs a role ARN");
    if (duration_s != 0 && (duration_s < 900 || duration_s > 43200))
        return cc_err_set(err, CC_EINPUT, "usage", "AssumeRole duration %d s is outside 900..43200", duration_s);
    char dflt[64];
    if (!session_name || !*session_name) {
        snprintf(dflt, sizeof dflt, "clinecfg-%lld", (long long)time(NULL));
        session_name = dflt;
    }
    char *arn_e = aws_uri_encode(role_arn, strlen(role_arn), false);
    char *sess_e = aws_uri_encode(session_name, strlen(session_name), false);
    char *ext_e = external_id ? aws_uri_encode(external_id, strlen(external_id), false) : NULL;
    int rc = 0;
    if (!arn_e || !sess_e || (external_id && !ext_e)) {
        rc = cc_err_set(err, CC_EINTERNAL, "internal", "out of memory");
    } else {
        size_t n = strlen(arn_e) + strlen(sess_e) + (ext_e ? strlen(ext_e) : 0) + 128;
        char *form = malloc(n);
        if (!form)
            rc = cc_err_set(err, CC_EINTERNAL, "internal", "out of memory");
        else
            snprintf(form, n, "Action=AssumeRole&DurationSeconds=%d%s%s&RoleArn=%s&RoleSessionName=%s&Version=2011-06-15",
                     duration_s ? duration_s : 3600, ext_e ? "&ExternalId=" : "", ext_e ? ext_e : "", arn_e, sess_e);
        *form_out = form;
    }
    free(arn_e);
    free(sess_e);
    free(ext_e);
    return rc;
}

int sts_assume_role(awsclient *c, const char *role_arn, const char *session_name, const char *external_id,
                    int duration_s, aws_credentials *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    char *form = NULL;
    int rc = assume_role_form(role_arn, session_name, external_id, duration_s, &form, err);
    if (rc)
        return rc;
    aws_response resp;
    rc = sts_post(c, "sts:AssumeRole", form, &resp, err);
    if (rc == 0)
        rc = sts_parse_credentials("AssumeRole", resp.body, resp.body_len, out, err);
    if (resp.body)
        OPENSSL_cleanse(resp.body, resp.body_len);
    aws_response_free(&resp);
    free(form);
    return rc;
}

int sts_assume_role_with(http_client *h, const char *url_base, const char *region, const aws_credentials *source,
                         const char *role_arn, const char *session_name, const char *external_id, int duration_s,
                         aws_credentials *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    char *form = NULL;
    int rc = assume_role_form(role_arn, session_name, external_id, duration_s, &form, err);
    if (rc)
        return rc;
    aws_request req = {
        .method = "POST",
        .url_base = url_base,
        .path = "/",
        .content_type = "application/x-www-form-urlencoded; charset=utf-8",
        .body = form,
        .body_len = strlen(form),
        .service = "sts",
        .region = region,
        .creds = source,
        .operation = "sts:AssumeRole",
    };
    aws_response resp;
    rc = http_aws_call(h, &req, &resp, err);
    if (rc == 0 || (resp.status >= 300 && (rc == CC_EDENIED || rc == CC_EAWS))) {
        int st = awsclient_check(&resp, req.operation, err);
        rc = rc ? rc : st;
        if (err && rc)
            err->status = rc;
    }
    if (rc == 0)
        rc = sts_parse_credentials("AssumeRole", resp.body, resp.body_len, out, err);
    if (resp.body)
        OPENSSL_cleanse(resp.body, resp.body_len);
    aws_response_free(&resp);
    free(form);
    return rc;
}

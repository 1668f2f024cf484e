/*
 * jsonc_parse.c - the JSONC parser (see include/clinecfg/jsonc.h).
 *
 * Owns: turning text into a jsonc_doc (nodes with byte offsets, decoded
 * keys and strings, comment spans, detected indent/EOL/BOM), node lookup,
 * paths, and conversion to cJSON.  The parser is a single forward pass with
 * an explicit stack (no recursion), so a depth bomb is an error at
 * JSONC_MAX_DEPTH, never a stack overflow.  All nodes and strings live in
 * one arena freed by jsonc_free.  A second, faster scanner (jsonc_scan)
 * serves the editor: it accepts the same texts but builds only the nodes an
 * edit needs and words no errors; the full parser reruns to report them.
 */
#include "jsonc_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena -------------------------------------------------------------- */

static void *arena_alloc(jsonc_doc *d, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    jsonc_chunk *c = d->chunks;
    if (!c || c->cap - c->used < n) {
        /* Chunks grow from 4 KiB to 64 KiB: tiny documents stay tiny, big
         * ones do not pay a malloc per node, and chunks stay under malloc's
         * mmap threshold so memory freed by one parse serves the next
         * without fresh page faults. */
        size_t cap = (size_t)4096 << (d->nchunks < 4 ? d->nchunks : 4);
        if (cap < n)
            cap = n;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->cap = cap;
        c->used = 0;
        c->next = d->chunks;
        d->chunks = c;
        d->nchunks++;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

void jsonc_free(jsonc_doc *doc)
{
    if (!doc)
        return;
    jsonc_chunk *c = doc->chunks;
    while (c) {
        jsonc_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(doc->comments);
    free(doc);
}

/* ---- UTF-8 -------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (s[0] >= 0x80), or 0 if invalid
 * (overlong forms, surrogates and code points past U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    if (c >= 0xC2 && c <= 0xDF)
        return (avail >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0;
        if (c == 0xED && s[1] >= 0xA0)
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0;
        if (c == 0xF4 && s[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

bool jsonc_utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_seq(s + i, len - i);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

/* ---- positions ---------------------------------------------------------- */

void jsonc_line_col(const char *text, size_t len, size_t offset, int *line, int *col)
{
    if (offset > len)
        offset = len;
    long l = 1;
    size_t ls = 0;
    const char *p = text, *end = text + offset;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        l++;
        ls = (size_t)(nl - text) + 1;
        p = nl + 1;
    }
    if (line)
        *line = l > INT32_MAX ? INT32_MAX : (int)l;
    if (col) {
        size_t c = offset - ls + 1;
        *col = c > INT32_MAX ? INT32_MAX : (int)c;
    }
}

/* ---- the parser --------------------------------------------------------- */

typedef struct {
    const unsigned char *s;
    size_t len, pos;
    const char *name;
    const char *text;
    unsigned flags;
    jsonc_doc *doc;
    cc_err *err;
} parser;

#define LIMIT_CODE_DEPTH "jsonc.depth"
#define LIMIT_CODE_SIZE "jsonc.size"

static int fail_at(parser *p, size_t at, const char *code, const char *reason)
{
    int line, col;
    jsonc_line_col(p->text, p->len, at, &line, &col);
    cc_err_set(p->err, CC_EINPUT, code, "%s:%d:%d: %s", p->name, line, col, reason);
    cc_err_hint(p->err, "%s is not valid JSON with comments; fix it by hand (nothing was changed)", p->name);
    return CC_EINPUT;
}

static int oom(parser *p)
{
    return cc_err_set(p->err, CC_EINTERNAL, "oom", "%s: out of memory while parsing", p->name);
}

bool jsonc_err_is_limit(const cc_err *err)
{
    return err && (strcmp(err->code, LIMIT_CODE_DEPTH) == 0 || strcmp(err->code, LIMIT_CODE_SIZE) == 0);
}

/* Appends a comment span; false when out of memory. */
static bool doc_add_comment(jsonc_doc *d, size_t start, size_t end)
{
    if (d->ncomments == d->comments_cap) {
        size_t cap = d->comments_cap ? d->comments_cap * 2 : 16;
        size_t *n = realloc(d->comments, cap * 2 * sizeof *n);
        if (!n)
            return false;
        d->comments = n;
        d->comments_cap = cap;
    }
    d->comments[2 * d->ncomments] = start;
    d->comments[2 * d->ncomments + 1] = end;
    d->ncomments++;
    return true;
}

static int add_comment(parser *p, size_t start, size_t end)
{
    if (p->flags & JSONC_VALIDATE)
        return 0;
    return doc_add_comment(p->doc, start, end) ? 0 : oom(p);
}

/* Called at the first '\n': learns the EOL style. */
static void learn_eol(parser *p, size_t nl)
{
    p->doc->eol_found = true;
    p->doc->eol = (nl > 0 && p->s[nl - 1] == '\r') ? "\r\n" : "\n";
}

static bool sp_or_tab(unsigned char c) { return c == ' ' || c == '\t'; }

/* [*ls, *ls + *n): the leading blanks of the line holding offset i. */
static void line_blanks(const unsigned char *s, size_t len, size_t i, size_t *ls, size_t *n)
{
    size_t a = i;
    while (a > 0 && s[a - 1] != '\n')
        a--;
    size_t e = a;
    while (e < len && e < i && sp_or_tab(s[e]))
        e++;
    *ls = a;
    *n = e - a;
}

/* The indent unit is what a container's first child line adds to the
 * container's own line (so an indented root or odd base indentation does
 * not count).  Looks at the first few containers that start their first
 * child on a line of its own; mixed tab/space units are ignored. */
/* One step of learning the indent: container opened at `open`, its first
 * child (member key or element) at `cs`.  True when the unit was learned. */
static bool indent_from(jsonc_doc *d, const unsigned char *s, size_t len, size_t open, size_t cs)
{
    size_t pl, pn, cl, cn;
    line_blanks(s, len, open, &pl, &pn);
    line_blanks(s, len, cs, &cl, &cn);
    if (cl > open && cl + cn == cs && cn > pn && memcmp(s + pl, s + cl, pn) == 0) {
        const unsigned char *u = s + cl + pn;
        size_t un = cn - pn, k = 0;
        while (k < un && u[k] == u[0])
            k++;
        if (k == un) {
            if (un > 16)
                un = 16;
            memcpy(d->indent, u, un);
            d->indent[un] = '\0';
            d->indent_found = true;
            return true;
        }
    }
    return false;
}

/* How many containers (with children, in the order they open) the indent
 * is looked for in. */
#define INDENT_LOOKS 1000

static void learn_indent(jsonc_doc *d, const unsigned char *s, size_t len)
{
    const jsonc_node *n = d->root;
    int looked = 0;
    while (n && looked < INDENT_LOOKS) {
        if ((n->type == JSONC_OBJECT || n->type == JSONC_ARRAY) && n->child) {
            looked++;
            if (indent_from(d, s, len, n->start, n->child->key ? n->child->key_start : n->child->start))
                return;
            n = n->child;
            continue;
        }
        while (n && !n->next)
            n = n->parent;
        if (n)
            n = n->next;
    }
}

/* Skips whitespace and comments.  Returns 0 or an error status. */
static int skip_trivia(parser *p)
{
    const unsigned char *s = p->s;
    size_t i = p->pos, len = p->len;
    if (i < len && s[i] > ' ' && s[i] != '/')
        return 0; /* the common case: already at a token */
    for (;;) {
        while (i < len) {
            unsigned char c = s[i];
            if (c == ' ' || c == '\t' || c == '\r') {
                i++;
            } else if (c == '\n') {
                if (!p->doc->eol_found)
                    learn_eol(p, i);
                i++;
            } else {
                break;
            }
        }
        if (i + 1 < len && s[i] == '/' && (s[i + 1] == '/' || s[i + 1] == '*')) {
            if (p->flags & JSONC_STRICT)
                return fail_at(p, i, "jsonc.syntax", "comments are not allowed here");
            size_t start = i;
            if (s[i + 1] == '/') {
                i += 2;
                while (i < len && s[i] != '\n' && s[i] != '\r') {
                    if (s[i] >= 0x80) {
                        size_t n = utf8_seq(s + i, len - i);
                        if (!n)
                            return fail_at(p, i, "jsonc.utf8", "invalid UTF-8 in a comment");
                        i += n;
                    } else {
                        i++;
                    }
                }
            } else {
                i += 2;
                for (;;) {
                    if (i + 1 >= len)
                        return fail_at(p, start, "jsonc.syntax", "unterminated block comment");
                    if (s[i] == '*' && s[i + 1] == '/') {
                        i += 2;
                        break;
                    }
                    if (s[i] >= 0x80) {
                        size_t n = utf8_seq(s + i, len - i);
                        if (!n)
                            return fail_at(p, i, "jsonc.utf8", "invalid UTF-8 in a comment");
                        i += n;
                    } else {
                        if (s[i] == '\n' && !p->doc->eol_found)
                            learn_eol(p, i);
                        i++;
                    }
                }
            }
            int rc = add_comment(p, start, i);
            if (rc)
                return rc;
            continue;
        }
        if (i < len && s[i] == '/')
            return fail_at(p, i, "jsonc.syntax", "unexpected '/' (a comment starts with // or /*)");
        p->pos = i;
        return 0;
    }
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static unsigned read_u4(const unsigned char *s)
{
    return (unsigned)(hexval(s[0]) << 12 | hexval(s[1]) << 8 | hexval(s[2]) << 4 | hexval(s[3]));
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* 1 for bytes that need no attention inside a string: printable ASCII
 * other than '"' and '\\'. */
static const unsigned char plain_char[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Decodes the body [from, to) of a valid string token into o (room for
 * to - from + 1 bytes) and NUL-terminates it; returns the decoded length.
 * A lone surrogate escape decodes to U+FFFD. */
static size_t decode_string(const unsigned char *s, size_t from, size_t to, bool escapes, char *o)
{
    size_t olen = 0;
    if (!escapes) {
        memcpy(o, s + from, to - from);
        olen = to - from;
    } else {
        size_t j = from;
        while (j < to) {
            if (s[j] != '\\') {
                o[olen++] = (char)s[j++];
                continue;
            }
            unsigned char e = s[j + 1];
            j += 2;
            switch (e) {
            case 'b': o[olen++] = '\b'; break;
            case 'f': o[olen++] = '\f'; break;
            case 'n': o[olen++] = '\n'; break;
            case 'r': o[olen++] = '\r'; break;
            case 't': o[olen++] = '\t'; break;
            case 'u': {
                unsigned cp = read_u4(s + j);
                j += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (j + 6 <= to && s[j] == '\\' && s[j + 1] == 'u') {
                        unsigned lo = read_u4(s + j + 2);
                        if (lo >= 0xDC00 && lo <= 0xDFFF) {
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                            j += 6;
                        } else {
                            cp = 0xFFFD;
                        }
                    } else {
                        cp = 0xFFFD;
                    }
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    cp = 0xFFFD;
                }
                olen += put_utf8(o + olen, cp);
                break;
            }
            default: o[olen++] = (char)e; break; /* " \ / */
            }
        }
    }
    o[olen] = '\0';
    return olen;
}

/* Parses the string token at p->pos (a '"').  On success p->pos is past the
 * closing quote and *out / *out_len hold the decoded, NUL-terminated text in
 * the arena.  A lone surrogate escape decodes to U+FFFD. */
static int parse_string(parser *p, const char **out, size_t *out_len, bool decode)
{
    const unsigned char *s = p->s;
    size_t start = p->pos, i = start + 1, len = p->len;
    bool escapes = false;
    for (;;) {
        /* Fast path over plain ASCII. */
        while (i < len && plain_char[s[i]])
            i++;
        if (i >= len)
            return fail_at(p, start, "jsonc.syntax", "unterminated string");
        unsigned char c = s[i];
        if (c == '"')
            break;
        if (c == '\\') {
            escapes = true;
            if (i + 1 >= len)
                return fail_at(p, start, "jsonc.syntax", "unterminated string");
            unsigned char e = s[i + 1];
            if (e == 'u') {
                if (i + 6 > len || hexval(s[i + 2]) < 0 || hexval(s[i + 3]) < 0 || hexval(s[i + 4]) < 0 ||
                    hexval(s[i + 5]) < 0)
                    return fail_at(p, i, "jsonc.syntax", "invalid \\u escape (needs 4 hex digits)");
                i += 6;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
                       e == 't') {
                i += 2;
            } else {
                return fail_at(p, i, "jsonc.syntax", "invalid escape in string");
            }
            continue;
        }
        if (c < 0x20)
            return fail_at(p, i, "jsonc.syntax",
                           c == '\n' || c == '\r' ? "unterminated string (line break inside a string)"
                                                  : "control character in a string (write it as \\u00XX)");
        size_t n = utf8_seq(s + i, len - i);
        if (!n)
            return fail_at(p, i, "jsonc.utf8", "invalid UTF-8 in a string");
        i += n;
    }
    size_t raw = i - start - 1;
    if (!decode) {
        *out = "";
        *out_len = 0;
        p->pos = i + 1;
        return 0;
    }
    char *o = arena_alloc(p->doc, raw + 1);
    if (!o)
        return oom(p);
    size_t olen = decode_string(s, start + 1, i, escapes, o);
    *out = o;
    *out_len = olen;
    p->pos = i + 1;
    return 0;
}

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* The JSON number grammar, shared by the parser and the fast scanner: moves
 * *pi past the number token at *pi and returns NULL, or returns why it is
 * not a number (*pi unchanged). */
static inline const char *number_token(const unsigned char *s, size_t len, size_t *pi)
{
    size_t i = *pi;
    if (i < len && s[i] == '-')
        i++;
    if (i >= len || !is_digit(s[i]))
        return "invalid number";
    if (s[i] == '0') {
        i++;
        if (i < len && is_digit(s[i]))
            return "invalid number (leading zero)";
    } else {
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len || !is_digit(s[i]))
            return "invalid number (digit expected after '.')";
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || !is_digit(s[i]))
            return "invalid number (digit expected in exponent)";
        while (i < len && is_digit(s[i]))
            i++;
    }
    *pi = i;
    return NULL;
}

static int parse_number(parser *p, double *out, bool convert)
{
    const unsigned char *s = p->s;
    size_t start = p->pos, i = start;
    const char *why = number_token(s, p->len, &i);
    if (why)
        return fail_at(p, start, "jsonc.syntax", why);
    size_t n = i - start;
    if (!convert) {
        *out = 0;
        p->pos = i;
        return 0;
    }
    if (n <= 15) { /* plain integers up to 15 digits are exact as doubles: skip strtod */
        size_t k = start;
        bool neg = s[k] == '-';
        if (neg)
            k++;
        int64_t v = 0;
        while (k < i && is_digit(s[k]))
            v = v * 10 + (s[k++] - '0');
        if (k == i) {
            *out = neg ? -(double)v : (double)v;
            p->pos = i;
            return 0;
        }
    }
    char small[64];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        return oom(p);
    memcpy(buf, s + start, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    p->pos = i;
    return 0;
}

typedef struct {
    jsonc_node *node;
    jsonc_node *last;  /* last child so far */
} frame;

static jsonc_node *new_node(parser *p, jsonc_type t, size_t start, jsonc_node *pool, size_t depth)
{
    /* Validation needs only the open containers: one node per depth level,
     * reused by siblings. */
    jsonc_node *n = (p->flags & JSONC_VALIDATE) ? &pool[depth] : arena_alloc(p->doc, sizeof(jsonc_inode));
    if (!n)
        return NULL;
    memset(n, 0, (p->flags & JSONC_VALIDATE) ? sizeof *n : sizeof(jsonc_inode));
    n->type = t;
    n->start = start;
    return n;
}

static const char *expect_name(jsonc_type t) { return t == JSONC_OBJECT ? "'}'" : "']'"; }

typedef struct scanner scanner;
/* ---- the fast scanner ----------------------------------------------------
 *
 * jsonc_apply scans every file twice (the input, then its output as a
 * check), and nearly every file is valid.  This scanner accepts exactly the
 * texts the parser above accepts without JSONC_STRICT (fuzz_jsonc and
 * test_jsonc compare the two), but words no errors: on any error it just
 * says no, and the caller runs the parser above, which finds the same error
 * and reports it with its line:col.  It puts in the tree only the nodes an
 * edit needs (jsonc_parse_paths), and none at all when validating.  Like the
 * parser it keeps an explicit stack: no recursion. */

#define SWAR_ONES ((uint64_t)0x0101010101010101u)
#define SWAR_HIGH ((uint64_t)0x8080808080808080u)

/* Nonzero when one of the 8 bytes of x is '"', '\\', below 0x20 or above
 * 0x7F (the classic "has a zero byte" / "has a byte less than" tests). */
static inline uint64_t swar_string_special(uint64_t x)
{
    uint64_t q = x ^ (SWAR_ONES * '"'), b = x ^ (SWAR_ONES * '\\');
    return (((q - SWAR_ONES) & ~q) | ((b - SWAR_ONES) & ~b) | ((x - SWAR_ONES * 0x20) & ~x) | x) & SWAR_HIGH;
}

static const unsigned char ws_char[256] = {[' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1};

/* The string token at *pi (a '"'): false if invalid, else *pi is past the
 * closing quote and *escapes tells whether it has any. */
static inline bool scan_string(const unsigned char *s, size_t len, size_t *pi, bool *escapes)
{
    size_t i = *pi + 1;
    for (;;) {
        while (len - i >= 8) {
            uint64_t x;
            memcpy(&x, s + i, 8);
            if (swar_string_special(x))
                break;
            i += 8;
        }
        while (i < len && plain_char[s[i]])
            i++;
        if (i >= len)
            return false;
        unsigned char c = s[i];
        if (c == '"') {
            *pi = i + 1;
            return true;
        }
        if (c == '\\') {
            *escapes = true;
            if (i + 1 >= len)
                return false;
            unsigned char e = s[i + 1];
            if (e == 'u') {
                if (i + 6 > len || hexval(s[i + 2]) < 0 || hexval(s[i + 3]) < 0 || hexval(s[i + 4]) < 0 ||
                    hexval(s[i + 5]) < 0)
                    return false;
                i += 6;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
                       e == 't') {
                i += 2;
            } else {
                return false;
            }
            continue;
        }
        if (c < 0x20)
            return false;
        size_t n = utf8_seq(s + i, len - i);
        if (!n)
            return false;
        i += n;
    }
}

/* Comments (and the whitespace between them) from *pi, which is at a '/'.
 * False on a syntax error, invalid UTF-8 or out of memory. */
static bool scan_comments(const unsigned char *s, size_t len, size_t *pi, jsonc_doc *d, bool collect)
{
    size_t i = *pi;
    while (i < len && s[i] == '/') {
        if (i + 1 >= len)
            return false;
        size_t start = i;
        if (s[i + 1] == '/') {
            i += 2;
            while (i < len) {
                unsigned char c = s[i];
                if (c < 0x80) {
                    if (c == '\n' || c == '\r')
                        break;
                    i++;
                } else {
                    size_t n = utf8_seq(s + i, len - i);
                    if (!n)
                        return false;
                    i += n;
                }
            }
        } else if (s[i + 1] == '*') {
            i += 2;
            for (;;) {
                if (i + 1 >= len)
                    return false;
                unsigned char c = s[i];
                if (c == '*' && s[i + 1] == '/') {
                    i += 2;
                    break;
                }
                if (c < 0x80) {
                    i++;
                } else {
                    size_t n = utf8_seq(s + i, len - i);
                    if (!n)
                        return false;
                    i += n;
                }
            }
        } else {
            return false;
        }
        if (collect && !doc_add_comment(d, start, i))
            return false;
        while (i < len && ws_char[s[i]])
            i++;
    }
    *pi = i;
    return true;
}

typedef struct {
    jsonc_node *node;     /* the container's node; NULL when it is not in the tree */
    jsonc_node *last;     /* its last child in the list */
    jsonc_inode scratch;  /* expanded: the newest child while it is not in the list */
    size_t start, count;  /* where it opens; children so far */
    unsigned char close;  /* '}' or ']' */
    bool expanded, pending;
} scan_frame;

struct scanner {
    const unsigned char *s;
    size_t len;
    jsonc_doc *d;
    const jsonc_path *const *paths;
    size_t npaths;
};

/* Does the child (index idx, or key [raw, raw + rawlen) / decoded) of an
 * expanded container at `depth` match a path step there?  Like step(): the
 * first key match in an object, the index in an array. */
static bool scan_matches(const scanner *sc, size_t depth, bool obj, size_t idx, const unsigned char *raw,
                         size_t rawlen, const char *decoded)
{
    for (size_t k = 0; k < sc->npaths; k++) {
        const jsonc_path *p = sc->paths[k];
        if (!p || p->n < depth)
            continue;
        const jsonc_seg *g = &p->segs[depth - 1];
        if (obj) {
            if (!g->key)
                continue;
            if (decoded ? strcmp(decoded, g->key) == 0
                        : (unsigned char)g->key[0] == (rawlen ? raw[0] : 0) && strlen(g->key) == rawlen &&
                              memcmp(g->key, raw, rawlen) == 0)
                return true;
        } else if (g->numeric && g->index >= 0 && (size_t)g->index == idx) {
            return true;
        }
    }
    return false;
}

/* Puts f's scratch child into the arena and at the end of f's list. */
static jsonc_node *scan_commit(scanner *sc, scan_frame *f)
{
    jsonc_inode *n = arena_alloc(sc->d, sizeof *n);
    if (!n)
        return NULL;
    *n = f->scratch;
    jsonc_node *pn = &n->pub;
    if (pn->key_end > pn->key_start && !pn->key) { /* a member key without escapes: copy it now */
        char *k = arena_alloc(sc->d, pn->key_end - pn->key_start - 1);
        if (!k)
            return NULL;
        decode_string(sc->s, pn->key_start + 1, pn->key_end - 1, false, k);
        pn->key = k;
    }
    if (f->last)
        f->last->next = pn;
    else
        f->node->child = pn;
    f->last = pn;
    f->pending = false;
    return pn;
}

/* True when `text` is valid (non-strict) JSONC.  With `tree`, d gets the
 * sparse tree for `paths`, the comments and the indent; else d gets nothing
 * but the BOM and EOL.  On false, d holds partial results (free it). */
static bool fast_scan(scanner *sc, bool tree)
{
    const unsigned char *s = sc->s;
    size_t len = sc->len, i = 0, depth = 0, ks = 0, ke = 0;
    bool kesc = false, ok = false;
    jsonc_doc *d = sc->d;
    int looked = d->indent_found ? INDENT_LOOKS : 0;
    scan_frame *fr = malloc(JSONC_MAX_DEPTH * sizeof *fr);
    if (!fr)
        return false;
    if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
        d->bom = true;
        i = 3;
    }
#define TRIVIA()                                                                                \
    do {                                                                                        \
        while (i < len && ws_char[s[i]])                                                        \
            i++;                                                                                \
        if (i < len && s[i] == '/' && !scan_comments(s, len, &i, d, tree))                      \
            goto out;                                                                           \
    } while (0)
    TRIVIA();
    if (i == len) {
        ok = true; /* empty content */
        goto out;
    }
    for (;;) {
        /* -- a value starts at i (trivia skipped) -- */
        if (i >= len)
            goto out;
        unsigned char c = s[i];
        jsonc_type t;
        switch (c) {
        case '{': t = JSONC_OBJECT; break;
        case '[': t = JSONC_ARRAY; break;
        case '"': t = JSONC_STRING; break;
        case 't':
        case 'f': t = JSONC_BOOL; break;
        case 'n': t = JSONC_NULL; break;
        default:
            if (c != '-' && !is_digit(c))
                goto out;
            t = JSONC_NUMBER;
        }
        jsonc_node *n = NULL;
        bool expand = false;
        if (depth) {
            scan_frame *f = &fr[depth - 1];
            bool obj = f->close == '}';
            if (tree && looked < INDENT_LOOKS && f->count == 0 &&
                (looked++, indent_from(d, s, len, f->start, obj ? ks : i)))
                looked = INDENT_LOOKS;
            size_t idx = f->count++;
            if (f->expanded) {
                const char *key = NULL;
                if (obj && kesc) { /* decoded now: matching needs it */
                    char *k = arena_alloc(d, ke - ks - 1);
                    if (!k)
                        goto out;
                    decode_string(s, ks + 1, ke - 1, true, k);
                    key = k;
                }
                expand = scan_matches(sc, depth, obj, idx, s + ks + 1, obj ? ke - ks - 2 : 0, key);
                if (expand && f->pending && !scan_commit(sc, f))
                    goto out;
                memset(&f->scratch, 0, sizeof f->scratch);
                f->scratch.index = idx;
                n = &f->scratch.pub;
                n->type = t;
                n->start = i;
                n->parent = f->node;
                if (obj) {
                    n->key = key;
                    n->key_start = ks;
                    n->key_end = ke;
                }
                if (expand || idx < 2) {
                    if (!(n = scan_commit(sc, f)))
                        goto out;
                } else {
                    f->pending = true;
                }
            }
        } else if (tree) {
            jsonc_inode *r = arena_alloc(d, sizeof *r);
            if (!r)
                goto out;
            memset(r, 0, sizeof *r);
            n = &r->pub;
            n->type = t;
            n->start = i;
            d->root = n;
            expand = true;
        }
        if (t == JSONC_OBJECT || t == JSONC_ARRAY) {
            if (depth == JSONC_MAX_DEPTH)
                goto out;
            scan_frame *g = &fr[depth++];
            g->node = n;
            g->last = NULL;
            g->start = i;
            g->count = 0;
            g->close = (unsigned char)(c + 2); /* '{' + 2 == '}', '[' + 2 == ']' */
            g->expanded = expand;
            g->pending = false;
            i++;
            TRIVIA();
            if (i < len && s[i] == g->close)
                goto close;
            if (c == '[')
                continue;
            goto key;
        }
        if (t == JSONC_STRING) {
            bool esc = false;
            if (!scan_string(s, len, &i, &esc))
                goto out;
            if (n)
                n->str = "";
        } else if (t == JSONC_NUMBER) {
            if (number_token(s, len, &i))
                goto out;
        } else {
            const char *word = c == 't' ? "true" : c == 'f' ? "false" : "null";
            size_t wl = c == 'f' ? 5 : 4;
            if (len - i < wl || memcmp(s + i, word, wl) != 0)
                goto out;
            i += wl;
            if (n)
                n->boolean = c == 't';
        }
        if (n)
            n->end = i;
        goto after;

    close: /* i is at the closing bracket of fr[depth - 1] */
        {
            scan_frame *f = &fr[depth - 1];
            i++;
            if (f->node) {
                f->node->end = i;
                if (f->expanded) {
                    if (f->pending && !scan_commit(sc, f))
                        goto out;
                    f->node->nchildren = f->count;
                }
            }
            depth--;
        }
    after: /* a value ended at i */
        TRIVIA();
        if (depth == 0) {
            ok = i == len;
            goto out;
        }
        if (i >= len)
            goto out;
        {
            scan_frame *f = &fr[depth - 1];
            if (s[i] == ',') {
                i++;
                TRIVIA();
                if (i < len && s[i] == f->close)
                    goto close; /* trailing comma */
                if (f->close == ']')
                    continue;
                goto key;
            }
            if (s[i] == f->close)
                goto close;
            goto out;
        }
    key: /* a member key starts at i (trivia skipped) */
        if (i >= len || s[i] != '"')
            goto out;
        ks = i;
        kesc = false;
        if (!scan_string(s, len, &i, &kesc))
            goto out;
        ke = i;
        TRIVIA();
        if (i >= len || s[i] != ':')
            goto out;
        i++;
        TRIVIA();
    }
#undef TRIVIA
out:
    free(fr);
    if (ok) {
        const unsigned char *nl = memchr(s, '\n', len);
        if (nl) {
            d->eol_found = true;
            d->eol = (nl > s && nl[-1] == '\r') ? "\r\n" : "\n";
        }
    }
    return ok;
}

static jsonc_doc *new_doc(void)
{
    jsonc_doc *d = calloc(1, sizeof *d);
    if (d) {
        strcpy(d->indent, "    ");
        d->eol = "\n";
    }
    return d;
}

jsonc_doc *jsonc_scan(const char *text, size_t len, const jsonc_path *const *paths, size_t npaths, bool tree)
{
    if (len > JSONC_MAX_SIZE)
        return NULL;
    jsonc_doc *d = new_doc();
    if (!d)
        return NULL;
    scanner sc = {(const unsigned char *)text, len, d, paths, npaths};
    if (!fast_scan(&sc, tree)) {
        jsonc_free(d);
        return NULL;
    }
    return d;
}

int jsonc_parse_paths(const char *text, size_t len, const char *name, const jsonc_path *const *paths,
                      size_t npaths, jsonc_doc **out, cc_err *err)
{
    *out = jsonc_scan(text, len, paths, npaths, true);
    if (*out)
        return 0;
    /* Not valid (or out of memory): the full parser says why. */
    return jsonc_parse_flags(text, len, name, JSONC_KEYS_ONLY, out, err);
}

int jsonc_parse_flags(const char *text, size_t len, const char *name, unsigned flags, jsonc_doc **out,
                      cc_err *err)
{
    *out = NULL;
    if (!name)
        name = "<input>";
    if (len > JSONC_MAX_SIZE)
        return cc_err_set(err, CC_EINPUT, LIMIT_CODE_SIZE,
                          "%s: file is %zu bytes, over the %zu MiB size limit (JSONC_MAX_SIZE)", name, len,
                          JSONC_MAX_SIZE >> 20);
    if (flags == JSONC_VALIDATE && (*out = jsonc_scan(text, len, NULL, 0, false)))
        return 0; /* else the parser below finds the error and words it */
    jsonc_doc *d = new_doc();
    if (!d)
        return cc_err_set(err, CC_EINTERNAL, "oom", "%s: out of memory while parsing", name);
    parser P = {(const unsigned char *)text, len, 0, name, text, flags, d, err};
    parser *p = &P;
    frame *stack = malloc(JSONC_MAX_DEPTH * sizeof *stack);
    jsonc_node *pool = (flags & JSONC_VALIDATE) ? calloc(JSONC_MAX_DEPTH + 1, sizeof *pool) : NULL;
    if (!stack || ((flags & JSONC_VALIDATE) && !pool)) {
        free(stack);
        free(pool);
        jsonc_free(d);
        return cc_err_set(err, CC_EINTERNAL, "oom", "%s: out of memory while parsing", name);
    }
    size_t depth = 0;
    int rc = 0;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        d->bom = true;
        p->pos = 3;
    }
    if ((rc = skip_trivia(p)))
        goto done;
    if (p->pos == len) {
        if (flags & JSONC_STRICT)
            rc = fail_at(p, p->pos, "jsonc.syntax", "empty input (a JSON value is expected)");
        goto done; /* empty content: no root */
    }

    /* Pending member key for the next value. */
    size_t ks = 0, ke = 0;
    const char *key = NULL;
    enum { ST_VALUE, ST_KEY, ST_AFTER } st = ST_VALUE;
    for (;;) {
        if (st == ST_VALUE) {
            if ((rc = skip_trivia(p)))
                goto done;
            if (p->pos >= len) {
                rc = fail_at(p, p->pos, "jsonc.syntax", "unexpected end of input (a value is expected)");
                goto done;
            }
            unsigned char c = p->s[p->pos];
            jsonc_node *n;
            switch (c) {
            case '{': n = new_node(p, JSONC_OBJECT, p->pos, pool, depth); break;
            case '[': n = new_node(p, JSONC_ARRAY, p->pos, pool, depth); break;
            case '"': n = new_node(p, JSONC_STRING, p->pos, pool, depth); break;
            case 't':
            case 'f': n = new_node(p, JSONC_BOOL, p->pos, pool, depth); break;
            case 'n': n = new_node(p, JSONC_NULL, p->pos, pool, depth); break;
            default:
                if (c == '-' || is_digit(c)) {
                    n = new_node(p, JSONC_NUMBER, p->pos, pool, depth);
                    break;
                }
                if (c == '}' || c == ']' || c == ',')
                    rc = fail_at(p, p->pos, "jsonc.syntax", c == ',' ? "unexpected ',' (a value is expected)"
                                                                     : "unexpected closing bracket (a value is expected)");
                else if (c >= 0x80 && !utf8_seq(p->s + p->pos, len - p->pos))
                    rc = fail_at(p, p->pos, "jsonc.utf8", "invalid UTF-8");
                else if (c == '\'')
                    rc = fail_at(p, p->pos, "jsonc.syntax", "single quotes are not allowed (use \")");
                else
                    rc = fail_at(p, p->pos, "jsonc.syntax", "unexpected character (a value is expected)");
                goto done;
            }
            if (!n) {
                rc = oom(p);
                goto done;
            }
            n->key = key;
            n->key_start = ks;
            n->key_end = ke;
            key = NULL;
            ks = ke = 0;
            if (depth) {
                frame *f = &stack[depth - 1];
                n->parent = f->node;
                if (f->last)
                    f->last->next = n;
                else
                    f->node->child = n;
                f->last = n;
                if (!(flags & JSONC_VALIDATE))
                    ((jsonc_inode *)n)->index = f->node->nchildren;
                f->node->nchildren++;
            } else {
                d->root = n;
            }
            if (c == '{' || c == '[') {
                if (depth == JSONC_MAX_DEPTH) {
                    rc = fail_at(p, p->pos, LIMIT_CODE_DEPTH, "nesting deeper than the limit of 256 levels (JSONC_MAX_DEPTH)");
                    goto done;
                }
                stack[depth].node = n;
                stack[depth].last = NULL;
                depth++;
                p->pos++;
                if ((rc = skip_trivia(p)))
                    goto done;
                if (p->pos < len && p->s[p->pos] == (c == '{' ? '}' : ']')) {
                    st = ST_AFTER; /* the closing bracket is handled there */
                    continue;
                }
                st = c == '{' ? ST_KEY : ST_VALUE;
                continue;
            }
            if (c == '"') {
                if ((rc = parse_string(p, &n->str, &n->str_len, !(flags & (JSONC_VALIDATE | JSONC_KEYS_ONLY)))))
                    goto done;
            } else if (c == 't' || c == 'f' || c == 'n') {
                const char *word = c == 't' ? "true" : c == 'f' ? "false" : "null";
                size_t wl = strlen(word);
                if (len - p->pos < wl || memcmp(p->s + p->pos, word, wl) != 0) {
                    rc = fail_at(p, p->pos, "jsonc.syntax", "unexpected word (expected true, false or null)");
                    goto done;
                }
                n->boolean = c == 't';
                p->pos += wl;
            } else {
                if ((rc = parse_number(p, &n->number, !(flags & (JSONC_VALIDATE | JSONC_KEYS_ONLY)))))
                    goto done;
            }
            n->end = p->pos;
            st = ST_AFTER;
        } else if (st == ST_KEY) {
            if ((rc = skip_trivia(p)))
                goto done;
            if (p->pos >= len) {
                rc = fail_at(p, p->pos, "jsonc.syntax", "unexpected end of input (a property name is expected)");
                goto done;
            }
            if (p->s[p->pos] != '"') {
                rc = fail_at(p, p->pos, "jsonc.syntax", "a property name in double quotes is expected");
                goto done;
            }
            ks = p->pos;
            size_t kl;
            if ((rc = parse_string(p, &key, &kl, !(flags & JSONC_VALIDATE))))
                goto done;
            ke = p->pos;
            if ((rc = skip_trivia(p)))
                goto done;
            if (p->pos >= len || p->s[p->pos] != ':') {
                rc = fail_at(p, p->pos, "jsonc.syntax", "':' is expected after the property name");
                goto done;
            }
            p->pos++;
            st = ST_VALUE;
        } else { /* ST_AFTER: a value just ended */
            if ((rc = skip_trivia(p)))
                goto done;
            if (depth == 0) {
                if (p->pos < len)
                    rc = fail_at(p, p->pos, "jsonc.syntax", "unexpected content after the end of the value");
                goto done;
            }
            frame *f = &stack[depth - 1];
            unsigned char close = f->node->type == JSONC_OBJECT ? '}' : ']';
            if (p->pos >= len) {
                int line, col;
                jsonc_line_col(text, len, f->node->start, &line, &col);
                char why[128];
                snprintf(why, sizeof why, "unexpected end of input (%s is missing for the %s opened at %d:%d)",
                         expect_name(f->node->type), f->node->type == JSONC_OBJECT ? "object" : "array", line, col);
                rc = fail_at(p, p->pos, "jsonc.syntax", why);
                goto done;
            }
            unsigned char c = p->s[p->pos];
            if (c == ',') {
                p->pos++;
                if ((rc = skip_trivia(p)))
                    goto done;
                if (p->pos < len && p->s[p->pos] == close) {
                    if (flags & JSONC_STRICT) {
                        rc = fail_at(p, p->pos, "jsonc.syntax", "trailing comma is not allowed here");
                        goto done;
                    }
                    continue; /* trailing comma: close on the next round */
                }
                st = f->node->type == JSONC_OBJECT ? ST_KEY : ST_VALUE;
                continue;
            }
            if (c == close) {
                p->pos++;
                f->node->end = p->pos;
                depth--;
                continue;
            }
            char why[96];
            snprintf(why, sizeof why, "',' or %s is expected", expect_name(f->node->type));
            rc = fail_at(p, p->pos, "jsonc.syntax", why);
            goto done;
        }
    }
done:
    free(stack);
    free(pool);
    if (flags & JSONC_VALIDATE)
        d->root = NULL; /* it pointed into the pool */
    if (rc) {
        jsonc_free(d);
        return rc;
    }
    if (!(flags & JSONC_VALIDATE))
        learn_indent(d, p->s, len);
    *out = d;
    return 0;
}

int jsonc_parse(const char *text, size_t len, const char *name, jsonc_doc **out, cc_err *err)
{
    return jsonc_parse_flags(text, len, name, 0, out, err);
}

/* ---- accessors ---------------------------------------------------------- */

const jsonc_node *jsonc_root(const jsonc_doc *doc) { return doc ? doc->root : NULL; }

const jsonc_node *jsonc_member(const jsonc_node *obj, const char *key)
{
    if (!obj || obj->type != JSONC_OBJECT || !key)
        return NULL;
    for (const jsonc_node *c = obj->child; c; c = c->next)
        if (strcmp(c->key, key) == 0)
            return c;
    return NULL;
}

const jsonc_node *jsonc_index(const jsonc_node *arr, size_t i)
{
    if (!arr || arr->type != JSONC_ARRAY || i >= arr->nchildren)
        return NULL;
    /* Children carry their index: a path-directed parse keeps only some of
     * them in the list (see jsonc_parse_paths). */
    for (const jsonc_node *c = arr->child; c; c = c->next) {
        size_t k = jsonc_node_index(c);
        if (k == i)
            return c;
        if (k > i)
            break;
    }
    return NULL;
}

size_t jsonc_comment_count(const jsonc_doc *doc) { return doc ? doc->ncomments : 0; }

void jsonc_comment_span(const jsonc_doc *doc, size_t i, size_t *start, size_t *end)
{
    if (!doc || i >= doc->ncomments) {
        *start = *end = 0;
        return;
    }
    *start = doc->comments[2 * i];
    *end = doc->comments[2 * i + 1];
}

const char *jsonc_doc_indent(const jsonc_doc *doc) { return doc->indent; }
const char *jsonc_doc_eol(const jsonc_doc *doc) { return doc->eol; }
bool jsonc_doc_has_bom(const jsonc_doc *doc) { return doc->bom; }

/* ---- cJSON -------------------------------------------------------------- */

static cJSON *scalar_to_cjson(const jsonc_node *n)
{
    switch (n->type) {
    case JSONC_NULL: return cJSON_CreateNull();
    case JSONC_BOOL: return cJSON_CreateBool(n->boolean);
    case JSONC_NUMBER: return cJSON_CreateNumber(n->number);
    case JSONC_STRING: return cJSON_CreateString(n->str);
    case JSONC_ARRAY: return cJSON_CreateArray();
    case JSONC_OBJECT: return cJSON_CreateObject();
    }
    return NULL;
}

/* Recursive: the depth is bounded by JSONC_MAX_DEPTH, so the stack is too. */
cJSON *jsonc_to_cjson(const jsonc_node *node)
{
    if (!node)
        return NULL;
    cJSON *v = scalar_to_cjson(node);
    if (!v || (node->type != JSONC_OBJECT && node->type != JSONC_ARRAY))
        return v;
    for (const jsonc_node *c = node->child; c; c = c->next) {
        cJSON *cv = jsonc_to_cjson(c);
        if (!cv) {
            cJSON_Delete(v);
            return NULL;
        }
        if (node->type == JSONC_OBJECT) {
            /* Add (not replace) so duplicate keys are all kept. */
            cJSON_AddItemToObject(v, c->key, cv);
        } else {
            cJSON_AddItemToArray(v, cv);
        }
    }
    return v;
}

/* ---- paths -------------------------------------------------------------- */

jsonc_path *jsonc_path_new(void) { return calloc(1, sizeof(jsonc_path)); }

void jsonc_path_free(jsonc_path *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free((char *)p->segs[i].key);
    free(p->segs);
    free(p);
}

static int path_push(jsonc_path *p, char *key, long index, bool numeric)
{
    jsonc_seg *n = realloc(p->segs, (p->n + 1) * sizeof *n);
    if (!n) {
        free(key);
        return CC_EINTERNAL;
    }
    p->segs = n;
    p->segs[p->n].key = key;
    p->segs[p->n].index = index;
    p->segs[p->n].numeric = numeric;
    p->n++;
    return CC_OK;
}

/* "123" -> 123 (numeric); anything else, or an index too large, is not. */
static bool digits_index(const char *s, size_t n, long *out)
{
    if (n == 0 || n > 9)
        return false;
    if (n > 1 && s[0] == '0')
        return false;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int jsonc_path_push_key(jsonc_path *p, const char *key)
{
    size_t n = strlen(key);
    char *k = malloc(n + 1);
    if (!k)
        return CC_EINTERNAL;
    memcpy(k, key, n + 1);
    return path_push(p, k, -1, false);
}

int jsonc_path_push_index(jsonc_path *p, long index)
{
    return path_push(p, NULL, index < 0 ? -1 : index, true);
}

int jsonc_path_parse(const char *spec, jsonc_path **out, cc_err *err)
{
    *out = NULL;
    jsonc_path *p = jsonc_path_new();
    if (!p)
        return cc_err_set(err, CC_EINTERNAL, "oom", "out of memory");
    size_t sl = strlen(spec);
    if (!jsonc_utf8_valid((const unsigned char *)spec, sl)) {
        jsonc_path_free(p);
        return cc_err_set(err, CC_EINPUT, "jsonc.path", "path is not valid UTF-8");
    }
    bool pointer = spec[0] == '/';
    const char *s = pointer ? spec + 1 : spec;
    if (sl == 0) {
        *out = p; /* "" = the whole document */
        return CC_OK;
    }
    for (;;) {
        const char *e = strchr(s, pointer ? '/' : '.');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        char *k = malloc(n + 1);
        if (!k) {
            jsonc_path_free(p);
            return cc_err_set(err, CC_EINTERNAL, "oom", "out of memory");
        }
        size_t kl = 0;
        for (size_t i = 0; i < n; i++) {
            if (pointer && s[i] == '~') {
                if (i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
                    k[kl++] = s[i + 1] == '0' ? '~' : '/';
                    i++;
                    continue;
                }
                free(k);
                jsonc_path_free(p);
                return cc_err_set(err, CC_EINPUT, "jsonc.path",
                                  "path \"%s\": '~' must be followed by 0 or 1 in a JSON pointer", spec);
            }
            k[kl++] = s[i];
        }
        k[kl] = '\0';
        if (!pointer && kl == 0) {
            free(k);
            jsonc_path_free(p);
            cc_err_set(err, CC_EINPUT, "jsonc.path", "path \"%s\" has an empty key", spec);
            cc_err_hint(err, "use a JSON pointer such as \"/a/b\" for keys that are empty or contain dots");
            return CC_EINPUT;
        }
        long idx = -1;
        bool numeric = digits_index(k, kl, &idx);
        if (pointer && !e && kl == 1 && k[0] == '-') {
            numeric = true;
            idx = -1;
        }
        if (path_push(p, k, numeric ? idx : -1, numeric)) {
            jsonc_path_free(p);
            return cc_err_set(err, CC_EINTERNAL, "oom", "out of memory");
        }
        if (!e)
            break;
        s = e + 1;
    }
    *out = p;
    return CC_OK;
}

/* One step of a path from `cur`.  Returns the child, or NULL if absent; sets
 * *dup to a second member with the same key, if any (objects only). */
static const jsonc_node *step(const jsonc_node *cur, const jsonc_seg *seg, const jsonc_node **dup, bool *mismatch)
{
    *dup = NULL;
    *mismatch = false;
    if (cur->type == JSONC_OBJECT && seg->key) {
        const jsonc_node *first = NULL;
        for (const jsonc_node *c = cur->child; c; c = c->next) {
            if (strcmp(c->key, seg->key) == 0) {
                if (!first) {
                    first = c;
                } else {
                    *dup = c;
                    break;
                }
            }
        }
        return first;
    }
    if (cur->type == JSONC_ARRAY && seg->numeric) {
        if (seg->index < 0)
            return NULL;
        return jsonc_index(cur, (size_t)seg->index);
    }
    *mismatch = true;
    return NULL;
}

const jsonc_node *jsonc_find(const jsonc_doc *doc, const jsonc_path *path)
{
    const jsonc_node *cur = jsonc_root(doc);
    for (size_t i = 0; cur && path && i < path->n; i++) {
        const jsonc_node *dup;
        bool mismatch;
        cur = step(cur, &path->segs[i], &dup, &mismatch);
    }
    return cur;
}

int jsonc_lookup(const jsonc_doc *doc, const char *text, size_t len, const char *name, const jsonc_path *path,
                 const jsonc_node **out, cc_err *err)
{
    *out = NULL;
    if (!name)
        name = "<input>";
    const jsonc_node *cur = jsonc_root(doc);
    for (size_t i = 0; cur && path && i < path->n; i++) {
        const jsonc_node *dup;
        bool mismatch;
        const jsonc_node *next = step(cur, &path->segs[i], &dup, &mismatch);
        if (dup) {
            int l1, c1, l2, c2;
            jsonc_line_col(text, len, next->key_start, &l1, &c1);
            jsonc_line_col(text, len, dup->key_start, &l2, &c2);
            cc_err_set(err, CC_EINPUT, "jsonc.ambiguous", "%s:%d:%d: key \"%s\" appears twice on the path (also at %d:%d)",
                       name, l1, c1, path->segs[i].key, l2, c2);
            cc_err_hint(err, "remove one of the two \"%s\" entries by hand, then retry", path->segs[i].key);
            return CC_EINPUT;
        }
        cur = next;
    }
    *out = cur;
    return CC_OK;
}

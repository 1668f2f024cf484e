/*
 * jsonc_parse.c - the reporting JSONC parser (see include/clinecfg/jsonc.h).
 *
 * Owns: jsonc_parse / jsonc_parse_flags, which turn text into a jsonc_doc
 * (nodes with byte offsets, decoded keys and strings, comment spans,
 * detected indent/EOL/BOM) or into an error naming file:line:col and what is
 * wrong; and jsonc_parse_paths, the editor's entry point, which tries the
 * fast scanner (jsonc_scan.c) first and comes here only to word an error.
 * The parser is a single forward pass with an explicit stack (no
 * recursion), so a depth bomb is an error at JSONC_MAX_DEPTH, never a stack
 * overflow.  The document, its arena and the lexical pieces shared with the
 * scanner are in jsonc_doc.c and jsonc_internal.h.
 */
#include "jsonc_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

bool jsonc_err_is_limit(const cc_err *err)
{
    return err && (strcmp(err->code, LIMIT_CODE_DEPTH) == 0 || strcmp(err->code, LIMIT_CODE_SIZE) == 0);
}

static int add_comment(parser *p, size_t start, size_t end)
{
    if (p->flags & JSONC_VALIDATE)
        return 0;
    return jsonc_doc_add_comment(p->doc, start, end) ? 0 : cc_err_oom(p->err);
}

/* Called at the first '\n': learns the EOL style. */
static void learn_eol(parser *p, size_t nl)
{
    p->doc->eol_found = true;
    p->doc->eol = (nl > 0 && p->s[nl - 1] == '\r') ? "\r\n" : "\n";
}

/* The indent unit, from the first containers (in the order they open) that
 * start their first child on a line of its own. */
static void learn_indent(jsonc_doc *d, const unsigned char *s, size_t len)
{
    const jsonc_node *n = d->root;
    int looked = 0;
    while (n && looked < JSONC_INDENT_LOOKS) {
        if ((n->type == JSONC_OBJECT || n->type == JSONC_ARRAY) && n->child) {
            looked++;
            if (jsonc_indent_from(d, s, len, n->start, n->child->key ? n->child->key_start : n->child->start))
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
            switch (jsonc_skip_comment(s, len, &i)) {
            case JSONC_COMMENT_BAD_UTF8: return fail_at(p, i, "jsonc.utf8", "invalid UTF-8 in a comment");
            case JSONC_COMMENT_UNTERMINATED: return fail_at(p, start, "jsonc.syntax", "unterminated block comment");
            case JSONC_COMMENT_OK: break;
            }
            if (!p->doc->eol_found) { /* a block comment may hold the first line break */
                const unsigned char *nl = memchr(s + start, '\n', i - start);
                if (nl)
                    learn_eol(p, (size_t)(nl - s));
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
        while (i < len && jsonc_plain_char[s[i]])
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
            size_t n = jsonc_escape_len(s, len, i);
            if (!n)
                return fail_at(p, i, "jsonc.syntax", s[i + 1] == 'u' ? "invalid \\u escape (needs 4 hex digits)"
                                                                     : "invalid escape in string");
            i += n;
            continue;
        }
        if (c < 0x20)
            return fail_at(p, i, "jsonc.syntax",
                           c == '\n' || c == '\r' ? "unterminated string (line break inside a string)"
                                                  : "control character in a string (write it as \\u00XX)");
        size_t n = jsonc_utf8_seq(s + i, len - i);
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
    char *o = jsonc_arena_alloc(p->doc, raw + 1);
    if (!o)
        return cc_err_oom(p->err);
    size_t olen = jsonc_decode_string(s, start + 1, i, escapes, o);
    *out = o;
    *out_len = olen;
    p->pos = i + 1;
    return 0;
}

static int parse_number(parser *p, double *out, bool convert)
{
    const unsigned char *s = p->s;
    size_t start = p->pos, i = start;
    const char *why = jsonc_number_token(s, p->len, &i);
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
        while (k < i && jsonc_is_digit(s[k]))
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
        return cc_err_oom(p->err);
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
    jsonc_node *n = (p->flags & JSONC_VALIDATE) ? &pool[depth] : jsonc_arena_alloc(p->doc, sizeof(jsonc_inode));
    if (!n)
        return NULL;
    memset(n, 0, (p->flags & JSONC_VALIDATE) ? sizeof *n : sizeof(jsonc_inode));
    n->type = t;
    n->start = start;
    return n;
}

static const char *expect_name(jsonc_type t) { return t == JSONC_OBJECT ? "'}'" : "']'"; }

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
    jsonc_doc *d = jsonc_doc_new();
    if (!d)
        return cc_err_oom(err);
    parser P = {(const unsigned char *)text, len, 0, name, text, flags, d, err};
    parser *p = &P;
    frame *stack = malloc(JSONC_MAX_DEPTH * sizeof *stack);
    jsonc_node *pool = (flags & JSONC_VALIDATE) ? calloc(JSONC_MAX_DEPTH + 1, sizeof *pool) : NULL;
    if (!stack || ((flags & JSONC_VALIDATE) && !pool)) {
        free(stack);
        free(pool);
        jsonc_free(d);
        return cc_err_oom(err);
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
                if (c == '-' || jsonc_is_digit(c)) {
                    n = new_node(p, JSONC_NUMBER, p->pos, pool, depth);
                    break;
                }
                if (c == '}' || c == ']' || c == ',')
                    rc = fail_at(p, p->pos, "jsonc.syntax", c == ',' ? "unexpected ',' (a value is expected)"
                                                                     : "unexpected closing bracket (a value is expected)");
                else if (c >= 0x80 && !jsonc_utf8_seq(p->s + p->pos, len - p->pos))
                    rc = fail_at(p, p->pos, "jsonc.utf8", "invalid UTF-8");
                else if (c == '\'')
                    rc = fail_at(p, p->pos, "jsonc.syntax", "single quotes are not allowed (use \")");
                else
                    rc = fail_at(p, p->pos, "jsonc.syntax", "unexpected character (a value is expected)");
                goto done;
            }
            if (!n) {
                rc = cc_err_oom(p->err);
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

/*
 * jsonc_scan.c - the fast JSONC scanner behind the editor (jsonc_scan).
 *
 * jsonc_apply scans every file twice (the input, then its output as a
 * check), and nearly every file is valid.  This scanner accepts exactly the
 * texts the reporting parser (jsonc_parse.c) accepts without JSONC_STRICT
 * (test_jsonc_scan and fuzz_jsonc compare the two), but words no errors: on
 * any error it just says no, and the caller runs the parser, which finds the
 * same error and reports it with its line:col.  It puts in the tree only the
 * nodes an edit needs (the sparse tree of jsonc_parse_paths; which children
 * match a path is jsonc_path.c's call), and none at all when validating.
 * Like the parser it keeps an explicit stack: no recursion.
 */
#include "jsonc_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
        while (i < len && jsonc_plain_char[s[i]])
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
            size_t n = jsonc_escape_len(s, len, i);
            if (!n)
                return false;
            i += n;
            continue;
        }
        if (c < 0x20)
            return false;
        size_t n = jsonc_utf8_seq(s + i, len - i);
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
        if (i + 1 >= len || (s[i + 1] != '/' && s[i + 1] != '*'))
            return false;
        size_t start = i;
        if (jsonc_skip_comment(s, len, &i) != JSONC_COMMENT_OK)
            return false;
        if (collect && !jsonc_doc_add_comment(d, start, i))
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

typedef struct {
    const unsigned char *s;
    size_t len;
    jsonc_doc *d;
    const jsonc_path *const *paths;
    size_t npaths;
} scanner;

/* Puts f's scratch child into the arena and at the end of f's list. */
static jsonc_node *scan_commit(scanner *sc, scan_frame *f)
{
    jsonc_inode *n = jsonc_arena_alloc(sc->d, sizeof *n);
    if (!n)
        return NULL;
    *n = f->scratch;
    jsonc_node *pn = &n->pub;
    if (pn->key_end > pn->key_start && !pn->key) { /* a member key without escapes: copy it now */
        char *k = jsonc_arena_alloc(sc->d, pn->key_end - pn->key_start - 1);
        if (!k)
            return NULL;
        jsonc_decode_string(sc->s, pn->key_start + 1, pn->key_end - 1, false, k);
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
    int looked = d->indent_found ? JSONC_INDENT_LOOKS : 0;
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
            if (c != '-' && !jsonc_is_digit(c))
                goto out;
            t = JSONC_NUMBER;
        }
        jsonc_node *n = NULL;
        bool expand = false;
        if (depth) {
            scan_frame *f = &fr[depth - 1];
            bool obj = f->close == '}';
            if (tree && looked < JSONC_INDENT_LOOKS && f->count == 0 &&
                (looked++, jsonc_indent_from(d, s, len, f->start, obj ? ks : i)))
                looked = JSONC_INDENT_LOOKS;
            size_t idx = f->count++;
            if (f->expanded) {
                const char *key = NULL;
                if (obj && kesc) { /* decoded now: matching needs it */
                    char *k = jsonc_arena_alloc(d, ke - ks - 1);
                    if (!k)
                        goto out;
                    jsonc_decode_string(s, ks + 1, ke - 1, true, k);
                    key = k;
                }
                expand = jsonc_path_step_matches(sc->paths, sc->npaths, depth, obj, idx, s + ks + 1,
                                                 obj ? ke - ks - 2 : 0, key);
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
            jsonc_inode *r = jsonc_arena_alloc(d, sizeof *r);
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
            if (jsonc_number_token(s, len, &i))
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

jsonc_doc *jsonc_scan(const char *text, size_t len, const jsonc_path *const *paths, size_t npaths, bool tree)
{
    if (len > JSONC_MAX_SIZE)
        return NULL;
    jsonc_doc *d = jsonc_doc_new();
    if (!d)
        return NULL;
    scanner sc = {(const unsigned char *)text, len, d, paths, npaths};
    if (!fast_scan(&sc, tree)) {
        jsonc_free(d);
        return NULL;
    }
    return d;
}

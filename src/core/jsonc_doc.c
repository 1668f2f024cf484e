/*
 * jsonc_doc.c - the JSONC document (see include/clinecfg/jsonc.h) and the
 * pieces the parser (jsonc_parse.c) and the fast scanner (jsonc_scan.c) both
 * build it with.
 *
 * Owns: the arena every node and decoded string lives in (freed whole by
 * jsonc_free), comment spans, indent learning, string unescaping, UTF-8
 * checking, offset -> line:col, the read-only accessors and the conversion
 * to cJSON.  It depends on no other jsonc_*.c file, so the parser, the
 * scanner and the path code can all build on it without a cycle.
 */
#include "jsonc_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena -------------------------------------------------------------- */

void *jsonc_arena_alloc(jsonc_doc *d, size_t n)
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

bool jsonc_utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = jsonc_utf8_seq(s + i, len - i);
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

/* ---- comments and indent ---------------------------------------------- */

bool jsonc_doc_add_comment(jsonc_doc *d, size_t start, size_t end)
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

bool jsonc_indent_from(jsonc_doc *d, const unsigned char *s, size_t len, size_t open, size_t cs)
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

/* ---- strings ----------------------------------------------------------- */

static unsigned read_u4(const unsigned char *s)
{
    return (unsigned)(hex_digit_value(s[0]) << 12 | hex_digit_value(s[1]) << 8 | hex_digit_value(s[2]) << 4 | hex_digit_value(s[3]));
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

const unsigned char jsonc_plain_char[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

size_t jsonc_decode_string(const unsigned char *s, size_t from, size_t to, bool escapes, char *o)
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

jsonc_doc *jsonc_doc_new(void)
{
    jsonc_doc *d = calloc(1, sizeof *d);
    if (d) {
        strcpy(d->indent, "    ");
        d->eol = "\n";
    }
    return d;
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

/*
 * jsonc_edit.c - minimal-change edits of JSONC text (see include/clinecfg/jsonc.h).
 *
 * Owns: jsonc_apply and the emitting of new values in a file's style.  Each
 * edit becomes a few spans (offset, bytes to delete, text to insert) against
 * the current text; everything outside them is copied byte for byte.  The
 * rules that make it better than node-jsonc-parser's `modify`:
 *   - the comma for a new member goes right after the previous value, and the
 *     new member after that value's trailing comment, so `// notes` stay on
 *     the line they describe;
 *   - deleting removes the member's own bytes and one comma, never a comment
 *     outside the member (a neighbour's trailing comment keeps its line);
 *   - nothing is re-formatted: the indent unit and EOL are detected, new
 *     members copy the indentation of their last sibling, inline containers
 *     stay inline.
 * After every edit the result is parsed again, both as the input to the next
 * edit and as a check that the output is valid JSONC.
 */
#include "jsonc_internal.h"
#include "clinecfg/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text helpers (positions are token boundaries of valid JSONC) ------- */

static bool is_sp(char c) { return c == ' ' || c == '\t'; }

static size_t skip_sp(const char *t, size_t len, size_t i)
{
    while (i < len && is_sp(t[i]))
        i++;
    return i;
}

static size_t ws_back(const char *t, size_t i)
{
    while (i > 0 && is_sp(t[i - 1]))
        i--;
    return i;
}

static size_t eol_len(const char *t, size_t len, size_t i)
{
    if (i < len && t[i] == '\n')
        return 1;
    if (i + 1 < len && t[i] == '\r' && t[i + 1] == '\n')
        return 2;
    if (i < len && t[i] == '\r')
        return 1;
    return 0;
}

static bool at_eol_or_end(const char *t, size_t len, size_t i) { return i >= len || eol_len(t, len, i) > 0; }

static bool is_comment(const char *t, size_t len, size_t i)
{
    return i + 1 < len && t[i] == '/' && (t[i + 1] == '/' || t[i + 1] == '*');
}

static size_t line_start(const char *t, size_t i)
{
    while (i > 0 && t[i - 1] != '\n')
        i--;
    return i;
}

static bool only_ws_before(const char *t, size_t i)
{
    size_t ls = line_start(t, i);
    for (size_t k = ls; k < i; k++)
        if (!is_sp(t[k]))
            return false;
    return true;
}

/* The leading whitespace of the line holding i, as [*s, *s + *n). */
static void line_indent(const char *t, size_t len, size_t i, const char **s, size_t *n)
{
    size_t ls = line_start(t, i);
    size_t e = ls;
    while (e < len && e < i && is_sp(t[e]))
        e++;
    *s = t + ls;
    *n = e - ls;
}

static size_t comment_end(const char *t, size_t len, size_t i)
{
    if (t[i + 1] == '/') {
        while (i < len && t[i] != '\n' && t[i] != '\r')
            i++;
        return i;
    }
    const char *e = NULL;
    for (size_t k = i + 2; k + 1 < len; k++)
        if (t[k] == '*' && t[k + 1] == '/') {
            e = t + k;
            break;
        }
    return e ? (size_t)(e - t) + 2 : len;
}

static size_t skip_trivia_fwd(const char *t, size_t len, size_t i)
{
    for (;;) {
        while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
            i++;
        if (is_comment(t, len, i))
            i = comment_end(t, len, i);
        else
            return i;
    }
}

/* Where a new line may be started after position i without moving anything
 * that sits on i's line: past same-line comments and, when the line ends
 * there, past trailing blanks too (so they stay on the old line). */
static size_t same_line_tail(const char *t, size_t len, size_t i)
{
    size_t good = i;
    for (;;) {
        size_t j = skip_sp(t, len, good);
        if (j + 1 < len && t[j] == '/' && t[j + 1] == '/') {
            good = comment_end(t, len, j);
            continue;
        }
        if (j + 1 < len && t[j] == '/' && t[j + 1] == '*') {
            size_t e = comment_end(t, len, j);
            good = e; /* a multi-line comment stays with the value before it */
            continue;
        }
        return at_eol_or_end(t, len, j) ? j : good;
    }
}

/* Is there a comment starting in [a, b)? */
static bool comment_in(const jsonc_doc *d, size_t a, size_t b)
{
    size_t lo = 0, hi = d->ncomments;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->comments[2 * mid] < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->ncomments && d->comments[2 * lo] < b;
}

static size_t mstart(const jsonc_node *n) { return n->key ? n->key_start : n->start; }

static const jsonc_node *last_child(const jsonc_node *c)
{
    const jsonc_node *l = c->child;
    while (l && l->next)
        l = l->next;
    return l;
}

/* A container is laid out on several lines when its first child is not on
 * the line of the opening bracket. */
static bool is_multiline(const char *t, const jsonc_node *c)
{
    if (!c->child)
        return memchr(t + c->start, '\n', c->end - c->start) != NULL;
    return memchr(t + c->start, '\n', mstart(c->child) - c->start) != NULL;
}

/* ---- the editor --------------------------------------------------------- */

typedef struct {
    size_t off, del;
    size_t ins_off, ins_len; /* in editor.ins */
} span;

#define MAX_SPANS 8

typedef struct {
    const char *t;
    size_t len;
    const char *name;
    const jsonc_doc *doc;
    const char *unit; /* indent unit from the original file */
    const char *eol;
    char colon[8];    /* key/value separator of this container's members */
    span spans[MAX_SPANS];
    size_t nspans;
    strbuf ins;
    bool changed; /* an earlier edit already changed the text */
    cc_err *err;
} editor;

static void add_span(editor *e, size_t off, size_t del, const strbuf *text)
{
    span *s = &e->spans[e->nspans++];
    s->off = off;
    s->del = del;
    s->ins_off = e->ins.len;
    s->ins_len = text ? text->len : 0;
    if (text && text->len)
        strbuf_put(&e->ins, text->p, text->len);
}

static void add_insert_str(editor *e, size_t off, const char *s)
{
    strbuf b = {0};
    strbuf_puts(&b, s);
    add_span(e, off, 0, &b);
    if (b.oom)
        e->ins.oom = true;
    free(b.p);
}

static void sb_indent(const editor *e, strbuf *b, const char *base, size_t base_len, int level)
{
    strbuf_put(b, base, base_len);
    for (int i = 0; i < level; i++)
        strbuf_puts(b, e->unit);
}

/* Emits value node v (from the value's own text vt) at `level` below base. */
static void emit_value(const editor *e, strbuf *b, const char *vt, const jsonc_node *v, bool multi, const char *base,
                       size_t base_len, int level)
{
    if ((v->type != JSONC_OBJECT && v->type != JSONC_ARRAY) || !v->child) {
        if (v->type == JSONC_OBJECT)
            strbuf_puts(b, "{}");
        else if (v->type == JSONC_ARRAY)
            strbuf_puts(b, "[]");
        else
            strbuf_put(b, vt + v->start, v->end - v->start); /* a valid JSON token as written */
        return;
    }
    bool obj = v->type == JSONC_OBJECT;
    strbuf_puts(b, obj ? "{" : "[");
    for (const jsonc_node *c = v->child; c; c = c->next) {
        if (multi) {
            if (c != v->child)
                strbuf_puts(b, ",");
            strbuf_puts(b, e->eol);
            sb_indent(e, b, base, base_len, level + 1);
        } else if (c != v->child) {
            strbuf_puts(b, ", ");
        }
        if (obj) {
            strbuf_put(b, vt + c->key_start, c->key_end - c->key_start);
            strbuf_puts(b, e->colon);
        }
        emit_value(e, b, vt, c, multi, base, base_len, level + 1);
    }
    if (multi) {
        strbuf_puts(b, e->eol);
        sb_indent(e, b, base, base_len, level);
    }
    strbuf_puts(b, obj ? "}" : "]");
}

/* Emits the value for segs[from..] wrapped in the objects/arrays that are
 * missing: {"b": {"c": VALUE}} for a.b.c when only a exists. */
static void emit_wrapped(const editor *e, strbuf *b, const jsonc_path *path, size_t from, const char *vt,
                         const jsonc_node *v, bool multi, const char *base, size_t base_len, int level)
{
    if (from == path->n) {
        emit_value(e, b, vt, v, multi, base, base_len, level);
        return;
    }
    const jsonc_seg *s = &path->segs[from];
    strbuf_puts(b, s->key ? "{" : "[");
    if (multi) {
        strbuf_puts(b, e->eol);
        sb_indent(e, b, base, base_len, level + 1);
    }
    if (s->key) {
        strbuf_json_string(b, s->key);
        strbuf_puts(b, e->colon);
    }
    emit_wrapped(e, b, path, from + 1, vt, v, multi, base, base_len, level + 1);
    if (multi) {
        strbuf_puts(b, e->eol);
        sb_indent(e, b, base, base_len, level);
    }
    strbuf_puts(b, s->key ? "}" : "]");
}

/* `"key": value` (or just the value when key is NULL). */
static void emit_member(const editor *e, strbuf *b, const char *key, const jsonc_path *path, size_t from,
                        const char *vt, const jsonc_node *v, bool multi, const char *base, size_t base_len)
{
    if (key) {
        strbuf_json_string(b, key);
        strbuf_puts(b, e->colon);
    }
    emit_wrapped(e, b, path, from, vt, v, multi, base, base_len, 0);
}

/* Learns the key/value separator (": ", ":", " : ") from the first member. */
static void learn_colon(editor *e, const jsonc_node *c)
{
    strcpy(e->colon, ": ");
    if (!c || c->type != JSONC_OBJECT || !c->child)
        return;
    const jsonc_node *m = c->child;
    size_t n = m->start - m->key_end;
    if (n == 0 || n >= sizeof e->colon)
        return;
    const char *s = e->t + m->key_end;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ':' && !is_sp(s[i]))
            return;
    memcpy(e->colon, s, n);
    e->colon[n] = '\0';
}

/* The separator between the first two children of an inline container, or ", ". */
static void inline_sep(const editor *e, const jsonc_node *c, char *out, size_t cap)
{
    /* minified text ("a":1) gets a bare comma */
    strcpy(out, strcmp(e->colon, ":") == 0 ? "," : ", ");
    if (!c->child || !c->child->next)
        return;
    size_t a = c->child->end, z = mstart(c->child->next);
    if (z - a >= cap)
        return;
    int commas = 0;
    for (size_t i = a; i < z; i++) {
        if (e->t[i] == ',')
            commas++;
        else if (!is_sp(e->t[i]))
            return;
    }
    if (commas != 1)
        return;
    memcpy(out, e->t + a, z - a);
    out[z - a] = '\0';
}

/* The indent of the first member of the empty container c: a comment line
 * inside it shows where members go; else its line's indent plus one unit. */
static void first_member_indent(const editor *e, const jsonc_node *c, bool has_nl, strbuf *ind)
{
    const char *t = e->t;
    size_t len = e->len, close = c->end - 1;
    size_t k = c->start + 1, cs = 0, cn = 0;
    bool from_comment = false;
    while (has_nl && k < close && !from_comment) {
        const char *nl = memchr(t + k, '\n', close - k);
        if (!nl)
            break;
        cs = (size_t)(nl - t) + 1;
        cn = skip_sp(t, len, cs) - cs;
        if (cs + cn < close && is_comment(t, len, cs + cn))
            from_comment = true;
        k = cs;
    }
    if (from_comment) {
        strbuf_put(ind, t + cs, cn);
        return;
    }
    const char *bs;
    size_t bn;
    line_indent(t, len, c->start, &bs, &bn);
    strbuf_put(ind, bs, bn);
    strbuf_puts(ind, e->unit);
}

/* Adds a child (member `key`, or an element when key is NULL) at the end of
 * container c, or before child `before`. */
static void add_child(editor *e, const jsonc_node *c, const jsonc_node *before, const char *key,
                      const jsonc_path *path, size_t from, const char *vt, const jsonc_node *v)
{
    const char *t = e->t;
    size_t len = e->len;
    strbuf m = {0};
    if (!c->child) {
        size_t open = c->start, close = c->end - 1;
        const char *bs;
        size_t bn;
        line_indent(t, len, open, &bs, &bn);
        bool has_nl = memchr(t + open + 1, '\n', close - open - 1) != NULL;
        strbuf ind = {0};
        first_member_indent(e, c, has_nl, &ind);
        if (has_nl && only_ws_before(t, close)) {
            strbuf_put(&m, ind.p, ind.len);
            emit_member(e, &m, key, path, from, vt, v, true, ind.p, ind.len);
            strbuf_puts(&m, e->eol);
            add_span(e, line_start(t, close), 0, &m);
        } else {
            strbuf_puts(&m, e->eol);
            strbuf_put(&m, ind.p, ind.len);
            emit_member(e, &m, key, path, from, vt, v, true, ind.p, ind.len);
            strbuf_puts(&m, e->eol);
            strbuf_put(&m, bs, bn);
            if (!comment_in(e->doc, open + 1, close))
                add_span(e, open + 1, close - open - 1, &m); /* `{ }` -> a clean block */
            else
                add_span(e, ws_back(t, close), close - ws_back(t, close), &m);
        }
        if (ind.oom)
            e->ins.oom = true;
        free(ind.p);
    } else if (before) {
        size_t at = before->start;
        if (is_multiline(t, c) && only_ws_before(t, at)) {
            const char *is;
            size_t in;
            line_indent(t, len, at, &is, &in);
            emit_member(e, &m, key, path, from, vt, v, true, is, in);
            strbuf_puts(&m, ",");
            strbuf_puts(&m, e->eol);
            strbuf_put(&m, is, in);
        } else {
            char sep[16];
            inline_sep(e, c, sep, sizeof sep);
            emit_member(e, &m, key, path, from, vt, v, false, "", 0);
            strbuf_puts(&m, sep);
        }
        add_span(e, at, 0, &m);
    } else {
        const jsonc_node *l = last_child(c);
        size_t k = skip_trivia_fwd(t, len, l->end);
        bool has_comma = k < len && t[k] == ',';
        if (is_multiline(t, c)) {
            const char *is;
            size_t in;
            line_indent(t, len, mstart(l), &is, &in);
            strbuf_puts(&m, e->eol);
            strbuf_put(&m, is, in);
            emit_member(e, &m, key, path, from, vt, v, true, is, in);
            if (has_comma)
                strbuf_puts(&m, ","); /* the file uses trailing commas: so does the new member */
            else
                add_insert_str(e, l->end, ",");
            add_span(e, same_line_tail(t, len, has_comma ? k + 1 : l->end), 0, &m);
        } else {
            char sep[16];
            inline_sep(e, c, sep, sizeof sep);
            if (!has_comma) {
                strbuf_puts(&m, sep);
                emit_member(e, &m, key, path, from, vt, v, false, "", 0);
                add_span(e, l->end, 0, &m);
            } else {
                /* after the existing comma: the separator's tail, the member,
                 * then the separator's head as the new trailing comma */
                const char *comma = strchr(sep, ',');
                strbuf_puts(&m, comma + 1);
                emit_member(e, &m, key, path, from, vt, v, false, "", 0);
                strbuf_put(&m, sep, (size_t)(comma - sep) + 1);
                add_span(e, k + 1, 0, &m);
            }
        }
    }
    if (m.oom)
        e->ins.oom = true;
    free(m.p);
}

/* Removes child x of container c with one comma; comments outside x stay. */
static void delete_child(editor *e, const jsonc_node *c, const jsonc_node *x)
{
    const char *t = e->t;
    size_t len = e->len;
    size_t ms = mstart(x), me = x->end;
    size_t ls = line_start(t, ms);
    bool own_line = only_ws_before(t, ms);
    const jsonc_node *prev = NULL;
    for (const jsonc_node *p = c->child; p && p != x; p = p->next)
        prev = p;
    size_t j = skip_sp(t, len, me);
    if (j < len && t[j] == ',') {
        size_t j2 = skip_sp(t, len, j + 1);
        if (own_line && at_eol_or_end(t, len, j2))
            add_span(e, ls, j2 + eol_len(t, len, j2) - ls, NULL);
        else if (own_line && is_comment(t, len, j2))
            add_span(e, ms, j2 - ms, NULL);
        else if (at_eol_or_end(t, len, j2))
            add_span(e, ws_back(t, ms), j2 - ws_back(t, ms), NULL);
        else
            add_span(e, ms, j2 - ms, NULL);
        return;
    }
    size_t k = skip_trivia_fwd(t, len, me);
    if (k < len && t[k] == ',') { /* comments between the value and its comma */
        add_span(e, ms, me - ms, NULL);
        add_span(e, k, 1, NULL);
        return;
    }
    /* x is the last child and has no comma after it: drop the one before it. */
    size_t pc = prev ? skip_trivia_fwd(t, len, prev->end) : 0;
    if (own_line && at_eol_or_end(t, len, j) && j < len) {
        if (prev)
            add_span(e, pc, 1, NULL);
        add_span(e, ls, j + eol_len(t, len, j) - ls, NULL);
    } else if (own_line && is_comment(t, len, j)) {
        if (prev)
            add_span(e, pc, 1, NULL);
        add_span(e, ms, j - ms, NULL);
    } else if (prev && !comment_in(e->doc, pc, ms)) {
        add_span(e, pc, me - pc, NULL);
    } else {
        if (prev)
            add_span(e, pc, 1, NULL);
        add_span(e, ws_back(t, ms), me - ws_back(t, ms), NULL);
    }
}

static int span_cmp_sort(span *s, size_t n)
{
    /* insertion sort, stable: spans at the same offset keep their order */
    for (size_t i = 1; i < n; i++) {
        span v = s[i];
        size_t j = i;
        while (j > 0 && s[j - 1].off > v.off) {
            s[j] = s[j - 1];
            j--;
        }
        s[j] = v;
    }
    return 0;
}

/* Builds the new text from e->t and the spans. */
static int splice(editor *e, char **out, size_t *out_len)
{
    span_cmp_sort(e->spans, e->nspans);
    strbuf o = {0};
    size_t total = e->len + e->ins.len + 1;
    o.p = malloc(total);
    if (!o.p)
        return CC_EINTERNAL;
    o.cap = total;
    size_t pos = 0;
    for (size_t i = 0; i < e->nspans; i++) {
        span *s = &e->spans[i];
        size_t off = s->off < pos ? pos : s->off; /* overlapping deletions merge */
        size_t end = s->off + s->del;
        if (off > pos)
            strbuf_put(&o, e->t + pos, off - pos);
        if (s->ins_len)
            strbuf_put(&o, e->ins.p + s->ins_off, s->ins_len);
        if (end > pos)
            pos = end;
        if (off > pos)
            pos = off;
    }
    strbuf_put(&o, e->t + pos, e->len - pos);
    if (o.oom) {
        free(o.p);
        return CC_EINTERNAL;
    }
    if (!o.p) {
        o.p = malloc(1);
        if (!o.p)
            return CC_EINTERNAL;
        o.p[0] = '\0';
    }
    *out = o.p;
    *out_len = o.len;
    return CC_OK;
}

static void path_str(const jsonc_path *p, size_t upto, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < upto && i < p->n && n + 1 < cap; i++) {
        const jsonc_seg *s = &p->segs[i];
        int w = s->key ? snprintf(buf + n, cap - n, "/%s", s->key) : snprintf(buf + n, cap - n, "/%ld", s->index);
        if (w < 0)
            break;
        n += (size_t)w;
        if (n >= cap)
            n = cap - 1;
    }
    if (!buf[0])
        snprintf(buf, cap, "(the document)");
}

static const char *type_name(jsonc_type t)
{
    static const char *names[] = {"null", "a boolean", "a number", "a string", "an array", "an object"};
    return names[t];
}

static int fail_node(editor *e, const jsonc_node *n, const char *code, const char *why)
{
    int line, col;
    jsonc_line_col(e->t, e->len, n ? mstart(n) : 0, &line, &col);
    cc_err_set(e->err, CC_EINPUT, code, "%s:%d:%d: %s%s", e->name, line, col, why,
               e->changed ? " (position in the text as changed by the edits before this one)" : "");
    cc_err_hint(e->err, "check the path; nothing was changed");
    return CC_EINPUT;
}

/* The key/value separator of the nearest object (with members) around n. */
static void colon_near(editor *e, const jsonc_node *n)
{
    while (n && !(n->type == JSONC_OBJECT && n->child))
        n = n->parent;
    learn_colon(e, n);
}

/* Computes the spans of one edit against the parsed current text. */
/* Appends `s` without whitespace, comments or trailing commas, so two
 * texts of the same JSON value compare equal however they are laid out. */
static void minify(strbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j += s[j] == '\\' ? 2 : 1;
            strbuf_put(b, s + i, (j < n ? j + 1 : n) - i);
            i = j;
        } else if (c == '/' && i + 1 < n && s[i + 1] == '/') {
            while (i < n && s[i] != '\n')
                i++;
        } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            i += 2;
            while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'))
                i++;
            i++;
        } else if ((c == ']' || c == '}') && b->len && b->p[b->len - 1] == ',') {
            b->p[b->len - 1] = c; /* a trailing comma changes nothing */
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            strbuf_put(b, &c, 1);
        }
    }
}

/* True when the existing value and the new one are the same JSON text. */
static bool same_value_text(const char *a, size_t an, const char *b, size_t bn)
{
    strbuf x = {0}, y = {0};
    minify(&x, a, an);
    minify(&y, b, bn);
    bool same = !x.oom && !y.oom && x.len == y.len && (x.len == 0 || memcmp(x.p, y.p, x.len) == 0);
    strbuf_release(&x);
    strbuf_release(&y);
    return same;
}

static int plan_edit(editor *e, const jsonc_edit *ed, const char *vt, const jsonc_node *v)
{
    const jsonc_path *path = ed->path;
    const jsonc_node *root = e->doc->root;
    bool set = ed->op == JSONC_EDIT_SET;
    char ps[512];
    strcpy(e->colon, ": ");
    if (!root) {
        if (!set)
            return CC_OK;
        /* Empty content: the new document goes at the end, after any
         * comments, on a line of its own. */
        strbuf m = {0};
        size_t body = e->doc->bom ? 3 : 0;
        bool has_text = e->len > body;
        if (has_text && e->t[e->len - 1] == '\r') {
            /* a lone CR at the end: complete it to CRLF and write CRLF */
            strbuf_puts(&m, "\n");
            e->eol = "\r\n";
        } else if (has_text && e->t[e->len - 1] != '\n') {
            strbuf_puts(&m, e->eol);
        }
        emit_wrapped(e, &m, path, 0, vt, v, true, "", 0, 0);
        if (has_text && e->t[e->len - 1] == '\n')
            strbuf_puts(&m, e->eol);
        add_span(e, e->len, 0, &m);
        if (m.oom)
            e->ins.oom = true;
        free(m.p);
        return CC_OK;
    }
    const jsonc_node *cur = root;
    size_t i = 0;
    for (; i < path->n; i++) {
        const jsonc_seg *s = &path->segs[i];
        const jsonc_node *next = NULL;
        if (cur->type == JSONC_OBJECT && s->key) {
            next = jsonc_member(cur, s->key);
        } else if (cur->type == JSONC_ARRAY && s->numeric) {
            next = s->index < 0 ? NULL : jsonc_index(cur, (size_t)s->index);
        } else {
            if (!set)
                return CC_OK; /* nothing there to delete */
            path_str(path, i, ps, sizeof ps);
            char why[700];
            snprintf(why, sizeof why, "cannot set below %s: it is %s", ps,
                     cur->type == JSONC_ARRAY ? "an array (an index is needed)" : type_name(cur->type));
            return fail_node(e, cur, "jsonc.path", why);
        }
        if (!next)
            break;
        cur = next;
    }
    colon_near(e, i == path->n ? cur->parent : cur);
    if (i == path->n) { /* the target exists */
        if (!set) {
            if (cur == root)
                add_span(e, root->start, root->end - root->start, NULL);
            else
                delete_child(e, cur->parent, cur);
            return CC_OK;
        }
        const jsonc_node *par = cur->parent;
        if ((ed->flags & JSONC_EDIT_INSERT) && par && par->type == JSONC_ARRAY) {
            add_child(e, par, cur, NULL, path, path->n, vt, v);
            return CC_OK;
        }
        /* Setting the value it already has is not a change: leave its
         * bytes (and layout) alone. */
        if (same_value_text(e->t + cur->start, cur->end - cur->start, vt, strlen(vt)))
            return CC_OK;
        const char *is;
        size_t in;
        line_indent(e->t, e->len, mstart(cur), &is, &in);
        strbuf m = {0};
        emit_value(e, &m, vt, v, par ? is_multiline(e->t, par) : true, is, in, 0);
        add_span(e, cur->start, cur->end - cur->start, &m);
        if (m.oom)
            e->ins.oom = true;
        free(m.p);
        return CC_OK;
    }
    if (!set)
        return CC_OK;
    const jsonc_seg *s = &path->segs[i];
    if (cur->type == JSONC_ARRAY) {
        if (s->index > (long)cur->nchildren) {
            char why[128];
            snprintf(why, sizeof why, "index %ld is past the end of this array (length %zu)", s->index,
                     cur->nchildren);
            return fail_node(e, cur, "jsonc.path", why);
        }
        add_child(e, cur, NULL, NULL, path, i + 1, vt, v);
    } else {
        add_child(e, cur, NULL, s->key, path, i + 1, vt, v);
    }
    return CC_OK;
}

char *jsonc_value_from_cjson(const cJSON *v) { return v ? cJSON_PrintUnformatted(v) : NULL; }

/* Checks edit number i (from 0) against the original text before anything
 * changes, so positions in errors are positions in the user's file, and
 * parses a set's value into *val. */
static int check_edit(const jsonc_doc *orig, const char *text, size_t len, const char *name, const jsonc_edit *ed,
                      size_t i, jsonc_doc **val, cc_err *err)
{
    if (!ed->path)
        return cc_err_set(err, CC_EUSAGE, "jsonc.path", "%s: edit %zu has no path", name, i + 1);
    char ps[512];
    path_str(ed->path, ed->path->n, ps, sizeof ps);
    if (ed->path->n > JSONC_MAX_DEPTH)
        return cc_err_set(err, CC_EINPUT, "jsonc.depth", "%s: path %s is deeper than the limit of %d levels", name,
                          ps, JSONC_MAX_DEPTH);
    for (size_t k = 0; k < ed->path->n; k++) {
        const char *key = ed->path->segs[k].key;
        if (key && !jsonc_utf8_valid((const unsigned char *)key, strlen(key)))
            return cc_err_set(err, CC_EINPUT, "jsonc.path", "%s: a key in path %s is not valid UTF-8", name, ps);
    }
    const jsonc_node *found;
    int rc = jsonc_lookup(orig, text, len, name, ed->path, &found, err);
    if (rc || ed->op != JSONC_EDIT_SET)
        return rc;
    if (!ed->value_json)
        return cc_err_set(err, CC_EUSAGE, "jsonc.value", "%s: no value given for %s", name, ps);
    char vname[600];
    snprintf(vname, sizeof vname, "value for %s", ps);
    rc = jsonc_parse_flags(ed->value_json, strlen(ed->value_json), vname, JSONC_STRICT, val, err);
    if (rc)
        cc_err_hint(err, "the value must be JSON text: a string needs quotes, e.g. '\"text\"'");
    return rc;
}

/* The text after edit `ed` did not parse again (`check` says why): a limit
 * the edit would break, or a bug. */
static int edit_broke_text(const char *name, const jsonc_edit *ed, const cc_err *check, cc_err *err)
{
    char ps[512];
    path_str(ed->path, ed->path->n, ps, sizeof ps);
    if (jsonc_err_is_limit(check))
        return cc_err_set(err, CC_EINPUT, check->code, "%s: setting %s would break a limit: %s", name, ps,
                          check->message);
    return cc_err_set(err, CC_EINTERNAL, "jsonc.bug",
                      "%s: editing %s produced text that does not parse (a bug; nothing was written): %s", name, ps,
                      check->message);
}

/* Applies the checked edits in turn, each planned against the text the one
 * before left and its tree (`doc`, the original's, which this frees).
 * After each change the text is parsed again: a tree for the next edit,
 * and after the last one a syntax check that proves the output is valid
 * JSONC.  *out is the new text, or NULL when no edit changed anything. */
static int apply_edits(const char *text, size_t len, const char *name, const jsonc_edit *edits, size_t n,
                       jsonc_doc *const *vals, const jsonc_path *const *paths, jsonc_doc *doc, char **out,
                       size_t *out_len, cc_err *err)
{
    const char *cur = text;
    size_t cur_len = len;
    char *owned = NULL;
    editor e = {0};
    e.name = name;
    e.err = err;
    char unit[17], eol[3]; /* the original's style, kept for every edit */
    strcpy(unit, doc->indent);
    strcpy(eol, doc->eol);
    e.unit = unit;
    e.eol = eol;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        e.t = cur;
        e.len = cur_len;
        e.doc = doc;
        e.nspans = 0;
        e.ins.len = 0;
        if ((rc = plan_edit(&e, &edits[i], edits[i].value_json, vals[i] ? vals[i]->root : NULL)))
            break;
        if (e.ins.oom) {
            rc = cc_err_oom(err);
            break;
        }
        if (e.nspans == 0)
            continue;
        char *next;
        size_t next_len;
        if ((rc = splice(&e, &next, &next_len))) {
            cc_err_oom(err);
            break;
        }
        free(owned);
        e.changed = true;
        owned = next;
        cur = next;
        cur_len = next_len;
        jsonc_free(doc);
        doc = NULL;
        cc_err check;
        cc_err_clear(&check);
        if (i + 1 < n)
            rc = jsonc_parse_paths(cur, cur_len, name, paths + i + 1, n - i - 1, &doc, &check);
        else
            rc = jsonc_parse_flags(cur, cur_len, name, JSONC_VALIDATE, &doc, &check);
        if (rc)
            rc = edit_broke_text(name, &edits[i], &check, err);
    }
    free(e.ins.p);
    jsonc_free(doc);
    if (rc) {
        free(owned);
        return rc;
    }
    *out = owned;
    *out_len = cur_len;
    return CC_OK;
}

int jsonc_apply(const char *text, size_t len, const char *name, const jsonc_edit *edits, size_t n, char **out,
                size_t *out_len, cc_err *err)
{
    *out = NULL;
    *out_len = 0;
    if (!name)
        name = "<input>";
    /* The tree holds only what the edits' paths need (jsonc_parse_paths):
     * on a big file that is a few nodes instead of one per value. */
    const jsonc_path **paths = calloc(n ? n : 1, sizeof *paths);
    if (!paths)
        return cc_err_oom(err);
    for (size_t i = 0; i < n; i++)
        paths[i] = edits[i].path;
    jsonc_doc *orig = NULL;
    int rc = jsonc_parse_paths(text, len, name, paths, n, &orig, err);
    if (rc) {
        free(paths);
        return rc;
    }
    jsonc_doc **vals = calloc(n ? n : 1, sizeof *vals);
    if (!vals) {
        free(paths);
        jsonc_free(orig);
        return cc_err_oom(err);
    }
    for (size_t i = 0; i < n && !rc; i++)
        rc = check_edit(orig, text, len, name, &edits[i], i, &vals[i], err);
    if (rc)
        jsonc_free(orig);
    else
        rc = apply_edits(text, len, name, edits, n, vals, paths, orig, out, out_len, err);
    free(paths);
    for (size_t i = 0; i < n; i++)
        jsonc_free(vals[i]);
    free(vals);
    if (rc || *out)
        return rc;
    /* Nothing changed: the caller still gets its own copy. */
    *out = malloc(len + 1);
    if (!*out)
        return cc_err_oom(err);
    if (len)
        memcpy(*out, text, len);
    (*out)[len] = '\0';
    *out_len = len;
    return CC_OK;
}

/*
 * diff.c - unified diffs for --dry-run (see include/clinecfg/diff.h).
 *
 * The edits clinecfg plans touch a few lines of a file, so the common prefix
 * and suffix are cut first and Myers' greedy algorithm runs on the small
 * middle.  When the middle needs more than DIFF_MAX_D edits (a rewrite of a
 * big file) the middle is shown as one deletion plus one insertion: still a
 * correct diff, just not the shortest, and the cost stays bounded.
 */
#define _GNU_SOURCE
#include "clinecfg/diff.h"
#include "clinecfg/strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIFF_MAX_D 2000

typedef struct line {
    const char *p;
    size_t len; /* including the '\n' when there is one */
    uint64_t hash;
} line;

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static line *split_lines(const char *s, size_t len, size_t *n)
{
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n')
            count++;
    if (len && s[len - 1] != '\n')
        count++;
    line *v = calloc(count ? count : 1, sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0, start = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            v[k].p = s + start;
            v[k].len = i + 1 - start;
            k++;
            start = i + 1;
        }
    }
    if (start < len) {
        v[k].p = s + start;
        v[k].len = len - start;
        k++;
    }
    for (size_t i = 0; i < k; i++)
        v[i].hash = hash_bytes(v[i].p, v[i].len);
    *n = k;
    return v;
}

static bool line_eq(const line *a, const line *b)
{
    return a->hash == b->hash && a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* Myers' greedy shortest edit script of a[0..n) -> b[0..m), written to ops
 * ('=', '-', '+') in order.  Returns the number of ops, or (size_t)-1 when
 * more than DIFF_MAX_D edits are needed, (size_t)-2 on out of memory. */
static size_t myers(const line *a, size_t n, const line *b, size_t m, char *ops)
{
    long N = (long)n, M = (long)m;
    long maxd = N + M;
    if (maxd > DIFF_MAX_D)
        maxd = DIFF_MAX_D;
    long off = maxd + 1;
    long *v = calloc((size_t)(2 * off + 1), sizeof *v);
    long **trace = calloc((size_t)maxd + 1, sizeof *trace);
    if (!v || !trace) {
        free(v);
        free(trace);
        return (size_t)-2;
    }
    long found = -1;
    for (long d = 0; d <= maxd && found < 0; d++) {
        for (long k = -d; k <= d; k += 2) {
            long x;
            if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
                x = v[off + k + 1];
            else
                x = v[off + k - 1] + 1;
            long y = x - k;
            while (x < N && y < M && line_eq(&a[x], &b[y])) {
                x++;
                y++;
            }
            v[off + k] = x;
            if (x >= N && y >= M) {
                found = d;
                break;
            }
        }
        /* Keep this round's V for the walk back. */
        trace[d] = malloc((size_t)(2 * d + 1) * sizeof(long));
        if (!trace[d]) {
            found = -2;
            break;
        }
        memcpy(trace[d], &v[off - d], (size_t)(2 * d + 1) * sizeof(long));
    }
    size_t result;
    if (found < 0) {
        result = found == -2 ? (size_t)-2 : (size_t)-1;
    } else {
        /* Walk back from (N, M), writing ops from the end. */
        size_t pos = (size_t)(N + M);
        size_t total = 0;
        long x = N, y = M;
        char *tmp = malloc((size_t)(N + M) + 1);
        if (!tmp) {
            result = (size_t)-2;
        } else {
            for (long d = found; d > 0; d--) {
                long *pv = trace[d - 1]; /* V after round d-1, indexed k + (d-1) */
                long k = x - y;
                long prev_k;
                if (k == -d || (k != d && pv[k - 1 + (d - 1)] < pv[k + 1 + (d - 1)]))
                    prev_k = k + 1;
                else
                    prev_k = k - 1;
                long prev_x = pv[prev_k + (d - 1)];
                long prev_y = prev_x - prev_k;
                while (x > prev_x && y > prev_y) {
                    tmp[--pos] = '=';
                    x--;
                    y--;
                }
                if (x == prev_x)
                    tmp[--pos] = '+';
                else
                    tmp[--pos] = '-';
                x = prev_x;
                y = prev_y;
            }
            while (x > 0 && y > 0) {
                tmp[--pos] = '=';
                x--;
                y--;
            }
            total = (size_t)(N + M) - pos;
            memcpy(ops, tmp + pos, total);
            free(tmp);
            result = total;
        }
    }
    for (long d = 0; d <= maxd; d++)
        free(trace[d]);
    free(trace);
    free(v);
    return result;
}

/* ---- secret-named keys ------------------------------------------------ */

static const char *const secret_words[] = {"secret", "password", "passwd", "apikey", "accesskey", "privatekey"};

bool cc_secret_key_name(const char *key, size_t len)
{
    char norm[128];
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < sizeof norm; i++) {
        char c = key[i];
        if (c >= 'A' && c <= 'Z')
            norm[k++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            norm[k++] = c;
    }
    norm[k] = '\0';
    for (size_t i = 0; i < sizeof secret_words / sizeof secret_words[0]; i++)
        if (strstr(norm, secret_words[i]))
            return true;
    /* sessionToken, aws_session_token, refresh_token; not maxTokens */
    return k >= 5 && strcmp(norm + k - 5, "token") == 0;
}

/* End of the JSON string starting at p[i] == '"' (index of the closing
 * quote), or len when it does not close on this line. */
static size_t json_string_end(const char *p, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (p[i] == '\\')
            i++;
        else if (p[i] == '"')
            return i;
    }
    return len;
}

static size_t skip_blanks(const char *p, size_t len, size_t i)
{
    while (i < len && (p[i] == ' ' || p[i] == '\t'))
        i++;
    return i;
}

/* Calls found(ud, value, value_len) for each value of a secret-named key in
 * one line: JSON members ("key": "value", "key": 123) anywhere in it, or an
 * INI assignment (key = value).  found returns the span to replace. */
typedef void (*secret_fn)(void *ud, size_t start, size_t end);

static bool ini_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
}

static void scan_secrets(const char *p, size_t len, secret_fn found, void *ud)
{
    size_t eol = len;
    while (eol > 0 && (p[eol - 1] == '\n' || p[eol - 1] == '\r'))
        eol--;
    size_t i = skip_blanks(p, eol, 0), k = i;
    while (k < eol && ini_key_char(p[k]))
        k++;
    size_t eq = skip_blanks(p, eol, k);
    if (k > i && eq < eol && p[eq] == '=') {
        if (cc_secret_key_name(p + i, k - i)) {
            size_t v = skip_blanks(p, eol, eq + 1);
            if (v < eol)
                found(ud, v, eol);
        }
        return;
    }
    for (i = 0; i < eol; i++) {
        if (p[i] != '"')
            continue;
        size_t ke = json_string_end(p, eol, i);
        if (ke >= eol)
            return;
        size_t c = skip_blanks(p, eol, ke + 1);
        bool secret = c < eol && p[c] == ':' && cc_secret_key_name(p + i + 1, ke - i - 1);
        i = ke;
        if (!secret)
            continue;
        size_t v = skip_blanks(p, eol, c + 1);
        if (v < eol && p[v] == '"') {
            size_t ve = json_string_end(p, eol, v);
            if (ve > v + 1)
                found(ud, v + 1, ve);
            i = ve;
        } else if (v < eol && p[v] != '{' && p[v] != '[') {
            size_t ve = v;
            while (ve < eol && p[ve] != ',' && p[ve] != '}' && p[ve] != ']' && p[ve] != ' ')
                ve++;
            if (ve > v)
                found(ud, v, ve);
            i = ve - 1;
        }
    }
}

typedef struct redactor {
    strbuf *o;
    const char *p;
    size_t done;
} redactor;

static void redact_span(void *ud, size_t start, size_t end)
{
    redactor *r = ud;
    strbuf_put(r->o, r->p + r->done, start - r->done);
    strbuf_puts(r->o, CC_REDACTED);
    r->done = end;
}

void cc_redact_line(strbuf *o, const char *p, size_t len)
{
    redactor r = {o, p, 0};
    scan_secrets(p, len, redact_span, &r);
    strbuf_put(o, p + r.done, len - r.done);
}

typedef struct removal_check {
    const char *line;
    const char *new_text;
    size_t new_len;
    bool removed;
} removal_check;

static void check_kept(void *ud, size_t start, size_t end)
{
    removal_check *c = ud;
    if (!c->new_text || !memmem(c->new_text, c->new_len, c->line + start, end - start))
        c->removed = true;
}

bool cc_diff_removes_secret(const char *old, size_t old_len, const char *new_text, size_t new_len)
{
    removal_check c = {NULL, new_text, new_text ? new_len : 0, false};
    for (size_t i = 0; old && i < old_len && !c.removed;) {
        const char *nl = memchr(old + i, '\n', old_len - i);
        size_t len = nl ? (size_t)(nl - (old + i)) + 1 : old_len - i;
        c.line = old + i;
        scan_secrets(old + i, len, check_kept, &c);
        i += len;
    }
    return c.removed;
}

/* ---- output ----------------------------------------------------------- */

static void put_line(strbuf *o, char mark, const line *l)
{
    strbuf_put(o, &mark, 1);
    cc_redact_line(o, l->p, l->len);
    if (l->len == 0 || l->p[l->len - 1] != '\n')
        strbuf_puts(o, "\n\\ No newline at end of file\n");
}

static void put_range(strbuf *o, size_t start0, size_t count, size_t offset)
{
    start0 += offset;
    char tmp[64];
    if (count == 1)
        snprintf(tmp, sizeof tmp, "%zu", start0 + 1);
    else
        snprintf(tmp, sizeof tmp, "%zu,%zu", count ? start0 + 1 : start0, count);
    strbuf_puts(o, tmp);
}

/* The window of the texts that is split into lines: the common byte prefix
 * and suffix (cut at line starts) are left out, widened by `context` lines
 * on each side, which the hunks may show.  Keeps a small edit of a big file
 * cheap. */
typedef struct {
    size_t start;       /* the window starts at this byte of both texts */
    size_t tail;        /* and ends this many bytes before the end of each */
    size_t line_offset; /* lines before the window */
} window;

static window diff_window(const char *A, size_t old_len, const char *B, size_t new_len, int context)
{
    size_t minlen = old_len < new_len ? old_len : new_len;
    size_t pre_b = 0;
    while (pre_b < minlen && A[pre_b] == B[pre_b])
        pre_b++;
    while (pre_b > 0 && A[pre_b - 1] != '\n')
        pre_b--;
    size_t suf_b = 0;
    while (suf_b < minlen - pre_b && A[old_len - 1 - suf_b] == B[new_len - 1 - suf_b])
        suf_b++;
    while (suf_b > 0 && !((old_len - suf_b == 0 || A[old_len - suf_b - 1] == '\n') &&
                          (new_len - suf_b == 0 || B[new_len - suf_b - 1] == '\n')))
        suf_b--;
    window w = {pre_b, suf_b, 0};
    for (int k = 0; k < context && w.start > 0; k++) {
        w.start--; /* onto the '\n' that ends the previous line */
        while (w.start > 0 && A[w.start - 1] != '\n')
            w.start--;
    }
    for (int k = 0; k < context && w.tail > 0; k++) {
        const char *nl = memchr(A + old_len - w.tail, '\n', w.tail);
        w.tail = nl ? old_len - (size_t)(nl + 1 - A) : 0;
    }
    for (const char *q = A; (q = memchr(q, '\n', (size_t)(A + w.start - q))) != NULL; q++)
        w.line_offset++;
    return w;
}

/* The edit script a[0..n) -> b[0..m) into ops (room for n + m): equal
 * prefix and suffix lines, Myers in between, or when that needs too many
 * edits the middle as one deletion and one insertion.  Returns the number
 * of ops, or (size_t)-1 when out of memory. */
static size_t edit_script(const line *a, size_t n, const line *b, size_t m, char *ops)
{
    size_t pre = 0;
    while (pre < n && pre < m && line_eq(&a[pre], &b[pre]))
        pre++;
    size_t suf = 0;
    while (suf < n - pre && suf < m - pre && line_eq(&a[n - 1 - suf], &b[m - 1 - suf]))
        suf++;
    size_t nops = pre;
    memset(ops, '=', pre);
    size_t mid = myers(a + pre, n - pre - suf, b + pre, m - pre - suf, ops + nops);
    if (mid == (size_t)-2)
        return (size_t)-1;
    if (mid == (size_t)-1) {
        memset(ops + nops, '-', n - pre - suf);
        nops += n - pre - suf;
        memset(ops + nops, '+', m - pre - suf);
        nops += m - pre - suf;
    } else {
        nops += mid;
    }
    memset(ops + nops, '=', suf);
    return nops + suf;
}

/* The op just past the hunk whose first change is ops[i]: changes join
 * while at most 2*ctx equal lines separate them, then ctx lines follow. */
static size_t hunk_end(const char *ops, size_t nops, size_t i, size_t ctx)
{
    size_t j = i, last_change = i;
    while (j < nops) {
        if (ops[j] != '=') {
            last_change = j;
            j++;
            continue;
        }
        size_t run = 0;
        while (j + run < nops && ops[j + run] == '=')
            run++;
        if (j + run >= nops || run > 2 * ctx)
            break;
        j += run;
    }
    size_t he = last_change + 1;
    size_t fwd = 0;
    while (fwd < ctx && he + fwd < nops && ops[he + fwd] == '=')
        fwd++;
    return he + fwd;
}

/* One hunk, ops [hs, he) starting at line ha of a and hb of b: its "@@"
 * header and lines.  Moves *ha and *hb past it. */
static void put_hunk(strbuf *o, const char *ops, size_t hs, size_t he, const line *a, const line *b, size_t *ha,
                     size_t *hb, size_t line_offset)
{
    size_t ac = 0, bc = 0;
    for (size_t k = hs; k < he; k++) {
        if (ops[k] != '+')
            ac++;
        if (ops[k] != '-')
            bc++;
    }
    strbuf_puts(o, "@@ -");
    put_range(o, *ha, ac, line_offset);
    strbuf_puts(o, " +");
    put_range(o, *hb, bc, line_offset);
    strbuf_puts(o, " @@\n");
    size_t x = *ha, y = *hb;
    for (size_t k = hs; k < he; k++) {
        if (ops[k] == '=') {
            put_line(o, ' ', &a[x]);
            x++;
            y++;
        } else if (ops[k] == '-') {
            put_line(o, '-', &a[x]);
            x++;
        } else {
            put_line(o, '+', &b[y]);
            y++;
        }
    }
    *ha = x;
    *hb = y;
}

/* Hunks: runs of changes joined when at most 2*ctx equal lines separate
 * them, with ctx lines around. */
static void put_hunks(strbuf *o, const char *ops, size_t nops, const line *a, const line *b, size_t ctx,
                      size_t line_offset)
{
    size_t i = 0;
    size_t ai = 0, bi = 0; /* line index in a / b at op i */
    while (i < nops) {
        if (ops[i] == '=') {
            i++;
            ai++;
            bi++;
            continue;
        }
        size_t back = 0; /* a hunk starts `ctx` equal lines before its first change */
        while (back < ctx && back < i && ops[i - back - 1] == '=')
            back++;
        size_t hs = i - back, he = hunk_end(ops, nops, i, ctx);
        ai -= back;
        bi -= back;
        put_hunk(o, ops, hs, he, a, b, &ai, &bi, line_offset);
        i = he;
    }
}

int cc_diff_unified(const char *old_label, const char *old, size_t old_len, const char *new_label, const char *new_text,
                    size_t new_len, int context, char **out, cc_err *err)
{
    *out = NULL;
    if (context < 0)
        context = 3;
    if (!old)
        old_len = 0;
    if (!new_text)
        new_len = 0;
    if (old_len == new_len && (old_len == 0 || memcmp(old, new_text, old_len) == 0)) {
        *out = calloc(1, 1);
        return *out ? CC_OK : cc_err_oom(err);
    }
    const char *A = old ? old : "", *B = new_text ? new_text : "";
    window w = diff_window(A, old_len, B, new_len, context);
    size_t n = 0, m = 0;
    line *a = split_lines(A + w.start, old_len - w.start - w.tail, &n);
    line *b = split_lines(B + w.start, new_len - w.start - w.tail, &m);
    char *ops = malloc(n + m + 1);
    strbuf o = {.secret = true};
    size_t nops = a && b && ops ? edit_script(a, n, b, m, ops) : (size_t)-1;
    if (nops != (size_t)-1) {
        strbuf_puts(&o, "--- ");
        strbuf_puts(&o, old_label ? old_label : "/dev/null");
        strbuf_puts(&o, "\n+++ ");
        strbuf_puts(&o, new_label ? new_label : "/dev/null");
        strbuf_puts(&o, "\n");
        put_hunks(&o, ops, nops, a, b, (size_t)context, w.line_offset);
    }
    free(a);
    free(b);
    free(ops);
    if (nops == (size_t)-1 || o.oom) {
        strbuf_release(&o);
        return cc_err_oom(err);
    }
    *out = o.p;
    return CC_OK;
}

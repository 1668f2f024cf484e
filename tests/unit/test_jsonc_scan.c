/*
 * test_jsonc_scan.c - the fast scanner (jsonc_scan, src/core/jsonc_scan.c)
 * against the full parser.  jsonc_apply trusts the scanner twice: to accept
 * the user's file, and to prove its own output valid.  So it must accept
 * exactly the texts the full parser accepts, and the sparse tree it builds
 * for a path must agree with the full tree wherever the editor looks: the
 * node at the path, its parent's first, second, last and previous children,
 * counts, comments, indent, EOL and BOM.
 *
 * Texts: every golden case input (as written, with CRLF and with a BOM),
 * hand-written edge cases, and single-byte mutations of all of them
 * (truncations, deletions, and substitutions with bytes that matter to the
 * grammar or to UTF-8).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/jsonc_internal.h"

#define GOLDEN_DIR "tests/golden/jsonc"

typedef struct {
    char **p;
    size_t *len;
    size_t n, cap;
} corpus;

static void corpus_add(corpus *c, const char *s, size_t n)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->p = realloc(c->p, c->cap * sizeof *c->p);
        c->len = realloc(c->len, c->cap * sizeof *c->len);
        assert_non_null(c->p);
        assert_non_null(c->len);
    }
    c->p[c->n] = malloc(n + 1);
    assert_non_null(c->p[c->n]);
    memcpy(c->p[c->n], s, n);
    c->p[c->n][n] = '\0';
    c->len[c->n++] = n;
}

static void corpus_free(corpus *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->p[i]);
    free(c->p);
    free(c->len);
}

/* The "=== input" section of each golden case, plus CRLF and BOM variants. */
static void add_golden_inputs(corpus *c)
{
    DIR *dir = opendir(GOLDEN_DIR);
    assert_non_null(dir);
    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t l = strlen(de->d_name);
        if (l <= 5 || strcmp(de->d_name + l - 5, ".case") != 0)
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", GOLDEN_DIR, de->d_name);
        size_t n;
        char *f = test_read_file(path, &n);
        assert_non_null(f);
        char *in = strstr(f, "=== input");
        char *body = in ? strchr(in, '\n') : NULL;
        if (body) {
            body++;
            char *end = strstr(body, "\n=== ");
            size_t bn = end ? (size_t)(end - body) : strlen(body);
            corpus_add(c, body, bn);
            char *crlf = malloc(bn * 2 + 4);
            assert_non_null(crlf);
            size_t k = 0;
            for (size_t i = 0; i < bn; i++) {
                if (body[i] == '\n')
                    crlf[k++] = '\r';
                crlf[k++] = body[i];
            }
            corpus_add(c, crlf, k);
            memcpy(crlf, "\xEF\xBB\xBF", 3);
            memcpy(crlf + 3, body, bn);
            corpus_add(c, crlf, bn + 3);
            free(crlf);
        }
        free(f);
    }
    closedir(dir);
}

static const char *const edge_cases[] = {
    "", " ", "\xEF\xBB\xBF", "\xEF\xBB", "// c", "/* c */", "/* c", "/", "/x", "//\r\n{}", "{}", "[]", "{,}",
    "[,]", "[1,]", "[1,,]", "{\"a\":1,}", "{\"a\":1,,}", "{\"a\" : 1 , \"b\":[true,false,null] }", "[1 2]",
    "{\"a\" 1}", "{a:1}", "{'a':1}", "[tru]", "[truex]", "[nul]", "[falsey]", "true", "false", "null",
    "-", "-0", "-01", "01", "0.", "0.5", "1e", "1e+", "1E-5", "1.5e10", "-1.0E+2", "1.", ".5", "+1", "0x10",
    "\"\\u12\"", "\"\\u12G4\"", "\"\\uD800\"", "\"\\uDC00\\uD800\"", "\"\\x\"", "\"\\'\"", "\"\\/\\b\\f\\n\\r\\t\"",
    "\"a\nb\"", "\"a\rb\"", "\"\t\"", "\"\x7f\"", "\"\x1f\"", "\"\xC3\xA9\"", "\"\xC3\"", "\"\xC0\x80\"",
    "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"", "\"\xF0\x9F\x98\x80\"", "\"\xE2\x82\"", "\"\xE0\x80\xAF\"",
    "\"\xFF\"", "// \xC3\xA9\n1", "// \xC3\n1", "/* \xE2\x82\xAC */1", "/* \xE2\x82 */1", "/* * / */1",
    "/**/1", "/*/ 1", "1 // x", "1 /* x */", "1 2", "{} {}", "[] x", "{\"a\":{\"b\":[1,{\"c\":2}]}}",
    "{\"\\u0000\":1,\"\\u0000\":2}", "{\"a\\nb\":1}", "{\n\t\"a\": 1\n}", "{\r\n  \"a\": [\r\n    1\r\n  ]\r\n}",
    "[\n  1,\n  // c\n  2 /* d */,\n]", "\"abcdefgh\"", "\"abcdefghijklmnop\\\"qrstuvwxyz\"",
    ("\"abcdefghijklmnopqrstuvwxyz\xC3\xA9" "abcdefgh\""), "\"abcdefg", "{\"a\":\"abcdefghijklmnopqrstuvw\xFF\"}",
    "[\"x\x01yyyyyyyyyyyyyyyy\"]", "\xEF\xBB\xBF{}", "\xEF\xBB\xBF\xEF\xBB\xBF{}", "{\"a\":1}\x00", "\x00",
    "[1]\r", "\r\n", "{\"a\":1 /* unterminated }",
};

static const unsigned char subst[] = {'"', '\\', '/', '*', ',', '}', ']', '{', '[', ':', '\n', '\r', 0x00,
                                      0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF, 'e',
                                      '-', '0', '.', 'u', 't', ' ', 'a'};

/* Scanner and full parser agree on whether t is valid.  Returns validity. */
static bool check_accepts(const char *t, size_t n)
{
    jsonc_doc *full = NULL;
    cc_err err;
    cc_err_clear(&err);
    bool ok = jsonc_parse_flags(t, n, "x", JSONC_KEYS_ONLY, &full, &err) == 0;
    jsonc_doc *v = jsonc_scan(t, n, NULL, 0, false);
    if ((v != NULL) != ok) {
        fprintf(stderr, "scanner (no tree) %s, parser %s (%s) for %zu bytes:\n%.*s\n", v ? "accepts" : "refuses",
                ok ? "accepts" : "refuses", err.message, n, (int)n, t);
        fail();
    }
    jsonc_doc *sp = jsonc_scan(t, n, NULL, 0, true);
    if ((sp != NULL) != ok) {
        fprintf(stderr, "scanner (tree) disagrees with the parser for %zu bytes:\n%.*s\n", n, (int)n, t);
        fail();
    }
    if (ok) {
        assert_int_equal(v->bom, full->bom);
        assert_string_equal(v->eol, full->eol);
    }
    jsonc_free(v);
    jsonc_free(sp);
    jsonc_free(full);
    return ok;
}

static jsonc_path *path_to(const jsonc_node *n)
{
    const jsonc_node *chain[JSONC_MAX_DEPTH + 2];
    size_t d = 0;
    for (const jsonc_node *c = n; c->parent && d < JSONC_MAX_DEPTH + 1; c = c->parent)
        chain[d++] = c;
    jsonc_path *p = jsonc_path_new();
    assert_non_null(p);
    while (d--) {
        const jsonc_node *c = chain[d];
        if (c->parent->type == JSONC_OBJECT)
            assert_int_equal(jsonc_path_push_key(p, c->key), CC_OK);
        else
            assert_int_equal(jsonc_path_push_index(p, (long)jsonc_node_index(c)), CC_OK);
    }
    return p;
}

static void same_node(const jsonc_node *a, const jsonc_node *b)
{
    if (!a || !b) {
        assert_ptr_equal(a, b);
        return;
    }
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->start, b->start);
    assert_int_equal(a->end, b->end);
    assert_int_equal(a->key_start, b->key_start);
    assert_int_equal(a->key_end, b->key_end);
    assert_int_equal(a->key != NULL, b->key != NULL);
    if (a->key)
        assert_string_equal(a->key, b->key);
    assert_int_equal(a->boolean, b->boolean);
    assert_int_equal(jsonc_node_index(a), jsonc_node_index(b));
}

static const jsonc_node *prev_in_list(const jsonc_node *x)
{
    const jsonc_node *prev = NULL;
    for (const jsonc_node *c = x->parent->child; c && c != x; c = c->next)
        prev = c;
    return prev;
}

static const jsonc_node *last_in_list(const jsonc_node *p)
{
    const jsonc_node *l = p->child;
    while (l && l->next)
        l = l->next;
    return l;
}

/* For up to `max` nodes of a valid text: the sparse tree for the path to the
 * node answers every question the editor asks like the full tree. */
static void check_sparse(const char *t, size_t n, size_t max)
{
    jsonc_doc *full = NULL;
    cc_err err;
    assert_int_equal(jsonc_parse_flags(t, n, "x", JSONC_KEYS_ONLY, &full, &err), 0);
    const jsonc_node *cur = full->root;
    size_t seen = 0;
    while (cur && seen++ < max) {
        jsonc_path *p = path_to(cur);
        const jsonc_path *paths[1] = {p};
        jsonc_doc *sp = jsonc_scan(t, n, paths, 1, true);
        assert_non_null(sp);
        assert_int_equal(sp->ncomments, full->ncomments);
        if (full->ncomments)
            assert_memory_equal(sp->comments, full->comments, 2 * full->ncomments * sizeof(size_t));
        assert_string_equal(sp->indent, full->indent);
        assert_string_equal(sp->eol, full->eol);
        assert_int_equal(sp->bom, full->bom);
        const jsonc_node *a = NULL, *b = NULL;
        cc_err ea, eb;
        cc_err_clear(&ea);
        cc_err_clear(&eb);
        int ra = jsonc_lookup(full, t, n, "x", p, &a, &ea), rb = jsonc_lookup(sp, t, n, "x", p, &b, &eb);
        assert_int_equal(ra, rb);
        assert_string_equal(ea.message, eb.message);
        same_node(a, b);
        if (a && (a->type == JSONC_OBJECT || a->type == JSONC_ARRAY)) {
            assert_int_equal(a->nchildren, b->nchildren);
            same_node(a->child, b->child);
            same_node(a->child ? a->child->next : NULL, b->child ? b->child->next : NULL);
            same_node(last_in_list(a), last_in_list(b));
        }
        if (a && a->parent) {
            same_node(a->parent, b->parent);
            assert_int_equal(a->parent->nchildren, b->parent->nchildren);
            same_node(a->parent->child, b->parent->child);
            same_node(a->parent->child->next, b->parent->child->next);
            same_node(last_in_list(a->parent), last_in_list(b->parent));
            same_node(prev_in_list(a), prev_in_list(b));
        }
        /* the target as jsonc_apply's path walk finds it */
        same_node(jsonc_find(full, p), jsonc_find(sp, p));
        jsonc_free(sp);
        jsonc_path_free(p);
        /* next node, pre-order */
        if (cur->child) {
            cur = cur->child;
            continue;
        }
        while (cur && !cur->next)
            cur = cur->parent;
        if (cur)
            cur = cur->next;
    }
    jsonc_free(full);
}

static void test_scanner_agrees(void **state)
{
    (void)state;
    corpus c = {0};
    add_golden_inputs(&c);
    assert_true(c.n >= 3 * 80);
    for (size_t i = 0; i < sizeof edge_cases / sizeof *edge_cases; i++)
        corpus_add(&c, edge_cases[i], strlen(edge_cases[i]));
    corpus_add(&c, "{\"a\":1}\0", 8); /* a NUL after the value */
    size_t valid = 0, invalid = 0, mutants = 0;
    for (size_t k = 0; k < c.n; k++) {
        const char *t = c.p[k];
        size_t n = c.len[k];
        if (check_accepts(t, n)) {
            valid++;
            check_sparse(t, n, 300);
        } else {
            invalid++;
        }
        if (n > 2000)
            continue; /* mutate the small ones only */
        char *m = malloc(n + 1);
        assert_non_null(m);
        for (size_t i = 0; i < n; i++) {
            mutants += 2;
            bool v1 = check_accepts(t, i); /* truncated */
            memcpy(m, t, i);
            memcpy(m + i, t + i + 1, n - i - 1);
            bool v2 = check_accepts(m, n - 1); /* one byte deleted */
            if (v1 && i % 7 == 0)
                check_sparse(t, i, 20);
            if (v2 && i % 7 == 3)
                check_sparse(m, n - 1, 20);
            memcpy(m, t, n);
            for (size_t j = 0; j < sizeof subst; j++) {
                if ((unsigned char)t[i] == subst[j])
                    continue;
                m[i] = (char)subst[j];
                mutants++;
                if (check_accepts(m, n) && (i + j) % 11 == 0)
                    check_sparse(m, n, 20);
            }
        }
        free(m);
    }
    printf("scanner: %zu texts (%zu valid, %zu invalid) and %zu single-byte mutants agree with the parser\n", c.n,
           valid, invalid, mutants);
    assert_true(valid > 100 && invalid > 20);
    corpus_free(&c);
}

/* Depth: 256 nested containers are fine, 257 are not, with or without a tree. */
static void test_scanner_depth(void **state)
{
    (void)state;
    char buf[2 * (JSONC_MAX_DEPTH + 1) + 1];
    for (size_t depth = JSONC_MAX_DEPTH - 1; depth <= JSONC_MAX_DEPTH + 1; depth++) {
        memset(buf, '[', depth);
        memset(buf + depth, ']', depth);
        bool ok = check_accepts(buf, 2 * depth);
        assert_int_equal(ok, depth <= JSONC_MAX_DEPTH);
    }
}

/* A path through a big flat object: the sparse tree holds a handful of
 * nodes, and every member the path names (duplicates too) is in it. */
static void test_sparse_is_small(void **state)
{
    (void)state;
    size_t cap = 1 << 20, n = 0;
    char *t = malloc(cap);
    assert_non_null(t);
    n += (size_t)sprintf(t + n, "{\n");
    for (int i = 0; i < 5000; i++)
        n += (size_t)sprintf(t + n, "  \"k%d\": [%d, {\"x\": %d}],\n", i, i, i);
    n += (size_t)sprintf(t + n, "  \"k17\": 2,\n  \"end\": {}\n}\n");
    jsonc_path *p = NULL;
    cc_err err;
    assert_int_equal(jsonc_path_parse("/k17/1/x", &p, &err), CC_OK);
    const jsonc_path *paths[1] = {p};
    jsonc_doc *sp = jsonc_scan(t, n, paths, 1, true);
    assert_non_null(sp);
    size_t count = 0;
    for (const jsonc_node *c = sp->root->child; c; c = c->next)
        count++;
    /* k0, k1, k16 (before the match), k17, the second k17's predecessor
     * (k4999), the second k17, end */
    assert_int_equal(count, 7);
    assert_int_equal(sp->root->nchildren, 5002);
    const jsonc_node *found = NULL;
    assert_int_equal(jsonc_lookup(sp, t, n, "f.json", p, &found, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "key \"k17\" appears twice on the path"));
    jsonc_free(sp);
    jsonc_path_free(p);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scanner_agrees),
        cmocka_unit_test(test_scanner_depth),
        cmocka_unit_test(test_sparse_is_small),
    };
    return cmocka_run_group_tests_name("jsonc_scan", tests, NULL, NULL);
}

/*
 * fuzz_jsonc.c - libFuzzer target for the JSONC parser and editor.
 *
 * Parses the input; when it parses, picks up to three nodes with the input's
 * own bytes, applies set/insert/delete edits at (or just below) them, and
 * requires that: the engine never reports an internal error, the output
 * parses again, after a plain set the path holds the value that was set,
 * and setting it once more changes no byte.  It also holds the fast scanner
 * (jsonc_scan) to the full parser: both accept the same inputs and outputs,
 * and the sparse tree for each edit path finds the same node there.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/jsonc.h"
#include "../../src/core/jsonc_internal.h"

#define MAX_NODES 4096

static size_t collect(const jsonc_node *n, const jsonc_node **out, size_t cap)
{
    /* Iterative pre-order walk (the tree may be JSONC_MAX_DEPTH deep). */
    size_t k = 0;
    const jsonc_node *cur = n;
    while (cur && k < cap) {
        out[k++] = cur;
        if (cur->child) {
            cur = cur->child;
            continue;
        }
        while (cur && cur != n && !cur->next)
            cur = cur->parent;
        if (!cur || cur == n)
            break;
        cur = cur->next;
    }
    return k;
}

static jsonc_path *path_to(const jsonc_node *n)
{
    const jsonc_node *chain[JSONC_MAX_DEPTH + 2];
    size_t d = 0;
    for (const jsonc_node *c = n; c->parent && d < JSONC_MAX_DEPTH + 1; c = c->parent)
        chain[d++] = c;
    jsonc_path *p = jsonc_path_new();
    if (!p)
        return NULL;
    while (d--) {
        const jsonc_node *c = chain[d];
        if (c->parent->type == JSONC_OBJECT) {
            jsonc_path_push_key(p, c->key);
        } else {
            long i = 0;
            for (const jsonc_node *s = c->parent->child; s != c; s = s->next)
                i++;
            jsonc_path_push_index(p, i);
        }
    }
    return p;
}

/* One line-ending style throughout (only then is the detected EOL stable). */
static bool consistent_eol(const uint8_t *d, size_t n)
{
    bool crlf = false, lf = false;
    for (size_t i = 0; i < n; i++) {
        if (d[i] == '\r') {
            if (i + 1 >= n || d[i + 1] != '\n')
                return false;
            crlf = true;
            i++;
        } else if (d[i] == '\n') {
            lf = true;
        }
    }
    return !(crlf && lf);
}

/* The sparse tree for path p finds the node the full tree finds, with the
 * same neighbours the editor looks at. */
static void same_in_sparse(const jsonc_doc *full, const char *t, size_t n, const jsonc_path *p)
{
    const jsonc_path *paths[1] = {p};
    jsonc_doc *sp = jsonc_scan(t, n, paths, 1, true);
    if (!sp)
        __builtin_trap();
    const jsonc_node *a = NULL, *b = NULL;
    cc_err ea, eb;
    int ra = jsonc_lookup(full, t, n, "x", p, &a, &ea), rb = jsonc_lookup(sp, t, n, "x", p, &b, &eb);
    if (ra != rb || (a == NULL) != (b == NULL) || sp->ncomments != full->ncomments ||
        strcmp(sp->indent, full->indent) != 0 || strcmp(sp->eol, full->eol) != 0)
        __builtin_trap();
    if (a) {
        if (a->start != b->start || a->end != b->end || a->key_start != b->key_start || a->nchildren != b->nchildren)
            __builtin_trap();
        if (a->parent) {
            const jsonc_node *pa = NULL, *pb = NULL, *la = a->parent->child, *lb = b->parent->child;
            for (const jsonc_node *c = a->parent->child; c != a; c = c->next)
                pa = c;
            for (const jsonc_node *c = b->parent->child; c != b; c = c->next)
                pb = c;
            while (la->next)
                la = la->next;
            while (lb->next)
                lb = lb->next;
            if ((pa == NULL) != (pb == NULL) || (pa && pa->start != pb->start) || la->start != lb->start ||
                a->parent->nchildren != b->parent->nchildren)
                __builtin_trap();
        }
    }
    jsonc_free(sp);
}

static const char *values[] = {"42", "\"s\\u0001\"", "{\"k\": [1, {}], \"k2\": null}", "[]", "null", "{}", "[true, \"x\"]"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jsonc_doc *doc = NULL;
    cc_err err;
    jsonc_doc *fast = jsonc_scan((const char *)data, size, NULL, 0, false);
    int parsed = jsonc_parse((const char *)data, size, "fuzz", &doc, &err);
    if ((fast != NULL) != (parsed == 0))
        __builtin_trap(); /* the scanner and the parser disagree */
    jsonc_free(fast);
    if (parsed != 0)
        return 0;
    const jsonc_node **nodes = malloc(MAX_NODES * sizeof *nodes);
    size_t nn = jsonc_root(doc) ? collect(jsonc_root(doc), nodes, MAX_NODES) : 0;
    jsonc_edit edits[3];
    jsonc_path *paths[3] = {0};
    size_t ne = 0;
    for (size_t i = 0; i < 3; i++) {
        uint8_t a = size > i ? data[size - 1 - i] : (uint8_t)i;
        jsonc_path *p;
        const jsonc_node *n = nn ? nodes[a % nn] : NULL;
        p = n ? path_to(n) : jsonc_path_new();
        if (!p)
            break;
        int mode = (a >> 4) & 3;
        if (n && mode == 1 && n->type == JSONC_OBJECT)
            jsonc_path_push_key(p, (a & 8) ? "new" : "n\"ew\x7f");
        else if (n && mode == 1 && n->type == JSONC_ARRAY)
            jsonc_path_push_index(p, -1);
        paths[i] = p;
        same_in_sparse(doc, (const char *)data, size, p);
        edits[i].path = p;
        edits[i].op = mode == 2 ? JSONC_EDIT_DELETE : JSONC_EDIT_SET;
        edits[i].flags = mode == 3 ? JSONC_EDIT_INSERT : 0;
        edits[i].value_json = values[a % (sizeof values / sizeof *values)];
        ne++;
    }
    for (size_t k = 1; k <= ne; k++) {
        char *out = NULL;
        size_t out_len = 0;
        int rc = jsonc_apply((const char *)data, size, "fuzz", edits, k, &out, &out_len, &err);
        if (rc == CC_EINTERNAL)
            __builtin_trap(); /* a bug: the edit broke the file (or out of memory) */
        if (rc == 0) {
            jsonc_doc *d2 = NULL;
            if (jsonc_parse(out, out_len, "out", &d2, &err) != 0)
                __builtin_trap();
            jsonc_doc *fo = jsonc_scan(out, out_len, NULL, 0, false);
            if (!fo)
                __builtin_trap(); /* the scanner refuses what the parser accepts */
            jsonc_free(fo);
            const jsonc_edit *last = &edits[k - 1];
            bool append = last->path->n && last->path->segs[last->path->n - 1].index < 0 &&
                          !last->path->segs[last->path->n - 1].key;
            if (k == 1 && last->op == JSONC_EDIT_SET && !last->flags && !append) {
                const jsonc_node *v = jsonc_find(d2, last->path);
                jsonc_doc *vd = NULL;
                if (jsonc_parse(last->value_json, strlen(last->value_json), "v", &vd, &err) != 0)
                    __builtin_trap();
                if (!v || v->type != jsonc_root(vd)->type)
                    __builtin_trap(); /* the set value is not at its path */
                jsonc_free(vd);
                /* Setting the same value again changes no byte (for files
                 * with one EOL style; mixed ones may be re-detected). */
                char *again = NULL;
                size_t again_len = 0;
                if (consistent_eol(data, size)) {
                    if (jsonc_apply(out, out_len, "again", last, 1, &again, &again_len, &err) != 0 ||
                        again_len != out_len || memcmp(again, out, out_len) != 0)
                        __builtin_trap();
                }
                free(again);
            }
            jsonc_free(d2);
        }
        free(out);
    }
    for (size_t i = 0; i < 3; i++)
        jsonc_path_free(paths[i]);
    free(nodes);
    jsonc_free(doc);
    return 0;
}

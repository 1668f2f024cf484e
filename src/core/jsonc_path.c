/*
 * jsonc_path.c - paths into a JSONC document (see include/clinecfg/jsonc.h).
 *
 * Owns: building paths (jsonc_path_new / push) and reading them from a
 * dotted key ("cline.apiProvider") or a JSON pointer ("/a/b/0"), one step
 * of a path from a node (first key match in an object, index in an array),
 * following a path (jsonc_find) or refusing an ambiguous one (jsonc_lookup),
 * and the same step rule for the fast scanner's sparse tree
 * (jsonc_path_step_matches), so that the tree holds what a lookup will visit.
 */
#include "jsonc_internal.h"

#include <stdlib.h>
#include <string.h>

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
        if (!jsonc_is_digit((unsigned char)s[i]))
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
        return cc_err_oom(err);
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
            return cc_err_oom(err);
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
            return cc_err_oom(err);
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

/* The scanner calls this for each child of a container it keeps whole; a
 * child that matches is kept whole in turn, so the sparse tree holds every
 * node step() above can reach. */
bool jsonc_path_step_matches(const jsonc_path *const *paths, size_t npaths, size_t depth, bool obj, size_t idx,
                             const unsigned char *raw, size_t rawlen, const char *decoded)
{
    for (size_t k = 0; k < npaths; k++) {
        const jsonc_path *p = paths[k];
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

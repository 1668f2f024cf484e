/*
 * prices.c - the usage price table: parsing the shipped file and the org
 * override (JSONC, errors at FILE:LINE:COL), merging them, mapping a
 * ModelId or ARN to its base model, and the estimate.  See prices.h.
 */
#include "clinecfg/prices.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clinecfg/arn.h"
#include "clinecfg/safefile.h"

#define PRICES_MAX_FILE (4u << 20)

static const char *const FIELD_NAMES[PRICE_FIELDS] = {"input", "output", "cache_read", "cache_write"};

const char *prices_field_name(int field)
{
    return field >= 0 && field < PRICE_FIELDS ? FIELD_NAMES[field] : NULL;
}

void prices_free(price_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].model);
    free(t->v);
    free(t->source);
    free(t->date);
    memset(t, 0, sizeof *t);
}

/* Sets a CC_EINPUT error at node's key (or value) position. */
static int at_node(cc_err *err, const char *text, size_t len, const char *name, const jsonc_node *node,
                   const char *hint, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static int at_node(cc_err *err, const char *text, size_t len, const char *name, const jsonc_node *node,
                   const char *hint, const char *fmt, ...)
{
    int line = 1, col = 1;
    if (node)
        jsonc_line_col(text, len, node->key_end > node->key_start ? node->key_start : node->start, &line, &col);
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    cc_err_set(err, CC_EINPUT, "prices.invalid", "%s:%d:%d: %s", name, line, col, what);
    cc_err_hint(err, "%s", hint);
    return CC_EINPUT;
}

static const char SHAPE_HINT[] = "write {\"<base model id>\": {\"input\": 0.003, \"output\": 0.015, \"cache_read\": "
                                 "0.0003, \"cache_write\": 0.00375}} (USD per 1,000 tokens)";

static price_entry *entry_add(price_table *t, const char *model, cc_err *err)
{
    price_entry *grown = realloc(t->v, (t->n + 1) * sizeof *grown);
    if (!grown)
        return cc_err_oom(err), NULL;
    t->v = grown;
    price_entry *e = &t->v[t->n];
    memset(e, 0, sizeof *e);
    if (!(e->model = strdup(model)))
        return cc_err_oom(err), NULL;
    t->n++;
    return e;
}

static int parse_model(const jsonc_node *m, const char *text, size_t len, const char *name, bool override,
                       price_table *out, cc_err *err)
{
    if (m->type != JSONC_OBJECT)
        return at_node(err, text, len, name, m, SHAPE_HINT, "prices for '%.200s' must be an object", m->key);
    for (size_t i = 0; i < out->n; i++)
        if (!strcmp(out->v[i].model, m->key))
            return at_node(err, text, len, name, m, "keep one entry per model", "model '%.200s' appears twice",
                           m->key);
    price_entry *e = entry_add(out, m->key, err);
    if (!e)
        return CC_EINTERNAL;
    for (const jsonc_node *f = m->child; f; f = f->next) {
        int k = 0;
        while (k < PRICE_FIELDS && strcmp(FIELD_NAMES[k], f->key))
            k++;
        if (k == PRICE_FIELDS)
            return at_node(err, text, len, name, f, SHAPE_HINT, "unknown price field '%.64s' for '%.200s'", f->key,
                           m->key);
        if (f->type != JSONC_NUMBER || !(f->number >= 0) || f->number > 1e6)
            return at_node(err, text, len, name, f, SHAPE_HINT,
                           "%s for '%.200s' must be a number of USD per 1,000 tokens, 0 or more", f->key, m->key);
        e->usd_per_1k[k] = f->number;
        e->has[k] = true;
    }
    for (int k = 0; !override && k < PRICE_FIELDS; k++)
        if (!e->has[k])
            return at_node(err, text, len, name, m, SHAPE_HINT, "'%.200s' has no %s price", m->key, FIELD_NAMES[k]);
    return 0;
}

static int take_string(const jsonc_node *m, const char *text, size_t len, const char *name, char **dst, cc_err *err)
{
    if (m->type != JSONC_STRING || !m->str_len)
        return at_node(err, text, len, name, m, "give the table's source and date as strings",
                       "\"%s\" must be a non-empty string", m->key);
    free(*dst);
    *dst = strdup(m->str);
    return *dst ? 0 : cc_err_oom(err);
}

int prices_from_node(const jsonc_node *obj, const char *text, size_t len, const char *name, bool override,
                     price_table *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (!obj || obj->type != JSONC_OBJECT)
        return at_node(err, text, len, name, obj, SHAPE_HINT, "the price table must be a JSON object");
    int rc = 0;
    for (const jsonc_node *m = obj->child; m && !rc; m = m->next) {
        bool meta = !strcmp(m->key, "source") || !strcmp(m->key, "date");
        if (meta && override)
            rc = at_node(err, text, len, name, m, "the org config's prices hold models only",
                         "\"%s\" belongs to the shipped table, not to an override", m->key);
        else if (meta)
            rc = take_string(m, text, len, name, !strcmp(m->key, "source") ? &out->source : &out->date, err);
        else if (strcmp(m->key, "$schema") != 0 && strcmp(m->key, "$comment") != 0)
            rc = parse_model(m, text, len, name, override, out, err);
    }
    if (!rc && !override && (!out->source || !out->date))
        rc = at_node(err, text, len, name, obj, "add \"source\" and \"date\" (YYYY-MM-DD) at the top",
                     "the price table has no \"%s\"", out->source ? "date" : "source");
    if (rc)
        prices_free(out);
    return rc;
}

int prices_parse(const char *text, size_t len, const char *name, bool override, price_table *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    jsonc_doc *doc = NULL;
    int rc = jsonc_parse(text, len, name, &doc, err);
    if (rc) {
        cc_err_hint(err, "fix the JSON syntax in %s", name);
        return rc;
    }
    rc = prices_from_node(jsonc_root(doc), text, len, name, override, out, err);
    jsonc_free(doc);
    return rc;
}

int prices_load_file(const char *path, price_table *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    char *text = NULL;
    size_t n = 0;
    bool exists = false;
    int rc = safefile_read(path, PRICES_MAX_FILE, &text, &n, &exists, err);
    if (!rc && !exists) {
        rc = cc_err_set(err, CC_EINPUT, "prices.missing", "%s: the price table does not exist", path);
        cc_err_hint(err, "reinstall clinecfg (it ships <datadir>/clinecfg/prices.json)");
    }
    if (!rc)
        rc = prices_parse(text, n, path, false, out, err);
    free(text);
    return rc;
}

bool prices_default_path(const char *explicit_path, char *out, size_t size)
{
    if (explicit_path && *explicit_path) {
        snprintf(out, size, "%s", explicit_path);
        return true;
    }
    static const char *const dirs[] = {"/usr/local/share", "/usr/share", "/opt/homebrew/share"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(out, size, "%s/clinecfg/prices.json", dirs[i]);
        if (access(out, R_OK) == 0)
            return true;
    }
    if (size)
        out[0] = '\0';
    return false;
}

int prices_merge(price_table *base, const price_table *override, cc_err *err)
{
    for (size_t i = 0; override && i < override->n; i++) {
        const price_entry *o = &override->v[i];
        price_entry *e = NULL;
        for (size_t j = 0; j < base->n && !e; j++)
            if (!strcmp(base->v[j].model, o->model))
                e = &base->v[j];
        if (!e) {
            for (int k = 0; k < PRICE_FIELDS; k++)
                if (!o->has[k]) {
                    cc_err_set(err, CC_EINPUT, "prices.incomplete",
                               "org config prices: '%.200s' is not in the shipped table, so it needs all four "
                               "prices; %s is missing", o->model, FIELD_NAMES[k]);
                    cc_err_hint(err, "%s", SHAPE_HINT);
                    return CC_EINPUT;
                }
            if (!(e = entry_add(base, o->model, err)))
                return CC_EINTERNAL;
        }
        for (int k = 0; k < PRICE_FIELDS; k++)
            if (o->has[k]) {
                e->usd_per_1k[k] = o->usd_per_1k[k];
                e->has[k] = true;
            }
        e->overridden = true;
        base->overrides++;
    }
    return 0;
}

void prices_base_model(const char *model_id, char *out, size_t size)
{
    const char *id = model_id ? model_id : "";
    if (!strncmp(id, "arn:", 4)) {
        const char *slash = strrchr(id, '/');
        id = slash ? slash + 1 : id;
    }
    if (arn_is_system_profile_id(id)) {
        const char *dot = strchr(id, '.');
        id = dot ? dot + 1 : id;
    }
    snprintf(out, size, "%s", id);
}

const price_entry *prices_lookup(const price_table *t, const char *model_id)
{
    char base[512];
    prices_base_model(model_id, base, sizeof base);
    for (size_t i = 0; t && i < t->n; i++)
        if (!strcmp(t->v[i].model, base))
            return &t->v[i];
    return NULL;
}

double prices_estimate(const price_entry *e, uint64_t input, uint64_t output, uint64_t cache_read,
                       uint64_t cache_write, bool *complete)
{
    const uint64_t counts[PRICE_FIELDS] = {input, output, cache_read, cache_write};
    double usd = 0;
    bool all = true;
    for (int k = 0; k < PRICE_FIELDS; k++) {
        if (!counts[k])
            continue;
        if (!e || !e->has[k]) {
            all = false;
            continue;
        }
        usd += (double)counts[k] / 1000.0 * e->usd_per_1k[k];
    }
    if (complete)
        *complete = all;
    return usd;
}

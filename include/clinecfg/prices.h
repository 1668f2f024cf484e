/*
 * prices.h - the price table clinecfg's usage estimates use: USD per 1,000
 * input, output, cache-read and cache-write tokens per base model id.
 *
 * Owns the file format (packaging/prices.json, installed as
 * <datadir>/clinecfg/prices.json):
 *   {"source": "where the figures come from", "date": "YYYY-MM-DD",
 *    "<base model id>": {"input": 0.003, "output": 0.015,
 *                        "cache_read": 0.0003, "cache_write": 0.00375}, ...}
 * the org-config override of the same shape without "source"/"date" (fields
 * may be left out there: they keep the shipped value), loading with errors
 * naming FILE:LINE:COL, the merge, and the lookup from what CloudWatch and
 * the profiles carry (a system-profile id "us./eu./apac./jp./global....",
 * an inference-profile or foundation-model ARN) to the base model.
 * Estimates are estimates: callers label them with the table's date.
 */
#ifndef CLINECFG_PRICES_H
#define CLINECFG_PRICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clinecfg/error.h"
#include "clinecfg/jsonc.h"

enum { PRICE_INPUT, PRICE_OUTPUT, PRICE_CACHE_READ, PRICE_CACHE_WRITE, PRICE_FIELDS };

typedef struct price_entry {
    char *model;                 /* base model id, e.g. anthropic.claude-sonnet-4-5-20250929-v1:0 */
    double usd_per_1k[PRICE_FIELDS];
    bool has[PRICE_FIELDS];      /* false: not given (partial override) */
    bool overridden;             /* some field came from the org config */
} price_entry;

typedef struct price_table {
    price_entry *v;
    size_t n;
    char *source;                /* shipped table: required; NULL for an override */
    char *date;                  /* "YYYY-MM-DD" */
    size_t overrides;            /* models the org config changed or added */
} price_table;

void prices_free(price_table *t);

/* The JSON field names: "input", "output", "cache_read", "cache_write". */
const char *prices_field_name(int field);

/* Parses a whole table text.  `name` is used in messages (the file path).
 * override = false: the shipped format ("source" and "date" required, every
 * model with all four fields); override = true: the org-config form (models
 * only, fields optional, "source"/"date" refused).  Prices must be numbers
 * >= 0.  Errors: CC_EINPUT "NAME:LINE:COL: ..." with a hint. */
int prices_parse(const char *text, size_t len, const char *name, bool override, price_table *out, cc_err *err);

/* The same from a node of an already parsed JSONC document (the org
 * config's "prices" member); text/len are that document's, for line:col. */
int prices_from_node(const jsonc_node *obj, const char *text, size_t len, const char *name, bool override,
                     price_table *out, cc_err *err);

/* Reads and parses a shipped table file. */
int prices_load_file(const char *path, price_table *out, cc_err *err);

/* The shipped table's path: `explicit_path` when not NULL/empty (the
 * command layer decides where that comes from, e.g. an environment
 * variable it documents), else the first existing of
 * /usr/local/share/clinecfg/prices.json, /usr/share/clinecfg/prices.json,
 * /opt/homebrew/share/clinecfg/prices.json.  Returns false (out = "") when
 * none exists. */
bool prices_default_path(const char *explicit_path, char *out, size_t size);

/* Applies an override table on top of `base`: given fields replace the
 * base's, unknown models are added (a new model must give all four
 * fields: CC_EINPUT naming it otherwise).  base->overrides counts them. */
int prices_merge(price_table *base, const price_table *override, cc_err *err);

/* The base model id for a ModelId / profile or model ARN / system-profile
 * id, written into out: "arn:...:inference-profile/apac.anthropic.x" and
 * "apac.anthropic.x" give "anthropic.x"; "arn:...:foundation-model/x" gives
 * "x".  Application-profile ids carry no model: resolve them through the
 * profile's models[] first. */
void prices_base_model(const char *model_id, char *out, size_t size);

/* The entry for a model (after prices_base_model), or NULL. */
const price_entry *prices_lookup(const price_table *t, const char *model_id);

/* USD for the given token counts; *complete false when a count > 0 has no
 * price (that part is then left out). */
double prices_estimate(const price_entry *e, uint64_t input, uint64_t output, uint64_t cache_read,
                       uint64_t cache_write, bool *complete);

#endif

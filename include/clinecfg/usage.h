/*
 * usage.h - the pieces `clinecfg usage` and `clinecfg admin report` share:
 * time windows (--since/--until SPEC, --period), token counts and their
 * estimate from the price table, the cache share, the bar chart cell, the
 * price table as the command layer finds it (shipped file + org-config
 * override).  The metric and cost calls share one round trip through
 * cw_get_metric_data_with (cloudwatch.h).
 */
#ifndef CLINECFG_USAGE_H
#define CLINECFG_USAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/cloudwatch.h"
#include "clinecfg/error.h"
#include "clinecfg/prices.h"
#include "clinecfg/strbuf.h"

/* The figures per period, profile or total.  Absent metrics stay 0 here;
 * callers keep availability separately and print them as absent. */
typedef enum {
    U_INVOCATIONS,
    U_INPUT,
    U_OUTPUT,
    U_CACHE_READ,
    U_CACHE_WRITE,
    U_THROTTLES,
    U_ERRORS, /* client + server errors */
    U_FIELDS
} usage_field;

typedef struct usage_counts {
    double v[U_FIELDS];
} usage_counts;

/* The JSON names: "invocations", "input_tokens", ..., "errors". */
const char *usage_field_name(usage_field f);
/* The CloudWatch metric feeding a field (errors: client errors; the server
 * errors metric adds to it too). */
usage_field usage_field_of_metric(cw_metric m);

void usage_counts_add(usage_counts *acc, const usage_counts *x);
/* input + output + cache read + cache write. */
double usage_tokens(const usage_counts *c);
/* Share of the prompt served from cache: cache_read / (input + cache_read
 * + cache_write); -1 when there was no prompt. */
double usage_cache_share(const usage_counts *c);
/* USD from the table entry; *complete false when some tokens had no price
 * (or e is NULL and there were tokens). */
double usage_estimate(const price_entry *e, const usage_counts *c, bool *complete);

/* --since / --until: "today", "month" (first of this month), "Nh", "Nd"
 * (N hours / days before now: hours to the minute, days to the hour),
 * "now" (until), or an ISO date / date-time ("2026-12-01",
 * "2026-12-01T08:00", "...:00Z", "...+09:00"), UTC unless an offset is
 * given.  *out in epoch seconds.  CC_EUSAGE naming the option otherwise. */
int usage_parse_time(const char *opt, const char *spec, long long now, long long *out, cc_err *err);
/* "1h" -> 3600, "1d" -> 86400; CC_EUSAGE otherwise. */
int usage_parse_period(const char *spec, int *seconds, cc_err *err);
/* "2026-12-06T10:00:00Z" and "2026-12-06". */
void usage_iso_time(long long t, char *out, size_t size);
void usage_iso_date(long long t, char *out, size_t size);

/* The shipped table (CLINECFG_PRICES_FILE, the data folder next to the binary
 * `self_path`, then the system paths) with the org config's `prices`
 * object (may be NULL) applied.  CC_EINPUT naming the file or key. */
int usage_load_prices(const char *self_path, const cJSON *override, price_table *out, cc_err *err);

/* true when LC_ALL / LC_CTYPE / LANG name UTF-8 (then bars use blocks). */
bool usage_locale_utf8(void);
/* A bar of value/max x width cells: Unicode eighth blocks, or '#'. */
void usage_bar(strbuf *b, double value, double max, int width, bool utf8);
/* printf into a strbuf. */
void usage_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1234567 -> "1,234,567" (rounded to a whole number). */
void usage_group_digits(double v, char *out, size_t size);

#endif

/*
 * usage.c - what the two usage commands share: the --since/--until and
 * --period grammar, token counts with their estimate and cache share, the
 * price table as the command layer finds it, and the text bar chart cell.
 * The concurrent fetch lives in usage_fetch.c; rendering in the commands.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/usage.h"

static const char *const field_names[U_FIELDS] = {
    [U_INVOCATIONS] = "invocations",         [U_INPUT] = "input_tokens",
    [U_OUTPUT] = "output_tokens",            [U_CACHE_READ] = "cache_read_tokens",
    [U_CACHE_WRITE] = "cache_write_tokens",  [U_THROTTLES] = "throttles",
    [U_ERRORS] = "errors",
};

const char *usage_field_name(usage_field f)
{
    return f < U_FIELDS ? field_names[f] : "";
}

usage_field usage_field_of_metric(cw_metric m)
{
    switch (m) {
    case CW_INVOCATIONS: return U_INVOCATIONS;
    case CW_INPUT_TOKENS: return U_INPUT;
    case CW_OUTPUT_TOKENS: return U_OUTPUT;
    case CW_CACHE_READ_TOKENS: return U_CACHE_READ;
    case CW_CACHE_WRITE_TOKENS: return U_CACHE_WRITE;
    case CW_THROTTLES: return U_THROTTLES;
    default: return U_ERRORS;
    }
}

void usage_counts_add(usage_counts *acc, const usage_counts *x)
{
    for (int f = 0; f < U_FIELDS; f++)
        acc->v[f] += x->v[f];
}

double usage_tokens(const usage_counts *c)
{
    return c->v[U_INPUT] + c->v[U_OUTPUT] + c->v[U_CACHE_READ] + c->v[U_CACHE_WRITE];
}

double usage_cache_share(const usage_counts *c)
{
    double prompt = c->v[U_INPUT] + c->v[U_CACHE_READ] + c->v[U_CACHE_WRITE];
    return prompt > 0 ? c->v[U_CACHE_READ] / prompt : -1;
}

double usage_estimate(const price_entry *e, const usage_counts *c, bool *complete)
{
    if (!e) {
        *complete = usage_tokens(c) == 0;
        return 0;
    }
    return prices_estimate(e, (uint64_t)c->v[U_INPUT], (uint64_t)c->v[U_OUTPUT], (uint64_t)c->v[U_CACHE_READ],
                           (uint64_t)c->v[U_CACHE_WRITE], complete);
}

/* ------------------------------------------------------------ time specs */

static int bad_spec(const char *opt, const char *spec, cc_err *err)
{
    cc_err_set(err, CC_EUSAGE, "usage", "%s %s: not a time", opt, spec);
    cc_err_hint(err, "use today, month, 24h, 7d, 30d, now, or an ISO date/time such as 2026-12-01 or "
                     "2026-12-01T08:00:00+09:00 (UTC unless an offset is given)");
    return CC_EUSAGE;
}

/* "+09:00", "-0530", "Z" or "" -> seconds east of UTC; false when malformed. */
static bool parse_offset(const char *s, long *east)
{
    *east = 0;
    if (!*s || ((s[0] == 'Z' || s[0] == 'z') && !s[1]))
        return true;
    if (s[0] != '+' && s[0] != '-')
        return false;
    const char *d = s + 1;
    size_t n = strlen(d);
    bool colon = n == 5 && d[2] == ':';
    if (n != 2 && n != 4 && !colon)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(colon && i == 2) && !isdigit((unsigned char)d[i]))
            return false;
    int h = (d[0] - '0') * 10 + (d[1] - '0');
    int m = n == 2 ? 0 : (d[n - 2] - '0') * 10 + (d[n - 1] - '0');
    if (h > 23 || m > 59)
        return false;
    *east = (s[0] == '-' ? -1 : 1) * (h * 3600L + m * 60L);
    return true;
}

static bool parse_iso(const char *s, long long *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int y, mo, d, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return false;
    const char *p = s + n;
    int hh = 0, mm = 0, ss = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        int k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &k) != 2 || k != 5)
            return false;
        p += 1 + k;
        if (*p == ':') {
            if (sscanf(p + 1, "%2d%n", &ss, &k) != 1 || k != 2)
                return false;
            p += 3;
        }
    }
    long east;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 || !parse_offset(p, &east))
        return false;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d)
        return false;
    *out = (long long)t - east;
    return true;
}

int usage_parse_time(const char *opt, const char *spec, long long now, long long *out, cc_err *err)
{
    if (!spec || !*spec)
        return bad_spec(opt, "''", err);
    if (!strcmp(spec, "now")) {
        *out = now;
        return 0;
    }
    if (!strcmp(spec, "today")) {
        *out = now / 86400 * 86400;
        return 0;
    }
    if (!strcmp(spec, "month")) {
        time_t t = (time_t)now;
        struct tm tm;
        gmtime_r(&t, &tm);
        tm.tm_mday = 1;
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        *out = (long long)timegm(&tm);
        return 0;
    }
    char *end = NULL;
    long n = isdigit((unsigned char)spec[0]) ? strtol(spec, &end, 10) : -1;
    if (n > 0 && n <= 24 * 800 && end && (!strcmp(end, "h") || !strcmp(end, "d"))) {
        if (*end == 'h')
            *out = (now - n * 3600L) / 60 * 60;
        else
            *out = (now - n * 86400L) / 3600 * 3600;
        return 0;
    }
    if (parse_iso(spec, out))
        return 0;
    return bad_spec(opt, spec, err);
}

int usage_parse_period(const char *spec, int *seconds, cc_err *err)
{
    if (spec && !strcmp(spec, "1h")) {
        *seconds = 3600;
        return 0;
    }
    if (spec && !strcmp(spec, "1d")) {
        *seconds = 86400;
        return 0;
    }
    cc_err_set(err, CC_EUSAGE, "usage", "--period %s: give 1h or 1d", spec ? spec : "");
    return CC_EUSAGE;
}

void usage_iso_time(long long t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void usage_iso_date(long long t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%d", &tm);
}

/* ---------------------------------------------------------- price table */

/* <dir of the binary>/../share/clinecfg/prices.json, then the source tree's
 * packaging/prices.json two folders up (a build folder). */
static bool relative_prices(const char *self_path, char *out, size_t size)
{
    static const char *const rel[] = {"/../share/clinecfg/prices.json", "/../packaging/prices.json",
                                      "/../../packaging/prices.json"};
    if (!self_path)
        return false;
    const char *slash = strrchr(self_path, '/');
    if (!slash)
        return false;
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        snprintf(out, size, "%.*s%s", (int)(slash - self_path), self_path, rel[i]);
        if (access(out, R_OK) == 0)
            return true;
    }
    return false;
}

int usage_load_prices(const char *self_path, const cJSON *override, price_table *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    char path[PATH_MAX];
    const char *explicit_path = getenv("CLINECFG_PRICES_FILE");
    bool found = explicit_path && *explicit_path ? prices_default_path(explicit_path, path, sizeof path)
                                                 : prices_default_path(NULL, path, sizeof path) ||
                                                       relative_prices(self_path, path, sizeof path);
    if (!found) {
        cc_err_set(err, CC_EINPUT, "prices.missing", "no price table found (prices.json)");
        cc_err_hint(err, "reinstall clinecfg, or point CLINECFG_PRICES_FILE at a prices.json");
        return CC_EINPUT;
    }
    int rc = prices_load_file(path, out, err);
    if (rc || !override)
        return rc;
    char *text = cJSON_PrintUnformatted(override);
    if (!text) {
        prices_free(out);
        return cc_err_oom(err);
    }
    price_table ov;
    int parsed = prices_parse(text, strlen(text), "org config 'prices'", true, &ov, err);
    rc = parsed ? parsed : prices_merge(out, &ov, err);
    if (!parsed)
        prices_free(&ov);
    free(text);
    if (rc)
        prices_free(out);
    return rc;
}

/* ------------------------------------------------------------- text bits */

bool usage_locale_utf8(void)
{
    const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
    }
    return false;
}

void usage_bar(strbuf *b, double value, double max, int width, bool utf8)
{
    static const char *const eighths[] = {"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589"};
    if (max <= 0 || value <= 0)
        return;
    double cells = value / max * width;
    if (cells > width)
        cells = width;
    int full = (int)cells;
    int frac = (int)((cells - full) * 8);
    for (int i = 0; i < full; i++)
        strbuf_puts(b, utf8 ? "\u2588" : "#");
    if (utf8 && frac)
        strbuf_puts(b, eighths[frac]);
    if (!full && (!utf8 || !frac))
        strbuf_puts(b, utf8 ? "\u258f" : "#"); /* something used: never an empty bar */
}

void usage_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        strbuf_put(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    strbuf_put(b, big, (size_t)n);
    free(big);
}

void usage_group_digits(double v, char *out, size_t size)
{
    char raw[48];
    snprintf(raw, sizeof raw, "%.0f", v);
    const char *digits = raw[0] == '-' ? raw + 1 : raw;
    size_t nd = strlen(digits), o = 0;
    if (raw[0] == '-' && o + 1 < size)
        out[o++] = '-';
    for (size_t i = 0; i < nd && o + 2 < size; i++) {
        if (i && (nd - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

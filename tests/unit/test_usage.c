/*
 * test_usage.c - the usage commands' pure parts: --since/--until SPECs
 * (relative, calendar, ISO with and without offsets, refusals), --period,
 * digit grouping, the bar cell in UTF-8 and ASCII, the cache share and
 * estimate; and the report renderings: RFC 4180 CSV quoting with CRLF,
 * HTML escaping of hostile tag values, JSON nulls for absent figures and
 * --group team sums.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/report.h"
#include "clinecfg/usage.h"

#define NOW 1796555696LL /* 2026-12-06T11:14:56Z */

static long long t_of(const char *spec)
{
    long long out = -1;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(usage_parse_time("--since", spec, NOW, &out, &err), 0);
    return out;
}

static void time_specs(void **state)
{
    (void)state;
    char buf[32];
    usage_iso_time(NOW, buf, sizeof buf);
    assert_string_equal(buf, "2026-12-06T11:14:56Z");
    assert_int_equal(t_of("now"), NOW);
    usage_iso_time(t_of("today"), buf, sizeof buf);
    assert_string_equal(buf, "2026-12-06T00:00:00Z");
    usage_iso_time(t_of("month"), buf, sizeof buf);
    assert_string_equal(buf, "2026-12-01T00:00:00Z");
    usage_iso_time(t_of("24h"), buf, sizeof buf);
    assert_string_equal(buf, "2026-12-05T11:14:00Z");
    usage_iso_time(t_of("7d"), buf, sizeof buf);
    assert_string_equal(buf, "2026-11-29T11:00:00Z");
    usage_iso_time(t_of("30d"), buf, sizeof buf);
    assert_string_equal(buf, "2026-11-06T11:00:00Z");
    usage_iso_time(t_of("2026-12-01"), buf, sizeof buf);
    assert_string_equal(buf, "2026-12-01T00:00:00Z");
    usage_iso_time(t_of("2026-12-01T08:30"), buf, sizeof buf);
    assert_string_equal(buf, "2026-12-01T08:30:00Z");
    usage_iso_time(t_of("2026-12-01T08:30:15Z"), buf, sizeof buf);
    assert_string_equal(buf, "2026-12-01T08:30:15Z");
    usage_iso_time(t_of("2026-12-01T09:00:00+09:00"), buf, sizeof buf);
    assert_string_equal(buf, "2026-12-01T00:00:00Z");
    usage_iso_time(t_of("2026-12-01 09:00-0130"), buf, sizeof buf);
    assert_string_equal(buf, "2026-12-01T10:30:00Z");
    const char *bad[] = {"", "yesterday", "7w", "0d", "-3d", "2026-13-01", "2026-02-30", "2026-12-01T25:00",
                         "2026-12-01T08:00+9", "2026-12-01X", "12/01/2026"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long long out;
        cc_err err;
        cc_err_clear(&err);
        assert_int_equal(usage_parse_time("--until", bad[i], NOW, &out, &err), CC_EUSAGE);
        assert_non_null(strstr(err.message, "--until"));
    }
    int p = 0;
    cc_err err;
    assert_int_equal(usage_parse_period("1h", &p, &err), 0);
    assert_int_equal(p, 3600);
    assert_int_equal(usage_parse_period("1d", &p, &err), 0);
    assert_int_equal(p, 86400);
    assert_int_equal(usage_parse_period("5m", &p, &err), CC_EUSAGE);
}

static void numbers_and_bars(void **state)
{
    (void)state;
    char buf[32];
    usage_group_digits(1234567, buf, sizeof buf);
    assert_string_equal(buf, "1,234,567");
    usage_group_digits(999, buf, sizeof buf);
    assert_string_equal(buf, "999");
    usage_group_digits(0, buf, sizeof buf);
    assert_string_equal(buf, "0");
    strbuf b = {0};
    usage_bar(&b, 50, 100, 10, false);
    assert_string_equal(b.p, "#####");
    strbuf_release(&b);
    usage_bar(&b, 1, 1000, 10, false);
    assert_string_equal(b.p, "#"); /* used, however little: never an empty bar */
    strbuf_release(&b);
    usage_bar(&b, 0, 1000, 10, true);
    assert_null(b.p);
    usage_bar(&b, 100, 100, 2, true);
    assert_string_equal(b.p, "\u2588\u2588");
    strbuf_release(&b);
    usage_bar(&b, 25, 100, 1, true);
    assert_string_equal(b.p, "\u258e");
    strbuf_release(&b);

    usage_counts c = {{0}};
    assert_true(usage_cache_share(&c) < 0);
    c.v[U_INPUT] = 100;
    c.v[U_CACHE_READ] = 300;
    c.v[U_CACHE_WRITE] = 100;
    c.v[U_OUTPUT] = 50;
    assert_true(fabs(usage_cache_share(&c) - 0.6) < 1e-12);
    assert_true(usage_tokens(&c) == 550);
    price_entry e = {.usd_per_1k = {0.003, 0.015, 0.0003, 0.00375}, .has = {true, true, true, true}};
    bool complete = false;
    double usd = usage_estimate(&e, &c, &complete);
    assert_true(complete);
    assert_true(fabs(usd - (100 * 0.003 + 50 * 0.015 + 300 * 0.0003 + 100 * 0.00375) / 1000) < 1e-12);
    usage_estimate(NULL, &c, &complete);
    assert_false(complete);
}

static void add_row(report *r, const char *team, const char *member, const char *name, double input)
{
    report_row *w = &r->rows[r->n++];
    memset(w, 0, sizeof *w);
    w->team = strdup(team);
    w->member = strdup(member);
    w->name = strdup(name);
    w->arn = strdup("arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/abc");
    w->id = strdup("abc");
    w->daily = calloc(r->ndays, sizeof *w->daily);
    w->daily[0] = input;
    w->c.v[U_INPUT] = input;
    w->c.v[U_INVOCATIONS] = 1;
    w->est = input / 1000;
    w->est_complete = true;
    w->profiles = 1;
}

static void make_report(report *r)
{
    memset(r, 0, sizeof *r);
    r->since = NOW - NOW % 86400 - 2 * 86400;
    r->until = NOW;
    r->ndays = 3;
    r->rows = calloc(4, sizeof *r->rows);
    add_row(r, "web", "<script>alert(1)</script>", "web-bedrock-x", 3000);
    add_row(r, "web", "o\"neil, jr", "web-bedrock-o", 1000);
    add_row(r, "data", "line\nbreak", "data-bedrock-l", 2000);
    r->total.team = strdup("");
    r->total.member = strdup("total");
    r->total.daily = calloc(3, sizeof *r->total.daily);
    r->total.c.v[U_INPUT] = 6000;
    r->total.est = 6;
    r->total.est_complete = true;
    r->total.profiles = 3;
    r->cache_present[0] = false; /* published under another name: absent */
    r->cache_present[1] = true;
    r->billed_ok = false;
    snprintf(r->billed_note, sizeof r->billed_note, "denied: <needs> ce:GetCostAndUsage");
    r->prices_date = "2026-12-06";
}

static void csv_rfc4180(void **state)
{
    (void)state;
    report r;
    make_report(&r);
    strbuf b = {0};
    report_csv(&r, &b);
    assert_non_null(b.p);
    assert_non_null(strstr(b.p, "\"o\"\"neil, jr\""));
    assert_non_null(strstr(b.p, "\"line\nbreak\""));
    assert_non_null(strstr(b.p, ",<script>alert(1)</script>,"));
    assert_true(b.len > 2 && b.p[b.len - 2] == '\r' && b.p[b.len - 1] == '\n');
    assert_non_null(strstr(b.p, "status\r\n"));
    /* cache read absent: empty field, not 0 */
    assert_non_null(strstr(b.p, ",1,3000,0,,0,"));
    strbuf_release(&b);
    report_free(&r);
}

static void html_escapes(void **state)
{
    (void)state;
    report r;
    make_report(&r);
    strbuf b = {0};
    report_html(&r, &b);
    assert_non_null(b.p);
    assert_null(strstr(b.p, "<script"));
    assert_non_null(strstr(b.p, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(b.p, "o&quot;neil, jr"));
    assert_non_null(strstr(b.p, "&lt;needs&gt;"));
    assert_null(strstr(b.p, "http://"));
    assert_null(strstr(b.p, "https://"));
    size_t bars = 0;
    for (const char *p = b.p; (p = strstr(p, "class=\"bar\"")); p++)
        bars++;
    assert_int_equal(bars, 3);
    strbuf_release(&b);
    report_free(&r);
}

static void json_and_groups(void **state)
{
    (void)state;
    report r;
    make_report(&r);
    cJSON *o = cJSON_CreateObject();
    report_to_json(&r, o);
    const cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "rows"), 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(row, "cache_read_tokens")));
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(row, "cache_write_tokens")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(row, "billed_usd")));
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(row, "profile"), "id")->valuestring, "abc");
    assert_non_null(cJSON_GetObjectItem(o, "inconsistent"));
    cJSON_Delete(o);
    cc_err err;
    assert_int_equal(report_group_by_team(&r, &err), 0);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.rows[0].team, "web");
    assert_true(r.rows[0].c.v[U_INPUT] == 4000);
    assert_int_equal(r.rows[0].profiles, 2);
    assert_true(r.rows[0].daily[0] == 4000);
    assert_string_equal(r.rows[1].team, "data");
    o = cJSON_CreateObject();
    report_to_json(&r, o);
    row = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "rows"), 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(row, "member")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(row, "profile")));
    cJSON_Delete(o);
    report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(time_specs),  cmocka_unit_test(numbers_and_bars), cmocka_unit_test(csv_rfc4180),
        cmocka_unit_test(html_escapes), cmocka_unit_test(json_and_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

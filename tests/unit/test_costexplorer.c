/*
 * test_costexplorer.c - Cost Explorer GetCostAndUsage with canned replies:
 * the request (tag groups, tag filter, and never a SERVICE filter), group
 * keys split at the first '$' ("MemberName$" = untagged), decimal-string
 * amounts read without the locale, Estimated flags, NextPageToken and
 * malformed replies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/costexplorer.h"

static void request_body(void **state)
{
    (void)state;
    ce_query q = {.start = "2026-06-01", .end = "2026-07-01", .granularity = "DAILY",
                  .group_tags = {"MemberName", "Team"}, .filter_tag = "MemberName", .filter_value = "alice"};
    char *body = NULL;
    cc_err err;
    assert_int_equal(ce_build_request(&q, NULL, &body, &err), 0);
    assert_string_equal(body, "{\"TimePeriod\":{\"Start\":\"2026-06-01\",\"End\":\"2026-07-01\"},"
                              "\"Granularity\":\"DAILY\",\"Metrics\":[\"UnblendedCost\"],"
                              "\"GroupBy\":[{\"Type\":\"TAG\",\"Key\":\"MemberName\"},{\"Type\":\"TAG\",\"Key\":\"Team\"}],"
                              "\"Filter\":{\"Tags\":{\"Values\":[\"alice\"],\"MatchOptions\":[\"EQUALS\"],"
                              "\"Key\":\"MemberName\"}}}");
    assert_null(strstr(body, "SERVICE"));
    free(body);
    ce_query plain = {.start = "2026-06-01", .end = "2026-06-02", .group_tags = {"MemberName", NULL}};
    assert_int_equal(ce_build_request(&plain, "page 2", &body, &err), 0);
    assert_non_null(strstr(body, "\"Granularity\":\"MONTHLY\""));
    assert_non_null(strstr(body, "\"NextPageToken\":\"page 2\""));
    assert_null(strstr(body, "Filter"));
    free(body);
    const ce_query bad[] = {
        {.start = "2026-06-02", .end = "2026-06-01"}, {.start = "2026-06-01", .end = "2026-06-01"},
        {.start = "2026-6-1", .end = "2026-07-01"},   {.start = "2026-06-01", .end = "2026-13-01"},
        {.start = "2026-06-01", .end = "2026-07-01", .granularity = "WEEKLY"}, {.start = NULL, .end = "2026-07-01"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ce_build_request(&bad[i], NULL, &body, &err), CC_EINPUT);
        assert_null(body);
    }
}

static const char reply[] =
    "{\"GroupDefinitions\":[{\"Type\":\"TAG\",\"Key\":\"MemberName\"}],\"ResultsByTime\":["
    "{\"TimePeriod\":{\"Start\":\"2026-06-01\",\"End\":\"2026-06-02\"},\"Total\":{},\"Groups\":["
    "{\"Keys\":[\"MemberName$alice\"],\"Metrics\":{\"UnblendedCost\":{\"Amount\":\"1.2345678901\",\"Unit\":\"USD\"}}},"
    "{\"Keys\":[\"MemberName$\"],\"Metrics\":{\"UnblendedCost\":{\"Amount\":\"0.5\",\"Unit\":\"USD\"}}},"
    "{\"Keys\":[\"MemberName$a$b\"],\"Metrics\":{\"UnblendedCost\":{\"Amount\":\"2E-3\",\"Unit\":\"USD\"}}}],"
    "\"Estimated\":false},"
    "{\"TimePeriod\":{\"Start\":\"2026-06-02\",\"End\":\"2026-06-03\"},\"Total\":{},\"Groups\":["
    "{\"Keys\":[\"MemberName$alice\"],\"Metrics\":{\"UnblendedCost\":{\"Amount\":\"10\",\"Unit\":\"USD\"}}}],"
    "\"Estimated\":true}],\"NextPageToken\":\"more\",\"DimensionValueAttributes\":[]}";

static void parse_groups(void **state)
{
    (void)state;
    ce_result r;
    memset(&r, 0, sizeof r);
    char *next = NULL;
    cc_err err;
    assert_int_equal(ce_parse_response(reply, strlen(reply), NULL, &r, &next, &err), 0);
    assert_string_equal(next, "more");
    free(next);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.periods[0].start, "2026-06-01");
    assert_string_equal(r.periods[0].end, "2026-06-02");
    assert_false(r.periods[0].estimated);
    assert_true(r.periods[1].estimated);
    assert_true(ce_result_estimated(&r));
    assert_int_equal(r.periods[0].ngroups, 3);
    const ce_group *g = &r.periods[0].groups[0];
    assert_string_equal(g->keys[0].tag, "MemberName");
    assert_string_equal(g->keys[0].value, "alice");
    assert_string_equal(g->unit, "USD");
    assert_string_equal(r.periods[0].groups[1].keys[0].value, "");
    assert_string_equal(r.periods[0].groups[2].keys[0].value, "a$b");
    assert_true(fabs(ce_result_sum(&r, 0, "alice") - 11.2345678901) < 1e-9);
    assert_true(fabs(ce_result_sum(&r, 0, "") - 0.5) < 1e-12);
    assert_true(fabs(r.periods[0].total - 1.7365678901) < 1e-9);
    assert_true(ce_result_sum(&r, 1, "alice") == 0);
    ce_result_free(&r);
}

static void amounts_ignore_locale(void **state)
{
    (void)state;
    /* A comma-decimal locale must not change how "1.5" is read. */
    setlocale(LC_NUMERIC, "de_DE.UTF-8");
    double v = 0;
    assert_true(ce_parse_amount("1.5", &v));
    assert_true(v == 1.5);
    assert_true(ce_parse_amount("-0.25", &v) && v == -0.25);
    assert_true(ce_parse_amount("1e2", &v) && v == 100);
    assert_true(ce_parse_amount("0", &v) && v == 0);
    const char *bad[] = {"", "1,5", "abc", "1.2.3", "1e", "-", ".", "1e999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(ce_parse_amount(bad[i], &v));
    setlocale(LC_NUMERIC, "C");
}

static void parse_ungrouped_and_malformed(void **state)
{
    (void)state;
    const char *total = "{\"ResultsByTime\":[{\"TimePeriod\":{\"Start\":\"2026-06-01\",\"End\":\"2026-07-01\"},"
                        "\"Total\":{\"BlendedCost\":{\"Amount\":\"3.25\",\"Unit\":\"USD\"}},\"Groups\":[],"
                        "\"Estimated\":true}]}";
    ce_result r;
    memset(&r, 0, sizeof r);
    char *next = NULL;
    cc_err err;
    assert_int_equal(ce_parse_response(total, strlen(total), "BlendedCost", &r, &next, &err), 0);
    assert_null(next);
    assert_true(r.periods[0].total == 3.25);
    ce_result_free(&r);
    const char *bad[] = {
        "", "{}", "{\"ResultsByTime\":{}}", "{\"ResultsByTime\":[{\"Total\":{}}]}",
        ("{\"ResultsByTime\":[{\"TimePeriod\":{\"Start\":\"a\",\"End\":\"b\"},\"Groups\":[{\"Keys\":[\"K$v\"],"
         "\"Metrics\":{\"UnblendedCost\":{\"Amount\":1.5,\"Unit\":\"USD\"}}}]}]}"),
        "{\"ResultsByTime\":[{\"TimePeriod\":{\"Start\":\"a\",\"End\":\"b\"},\"Groups\":[{\"Keys\":[5]}]}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&r, 0, sizeof r);
        assert_int_equal(ce_parse_response(bad[i], strlen(bad[i]), NULL, &r, &next, &err), CC_EAWS);
        assert_string_equal(err.code, "ce.reply");
        ce_result_free(&r);
    }
}

/* Only a tag listed with Status "Active" counts; anything else (inactive,
 * absent, a broken or empty answer) is not active. */
static void cost_tag_active(void **state)
{
    (void)state;
    const char *ok = "{\"CostAllocationTags\":[{\"TagKey\":\"Team\",\"Status\":\"Inactive\"},"
                     "{\"TagKey\":\"MemberName\",\"Status\":\"Active\"}]}";
    assert_true(ce_cost_tag_active(ok, strlen(ok), "MemberName"));
    assert_false(ce_cost_tag_active(ok, strlen(ok), "Team"));
    assert_false(ce_cost_tag_active(ok, strlen(ok), "CostCenter"));
    assert_false(ce_cost_tag_active("{\"CostAllocationTags\":[", 24, "MemberName"));
    assert_false(ce_cost_tag_active(NULL, 0, "MemberName"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_body),
        cmocka_unit_test(parse_groups),
        cmocka_unit_test(amounts_ignore_locale),
        cmocka_unit_test(parse_ungrouped_and_malformed),
        cmocka_unit_test(cost_tag_active),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

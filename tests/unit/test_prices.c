/*
 * test_prices.c - the price table: the shipped packaging/prices.json loads
 * and covers the models the emulator seeds, errors name FILE:LINE:COL, the
 * org override (partial fields) merges on top, system-profile ids and ARNs
 * map to their base model, and the estimate is tokens x price.
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

#include "clinecfg/prices.h"
#include "testutil.h"

static const char SONNET[] = "anthropic.claude-sonnet-4-5-20250929-v1:0";

static void shipped_table(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/packaging/prices.json", test_top_dir());
    price_table t;
    cc_err err;
    assert_int_equal(prices_load_file(path, &t, &err), 0);
    assert_non_null(t.source);
    assert_int_equal(strlen(t.date), 10);
    const char *models[] = {SONNET, "anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic.claude-3-haiku-20240307-v1:0",
                            "amazon.nova-pro-v1:0"};
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        const price_entry *e = prices_lookup(&t, models[i]);
        assert_non_null(e);
        for (int k = 0; k < PRICE_FIELDS; k++)
            assert_true(e->has[k]);
    }
    prices_free(&t);
    assert_int_equal(prices_load_file("/nonexistent/prices.json", &t, &err), CC_EINPUT);
    assert_string_equal(err.code, "prices.missing");
}

static void lookup_and_estimate(void **state)
{
    (void)state;
    const char *doc = "{\"source\": \"test\", \"date\": \"2026-01-01\",\n"
                      " \"anthropic.claude-sonnet-4-5-20250929-v1:0\": {\"input\": 0.003, \"output\": 0.015,"
                      " \"cache_read\": 0.0003, \"cache_write\": 0.00375}}";
    price_table t;
    cc_err err;
    assert_int_equal(prices_parse(doc, strlen(doc), "t.json", false, &t, &err), 0);
    const char *ids[] = {SONNET, "apac.anthropic.claude-sonnet-4-5-20250929-v1:0",
                         "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
                         "us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0",
                         "arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/"
                         "apac.anthropic.claude-sonnet-4-5-20250929-v1:0",
                         "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        assert_non_null(prices_lookup(&t, ids[i]));
    assert_null(prices_lookup(&t, "s8h3rgcsaaf0"));
    assert_null(prices_lookup(&t, "anthropic.claude-3-haiku-20240307-v1:0"));
    bool complete = false;
    double usd = prices_estimate(prices_lookup(&t, SONNET), 1000, 2000, 10000, 1000, &complete);
    assert_true(complete);
    assert_true(fabs(usd - (0.003 + 0.030 + 0.003 + 0.00375)) < 1e-12);
    usd = prices_estimate(NULL, 1000, 0, 0, 0, &complete);
    assert_false(complete);
    assert_true(usd == 0);
    assert_true(prices_estimate(NULL, 0, 0, 0, 0, &complete) == 0 && complete);
    char base[128];
    prices_base_model("jp.anthropic.x-v1:0", base, sizeof base);
    assert_string_equal(base, "anthropic.x-v1:0");
    prices_free(&t);
}

static void errors_name_positions(void **state)
{
    (void)state;
    struct {
        const char *doc;
        bool override;
        const char *where;
    } cases[] = {
        {"{\"source\": \"s\", \"date\": \"d\",\n  \"m.x\": {\"input\": -1, \"output\": 1, \"cache_read\": 1, "
         "\"cache_write\": 1}}", false, "p.json:2:11:"},
        {"{\"source\": \"s\", \"date\": \"d\",\n  \"m.x\": {\"input\": 1, \"output\": 1}}", false, "p.json:2:3:"},
        {"{\"source\": \"s\",\n \"m.x\": {\"input\": 1, \"output\": 1, \"cache_read\": 1, \"cache_write\": 1}}", false,
         "p.json:1:1:"},
        {"{\"m.x\": {\"inptu\": 1}}", true, "p.json:1:10:"},
        {"{\"m.x\": {\"input\": \"1\"}}", true, "p.json:1:10:"},
        {"{\"m.x\": 5}", true, "p.json:1:2:"},
        {"{\"source\": \"s\"}", true, "p.json:1:2:"},
        {"{\"m.x\": {\"input\": 1},\n \"m.x\": {\"input\": 2}}", true, "p.json:2:2:"},
        {"[1]", true, "p.json:1:1:"},
        {"{\"m.x\": {\"input\": 1,}", true, "p.json:1:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        price_table t;
        cc_err err;
        cc_err_clear(&err);
        assert_int_equal(prices_parse(cases[i].doc, strlen(cases[i].doc), "p.json", cases[i].override, &t, &err),
                         CC_EINPUT);
        if (strncmp(err.message, cases[i].where, strlen(cases[i].where)) != 0)
            fail_msg("case %zu: '%s' does not start with '%s'", i, err.message, cases[i].where);
        assert_true(err.hint[0] != '\0');
        assert_int_equal(t.n, 0);
    }
}

static void override_merges(void **state)
{
    (void)state;
    const char *base_doc = "{\"source\": \"s\", \"date\": \"2026-01-01\", \"m.a\": {\"input\": 1, \"output\": 2, "
                           "\"cache_read\": 3, \"cache_write\": 4}} // comment";
    const char *over_doc = "{\n // our contract\n \"m.a\": {\"output\": 1.5},\n \"m.b\": {\"input\": 0.1, "
                           "\"output\": 0.2, \"cache_read\": 0, \"cache_write\": 0},}";
    price_table base, over;
    cc_err err;
    assert_int_equal(prices_parse(base_doc, strlen(base_doc), "b", false, &base, &err), 0);
    assert_int_equal(prices_parse(over_doc, strlen(over_doc), "o", true, &over, &err), 0);
    assert_null(over.source);
    assert_int_equal(prices_merge(&base, &over, &err), 0);
    assert_int_equal(base.overrides, 2);
    const price_entry *a = prices_lookup(&base, "m.a");
    assert_true(a->usd_per_1k[PRICE_INPUT] == 1 && a->usd_per_1k[PRICE_OUTPUT] == 1.5 && a->overridden);
    assert_true(prices_lookup(&base, "m.b")->usd_per_1k[PRICE_OUTPUT] == 0.2);
    assert_string_equal(base.date, "2026-01-01");
    prices_free(&over);
    const char *partial_new = "{\"m.c\": {\"input\": 1}}";
    assert_int_equal(prices_parse(partial_new, strlen(partial_new), "o", true, &over, &err), 0);
    assert_int_equal(prices_merge(&base, &over, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "m.c"));
    assert_non_null(strstr(err.message, "output"));
    prices_free(&over);
    prices_free(&base);
    assert_string_equal(prices_field_name(PRICE_CACHE_WRITE), "cache_write");
}

static void default_path(void **state)
{
    (void)state;
    char out[256];
    assert_true(prices_default_path("/x/prices.json", out, sizeof out));
    assert_string_equal(out, "/x/prices.json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_table),   cmocka_unit_test(lookup_and_estimate), cmocka_unit_test(errors_name_positions),
        cmocka_unit_test(override_merges), cmocka_unit_test(default_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_endpoints.c - endpoint resolution (override order, regional hosts,
 * China and ISO partitions) and region validation.  Uses a fake environment
 * so the process environment is never read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "clinecfg/endpoints.h"

typedef struct fake_env {
    const char *pairs[16][2];
} fake_env;

static const char *fake_lookup(void *ud, const char *name)
{
    fake_env *e = ud;
    for (size_t i = 0; i < 16 && e->pairs[i][0]; i++)
        if (!strcmp(e->pairs[i][0], name))
            return e->pairs[i][1];
    return NULL;
}

static void expect_url(const char *svc, const char *region, const char *profile_url, fake_env *env,
                       const char *want)
{
    char *url = NULL;
    cc_err err = {0};
    int rc = aws_endpoint(svc, region, profile_url, fake_lookup, env, &url, &err);
    if (rc != 0)
        fail_msg("%s/%s: rc %d: %s", svc, region ? region : "(null)", rc, err.message);
    assert_string_equal(url, want);
    free(url);
}

static void test_regional_defaults(void **state)
{
    (void)state;
    fake_env env = {{{NULL, NULL}}};
    expect_url("bedrock", "ap-northeast-1", NULL, &env, "https://bedrock.ap-northeast-1.amazonaws.com");
    expect_url("bedrock", "us-east-1", NULL, &env, "https://bedrock.us-east-1.amazonaws.com");
    expect_url("bedrock-runtime", "eu-west-1", NULL, &env,
               "https://bedrock-runtime.eu-west-1.amazonaws.com");
    expect_url("sts", "us-east-1", NULL, &env, "https://sts.us-east-1.amazonaws.com");
    expect_url("sts", "aws-global", NULL, &env, "https://sts.amazonaws.com");
    expect_url("sso", "eu-central-1", NULL, &env, "https://portal.sso.eu-central-1.amazonaws.com");
    expect_url("bedrock", "cn-north-1", NULL, &env, "https://bedrock.cn-north-1.amazonaws.com.cn");
    expect_url("sts", "cn-northwest-1", NULL, &env, "https://sts.cn-northwest-1.amazonaws.com.cn");
    expect_url("bedrock", "us-gov-west-1", NULL, &env, "https://bedrock.us-gov-west-1.amazonaws.com");
    expect_url("bedrock", "us-iso-east-1", NULL, &env, "https://bedrock.us-iso-east-1.c2s.ic.gov");
    expect_url("bedrock", "us-isob-east-1", NULL, &env, "https://bedrock.us-isob-east-1.sc2s.sgov.gov");
}

static void test_override_order(void **state)
{
    (void)state;
    fake_env env = {{{"AWS_ENDPOINT_URL", "http://127.0.0.1:9000/"},
                     {"AWS_ENDPOINT_URL_BEDROCK", "http://127.0.0.1:9001"},
                     {"AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "https://vpce.example/"},
                     {NULL, NULL}}};
    expect_url("bedrock", "us-east-1", "http://profile:1", &env, "http://127.0.0.1:9001");
    expect_url("bedrock-runtime", "us-east-1", NULL, &env, "https://vpce.example");
    expect_url("sts", "us-east-1", "http://profile:1", &env, "http://127.0.0.1:9000");
    /* the override needs no region */
    expect_url("sso", NULL, NULL, &env, "http://127.0.0.1:9000");

    fake_env env2 = {{{"AWS_ENDPOINT_URL_STS", ""}, {NULL, NULL}}};
    expect_url("sts", "us-east-1", "http://profile:1/", &env2, "http://profile:1");
    expect_url("bedrock", "us-east-1", "", &env2, "https://bedrock.us-east-1.amazonaws.com");

    fake_env env3 = {{{"AWS_ENDPOINT_URL", "http://127.0.0.1:9000"},
                      {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"},
                      {NULL, NULL}}};
    expect_url("bedrock", "us-west-2", "http://profile:1", &env3,
               "https://bedrock.us-west-2.amazonaws.com");
}

static void test_bad_inputs(void **state)
{
    (void)state;
    fake_env env = {{{NULL, NULL}}};
    char *url = (char *)"sentinel";
    cc_err err = {0};
    assert_int_equal(aws_endpoint("bedrock", NULL, NULL, fake_lookup, &env, &url, &err), CC_EINPUT);
    assert_null(url);
    assert_string_equal(err.code, "aws.region_missing");
    assert_int_equal(aws_endpoint("bedrock", "us-east-1.evil.com/x", NULL, fake_lookup, &env, &url,
                                  &err), CC_EINPUT);
    assert_string_equal(err.code, "aws.region_invalid");
    assert_int_equal(aws_endpoint("s3", "us-east-1", NULL, fake_lookup, &env, &url, &err),
                     CC_EINTERNAL);
    const char *bad_urls[] = {"ftp://x", "127.0.0.1:9000", "http://", "http://h/p?q=1",
                              "https://h x", "http:///path"};
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        fake_env e = {{{"AWS_ENDPOINT_URL", bad_urls[i]}, {NULL, NULL}}};
        assert_int_equal(aws_endpoint("sts", "us-east-1", NULL, fake_lookup, &e, &url, &err),
                         CC_EINPUT);
        assert_string_equal(err.code, "aws.endpoint_invalid");
        assert_non_null(strstr(err.message, "AWS_ENDPOINT_URL"));
    }
    assert_string_equal(aws_signing_name("sso"), "awsssoportal");
    assert_string_equal(aws_signing_name("bedrock-runtime"), "bedrock");
    assert_null(aws_signing_name("nope"));
}

static void test_region_validate(void **state)
{
    (void)state;
    const char *good[] = {"us-east-1", "ap-northeast-1", "cn-north-1", "us-gov-west-1", "il-central-1"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(aws_region_validate(good[i], NULL), 0);
    const char *bad[] = {"", "US-EAST-1", "-us", "us-", "us east", "us_east_1", "a/b",
                         "0123456789012345678901234567890123456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cc_err err = {0};
        assert_int_equal(aws_region_validate(bad[i], &err), CC_EINPUT);
        assert_true(err.hint[0] != '\0');
    }
    assert_int_equal(aws_region_validate(NULL, NULL), CC_EINPUT);
}

/* Cost Explorer is global per partition: one host, one signing region. */
static void test_cost_explorer(void **state)
{
    (void)state;
    fake_env none = {{{0}}};
    expect_url("ce", "ap-northeast-1", NULL, &none, "https://ce.us-east-1.amazonaws.com");
    expect_url("ce", "cn-north-1", NULL, &none, "https://ce.cn-northwest-1.amazonaws.com.cn");
    assert_string_equal(aws_signing_region("ce", "eu-west-1"), "us-east-1");
    assert_string_equal(aws_signing_region("bedrock", "eu-west-1"), "eu-west-1");
    assert_string_equal(aws_signing_name("ce"), "ce");
    fake_env ov = {{{"AWS_ENDPOINT_URL_COST_EXPLORER", "http://127.0.0.1:9999"}}};
    expect_url("ce", "ap-northeast-1", NULL, &ov, "http://127.0.0.1:9999");
}

/* AWS Budgets is global: one host, signed for us-east-1. */
static void test_budgets(void **state)
{
    (void)state;
    fake_env none = {{{0}}};
    expect_url("budgets", "ap-northeast-1", NULL, &none, "https://budgets.amazonaws.com");
    assert_string_equal(aws_signing_region("budgets", "eu-west-1"), "us-east-1");
    assert_string_equal(aws_signing_region("budgets", "cn-north-1"), "cn-northwest-1");
    assert_string_equal(aws_signing_name("budgets"), "budgets");
    fake_env ov = {{{"AWS_ENDPOINT_URL_BUDGETS", "http://127.0.0.1:9999"}}};
    expect_url("budgets", "ap-northeast-1", NULL, &ov, "http://127.0.0.1:9999");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regional_defaults),
        cmocka_unit_test(test_override_order),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_cost_explorer),
        cmocka_unit_test(test_budgets),
        cmocka_unit_test(test_region_validate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_identity.c - member names from ARNs, the sanitising rule, the name
 * template, tag validation, request tokens and ARN building. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "clinecfg/arn.h"
#include "clinecfg/identity.h"

static void test_arn_forms(void **state)
{
    (void)state;
    static const struct {
        const char *arn;
        identity_kind kind;
        const char *name;
    } cases[] = {
        {"arn:aws:iam::123456789012:user/Alice", IDENTITY_IAM_USER, "Alice"},
        {"arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob", IDENTITY_IAM_USER, "Bob"},
        {"arn:aws:sts::123456789012:assumed-role/my-role-name/my-role-session-name", IDENTITY_ASSUMED_ROLE,
         "my-role-session-name"},
        {"arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Dev_0123abcd/carol.diaz@example.com",
         IDENTITY_ASSUMED_ROLE, "carol.diaz@example.com"},
        {"arn:aws:sts::123456789012:federated-user/my-federated-user-name", IDENTITY_FEDERATED_USER,
         "my-federated-user-name"},
        {"arn:aws-cn:iam::123456789012:user/zhang", IDENTITY_IAM_USER, "zhang"},
        {"arn:aws-us-gov:sts::123456789012:assumed-role/r/s", IDENTITY_ASSUMED_ROLE, "s"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        identity id;
        cc_err err;
        assert_int_equal(identity_from_arn(cases[i].arn, &id, &err), 0);
        assert_int_equal(id.kind, cases[i].kind);
        assert_string_equal(id.raw_name, cases[i].name);
        assert_string_equal(id.account, "123456789012");
    }
}

static void test_arn_root_and_garbage(void **state)
{
    (void)state;
    identity id;
    cc_err err;
    assert_int_equal(identity_from_arn("arn:aws:iam::123456789012:root", &id, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "root"));
    assert_true(err.hint[0] != '\0');
    assert_int_equal(identity_from_arn("not-an-arn", &id, &err), CC_EINPUT);
    assert_int_equal(identity_from_arn("arn:aws:sts::1:assumed-role/only-role", &id, &err), CC_EINPUT);
    assert_int_equal(identity_from_arn("arn:aws:sts::1:federated-user/", &id, &err), CC_EINPUT);
}

static void test_sanitize(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"Alice", "alice"},
        {"carol.diaz@example.com", "carol-diaz"},
        {"bob+test", "bob-test"},
        {"--x__y--", "x_y"},
        {"a  b", "a b"},
        {"José", "jos"},
        {"user_1", "user_1"},
        {"a.-_b", "a-b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[65];
        cc_err err;
        assert_int_equal(identity_sanitize(cases[i].in, 64, "member", out, sizeof out, &err), 0);
        assert_string_equal(out, cases[i].out);
        assert_true(identity_valid_profile_name(out));
    }
    char out[65];
    cc_err err;
    assert_int_equal(identity_sanitize("@@@", 64, "member", out, sizeof out, &err), CC_EINPUT);
    assert_int_equal(identity_sanitize("...", 64, "member", out, sizeof out, &err), CC_EINPUT);
    char longname[200];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(identity_sanitize(longname, 64, "member", out, sizeof out, &err), 0);
    assert_int_equal(strlen(out), 64);
}

static void test_profile_name_pattern(void **state)
{
    (void)state;
    assert_true(identity_valid_profile_name("teamA-bedrock-alice"));
    assert_true(identity_valid_profile_name("a"));
    assert_true(identity_valid_profile_name("a-"));
    assert_false(identity_valid_profile_name(""));
    assert_false(identity_valid_profile_name("-a"));
    assert_false(identity_valid_profile_name("a--b"));
    assert_false(identity_valid_profile_name("a.b"));
    char n65[66];
    memset(n65, 'a', 65);
    n65[65] = '\0';
    assert_false(identity_valid_profile_name(n65));
}

static void test_render(void **state)
{
    (void)state;
    char out[128];
    cc_err err;
    assert_int_equal(identity_render_name("{team}-bedrock-{member}", "teamA", "Alice", "ap-northeast-1",
                                          "123456789012", out, sizeof out, &err), 0);
    assert_string_equal(out, "teama-bedrock-alice");
    /* A long member is shortened so the name fits 64 characters. */
    assert_int_equal(identity_render_name("{team}-bedrock-{member}", "platform",
                                          "averyveryveryveryveryveryveryveryveryverylongmembername", NULL, NULL,
                                          out, sizeof out, &err), 0);
    assert_int_equal(strlen(out), 64);
    assert_true(identity_valid_profile_name(out));
    assert_int_equal(identity_render_name("{team}-{nope}", "t", "m", NULL, NULL, out, sizeof out, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "{nope}"));
    assert_int_equal(identity_render_name("{team}-x-{member}", NULL, "m", NULL, NULL, out, sizeof out, &err),
                     CC_EINPUT);
    assert_int_equal(identity_render_name("x..{member}", "t", "m", NULL, NULL, out, sizeof out, &err), CC_EINPUT);
}

static void test_tags(void **state)
{
    (void)state;
    cc_err err;
    assert_int_equal(identity_check_tag("Team", "teamA", &err), 0);
    assert_int_equal(identity_check_tag("MemberName", "alice@example.com", &err), 0);
    assert_int_equal(identity_check_tag("CostCenter", "", &err), 0);
    assert_int_equal(identity_check_tag("", "x", &err), CC_EINPUT);
    assert_int_equal(identity_check_tag("aws:foo", "x", &err), CC_EINPUT);
    assert_int_equal(identity_check_tag("Team", "a,b", &err), CC_EINPUT);
    assert_int_equal(identity_check_tag("T#", "a", &err), CC_EINPUT);
}

static void test_request_token(void **state)
{
    (void)state;
    char a[37], b[37], c[37];
    identity_request_token("123456789012", "ap-northeast-1", "teama-bedrock-alice", "arn:src", a);
    identity_request_token("123456789012", "ap-northeast-1", "teama-bedrock-alice", "arn:src", b);
    identity_request_token("123456789012", "ap-northeast-1", "teama-bedrock-bob", "arn:src", c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_int_equal(strlen(a), 36);
    assert_true(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
}

static void test_model_source(void **state)
{
    (void)state;
    char out[512];
    cc_err err;
    assert_int_equal(arn_model_source("apac.anthropic.claude-sonnet-4-5-20250929-v1:0", "ap-northeast-1",
                                      "123456789012", out, sizeof out, &err), 0);
    assert_string_equal(out, "arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/"
                             "apac.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert_int_equal(arn_model_source("anthropic.claude-3-5-sonnet-20240620-v1:0", "us-east-1", "123456789012", out,
                                      sizeof out, &err), 0);
    assert_string_equal(out, "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0");
    assert_int_equal(arn_model_source("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "cn-north-1", "123456789012",
                                      out, sizeof out, &err), 0);
    assert_non_null(strstr(out, "arn:aws-cn:"));
    assert_int_equal(arn_model_source("bad model", "us-east-1", "1", out, sizeof out, &err), CC_EINPUT);
    assert_string_equal(arn_foundation_model_id("arn:aws:bedrock:us-east-1::foundation-model/anthropic.x-v1:0"),
                        "anthropic.x-v1:0");
    assert_null(arn_foundation_model_id("arn:aws:bedrock:us-east-1:1:inference-profile/x"));
    assert_true(arn_is_application_profile(
        "arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/abcd1234efgh"));
    assert_false(arn_is_application_profile("arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/x.y"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arn_forms),    cmocka_unit_test(test_arn_root_and_garbage),
        cmocka_unit_test(test_sanitize),     cmocka_unit_test(test_profile_name_pattern),
        cmocka_unit_test(test_render),       cmocka_unit_test(test_tags),
        cmocka_unit_test(test_request_token), cmocka_unit_test(test_model_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_identity.c - member names from ARNs, which identities can be a
 * MemberName, the profile-name rules (injective by default, short names on
 * request), the name template, tag validation, request tokens and ARN
 * building. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clinecfg/arn.h"
#include "clinecfg/digest.h"
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
    arn_iam_policy("aws-cn", "123456789012", "clinecfg-blocked", out, sizeof out);
    assert_string_equal(out, "arn:aws-cn:iam::123456789012:policy/clinecfg-blocked");
    assert_true(arn_is_application_profile(
        "arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/abcd1234efgh"));
    assert_false(arn_is_application_profile("arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/x.y"));
}

/* The 8 hex digits the rule appends for `member`. */
static void hash8(const char *member, char out[9])
{
    char hex[65];
    digest_sha256_hex(member, strlen(member), hex);
    memcpy(out, hex, 8);
    out[8] = '\0';
}

static void test_member_from_arn(void **state)
{
    (void)state;
    char m[256];
    cc_err err;
    assert_int_equal(identity_member_from_arn("arn:aws:sts::123:assumed-role/AWSReservedSSO_Dev_abc/alice@example.com",
                                              m, sizeof m, &err), 0);
    assert_string_equal(m, "alice@example.com");
    assert_int_equal(identity_member_from_arn("arn:aws:iam::123:user/team/Alice", m, sizeof m, &err), 0);
    assert_string_equal(m, "Alice");
    assert_int_equal(identity_member_from_arn("arn:aws:iam::123:root", m, sizeof m, &err), CC_EINPUT);
    char small[4];
    assert_int_equal(identity_member_from_arn("arn:aws:iam::123:user/alice", small, sizeof small, &err),
                     CC_EINTERNAL);
}

static void test_check_member(void **state)
{
    (void)state;
    cc_err err;
    static const char *const ok[] = {"alice", "alice@example.com", "Bob Smith", "a.b+c:d/e=f-g_h", "x"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_int_equal(identity_check_member(ok[i], "--member", &err), 0);
    static const struct {
        const char *in, *says;
    } bad[] = {
        {"\xc3\xa5lice", "'\xc3\xa5' (U+00E5) at position 1"}, /* ålice */
        {"jos\xc3\xa9", "'\xc3\xa9' (U+00E9) at position 4, after 'jos',"},
        {"smith,john", "',' (U+002C) at position 6"},
        {"tab\there", "character (U+0009) at position 4"},
        {"esc\x1b[31m", "character (U+001B) at position 4"},
        {"bad\xff", "(U+FFFD) at position 4"},
        {"\xe5\xb1\xb1\xe7\x94\xb0", "'\xe5\xb1\xb1' (U+5C71) at position 1"}, /* 山田 */
        {"a#b", "'#' (U+0023) at position 2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(identity_check_member(bad[i].in, "--member", &err), CC_EINPUT);
        if (!strstr(err.message, bad[i].says))
            fail_msg("'%s': message '%s' lacks '%s'", bad[i].in, err.message, bad[i].says);
        assert_non_null(strstr(err.message, "--member"));
        assert_null(strchr(err.message, '\x1b'));
        assert_true(err.hint[0] != '\0');
    }
    assert_int_equal(identity_check_member("", "--member", &err), CC_EINPUT);
    char long_member[258];
    memset(long_member, 'a', 257);
    long_member[257] = '\0';
    assert_int_equal(identity_check_member(long_member, "--member", &err), CC_EINPUT);
    long_member[256] = '\0';
    assert_int_equal(identity_check_member(long_member, "--member", &err), 0);
}

static void test_member_rule_parse(void **state)
{
    (void)state;
    identity_member_rule rule = IDENTITY_RULE_EMAIL_LOCAL_PART;
    cc_err err;
    assert_int_equal(identity_member_rule_parse(NULL, &rule, &err), 0);
    assert_int_equal(rule, IDENTITY_RULE_FULL);
    assert_int_equal(identity_member_rule_parse("email-local-part", &rule, &err), 0);
    assert_int_equal(rule, IDENTITY_RULE_EMAIL_LOCAL_PART);
    assert_int_equal(identity_member_rule_parse("identity", &rule, &err), 0);
    assert_int_equal(rule, IDENTITY_RULE_FULL);
    assert_string_equal(identity_member_rule_name(IDENTITY_RULE_EMAIL_LOCAL_PART), "email-local-part");
    assert_int_equal(identity_member_rule_parse("local", &rule, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "member_rule"));
}

/* The table of the documented rule: identity -> default profile name. */
static void test_profile_names(void **state)
{
    (void)state;
    static const struct {
        const char *member;
        const char *stem; /* NULL: the name is the stem alone, no hash */
        const char *plain;
    } cases[] = {
        {"alice", NULL, "teama-bedrock-alice"},
        {"bob_smith", NULL, "teama-bedrock-bob_smith"},
        {"bob smith", NULL, "teama-bedrock-bob smith"},
        {"dev0", NULL, "teama-bedrock-dev0"},
        {"alice@example.com", "teama-bedrock-alice-example-com", NULL},
        {"alice@partner.com", "teama-bedrock-alice-partner-com", NULL},
        {"Alice", "teama-bedrock-alice", NULL},
        {"bob.smith", "teama-bedrock-bob-smith", NULL},
        {"alice+test@example.com", "teama-bedrock-alice-test-example-com", NULL},
        {"a  b", "teama-bedrock-a b", NULL},
        {"-alice", "teama-bedrock-alice", NULL},
        {"alice-", "teama-bedrock-alice", NULL},
        {"_._", "teama-bedrock", NULL},           /* no letters: the hash alone */
        {"\xc3\xa5lice", "teama-bedrock-lice", NULL}, /* never "lice" alone */
        {"deadbeef", "teama-bedrock-deadbeef", NULL}, /* looks like a hash: hashed */
        {"x-0123abcd", "teama-bedrock-x-0123abcd", NULL},
        {"x-0123abcg", NULL, "teama-bedrock-x-0123abcg"}, /* 'g': not hex */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[80], want[80], h[9];
        cc_err err;
        int rc = identity_profile_name("{team}-bedrock-{member}", "teamA", cases[i].member, IDENTITY_RULE_FULL, NULL,
                                       NULL, out, sizeof out, &err);
        if (rc)
            fail_msg("'%s': %s", cases[i].member, err.message);
        if (cases[i].plain) {
            snprintf(want, sizeof want, "%s", cases[i].plain);
        } else {
            hash8(cases[i].member, h);
            snprintf(want, sizeof want, "%s-%s", cases[i].stem, h);
        }
        if (strcmp(out, want) != 0)
            fail_msg("'%s' -> '%s', expected '%s'", cases[i].member, out, want);
        assert_true(identity_valid_profile_name(out));
    }
}

static void test_profile_name_length(void **state)
{
    (void)state;
    char out[80], h[9];
    cc_err err;
    /* 47 characters fit after "platform-bedrock-" exactly: no hash. */
    const char *fits = "abcdefghijabcdefghijabcdefghijabcdefghijabcdefg";
    assert_int_equal(identity_profile_name("{team}-bedrock-{member}", "platform", fits, IDENTITY_RULE_FULL, NULL, NULL,
                                           out, sizeof out, &err), 0);
    assert_int_equal(strlen(out), 64);
    assert_null(strstr(out, "--"));
    /* One more: cut, and the hash tells it apart from its 47-character prefix. */
    char longer[64];
    snprintf(longer, sizeof longer, "%sh", fits);
    assert_int_equal(identity_profile_name("{team}-bedrock-{member}", "platform", longer, IDENTITY_RULE_FULL, NULL,
                                           NULL, out, sizeof out, &err), 0);
    hash8(longer, h);
    assert_int_equal(strlen(out), 64);
    assert_string_equal(out + 64 - 8, h);
    assert_true(identity_valid_profile_name(out));
    /* The longest identity a tag holds. */
    char longest[257];
    for (int i = 0; i < 256; i++)
        longest[i] = (char)('a' + i % 26);
    longest[256] = '\0';
    assert_int_equal(identity_profile_name("{team}-bedrock-{member}", "platform", longest, IDENTITY_RULE_FULL, NULL,
                                           NULL, out, sizeof out, &err), 0);
    assert_int_equal(strlen(out), 64);
    assert_true(identity_valid_profile_name(out));
    /* A cut that ends on a separator does not leave two in a row. */
    char sep_at_cut[64];
    snprintf(sep_at_cut, sizeof sep_at_cut, "%.37s.xxxxxxxxxxxxxx", fits);
    assert_int_equal(identity_profile_name("{team}-bedrock-{member}", "platform", sep_at_cut, IDENTITY_RULE_FULL,
                                           NULL, NULL, out, sizeof out, &err), 0);
    assert_true(identity_valid_profile_name(out));
    /* A template that leaves no room for the hash. */
    char tmpl[80];
    snprintf(tmpl, sizeof tmpl, "%.58s-{member}", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij");
    assert_int_equal(identity_profile_name(tmpl, NULL, "alice@example.com", IDENTITY_RULE_FULL, NULL, NULL, out,
                                           sizeof out, &err), CC_EINPUT);
    assert_int_equal(identity_profile_name(tmpl, NULL, "alice", IDENTITY_RULE_FULL, NULL, NULL, out, sizeof out, &err),
                     0);
}

static void test_email_local_part_rule(void **state)
{
    (void)state;
    static const struct {
        const char *member, *name;
    } cases[] = {
        {"alice", "teama-bedrock-alice"},
        {"alice@example.com", "teama-bedrock-alice"},
        {"alice@partner.com", "teama-bedrock-alice"},
        {"Alice", "teama-bedrock-alice"},
        {"carol.diaz@example.com", "teama-bedrock-carol-diaz"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[80], old[80];
        cc_err err;
        assert_int_equal(identity_profile_name("{team}-bedrock-{member}", "teamA", cases[i].member,
                                               IDENTITY_RULE_EMAIL_LOCAL_PART, NULL, NULL, out, sizeof out, &err), 0);
        assert_string_equal(out, cases[i].name);
        /* identity_render_name is this rule: the names of earlier versions. */
        assert_int_equal(identity_render_name("{team}-bedrock-{member}", "teamA", cases[i].member, NULL, NULL, old,
                                              sizeof old, &err), 0);
        assert_string_equal(out, old);
    }
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Injectivity over a generated set of identities that all sanitise alike:
 * every case variant, separator and e-mail domain of a few stems, plus
 * names cut at the length limit. */
static void test_injective(void **state)
{
    (void)state;
    static const char *const stems[] = {"alice", "bob", "a", "deadbeef", "x-0123abcd", "carol diaz"};
    static const char *const seps[] = {".", "-", "_", " ", "+", "@", ":", "/", "=", "--", ". "};
    static const char *const tails[] = {"", "example.com", "Example.com", "partner.com", "EXAMPLE.COM", "x"};
    size_t cap = 20000, n = 0;
    char **names = calloc(cap, sizeof *names), **members = calloc(cap, sizeof *members);
    assert_non_null(names);
    assert_non_null(members);
    for (size_t s = 0; s < sizeof stems / sizeof stems[0]; s++) {
        for (size_t p = 0; p < sizeof seps / sizeof seps[0]; p++) {
            for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
                for (int upper = 0; upper < 2; upper++) {
                    char m[128];
                    snprintf(m, sizeof m, "%s%s%s", stems[s], tails[t][0] ? seps[p] : "", tails[t]);
                    if (upper)
                        m[0] = (char)(m[0] >= 'a' && m[0] <= 'z' ? m[0] - 32 : m[0]);
                    members[n] = strdup(m);
                    n++;
                }
            }
        }
    }
    /* Long names that share the first 60 characters. */
    for (int i = 0; i < 2000; i++) {
        char m[128];
        snprintf(m, sizeof m, "%s%05d", "averyveryveryveryveryveryveryveryveryveryverylongmembername_", i);
        members[n++] = strdup(m);
    }
    /* Duplicates in the generated set would be equal identities: drop them. */
    qsort(members, n, sizeof *members, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        if (u && strcmp(members[u - 1], members[i]) == 0) {
            free(members[i]);
            continue;
        }
        members[u++] = members[i];
    }
    n = u;
    for (size_t i = 0; i < n; i++) {
        char out[80];
        cc_err err;
        if (identity_profile_name("{team}-bedrock-{member}", "teamA", members[i], IDENTITY_RULE_FULL, NULL, NULL, out,
                                  sizeof out, &err))
            fail_msg("'%s': %s", members[i], err.message);
        assert_true(identity_valid_profile_name(out));
        size_t len = strlen(out) + 1 + strlen(members[i]) + 1;
        names[i] = malloc(len);
        snprintf(names[i], len, "%s\n%s", out, members[i]);
    }
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 1; i < n; i++) {
        size_t a = strcspn(names[i - 1], "\n"), b = strcspn(names[i], "\n");
        if (a == b && strncmp(names[i - 1], names[i], a) == 0)
            fail_msg("two identities share a name: %s / %s", names[i - 1], names[i]);
    }
    assert_true(n > 1000);
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        free(members[i]);
    }
    free(names);
    free(members);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arn_forms),    cmocka_unit_test(test_arn_root_and_garbage),
        cmocka_unit_test(test_sanitize),     cmocka_unit_test(test_profile_name_pattern),
        cmocka_unit_test(test_render),       cmocka_unit_test(test_tags),
        cmocka_unit_test(test_request_token), cmocka_unit_test(test_model_source),
        cmocka_unit_test(test_member_from_arn), cmocka_unit_test(test_check_member),
        cmocka_unit_test(test_member_rule_parse), cmocka_unit_test(test_profile_names),
        cmocka_unit_test(test_profile_name_length), cmocka_unit_test(test_email_local_part_rule),
        cmocka_unit_test(test_injective),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_policy.c - the generated IAM policies: every combination of kind,
 * principal, team, account, region and static tags is valid JSON with
 * Version 2012-10-17 and uses only actions and condition keys that the
 * Service Authorization Reference lists (tests/unit/data/
 * service_authorization.txt, sources noted there); the statements say what
 * the issue asks (own tag on creation, own profiles only, invoke only
 * through application profiles); bad inputs are refused; documents compare
 * equal whatever their layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clinecfg/limits.h"
#include "clinecfg/policy.h"
#include "testutil.h"

/* ---- the allowlist ----------------------------------------------------- */

typedef struct allowlist {
    char *text;
    const char *actions[128], *keys[64];
    size_t nactions, nkeys;
} allowlist;

static allowlist allowed;

static int load_allowlist(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/unit/data/service_authorization.txt", test_top_dir());
    allowed.text = test_read_file(path, NULL);
    if (!allowed.text)
        return -1;
    for (char *save = NULL, *line = strtok_r(allowed.text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *kind = strtok(line, " \t"), *word = kind ? strtok(NULL, " \t") : NULL;
        if (!word)
            continue;
        if (!strcmp(kind, "action") && allowed.nactions < 128)
            allowed.actions[allowed.nactions++] = word;
        else if (!strcmp(kind, "key") && allowed.nkeys < 64)
            allowed.keys[allowed.nkeys++] = word;
    }
    return allowed.nactions && allowed.nkeys ? 0 : -1;
}

static int free_allowlist(void **state)
{
    (void)state;
    free(allowed.text);
    return 0;
}

static bool action_allowed(const char *a)
{
    for (size_t i = 0; i < allowed.nactions; i++)
        if (!strcmp(allowed.actions[i], a))
            return true;
    return false;
}

/* "aws:RequestTag/Team" matches "aws:RequestTag/${TagKey}". */
static bool key_allowed(const char *k)
{
    for (size_t i = 0; i < allowed.nkeys; i++) {
        const char *w = allowed.keys[i], *var = strstr(w, "${TagKey}");
        if (!var ? !strcmp(w, k) : !strncmp(w, k, (size_t)(var - w)) && k[var - w] && !strchr(k + (var - w), '/'))
            return true;
    }
    return false;
}

static void assert_variables_allowed(const cJSON *v)
{
    if (cJSON_IsString(v)) {
        for (const char *p = strstr(v->valuestring, "${"); p; p = strstr(p + 2, "${")) {
            char name[160];
            const char *end = strchr(p, '}');
            assert_non_null(end);
            snprintf(name, sizeof name, "%.*s", (int)(end - p - 2), p + 2);
            if (!key_allowed(name))
                fail_msg("policy variable ${%s} is not a listed condition key", name);
        }
        return;
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, v)
    {
        assert_variables_allowed(item);
    }
}

/* Valid JSON, Version 2012-10-17, and only listed words. */
static cJSON *assert_valid(const char *text)
{
    cJSON *d = cJSON_Parse(text);
    assert_non_null(d);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "Version")->valuestring, "2012-10-17");
    const cJSON *st, *sts = cJSON_GetObjectItemCaseSensitive(d, "Statement");
    assert_true(cJSON_IsArray(sts) && cJSON_GetArraySize(sts) > 0);
    cJSON_ArrayForEach(st, sts)
    {
        const char *effect = cJSON_GetObjectItemCaseSensitive(st, "Effect")->valuestring;
        assert_true(!strcmp(effect, "Allow") || !strcmp(effect, "Deny"));
        assert_non_null(cJSON_GetObjectItemCaseSensitive(st, "Resource"));
        const cJSON *a;
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(st, "Action"))
        {
            if (!action_allowed(a->valuestring))
                fail_msg("action %s is not in the Service Authorization Reference list", a->valuestring);
        }
        const cJSON *op, *key;
        cJSON_ArrayForEach(op, cJSON_GetObjectItemCaseSensitive(st, "Condition"))
        {
            cJSON_ArrayForEach(key, op)
            {
                if (!key_allowed(key->string))
                    fail_msg("condition key %s is not in the Service Authorization Reference list", key->string);
            }
        }
        assert_variables_allowed(cJSON_GetObjectItemCaseSensitive(st, "Condition"));
        assert_variables_allowed(cJSON_GetObjectItemCaseSensitive(st, "Resource"));
    }
    return d;
}

static void vocabulary_is_listed(void **state)
{
    (void)state;
    size_t n;
    const policy_word *w = policy_vocabulary(&n);
    assert_true(n > 10);
    for (size_t i = 0; i < n; i++) {
        bool ok = w[i].kind == POLICY_WORD_ACTION ? action_allowed(w[i].name) : key_allowed(w[i].name);
        if (!ok)
            fail_msg("vocabulary word %s is not in the Service Authorization Reference list", w[i].name);
    }
}

static void every_combination_valid(void **state)
{
    (void)state;
    const char *keys[] = {"CostCenter", "Project"}, *values[] = {"cc-42", "bedrock rollout"};
    int built = 0;
    for (int kind = 0; kind < 2; kind++)
        for (int pr = 0; pr < 2; pr++)
            for (int variant = 0; variant < 8; variant++) {
                policy_spec s = {
                    .kind = (policy_kind)kind,
                    .principal = (policy_principal)pr,
                    .team = variant & 1 ? "platform" : NULL,
                    .account = variant & 2 ? "123456789012" : NULL,
                    .region = variant & 4 ? "ap-northeast-1" : NULL,
                    .extra_tag_keys = keys,
                    .extra_tag_values = values,
                    .n_extra_tags = (size_t)(variant & 1) * 2,
                    .member_tag_key = variant == 7 ? "Member" : NULL,
                    .budget_prefix = variant & 1 ? "clinecfg-platform-" : NULL,
                    .budget_names_caller = variant & 2,
                };
                char *text;
                cc_err err;
                cc_err_clear(&err);
                assert_int_equal(policy_document(&s, &text, &err), 0);
                assert_null(strchr(text, '\t')); /* laid out with spaces, as the IAM console shows it */
                assert_non_null(strstr(text, "\n  \"Version\": \"2012-10-17\",\n"));
                cJSON_Delete(assert_valid(text));
                free(text);
                built++;
            }
    assert_int_equal(built, 32);
}

static const cJSON *statement(const cJSON *d, const char *sid)
{
    const cJSON *st;
    cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(d, "Statement"))
    {
        if (!strcmp(cJSON_GetObjectItemCaseSensitive(st, "Sid")->valuestring, sid))
            return st;
    }
    fail_msg("no statement %s", sid);
    return NULL;
}

static const char *cond(const cJSON *st, const char *op, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "Condition"), op), key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static cJSON *build(policy_kind k, policy_principal p, const char *team)
{
    const char *keys[] = {"CostCenter"}, *values[] = {"cc-42"};
    policy_spec s = {.kind = k, .principal = p, .team = team, .account = "123456789012", .region = "us-east-1",
                     .extra_tag_keys = keys, .extra_tag_values = values, .n_extra_tags = 1};
    cJSON *d;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(policy_build(&s, &d, &err), 0);
    return d;
}

static void developer_statements(void **state)
{
    (void)state;
    cJSON *d = build(POLICY_DEVELOPER, POLICY_PRINCIPAL_IAM_USER, "platform");
    const cJSON *create = statement(d, "CreateOwnApplicationProfiles");
    assert_string_equal(cond(create, "StringEquals", "aws:RequestTag/MemberName"), "${aws:username}");
    assert_string_equal(cond(create, "StringEquals", "aws:RequestTag/Team"), "platform");
    assert_string_equal(cond(create, "StringEquals", "aws:RequestTag/CostCenter"), "cc-42");
    char *keys = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(create, "Condition"),
                                         "ForAllValues:StringEquals"),
        "aws:TagKeys"));
    assert_string_equal(keys, "[\"Team\",\"MemberName\",\"CostCenter\"]");
    free(keys);
    const cJSON *own = statement(d, "ReadAndDeleteOwnApplicationProfiles");
    assert_string_equal(cond(own, "StringEquals", "aws:ResourceTag/MemberName"), "${aws:username}");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(own, "Resource")->valuestring,
                        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/*");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(statement(d, "ListProfiles"), "Resource")->valuestring, "*");
    char *all = cJSON_PrintUnformatted(d);
    assert_non_null(strstr(all, "\"sts:GetSessionToken\""));
    assert_non_null(strstr(all, "\"cloudwatch:GetMetricData\""));
    assert_null(strstr(all, "InvokeModel"));
    free(all);
    cJSON_Delete(d);

    d = build(POLICY_DEVELOPER, POLICY_PRINCIPAL_SSO, NULL);
    create = statement(d, "CreateOwnApplicationProfiles");
    assert_string_equal(cond(create, "StringEquals", "aws:RequestTag/MemberName"), "${aws:PrincipalTag/MemberName}");
    assert_null(cond(create, "StringEquals", "aws:RequestTag/Team"));
    all = cJSON_PrintUnformatted(d);
    assert_null(strstr(all, "GetSessionToken")); /* role sessions cannot call it */
    free(all);
    cJSON_Delete(d);
}

static void enforce_statements(void **state)
{
    (void)state;
    cJSON *d = build(POLICY_ENFORCE, POLICY_PRINCIPAL_IAM_USER, NULL);
    const cJSON *own = statement(d, "InvokeOwnApplicationProfile");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(own, "Effect")->valuestring, "Allow");
    assert_string_equal(cond(own, "StringEquals", "aws:ResourceTag/MemberName"), "${aws:username}");
    const char *app = "arn:aws:bedrock:*:123456789012:application-inference-profile/*";
    assert_string_equal(cond(statement(d, "InvokeModelsThroughApplicationProfiles"), "ArnLike",
                             "bedrock:InferenceProfileArn"),
                        app);
    const cJSON *direct = statement(d, "DenyModelsOutsideApplicationProfiles");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(direct, "Effect")->valuestring, "Deny");
    assert_string_equal(cond(direct, "ArnNotLike", "bedrock:InferenceProfileArn"), app);
    assert_string_equal(cond(statement(d, "DenyOtherMembersProfiles"), "StringNotEquals", "aws:ResourceTag/MemberName"),
                        "${aws:username}");
    char *all = cJSON_PrintUnformatted(d);
    assert_null(strstr(all, "Converse")); /* there is no such action */
    assert_null(strstr(all, "CreateInferenceProfile"));
    free(all);
    cJSON_Delete(d);
}

static const char *budget_resource(const policy_spec *s, const char *sid)
{
    static char out[256];
    cJSON *d;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(policy_build(s, &d, &err), 0);
    snprintf(out, sizeof out, "%s", cJSON_GetObjectItemCaseSensitive(statement(d, sid), "Resource")->valuestring);
    char *all = cJSON_PrintUnformatted(d);
    assert_non_null(strstr(all, "\"budgets:ViewBudget\""));
    assert_non_null(strstr(all, "\"cloudwatch:ListMetrics\""));
    assert_non_null(strstr(all, "\"cloudwatch:DescribeAlarms\""));
    assert_null(strstr(all, "GetCostAndUsage")); /* the whole account's bill: left out */
    free(all);
    cJSON_Delete(d);
    return out;
}

/* The member's own budget when its name is the caller's verbatim, else the
 * team's budgets, else every clinecfg budget. */
static void developer_budget_scope(void **state)
{
    (void)state;
    policy_spec s = {.kind = POLICY_DEVELOPER, .account = "123456789012", .team = "platform",
                     .budget_prefix = "clinecfg-platform-", .budget_names_caller = true};
    assert_string_equal(budget_resource(&s, "ReadOwnBudget"),
                        "arn:aws:budgets::123456789012:budget/clinecfg-platform-${aws:username}");
    s.budget_names_caller = false;
    s.principal = POLICY_PRINCIPAL_SSO;
    assert_string_equal(budget_resource(&s, "ReadTeamBudgets"),
                        "arn:aws:budgets::123456789012:budget/clinecfg-platform-*");
    s = (policy_spec){.kind = POLICY_DEVELOPER};
    assert_string_equal(budget_resource(&s, "ReadTeamBudgets"), "arn:aws:budgets::*:budget/clinecfg-*");
    cJSON *d;
    cc_err err;
    s.budget_prefix = "clinecfg-a*-";
    assert_int_equal(policy_build(&s, &d, &err), CC_EINPUT);
    s.budget_prefix = "clinecfg-a/b-";
    assert_int_equal(policy_build(&s, &d, &err), CC_EINPUT);
    const char *const *steps = policy_blocked_identity_center_steps();
    size_t n = 0;
    while (steps[n])
        n++;
    assert_int_equal(n, 4);
    assert_non_null(strstr(steps[1], "Customer managed policies"));
    assert_non_null(strstr(steps[1], "clinecfg-blocked"));
}

static void bad_inputs_refused(void **state)
{
    (void)state;
    cc_err err;
    cJSON *d;
    policy_spec s = {.kind = POLICY_ENFORCE, .account = "12345"};
    assert_int_equal(policy_build(&s, &d, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "12-digit"));
    s = (policy_spec){.kind = POLICY_DEVELOPER, .team = "plat*"};
    assert_int_equal(policy_build(&s, &d, &err), CC_EINPUT);
    s = (policy_spec){.kind = POLICY_DEVELOPER, .team = "${aws:username}"};
    assert_int_equal(policy_build(&s, &d, &err), CC_EINPUT);
    s = (policy_spec){.kind = POLICY_DEVELOPER, .member_tag_key = "a/b"};
    assert_int_equal(policy_build(&s, &d, &err), CC_EINPUT);
    s = (policy_spec){.kind = POLICY_DEVELOPER, .region = "Us_East"};
    assert_int_equal(policy_build(&s, &d, &err), CC_EINPUT);
    assert_int_equal(policy_kind_from_name("enforce"), POLICY_ENFORCE);
    assert_int_equal(policy_kind_from_name("admin"), -1);
    assert_int_equal(policy_principal_from_name("sso"), POLICY_PRINCIPAL_SSO);
    assert_int_equal(policy_principal_from_name("user"), -1);
}

static void vocabulary_check_catches_strays(void **state)
{
    (void)state;
    cc_err err;
    cJSON *d = cJSON_Parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                           "\"Action\":[\"bedrock:Converse\"],\"Resource\":\"*\"}]}");
    assert_int_equal(policy_check_vocabulary(d, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "bedrock:Converse"));
    cJSON_Delete(d);
    d = cJSON_Parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"bedrock:InvokeModel\",\"Resource\":\"*\","
                    "\"Condition\":{\"StringEquals\":{\"aws:SourceIp\":\"x\"}}}]}");
    assert_int_equal(policy_check_vocabulary(d, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "aws:SourceIp"));
    cJSON_Delete(d);
    assert_true(policy_word_listed(POLICY_WORD_CONDITION_KEY, "aws:RequestTag/Team"));
    assert_false(policy_word_listed(POLICY_WORD_CONDITION_KEY, "aws:RequestTag/"));
    assert_false(policy_word_listed(POLICY_WORD_CONDITION_KEY, "aws:RequestTag/a/b"));
}

static void documents_compare_by_content(void **state)
{
    (void)state;
    assert_true(policy_documents_equal("{\"a\":[1,2],\"b\":\"x\"}", "{ \"b\" : \"x\",\n\t\"a\": [1, 2] }"));
    assert_false(policy_documents_equal("{\"a\":[1,2]}", "{\"a\":[2,1]}"));
    assert_false(policy_documents_equal("{", "{"));
    assert_false(policy_documents_equal(NULL, "{}"));
}

/* admin limits' documents (limits.c) pass the same checks. */
static void limits_documents_valid(void **state)
{
    (void)state;
    const char *arns[] = {"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/bbbbbbbbbbbb",
                          "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa",
                          "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aaaaaaaaaaaa"};
    for (size_t n = 0; n <= 3; n++) {
        char *doc = NULL;
        cc_err err;
        assert_int_equal(limits_blocked_document("aws", "123456789012", arns, n, &doc, &err), 0);
        cJSON *d = assert_valid(doc);
        const cJSON *st = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(d, "Statement"), 0);
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(st, "Effect")->valuestring, "Deny");
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(st, "Resource")), n == 3 ? 2 : n ? (int)n : 1);
        cJSON_Delete(d);
        free(doc);
    }
    char *doc = NULL;
    cc_err err;
    assert_int_equal(limits_member_deny_document(&doc, &err), 0);
    cJSON_Delete(assert_valid(doc));
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vocabulary_is_listed),      cmocka_unit_test(every_combination_valid),
        cmocka_unit_test(developer_statements),      cmocka_unit_test(enforce_statements),
        cmocka_unit_test(developer_budget_scope),
        cmocka_unit_test(bad_inputs_refused),        cmocka_unit_test(vocabulary_check_catches_strays),
        cmocka_unit_test(documents_compare_by_content), cmocka_unit_test(limits_documents_valid),
    };
    return cmocka_run_group_tests(tests, load_allowlist, free_allowlist);
}

/*
 * test_limits.c - the pieces of `admin limits` that need no AWS: budget,
 * alarm and policy names within the services' rules (sanitised, hashed,
 * never shared by two members), reading the blocked set back from a
 * clinecfg-blocked document, the month start, --alert-at parsing, the
 * spend rule; the Budgets request bodies (FilterExpression on the member
 * tag, never CostFilters, notifications with subscribers, APPLY_IAM_POLICY
 * AUTOMATIC actions) and replies (paging, CalculatedSpend, prefix filter);
 * the token alarm body (m1 + m2 metric math), its reply and the rerun
 * comparison.  The documents' vocabulary is checked in test_policy.c.
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

#include "clinecfg/budgets.h"
#include "clinecfg/cwalarm.h"
#include "clinecfg/limits.h"

static void names(void **state)
{
    (void)state;
    char a[LIMITS_NAME_MAX + 1], b[LIMITS_NAME_MAX + 1];
    limits_budget_name("teamA", "alice@example.com", a);
    assert_string_equal(a, "clinecfg-teamA-alice@example.com");
    limits_budget_name("t", "x:y\\z", a);
    assert_int_equal(strncmp(a, "clinecfg-t-x_y_z-", 17), 0);
    assert_int_equal(strlen(a), 17 + 8);
    limits_budget_name("t", "x_y_z", b);
    assert_string_not_equal(a, b); /* a sanitised name never collides with a plain one */
    char longm[300];
    memset(longm, 'm', sizeof longm - 1);
    longm[sizeof longm - 1] = '\0';
    limits_budget_name("t", longm, a);
    assert_int_equal(strlen(a), LIMITS_NAME_MAX);
    longm[200] = 'n';
    limits_budget_name("t", longm, b);
    assert_string_not_equal(a, b);
    limits_team_prefix("teamA", a);
    assert_string_equal(a, "clinecfg-teamA-");

    char alarm[LIMITS_ALARM_MAX + 1];
    limits_alarm_name("clinecfg-t-al", "abcdef123456", alarm);
    assert_string_equal(alarm, "clinecfg-t-al-abcdef123456-hourly-tokens");
    assert_true(limits_alarm_belongs(alarm, "clinecfg-t-al"));
    assert_false(limits_alarm_belongs("clinecfg-t-al-ice-abcdef123456-hourly-tokens", "clinecfg-t-al"));
    assert_false(limits_alarm_belongs("clinecfg-t-al-abcdef123456", "clinecfg-t-al"));

    char pol[LIMITS_POLICY_NAME_MAX + 1];
    limits_member_policy_name("alice", pol);
    assert_string_equal(pol, "clinecfg-blocked-alice");
    limits_member_policy_name("a/b c", pol);
    assert_int_equal(strncmp(pol, "clinecfg-blocked-a-b-c-", 23), 0);
}

static void blocked_round_trip(void **state)
{
    (void)state;
    const char *arns[] = {"arn:aws:bedrock:r:1:application-inference-profile/b",
                          "arn:aws:bedrock:r:1:application-inference-profile/a"};
    char *doc = NULL, **got = NULL;
    size_t n = 9;
    cc_err err;
    assert_int_equal(limits_blocked_document("aws", "1", arns, 2, &doc, &err), 0);
    assert_int_equal(limits_blocked_arns(doc, &got, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(got[0], arns[1]); /* sorted */
    assert_string_equal(got[1], arns[0]);
    limits_strings_free(got, n);
    free(doc);
    assert_int_equal(limits_blocked_document("aws", "1", arns, 0, &doc, &err), 0);
    assert_int_equal(limits_blocked_arns(doc, &got, &n, &err), 0);
    assert_int_equal(n, 0); /* the placeholder blocks nobody */
    limits_strings_free(got, n);
    free(doc);
    assert_int_not_equal(limits_blocked_arns("not json", &got, &n, &err), 0);
}

static void spend_rules(void **state)
{
    (void)state;
    assert_int_equal((long)limits_month_start(1780272000 + 86400 * 10 + 3600), 1780272000); /* 2026-06-01 */
    assert_int_equal((long)limits_month_start(1780271999), 1777593600);                     /* 2026-05-01 */
    assert_int_equal((long)limits_month_start(951868800), 951868800);                       /* 2000-03-01 */
    assert_true(limits_spend(3, 5) == 5 && limits_spend(6, 5) == 6);
    assert_true(limits_over(5, 5) && !limits_over(4.99, 5) && !limits_over(100, 0));
    double v[5];
    size_t n;
    cc_err err;
    assert_int_equal(limits_parse_percentages("80,100", v, 5, &n, &err), 0);
    assert_true(n == 2 && v[0] == 80 && v[1] == 100);
    assert_int_not_equal(limits_parse_percentages("80,", v, 5, &n, &err), 0);
    assert_int_not_equal(limits_parse_percentages("0", v, 5, &n, &err), 0);
    assert_int_not_equal(limits_parse_percentages("1,2,3,4,5,6", v, 5, &n, &err), 0);
}

static char *print(cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static void budget_bodies(void **state)
{
    (void)state;
    bg_budget_in in = {.name = "clinecfg-t-alice", .limit_usd = 5, .tag_key = "MemberName", .tag_value = "alice"};
    bg_notification notes[2] = {{"ACTUAL", 80}, {"ACTUAL", 100}};
    bg_subscriber subs[2] = {{"EMAIL", "a@example.com"}, {"SNS", "arn:aws:sns:us-east-1:1:t"}};
    char *s = print(bg_body_create_budget("123456789012", &in, notes, 2, subs, 2));
    assert_non_null(strstr(s, "\"AccountId\":\"123456789012\""));
    assert_non_null(strstr(s, "\"BudgetLimit\":{\"Amount\":\"5.00\",\"Unit\":\"USD\"}"));
    assert_non_null(strstr(s, "\"FilterExpression\":{\"Tags\":{\"Key\":\"MemberName\",\"Values\":[\"alice\"],"
                              "\"MatchOptions\":[\"EQUALS\"]}}"));
    assert_non_null(strstr(s, "\"TimeUnit\":\"MONTHLY\",\"BudgetType\":\"COST\""));
    assert_null(strstr(s, "CostFilters"));
    assert_null(strstr(s, "SERVICE"));
    assert_non_null(strstr(s, "\"Threshold\":80,\"ThresholdType\":\"PERCENTAGE\"},\"Subscribers\":[{\"SubscriptionType"
                              "\":\"EMAIL\",\"Address\":\"a@example.com\"}"));
    free(s);
    s = print(bg_body_update_budget("123456789012", &in));
    assert_non_null(strstr(s, "\"NewBudget\":{\"BudgetName\":\"clinecfg-t-alice\""));
    free(s);
    s = print(bg_body_create_action("123456789012", "b", 100, "arn:aws:iam::1:policy/p", "alice",
                                    "arn:aws:iam::1:role/r", subs, 1));
    assert_non_null(strstr(s, "\"ActionType\":\"APPLY_IAM_POLICY\""));
    assert_non_null(strstr(s, "\"ActionThreshold\":{\"ActionThresholdValue\":100,\"ActionThresholdType\":\"PERCENTAGE\"}"));
    assert_non_null(strstr(s, "\"ApprovalModel\":\"AUTOMATIC\""));
    assert_non_null(strstr(s, "\"IamActionDefinition\":{\"PolicyArn\":\"arn:aws:iam::1:policy/p\",\"Users\":[\"alice\"]}"));
    free(s);
    s = print(bg_body_notification("1", "b", &notes[0], NULL, 0));
    assert_null(strstr(s, "Subscribers"));
    free(s);
    s = print(bg_body_subscriber("1", "b", &notes[1], &subs[1]));
    assert_non_null(strstr(s, "\"Threshold\":100"));
    assert_non_null(strstr(s, "\"Subscriber\":{\"SubscriptionType\":\"SNS\",\"Address\":\"arn:aws:sns:us-east-1:1:t\"}"));
    free(s);
}

static void budget_replies(void **state)
{
    (void)state;
    const char *page = "{\"Budgets\":[{\"BudgetName\":\"clinecfg-t-a\",\"BudgetLimit\":{\"Amount\":\"5.0\",\"Unit\":\"USD\"},"
                       "\"TimeUnit\":\"MONTHLY\",\"BudgetType\":\"COST\",\"CalculatedSpend\":{\"ActualSpend\":{\"Amount\":"
                       "\"6.25\",\"Unit\":\"USD\"}},\"FilterExpression\":{\"Tags\":{\"Key\":\"MemberName\",\"Values\":"
                       "[\"a\"]}}},{\"BudgetName\":\"other\",\"BudgetLimit\":{\"Amount\":\"1\",\"Unit\":\"USD\"}}],"
                       "\"NextToken\":\"2\"}";
    bg_budget_list l = {0};
    char *next = NULL;
    cc_err err;
    assert_int_equal(bg_parse_budgets(page, strlen(page), "clinecfg-", &l, &next, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(next, "2");
    const bg_budget *b = bg_budget_list_find(&l, "clinecfg-t-a");
    assert_non_null(b);
    assert_true(b->limit == 5 && b->has_actual && b->actual == 6.25 && !b->has_forecast);
    assert_string_equal(b->tag_key, "MemberName");
    assert_string_equal(b->tag_value, "a");
    free(next);
    bg_budget_list_free(&l);
    assert_int_not_equal(bg_parse_budgets("[]", 2, NULL, &l, &next, &err), 0);
    bg_budget_list_free(&l);

    cJSON *r = cJSON_Parse("{\"Actions\":[{\"ActionId\":\"x\",\"Status\":\"STANDBY\",\"ActionThreshold\":"
                           "{\"ActionThresholdValue\":100},\"Definition\":{\"IamActionDefinition\":{\"PolicyArn\":\"p\","
                           "\"Users\":[\"alice\"]}}}]}");
    bg_action_list al = {0};
    assert_int_equal(bg_parse_actions(r, &al, &next, &err), 0);
    assert_true(al.n == 1 && al.v[0].threshold == 100 && !strcmp(al.v[0].user, "alice") && !strcmp(al.v[0].policy_arn, "p"));
    assert_null(next);
    bg_action_list_free(&al);
    cJSON_Delete(r);
}

static void alarms(void **state)
{
    (void)state;
    const char *topics[] = {"arn:aws:sns:us-east-1:1:t"};
    cwa_token_alarm want = {.name = "n", .description = "d", .model_id = "abcdef123456", .period = 3600,
                            .threshold = 1000, .actions = topics, .nactions = 1};
    cJSON *body = cwa_body_put_token_alarm(&want);
    char *s = cJSON_PrintUnformatted(body);
    assert_non_null(strstr(s, "\"Expression\":\"m1 + m2\""));
    assert_non_null(strstr(s, "\"MetricName\":\"InputTokenCount\""));
    assert_non_null(strstr(s, "\"MetricName\":\"OutputTokenCount\""));
    assert_non_null(strstr(s, "\"ComparisonOperator\":\"GreaterThanThreshold\""));
    assert_non_null(strstr(s, "\"AlarmActions\":[\"arn:aws:sns:us-east-1:1:t\"]"));
    free(s);
    /* DescribeAlarms gives back what PutMetricAlarm sent, plus the state. */
    cJSON *reply = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(reply, "MetricAlarms");
    cJSON_AddStringToObject(body, "StateValue", "ALARM");
    cJSON_AddItemToArray(list, body);
    cwa_alarm_list l = {0};
    char *next = NULL;
    cc_err err;
    assert_int_equal(cwa_parse_alarms(reply, &l, &next, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].state, "ALARM");
    assert_string_equal(l.v[0].expression, "m1 + m2");
    assert_true(cwa_alarm_matches(&l.v[0], &want));
    want.threshold = 2000;
    assert_false(cwa_alarm_matches(&l.v[0], &want));
    want.threshold = 1000;
    want.nactions = 0;
    assert_false(cwa_alarm_matches(&l.v[0], &want));
    assert_false(cwa_alarm_matches(NULL, &want));
    cwa_alarm_list_free(&l);
    /* a Period no alarm has (here beyond what a long holds) reads as unknown, and no longer matches */
    cJSON *stat = NULL, *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(body, "Metrics"))
        if (!stat)
            stat = cJSON_GetObjectItemCaseSensitive(m, "MetricStat");
    assert_non_null(stat);
    cJSON_ReplaceItemInObjectCaseSensitive(stat, "Period", cJSON_CreateNumber(1e300));
    memset(&l, 0, sizeof l);
    want.nactions = 1;
    assert_int_equal(cwa_parse_alarms(reply, &l, &next, &err), 0);
    assert_int_equal(l.v[0].period, 0);
    assert_false(cwa_alarm_matches(&l.v[0], &want));
    cwa_alarm_list_free(&l);
    cJSON_Delete(reply);
    const char *names[] = {"a", "b"};
    s = print(cwa_body_delete_alarms(names, 2));
    assert_string_equal(s, "{\"AlarmNames\":[\"a\",\"b\"]}");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),         cmocka_unit_test(blocked_round_trip), cmocka_unit_test(spend_rules),
        cmocka_unit_test(budget_bodies), cmocka_unit_test(budget_replies),     cmocka_unit_test(alarms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

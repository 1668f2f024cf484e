/*
 * test_cloudwatch.c - the CloudWatch wire form with canned replies: the
 * GetMetricData body (epoch seconds, 500-query limit, query ids, metric
 * math), replies merged over pages (points appended, last status kept,
 * Messages), malformed replies, ListMetrics bodies and replies, and the
 * discovery that reports an unlisted cache metric as absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/cloudwatch.h"

static cw_query stat_q(const char *id, const char *model, cw_metric m)
{
    cw_query q = {.id = id, .model_id = model, .metric_name = cw_metric_name(m), .period = 86400};
    return q;
}

static void metric_names(void **state)
{
    (void)state;
    assert_string_equal(cw_metric_name(CW_INPUT_TOKENS), "InputTokenCount");
    assert_string_equal(cw_metric_name(CW_THROTTLES), "InvocationThrottles");
    assert_false(cw_metric_confirmed(CW_CACHE_READ_TOKENS));
    assert_true(cw_metric_confirmed(CW_INVOCATIONS));
    assert_int_equal(cw_metric_from_name("CacheWriteInputTokenCount"), CW_CACHE_WRITE_TOKENS);
    assert_int_equal(cw_metric_from_name("Nope"), -1);
    assert_null(cw_metric_name(CW_METRIC_COUNT));
}

static void build_body(void **state)
{
    (void)state;
    cw_query q[3] = {stat_q("inv", "s8h3rgcsaaf0", CW_INVOCATIONS), stat_q("thr", "s8h3rgcsaaf0", CW_THROTTLES),
                     {.id = "all", .expression = "inv + thr"}};
    q[1].hide = true;
    char *body = NULL;
    cc_err err;
    assert_int_equal(cw_build_get_metric_data(q, 3, 1780272000, 1782864000, "tok+/=", 0, &body, &err), 0);
    cJSON *j = cJSON_Parse(body);
    assert_non_null(j);
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(j, "StartTime")));
    assert_true(strstr(body, "\"StartTime\":1780272000") != NULL);
    assert_true(strstr(body, "\"EndTime\":1782864000") != NULL);
    assert_string_equal(cJSON_GetObjectItem(j, "ScanBy")->valuestring, "TimestampAscending");
    assert_string_equal(cJSON_GetObjectItem(j, "NextToken")->valuestring, "tok+/=");
    cJSON *q0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "MetricDataQueries"), 0);
    cJSON *stat = cJSON_GetObjectItem(q0, "MetricStat");
    assert_string_equal(cJSON_GetObjectItem(stat, "Stat")->valuestring, "Sum");
    assert_int_equal(cJSON_GetObjectItem(stat, "Period")->valueint, 86400);
    cJSON *metric = cJSON_GetObjectItem(stat, "Metric");
    assert_string_equal(cJSON_GetObjectItem(metric, "Namespace")->valuestring, "AWS/Bedrock");
    cJSON *dim = cJSON_GetArrayItem(cJSON_GetObjectItem(metric, "Dimensions"), 0);
    assert_string_equal(cJSON_GetObjectItem(dim, "Name")->valuestring, "ModelId");
    assert_string_equal(cJSON_GetObjectItem(dim, "Value")->valuestring, "s8h3rgcsaaf0");
    cJSON *q1 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "MetricDataQueries"), 1);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(q1, "ReturnData")));
    cJSON *q2 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "MetricDataQueries"), 2);
    assert_string_equal(cJSON_GetObjectItem(q2, "Expression")->valuestring, "inv + thr");
    assert_null(cJSON_GetObjectItem(q2, "MetricStat"));
    cJSON_Delete(j);
    free(body);
}

static void build_limits(void **state)
{
    (void)state;
    static cw_query many[501];
    for (int i = 0; i < 501; i++)
        many[i] = stat_q("q", "m", CW_INVOCATIONS);
    char *body = NULL;
    cc_err err;
    assert_int_equal(cw_build_get_metric_data(many, 501, 0, 60, NULL, 0, &body, &err), CC_EINPUT);
    assert_null(body);
    assert_non_null(strstr(err.message, "500"));
    assert_int_equal(cw_build_get_metric_data(many, 500, 0, 60, NULL, 0, &body, &err), 0);
    free(body);
    assert_int_equal(cw_build_get_metric_data(many, 0, 0, 60, NULL, 0, &body, &err), CC_EINPUT);
    assert_int_equal(cw_build_get_metric_data(many, 1, 60, 60, NULL, 0, &body, &err), CC_EINPUT);
    cw_query bad = stat_q("Inv", "m", CW_INVOCATIONS);
    assert_int_equal(cw_build_get_metric_data(&bad, 1, 0, 60, NULL, 0, &body, &err), CC_EINPUT);
    assert_string_equal(err.code, "cloudwatch.query_id");
    bad.id = "in-v";
    assert_int_equal(cw_build_get_metric_data(&bad, 1, 0, 60, NULL, 0, &body, &err), CC_EINPUT);
    cw_query nomodel = {.id = "a", .metric_name = "Invocations", .period = 60};
    assert_int_equal(cw_build_get_metric_data(&nomodel, 1, 0, 60, NULL, 0, &body, &err), CC_EINPUT);
}

static int parse(const char *doc, cw_result *acc, char **next, cc_err *err)
{
    cc_err_clear(err);
    return cw_parse_get_metric_data(doc, strlen(doc), acc, next, err);
}

static void parse_pages(void **state)
{
    (void)state;
    cw_result acc;
    memset(&acc, 0, sizeof acc);
    char *next = NULL;
    cc_err err;
    const char *page1 =
        "{\"MetricDataResults\":[{\"Id\":\"a\",\"Label\":\"InputTokenCount\",\"Timestamps\":[1780272000,1780358400],"
        "\"Values\":[10.0,20.5],\"StatusCode\":\"PartialData\"}],\"NextToken\":\"n1\","
        "\"Messages\":[{\"Code\":\"MaxMetricsExceeded\",\"Value\":\"too many\"}]}";
    const char *page2 = "{\"MetricDataResults\":[{\"Id\":\"a\",\"Timestamps\":[1780444800],\"Values\":[5],"
                        "\"StatusCode\":\"Complete\"},{\"Id\":\"b\",\"Timestamps\":[],\"Values\":[],"
                        "\"StatusCode\":\"Forbidden\"}],\"Messages\":[]}";
    assert_int_equal(parse(page1, &acc, &next, &err), 0);
    assert_string_equal(next, "n1");
    free(next);
    assert_int_equal(parse(page2, &acc, &next, &err), 0);
    assert_null(next);
    assert_int_equal(acc.n, 2);
    const cw_series *a = cw_result_find(&acc, "a");
    assert_non_null(a);
    assert_int_equal(a->n, 3);
    assert_true(a->timestamps[2] == 1780444800LL);
    assert_true(cw_series_sum(a) == 35.5);
    assert_true(cw_series_sum_before(a, 1780358400LL) == 10.0); /* periods that start before the second day */
    assert_true(cw_series_sum_before(a, 1780358401LL) == 30.5);
    assert_true(cw_series_sum_before(NULL, 1780358401LL) == 0);
    assert_int_equal(a->status, CW_COMPLETE);
    assert_string_equal(a->label, "InputTokenCount");
    assert_int_equal(cw_result_find(&acc, "b")->status, CW_FORBIDDEN);
    assert_null(cw_result_find(&acc, "c"));
    assert_int_equal(acc.nmessages, 1);
    assert_string_equal(acc.messages[0], "MaxMetricsExceeded: too many");
    cw_result_free(&acc);
    assert_int_equal(acc.n, 0);
}

static void parse_malformed(void **state)
{
    (void)state;
    const char *bad[] = {
        "", "[]", "{\"MetricDataResults\":{}}", "{\"MetricDataResults\":[{\"Label\":\"x\"}]}",
        "{\"MetricDataResults\":[{\"Id\":\"a\",\"Timestamps\":[1,2],\"Values\":[1]}]}",
        "{\"MetricDataResults\":[{\"Id\":\"a\",\"Timestamps\":[\"2026-01-01T00:00:00Z\"],\"Values\":[1]}]}",
        /* out of range: would not fit the cast to epoch seconds (found by fuzz_responses) */
        "{\"MetricDataResults\":[{\"Id\":\"a\",\"Timestamps\":[1e300],\"Values\":[1]}]}",
        "{\"MetricDataResults\":[{\"Id\":\"a\",\"Timestamps\":[-1],\"Values\":[1]}]}",
        "{\"MetricDataResults\":[{\"Id\":\"a\",\"Timestamps\":[1780272000],\"Values\":[1e400]}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cw_result acc;
        memset(&acc, 0, sizeof acc);
        char *next = NULL;
        cc_err err;
        assert_int_equal(parse(bad[i], &acc, &next, &err), CC_EAWS);
        assert_string_equal(err.code, "cloudwatch.reply");
        assert_null(next);
        cw_result_free(&acc);
    }
}

static void list_metrics(void **state)
{
    (void)state;
    char *body = NULL;
    cc_err err;
    assert_int_equal(cw_build_list_metrics("CacheReadInputTokenCount", "abc123", "t", &body, &err), 0);
    assert_string_equal(body, "{\"Namespace\":\"AWS/Bedrock\",\"MetricName\":\"CacheReadInputTokenCount\","
                              "\"NextToken\":\"t\",\"Dimensions\":[{\"Name\":\"ModelId\",\"Value\":\"abc123\"}]}");
    free(body);
    assert_int_equal(cw_build_list_metrics(NULL, NULL, NULL, &body, &err), 0);
    assert_string_equal(body, "{\"Namespace\":\"AWS/Bedrock\"}");
    free(body);

    const char *reply = "{\"Metrics\":[{\"Namespace\":\"AWS/Bedrock\",\"MetricName\":\"InputTokenCount\","
                        "\"Dimensions\":[{\"Name\":\"ModelId\",\"Value\":\"abc123\"}]},"
                        "{\"Namespace\":\"AWS/Bedrock\",\"MetricName\":\"Invocations\","
                        "\"Dimensions\":[{\"Name\":\"ModelId\",\"Value\":\"abc123\"}]},"
                        "{\"Namespace\":\"AWS/Bedrock\",\"MetricName\":\"Invocations\","
                        "\"Dimensions\":[{\"Name\":\"Other\",\"Value\":\"x\"}]}],\"NextToken\":\"p2\"}";
    cw_metric_list l;
    memset(&l, 0, sizeof l);
    char *next = NULL;
    assert_int_equal(cw_parse_list_metrics(reply, strlen(reply), &l, &next, &err), 0);
    assert_string_equal(next, "p2");
    free(next);
    assert_int_equal(l.n, 2);
    assert_true(cw_metric_list_has(&l, "Invocations", "abc123"));
    assert_false(cw_metric_list_has(&l, "Invocations", "x"));
    cw_availability av;
    cw_availability_from_list(&l, "abc123", &av);
    assert_true(av.present[CW_INPUT_TOKENS]);
    assert_true(av.present[CW_INVOCATIONS]);
    assert_false(av.present[CW_CACHE_READ_TOKENS]); /* absent, to be shown as such, never as 0 */
    cw_metric_list_free(&l);
    assert_int_equal(cw_parse_list_metrics("{\"Metrics\":5}", 13, &l, &next, &err), CC_EAWS);
    cw_metric_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(metric_names),  cmocka_unit_test(build_body),      cmocka_unit_test(build_limits),
        cmocka_unit_test(parse_pages),   cmocka_unit_test(parse_malformed), cmocka_unit_test(list_metrics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

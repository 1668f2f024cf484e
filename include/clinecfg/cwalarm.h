/*
 * cwalarm.h - CloudWatch alarms on a Bedrock profile's token use:
 * PutMetricAlarm with metric math (InputTokenCount + OutputTokenCount of
 * one ModelId, summed over a period), DescribeAlarms by name prefix and
 * DeleteAlarms.
 *
 * Owns the alarm request bodies (pure builders, for `--dry-run` and tests),
 * reading DescribeAlarms pages (name, state, threshold, the ModelId and the
 * SNS actions) and the calls through cloudwatch.h's cw_prepare (awsJson1_0,
 * GraniteServiceVersion20100801.<Op>); a denial names cloudwatch:<Op>.
 */
#ifndef CLINECFG_CWALARM_H
#define CLINECFG_CWALARM_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/error.h"

/* An alarm on m1 + m2 (input + output tokens of model_id) summed over
 * `period` seconds, ALARM when greater than threshold.  Strings borrowed. */
typedef struct cwa_token_alarm {
    const char *name;
    const char *description;
    const char *model_id;      /* the ModelId dimension: the application profile's ID */
    long period;               /* seconds, e.g. 3600 */
    double threshold;          /* tokens */
    const char *const *actions;/* SNS topic ARNs */
    size_t nactions;
} cwa_token_alarm;

typedef struct cwa_alarm {
    char *name;
    char *state;               /* "OK" | "ALARM" | "INSUFFICIENT_DATA" */
    double threshold;
    long period;               /* of the first MetricStat */
    char *model_id;            /* ModelId dimension of the first MetricStat, or NULL */
    char *expression;          /* the metric-math expression, or NULL */
    char **actions;
    size_t nactions;
} cwa_alarm;

typedef struct cwa_alarm_list {
    cwa_alarm *v;
    size_t n;
} cwa_alarm_list;
void cwa_alarm_list_free(cwa_alarm_list *l);
const cwa_alarm *cwa_alarm_list_find(const cwa_alarm_list *l, const char *name);

/* True when `have` already is the alarm `want` describes. */
bool cwa_alarm_matches(const cwa_alarm *have, const cwa_token_alarm *want);

cJSON *cwa_body_put_token_alarm(const cwa_token_alarm *a);
cJSON *cwa_body_delete_alarms(const char *const *names, size_t n);

/* POSTs `body` as GraniteServiceVersion20100801.<op>; *reply may be NULL. */
int cwa_call(awsclient *c, const char *op, const cJSON *body, cJSON **reply, cc_err *err);

/* Every page of DescribeAlarms for alarms whose names start with prefix. */
int cwa_describe_alarms(awsclient *c, const char *prefix, cwa_alarm_list *out, cc_err *err);
/* Appends one DescribeAlarms reply's MetricAlarms; *next gets NextToken. */
int cwa_parse_alarms(const cJSON *reply, cwa_alarm_list *acc, char **next, cc_err *err);

#endif

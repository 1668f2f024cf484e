/*
 * cwalarm.c - CloudWatch token alarms: PutMetricAlarm bodies with the
 * m1 + m2 metric math over one profile's input and output tokens,
 * DescribeAlarms paging and parsing, DeleteAlarms, and the comparison that
 * keeps reruns from rewriting an alarm that is already right.  See cwalarm.h.
 */
#define _GNU_SOURCE
#include "clinecfg/cwalarm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/cloudwatch.h"

#define CWA_MAX_PAGES 1000

void cwa_alarm_list_free(cwa_alarm_list *l)
{
    for (size_t i = 0; l && i < l->n; i++) {
        cwa_alarm *a = &l->v[i];
        free(a->name);
        free(a->state);
        free(a->model_id);
        free(a->expression);
        for (size_t k = 0; k < a->nactions; k++)
            free(a->actions[k]);
        free(a->actions);
    }
    if (l) {
        free(l->v);
        memset(l, 0, sizeof *l);
    }
}

const cwa_alarm *cwa_alarm_list_find(const cwa_alarm_list *l, const char *name)
{
    for (size_t i = 0; l && name && i < l->n; i++)
        if (l->v[i].name && !strcmp(l->v[i].name, name))
            return &l->v[i];
    return NULL;
}

bool cwa_alarm_matches(const cwa_alarm *have, const cwa_token_alarm *want)
{
    double diff = have ? have->threshold - want->threshold : 0;
    if (!have || !have->model_id || strcmp(have->model_id, want->model_id) || have->period != want->period ||
        diff > 0.5 || diff < -0.5 || have->nactions != want->nactions)
        return false;
    for (size_t i = 0; i < want->nactions; i++) {
        bool found = false;
        for (size_t k = 0; k < have->nactions && !found; k++)
            found = !strcmp(have->actions[k], want->actions[i]);
        if (!found)
            return false;
    }
    return true;
}

static cJSON *metric_stat(const char *id, const char *metric, const char *model_id, long period)
{
    cJSON *q = cJSON_CreateObject();
    cJSON *stat = q ? cJSON_AddObjectToObject(q, "MetricStat") : NULL;
    cJSON *m = stat ? cJSON_AddObjectToObject(stat, "Metric") : NULL;
    cJSON *dims = m ? cJSON_AddArrayToObject(m, "Dimensions") : NULL;
    cJSON *d = dims ? cJSON_CreateObject() : NULL;
    if (d)
        cJSON_AddItemToArray(dims, d);
    bool ok = d && cJSON_AddStringToObject(q, "Id", id) && cJSON_AddStringToObject(m, "Namespace", CW_NAMESPACE_BEDROCK) &&
              cJSON_AddStringToObject(m, "MetricName", metric) && cJSON_AddStringToObject(d, "Name", "ModelId") &&
              cJSON_AddStringToObject(d, "Value", model_id) && cJSON_AddNumberToObject(stat, "Period", (double)period) &&
              cJSON_AddStringToObject(stat, "Stat", "Sum") && cJSON_AddBoolToObject(q, "ReturnData", 0);
    if (!ok) {
        cJSON_Delete(q);
        return NULL;
    }
    return q;
}

static bool add_metrics(cJSON *o, const cwa_token_alarm *a)
{
    cJSON *metrics = cJSON_AddArrayToObject(o, "Metrics");
    cJSON *m1 = metrics ? metric_stat("m1", cw_metric_name(CW_INPUT_TOKENS), a->model_id, a->period) : NULL;
    if (m1)
        cJSON_AddItemToArray(metrics, m1);
    cJSON *m2 = m1 ? metric_stat("m2", cw_metric_name(CW_OUTPUT_TOKENS), a->model_id, a->period) : NULL;
    if (m2)
        cJSON_AddItemToArray(metrics, m2);
    cJSON *e = m2 ? cJSON_CreateObject() : NULL;
    if (e)
        cJSON_AddItemToArray(metrics, e);
    return e && cJSON_AddStringToObject(e, "Id", "tokens") && cJSON_AddStringToObject(e, "Expression", "m1 + m2") &&
           cJSON_AddStringToObject(e, "Label", "input + output tokens") && cJSON_AddBoolToObject(e, "ReturnData", 1);
}

cJSON *cwa_body_put_token_alarm(const cwa_token_alarm *a)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *actions = o ? cJSON_CreateStringArray(a->actions, (int)a->nactions) : NULL;
    if (actions)
        cJSON_AddItemToObject(o, "AlarmActions", actions);
    bool ok = actions && cJSON_AddStringToObject(o, "AlarmName", a->name) &&
              cJSON_AddStringToObject(o, "AlarmDescription", a->description ? a->description : "") &&
              cJSON_AddBoolToObject(o, "ActionsEnabled", 1) && add_metrics(o, a) &&
              cJSON_AddNumberToObject(o, "EvaluationPeriods", 1) && cJSON_AddNumberToObject(o, "DatapointsToAlarm", 1) &&
              cJSON_AddNumberToObject(o, "Threshold", a->threshold) &&
              cJSON_AddStringToObject(o, "ComparisonOperator", "GreaterThanThreshold") &&
              cJSON_AddStringToObject(o, "TreatMissingData", "notBreaching");
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *cwa_body_delete_alarms(const char *const *names, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *a = o ? cJSON_CreateStringArray(names, (int)n) : NULL;
    if (!a) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddItemToObject(o, "AlarmNames", a);
    return o;
}

int cwa_call(awsclient *c, const char *op, const cJSON *body, cJSON **reply, cc_err *err)
{
    if (reply)
        *reply = NULL;
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    if (!text)
        return cc_err_oom(err);
    aws_request req;
    memset(&req, 0, sizeof req);
    const char *hdrs[3];
    char target[96], operation[64];
    int rc = cw_prepare(c, op, text, &req, hdrs, target, sizeof target, err);
    snprintf(operation, sizeof operation, "cloudwatch:%s", op);
    req.operation = operation;
    aws_response resp;
    memset(&resp, 0, sizeof resp);
    if (!rc)
        rc = cw_denied_hint(awsclient_call(c, "monitoring", &req, &resp, err), operation, err);
    if (!rc && reply && !(*reply = cJSON_ParseWithLength(resp.body ? resp.body : "", resp.body_len)))
        rc = cc_err_set(err, CC_EAWS, "cloudwatch.reply", "CloudWatch %s answered with a reply that is not JSON", op);
    aws_response_free(&resp);
    free(text);
    return rc;
}

static char *dup_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

/* The first MetricStat's ModelId and period, and the expression. */
static void read_metrics(const cJSON *metrics, cwa_alarm *a)
{
    const cJSON *q;
    cJSON_ArrayForEach(q, metrics) {
        const cJSON *stat = cJSON_GetObjectItemCaseSensitive(q, "MetricStat");
        if (!a->expression)
            a->expression = dup_str(q, "Expression");
        if (!stat || a->model_id)
            continue;
        const cJSON *period = cJSON_GetObjectItemCaseSensitive(stat, "Period"), *d;
        /* A period beyond a year is not one CloudWatch gives; 0 (unknown) makes `set` rewrite the alarm. */
        a->period = cJSON_IsNumber(period) && period->valuedouble >= 1 && period->valuedouble <= 31536000.0
                        ? (long)period->valuedouble
                        : 0;
        cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(stat, "Metric"),
                                                               "Dimensions")) {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(d, "Name");
            if (cJSON_IsString(name) && !strcmp(name->valuestring, "ModelId"))
                a->model_id = dup_str(d, "Value");
        }
    }
}

static int read_alarm(const cJSON *item, cwa_alarm *a, cc_err *err)
{
    memset(a, 0, sizeof *a);
    a->name = dup_str(item, "AlarmName");
    a->state = dup_str(item, "StateValue");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(item, "Threshold");
    a->threshold = cJSON_IsNumber(t) ? t->valuedouble : 0;
    read_metrics(cJSON_GetObjectItemCaseSensitive(item, "Metrics"), a);
    const cJSON *actions = cJSON_GetObjectItemCaseSensitive(item, "AlarmActions"), *x;
    size_t n = (size_t)cJSON_GetArraySize(actions);
    a->actions = calloc(n + 1, sizeof *a->actions);
    if (!a->actions)
        return cc_err_oom(err);
    cJSON_ArrayForEach(x, actions)
        if (cJSON_IsString(x) && (a->actions[a->nactions] = strdup(x->valuestring)))
            a->nactions++;
    if (!a->name)
        return cc_err_set(err, CC_EAWS, "cloudwatch.reply", "CloudWatch DescribeAlarms listed an alarm without a name");
    return 0;
}

int cwa_parse_alarms(const cJSON *reply, cwa_alarm_list *acc, char **next, cc_err *err)
{
    *next = NULL;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(reply, "MetricAlarms"), *item;
    size_t add = (size_t)cJSON_GetArraySize(list);
    cwa_alarm *grown = realloc(acc->v, (acc->n + add + 1) * sizeof *grown);
    if (!grown)
        return cc_err_oom(err);
    acc->v = grown;
    int rc = 0;
    cJSON_ArrayForEach(item, list) {
        if (rc)
            break;
        rc = read_alarm(item, &acc->v[acc->n++], err);
    }
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(reply, "NextToken");
    if (!rc && cJSON_IsString(tok) && tok->valuestring[0] && !(*next = strdup(tok->valuestring)))
        rc = cc_err_oom(err);
    return rc;
}

int cwa_describe_alarms(awsclient *c, const char *prefix, cwa_alarm_list *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    char *token = NULL;
    int rc = 0, pages = 0;
    do {
        cJSON *body = cJSON_CreateObject();
        const char *type = "MetricAlarm";
        cJSON *types = body ? cJSON_CreateStringArray(&type, 1) : NULL;
        if (types)
            cJSON_AddItemToObject(body, "AlarmTypes", types);
        if (!types || !cJSON_AddStringToObject(body, "AlarmNamePrefix", prefix) ||
            !cJSON_AddNumberToObject(body, "MaxRecords", 100) ||
            (token && !cJSON_AddStringToObject(body, "NextToken", token))) {
            cJSON_Delete(body);
            rc = cc_err_oom(err);
            break;
        }
        cJSON *reply = NULL;
        rc = cwa_call(c, "DescribeAlarms", body, &reply, err);
        cJSON_Delete(body);
        free(token);
        token = NULL;
        if (!rc)
            rc = cwa_parse_alarms(reply, out, &token, err);
        cJSON_Delete(reply);
    } while (!rc && token && ++pages < CWA_MAX_PAGES);
    free(token);
    if (rc)
        cwa_alarm_list_free(out);
    return rc;
}

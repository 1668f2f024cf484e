/*
 * cloudwatch.c - CloudWatch GetMetricData / ListMetrics in awsJson1_0 for
 * the Bedrock runtime metrics: request bodies (cJSON), replies merged over
 * NextToken pages, batches of at most 500 queries run concurrently through
 * awsclient_call_many, metric discovery, and AccessDenied naming the IAM
 * action.  See cloudwatch.h.
 */
#include "clinecfg/cloudwatch.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clinecfg/envlookup.h"
#include "clinecfg/ini.h"

#define MAX_PAGES 100000 /* a reply that never stops paging is a malformed reply */

static const char *const METRIC_NAMES[CW_METRIC_COUNT] = {
    [CW_INVOCATIONS] = "Invocations",
    [CW_INPUT_TOKENS] = "InputTokenCount",
    [CW_OUTPUT_TOKENS] = "OutputTokenCount",
    [CW_CACHE_READ_TOKENS] = "CacheReadInputTokenCount",
    [CW_CACHE_WRITE_TOKENS] = "CacheWriteInputTokenCount",
    [CW_THROTTLES] = "InvocationThrottles",
    [CW_CLIENT_ERRORS] = "InvocationClientErrors",
    [CW_SERVER_ERRORS] = "InvocationServerErrors",
};

const char *cw_metric_name(cw_metric m)
{
    return (unsigned)m < CW_METRIC_COUNT ? METRIC_NAMES[m] : NULL;
}

bool cw_metric_confirmed(cw_metric m)
{
    return m != CW_CACHE_READ_TOKENS && m != CW_CACHE_WRITE_TOKENS;
}

int cw_metric_from_name(const char *name)
{
    for (int m = 0; name && m < CW_METRIC_COUNT; m++)
        if (!strcmp(METRIC_NAMES[m], name))
            return m;
    return -1;
}

/* ------------------------------------------------------------- results */

static void series_free(cw_series *s)
{
    free(s->id);
    free(s->label);
    free(s->timestamps);
    free(s->values);
}

void cw_result_free(cw_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        series_free(&r->series[i]);
    for (size_t i = 0; i < r->nmessages; i++)
        free(r->messages[i]);
    free(r->series);
    free(r->messages);
    memset(r, 0, sizeof *r);
}

const cw_series *cw_result_find(const cw_result *r, const char *id)
{
    for (size_t i = 0; r && id && i < r->n; i++)
        if (!strcmp(r->series[i].id, id))
            return &r->series[i];
    return NULL;
}

double cw_series_sum_before(const cw_series *s, long long before)
{
    double sum = 0;
    for (size_t i = 0; s && i < s->n; i++)
        if (s->timestamps[i] < before)
            sum += s->values[i];
    return sum;
}

double cw_series_sum(const cw_series *s)
{
    return cw_series_sum_before(s, LLONG_MAX);
}

static cw_series *series_add(cw_result *r, const char *id, cc_err *err)
{
    cw_series *grown = realloc(r->series, (r->n + 1) * sizeof *grown);
    if (!grown)
        return cc_err_oom(err), NULL;
    r->series = grown;
    cw_series *s = &r->series[r->n];
    memset(s, 0, sizeof *s);
    s->status = CW_STATUS_UNKNOWN;
    s->id = strdup(id);
    if (!s->id)
        return cc_err_oom(err), NULL;
    r->n++;
    return s;
}

static cw_series *series_get(cw_result *r, const char *id, cc_err *err)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->series[i].id, id))
            return &r->series[i];
    return series_add(r, id, err);
}

static cw_status status_from(const char *s)
{
    if (!s)
        return CW_STATUS_UNKNOWN;
    if (!strcmp(s, "Complete"))
        return CW_COMPLETE;
    if (!strcmp(s, "PartialData"))
        return CW_PARTIAL_DATA;
    if (!strcmp(s, "InternalError"))
        return CW_INTERNAL_ERROR;
    if (!strcmp(s, "Forbidden"))
        return CW_FORBIDDEN;
    return CW_STATUS_UNKNOWN;
}

/* ------------------------------------------------------------ requests */

static bool valid_query_id(const char *id)
{
    if (!id || !(id[0] >= 'a' && id[0] <= 'z') || strlen(id) > 255)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

static cJSON *query_json(const cw_query *q)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "Id", q->id))
        goto fail;
    if (q->expression) {
        if (!cJSON_AddStringToObject(o, "Expression", q->expression) ||
            (q->period > 0 && !cJSON_AddNumberToObject(o, "Period", q->period)))
            goto fail;
    } else {
        cJSON *stat = cJSON_AddObjectToObject(o, "MetricStat");
        cJSON *metric = stat ? cJSON_AddObjectToObject(stat, "Metric") : NULL;
        cJSON *dims = metric ? cJSON_CreateArray() : NULL;
        cJSON *dim = dims ? cJSON_CreateObject() : NULL;
        if (!dim || !cJSON_AddStringToObject(metric, "Namespace", CW_NAMESPACE_BEDROCK) ||
            !cJSON_AddStringToObject(metric, "MetricName", q->metric_name)) {
            cJSON_Delete(dims);
            cJSON_Delete(dim);
            goto fail;
        }
        cJSON_AddItemToArray(dims, dim);
        cJSON_AddItemToObject(metric, "Dimensions", dims);
        if (!cJSON_AddStringToObject(dim, "Name", "ModelId") || !cJSON_AddStringToObject(dim, "Value", q->model_id) ||
            !cJSON_AddNumberToObject(stat, "Period", q->period) ||
            !cJSON_AddStringToObject(stat, "Stat", q->stat ? q->stat : "Sum"))
            goto fail;
    }
    if (!cJSON_AddBoolToObject(o, "ReturnData", !q->hide))
        goto fail;
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

static int check_query(const cw_query *q, cc_err *err)
{
    if (!valid_query_id(q->id))
        return cc_err_set(err, CC_EINPUT, "cloudwatch.query_id",
                          "CloudWatch query id '%.64s' must start with a lower-case letter and hold only "
                          "letters, digits and '_'", q->id ? q->id : "");
    if (!q->expression && (!q->model_id || !*q->model_id || !q->metric_name || q->period <= 0))
        return cc_err_set(err, CC_EINPUT, "cloudwatch.query", "CloudWatch query '%s' needs a ModelId, a metric "
                                                              "name and a period", q->id);
    return 0;
}

int cw_build_get_metric_data(const cw_query *queries, size_t n, long long start, long long end,
                             const char *next_token, long max_datapoints, char **body, cc_err *err)
{
    *body = NULL;
    if (n == 0 || n > CW_MAX_QUERIES)
        return cc_err_set(err, CC_EINPUT, "cloudwatch.batch", "a GetMetricData call takes 1 to %d queries, not %zu",
                          CW_MAX_QUERIES, n);
    if (start >= end)
        return cc_err_set(err, CC_EINPUT, "cloudwatch.window",
                          "the metric window must start before it ends (%lld >= %lld)", start, end);
    for (size_t i = 0; i < n; i++) {
        int rc = check_query(&queries[i], err);
        if (rc)
            return rc;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(o, "MetricDataQueries");
    bool ok = list != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        cJSON *q = query_json(&queries[i]);
        ok = q != NULL;
        if (q)
            cJSON_AddItemToArray(list, q);
    }
    ok = ok && cJSON_AddNumberToObject(o, "StartTime", (double)start) &&
         cJSON_AddNumberToObject(o, "EndTime", (double)end) &&
         cJSON_AddStringToObject(o, "ScanBy", "TimestampAscending") &&
         (!next_token || cJSON_AddStringToObject(o, "NextToken", next_token)) &&
         (max_datapoints <= 0 || cJSON_AddNumberToObject(o, "MaxDatapoints", (double)max_datapoints));
    *body = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return *body ? 0 : cc_err_oom(err);
}

/* --------------------------------------------------------------- replies */

static int malformed(cc_err *err, const char *op, const char *what)
{
    cc_err_set(err, CC_EAWS, "cloudwatch.reply", "CloudWatch %s answered with a malformed reply: %s", op, what);
    cc_err_hint(err, "retry; run with -v to see the answer");
    return CC_EAWS;
}

static int take_next_token(const cJSON *root, char **next_token, cc_err *err)
{
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "NextToken");
    *next_token = NULL;
    if (cJSON_IsString(tok) && tok->valuestring[0]) {
        *next_token = strdup(tok->valuestring);
        if (!*next_token)
            return cc_err_oom(err);
    }
    return 0;
}

static int append_points(cw_series *s, const cJSON *ts, const cJSON *vals, cc_err *err)
{
    int n = cJSON_GetArraySize(ts);
    if (!cJSON_IsArray(ts) || !cJSON_IsArray(vals) || n != cJSON_GetArraySize(vals))
        return malformed(err, "GetMetricData", "Timestamps and Values differ in length");
    if (n == 0)
        return 0;
    long long *t = realloc(s->timestamps, (s->n + (size_t)n) * sizeof *t);
    if (t)
        s->timestamps = t;
    double *v = t ? realloc(s->values, (s->n + (size_t)n) * sizeof *v) : NULL;
    if (!v)
        return cc_err_oom(err);
    s->values = v;
    const cJSON *a = ts->child, *b = vals->child;
    for (; a && b; a = a->next, b = b->next) {
        if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b))
            return malformed(err, "GetMetricData", "a timestamp or value is not a number");
        /* epoch seconds up to the year 9999; anything else would not even fit the cast */
        if (!(a->valuedouble >= 0 && a->valuedouble <= 253402300799.0) || !isfinite(b->valuedouble))
            return malformed(err, "GetMetricData", "a timestamp or value is out of range");
        s->timestamps[s->n] = (long long)a->valuedouble;
        s->values[s->n++] = b->valuedouble;
    }
    return 0;
}

static int add_messages(cw_result *acc, const cJSON *msgs, cc_err *err)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, msgs) {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(m, "Code");
        const cJSON *val = cJSON_GetObjectItemCaseSensitive(m, "Value");
        char line[512];
        snprintf(line, sizeof line, "%s%s%s", cJSON_IsString(code) ? code->valuestring : "",
                 cJSON_IsString(code) && cJSON_IsString(val) ? ": " : "", cJSON_IsString(val) ? val->valuestring : "");
        char **grown = realloc(acc->messages, (acc->nmessages + 1) * sizeof *grown);
        if (!grown)
            return cc_err_oom(err);
        acc->messages = grown;
        if (!(acc->messages[acc->nmessages] = strdup(line)))
            return cc_err_oom(err);
        acc->nmessages++;
    }
    return 0;
}

static int merge_result(cw_result *acc, const cJSON *item, cc_err *err)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "Id");
    if (!cJSON_IsString(id))
        return malformed(err, "GetMetricData", "a result has no Id");
    cw_series *s = series_get(acc, id->valuestring, err);
    if (!s)
        return err ? err->status : CC_EINTERNAL;
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(item, "Label");
    if (cJSON_IsString(label) && !s->label && !(s->label = strdup(label->valuestring)))
        return cc_err_oom(err);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(item, "StatusCode");
    s->status = status_from(cJSON_IsString(st) ? st->valuestring : NULL);
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(item, "Timestamps");
    const cJSON *vals = cJSON_GetObjectItemCaseSensitive(item, "Values");
    if (!ts && !vals)
        return 0;
    return append_points(s, ts, vals, err);
}

int cw_parse_get_metric_data(const char *body, size_t len, cw_result *acc, char **next_token, cc_err *err)
{
    *next_token = NULL;
    cJSON *root = cJSON_ParseWithLength(body ? body : "", len);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return malformed(err, "GetMetricData", "not a JSON object");
    }
    const cJSON *results = cJSON_GetObjectItemCaseSensitive(root, "MetricDataResults");
    int rc = results && !cJSON_IsArray(results) ? malformed(err, "GetMetricData", "MetricDataResults is not a list")
                                                : 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, results) {
        if (rc)
            break;
        rc = merge_result(acc, item, err);
    }
    if (!rc)
        rc = add_messages(acc, cJSON_GetObjectItemCaseSensitive(root, "Messages"), err);
    if (!rc)
        rc = take_next_token(root, next_token, err);
    cJSON_Delete(root);
    return rc;
}

/* -------------------------------------------------------------- endpoint */

int cw_prepare(awsclient *c, const char *op, const char *body, aws_request *req, const char *hdrs[3],
               char *target_buf, size_t target_size, cc_err *err)
{
    int rc = awsclient_prepare(c, "monitoring", req, err);
    if (rc)
        return rc;
    snprintf(target_buf, target_size, "X-Amz-Target: " CW_TARGET_PREFIX "%s", op);
    hdrs[0] = target_buf;
    hdrs[1] = "x-amzn-query-mode: true";
    hdrs[2] = NULL;
    aws_request_json(req, "application/x-amz-json-1.0", hdrs, body,
                     strcmp(op, "ListMetrics") ? "cloudwatch:GetMetricData" : "cloudwatch:ListMetrics");
    return 0;
}

int cw_denied_hint(int rc, const char *action, cc_err *err)
{
    if (rc == CC_EDENIED && err)
        cc_err_hint(err, "the identity needs %s (IAM; metrics have no resource scoping, so Resource \"*\"); "
                         "check it with `clinecfg whoami`",
                    action);
    return rc;
}

/* ------------------------------------------------------- GetMetricData */

typedef struct batch {
    const cw_query *q;
    size_t n;
    char *token;
    bool done;
    cw_result part;
    char target[96];
    const char *hdrs[3];
    char *body;
} batch;

static void batch_free(batch *b)
{
    free(b->token);
    free(b->body);
    cw_result_free(&b->part);
}

/* One round: every unfinished batch's next page, concurrently, and the
 * riders when given (the first round). */
static int run_round(awsclient *c, batch *bs, size_t nb, long long start, long long end, size_t max_in_flight,
                     cw_riders *riders, cw_result *out, cc_err *err)
{
    size_t nr = riders ? riders->n : 0, cap = nb + nr + 1;
    size_t *idx = calloc(cap, sizeof *idx);
    aws_request *reqs = calloc(cap, sizeof *reqs);
    aws_response *resps = calloc(cap, sizeof *resps);
    int *sts = calloc(cap, sizeof *sts);
    cc_err *errs = calloc(cap, sizeof *errs);
    size_t k = 0;
    int rc = idx && reqs && resps && sts && errs ? 0 : cc_err_oom(err);
    for (size_t i = 0; !rc && i < nb; i++) {
        batch *b = &bs[i];
        if (b->done)
            continue;
        free(b->body);
        b->body = NULL;
        rc = cw_build_get_metric_data(b->q, b->n, start, end, b->token, 0, &b->body, err);
        if (!rc)
            rc = cw_prepare(c, "GetMetricData", b->body, &reqs[k], b->hdrs, b->target, sizeof b->target, err);
        if (rc)
            break;
        idx[k++] = i;
    }
    size_t pages = k;
    for (size_t j = 0; !rc && j < nr; j++)
        reqs[k++] = riders->reqs[j];
    bool ran = !rc && k;
    if (ran) {
        awsclient_call_many(c, reqs, k, max_in_flight, resps, sts, errs);
        out->calls += pages;
        out->rounds++;
    }
    for (size_t j = 0; j < pages; j++) {
        batch *b = &bs[idx[j]];
        if (!rc && sts[j]) {
            rc = sts[j];
            if (err)
                *err = errs[j];
        }
        char *next = NULL;
        if (!rc)
            rc = cw_parse_get_metric_data(resps[j].body, resps[j].body_len, &b->part, &next, err);
        free(b->token);
        b->token = next;
        b->done = next == NULL;
        aws_response_free(&resps[j]);
    }
    for (size_t j = 0; riders && resps && j < nr; j++) {
        riders->resps[j] = ran ? resps[pages + j] : (aws_response){0};
        riders->statuses[j] = ran ? sts[pages + j] : CC_EINTERNAL;
        cc_err_clear(&riders->errs[j]);
        if (ran)
            riders->errs[j] = errs[pages + j];
    }
    free(idx);
    free(reqs);
    free(resps);
    free(sts);
    free(errs);
    return cw_denied_hint(rc, "cloudwatch:GetMetricData", err);
}

/* Moves a batch's series to out in query order; messages follow. */
static int collect(batch *b, cw_result *out, cc_err *err)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->q[i].hide)
            continue;
        cw_series *dst = series_add(out, b->q[i].id, err);
        if (!dst)
            return err ? err->status : CC_EINTERNAL;
        /* Replies keep the query order: look at the same place first. */
        cw_series *src = i < b->part.n && b->part.series[i].id && !strcmp(b->part.series[i].id, b->q[i].id)
                             ? &b->part.series[i]
                             : NULL;
        for (size_t j = 0; j < b->part.n && !src; j++)
            if (b->part.series[j].id && !strcmp(b->part.series[j].id, b->q[i].id))
                src = &b->part.series[j];
        if (!src)
            continue;
        char *id = dst->id;
        *dst = *src;
        free(dst->id);
        dst->id = id;
        memset(src, 0, sizeof *src);
    }
    for (size_t i = 0; i < b->part.nmessages; i++) {
        char **grown = realloc(out->messages, (out->nmessages + 1) * sizeof *grown);
        if (!grown)
            return cc_err_oom(err);
        out->messages = grown;
        out->messages[out->nmessages++] = b->part.messages[i];
        b->part.messages[i] = NULL;
    }
    return 0;
}

int cw_get_metric_data(awsclient *c, const cw_query *queries, size_t n, long long start, long long end,
                       size_t max_in_flight, cw_result *out, cc_err *err)
{
    return cw_get_metric_data_with(c, queries, n, start, end, max_in_flight, NULL, out, err);
}

int cw_get_metric_data_with(awsclient *c, const cw_query *queries, size_t n, long long start, long long end,
                            size_t max_in_flight, cw_riders *riders, cw_result *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (n == 0 && !(riders && riders->n))
        return 0;
    size_t nb = (n + CW_MAX_QUERIES - 1) / CW_MAX_QUERIES;
    batch *bs = calloc(nb ? nb : 1, sizeof *bs);
    if (!bs)
        return cc_err_oom(err);
    for (size_t i = 0; i < nb; i++) {
        bs[i].q = queries + i * CW_MAX_QUERIES;
        bs[i].n = i + 1 < nb ? CW_MAX_QUERIES : n - i * CW_MAX_QUERIES;
    }
    int rc = 0;
    for (size_t round = 0; !rc; round++) {
        bool pending = round == 0 && riders && riders->n;
        for (size_t i = 0; i < nb; i++)
            pending = pending || !bs[i].done;
        if (!pending)
            break;
        if (round == MAX_PAGES) {
            rc = malformed(err, "GetMetricData", "NextToken never ends");
            break;
        }
        rc = run_round(c, bs, nb, start, end, max_in_flight ? max_in_flight : 4, round == 0 ? riders : NULL, out,
                       err);
    }
    for (size_t i = 0; !rc && i < nb; i++)
        rc = collect(&bs[i], out, err);
    for (size_t i = 0; i < nb; i++)
        batch_free(&bs[i]);
    free(bs);
    if (rc) {
        size_t calls = out->calls, rounds = out->rounds;
        cw_result_free(out);
        out->calls = calls;
        out->rounds = rounds;
    }
    return rc;
}

/* ---------------------------------------------------------- ListMetrics */

void cw_metric_list_free(cw_metric_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].metric_name);
        free(l->v[i].model_id);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

bool cw_metric_list_has(const cw_metric_list *l, const char *metric_name, const char *model_id)
{
    for (size_t i = 0; l && i < l->n; i++)
        if (!strcmp(l->v[i].metric_name, metric_name) && !strcmp(l->v[i].model_id, model_id))
            return true;
    return false;
}

int cw_build_list_metrics(const char *metric_name, const char *model_id, const char *next_token, char **body,
                          cc_err *err)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o && cJSON_AddStringToObject(o, "Namespace", CW_NAMESPACE_BEDROCK) &&
              (!metric_name || cJSON_AddStringToObject(o, "MetricName", metric_name)) &&
              (!next_token || cJSON_AddStringToObject(o, "NextToken", next_token));
    if (ok && model_id) {
        cJSON *dims = cJSON_AddArrayToObject(o, "Dimensions");
        cJSON *dim = dims ? cJSON_CreateObject() : NULL;
        ok = dim != NULL;
        if (ok) {
            cJSON_AddItemToArray(dims, dim);
            ok = cJSON_AddStringToObject(dim, "Name", "ModelId") && cJSON_AddStringToObject(dim, "Value", model_id);
        }
    }
    *body = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return *body ? 0 : cc_err_oom(err);
}

static int add_ref(cw_metric_list *acc, const char *name, const char *model_id, cc_err *err)
{
    cw_metric_ref *grown = realloc(acc->v, (acc->n + 1) * sizeof *grown);
    if (!grown)
        return cc_err_oom(err);
    acc->v = grown;
    cw_metric_ref *r = &acc->v[acc->n];
    r->metric_name = strdup(name);
    r->model_id = strdup(model_id);
    if (!r->metric_name || !r->model_id) {
        free(r->metric_name);
        free(r->model_id);
        return cc_err_oom(err);
    }
    acc->n++;
    return 0;
}

int cw_parse_list_metrics(const char *body, size_t len, cw_metric_list *acc, char **next_token, cc_err *err)
{
    *next_token = NULL;
    cJSON *root = cJSON_ParseWithLength(body ? body : "", len);
    const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(root, "Metrics");
    if (!cJSON_IsObject(root) || (metrics && !cJSON_IsArray(metrics))) {
        cJSON_Delete(root);
        return malformed(err, "ListMetrics", "no Metrics list");
    }
    int rc = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, metrics) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "MetricName");
        const cJSON *dim;
        cJSON_ArrayForEach(dim, cJSON_GetObjectItemCaseSensitive(m, "Dimensions")) {
            const cJSON *dn = cJSON_GetObjectItemCaseSensitive(dim, "Name");
            const cJSON *dv = cJSON_GetObjectItemCaseSensitive(dim, "Value");
            if (!rc && cJSON_IsString(name) && cJSON_IsString(dn) && cJSON_IsString(dv) &&
                !strcmp(dn->valuestring, "ModelId"))
                rc = add_ref(acc, name->valuestring, dv->valuestring, err);
        }
    }
    if (!rc)
        rc = take_next_token(root, next_token, err);
    cJSON_Delete(root);
    return rc;
}

int cw_list_metrics(awsclient *c, const char *metric_name, const char *model_id, cw_metric_list *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    char *token = NULL;
    int rc = 0;
    do {
        char *body = NULL, target[96];
        const char *hdrs[3];
        aws_request req;
        memset(&req, 0, sizeof req);
        aws_response resp;
        memset(&resp, 0, sizeof resp);
        rc = cw_build_list_metrics(metric_name, model_id, token, &body, err);
        if (!rc)
            rc = cw_prepare(c, "ListMetrics", body, &req, hdrs, target, sizeof target, err);
        if (!rc) {
            int st = 0;
            cc_err e;
            cc_err_clear(&e);
            awsclient_call_many(c, &req, 1, 1, &resp, &st, &e);
            out->calls++;
            if (st && err)
                *err = e;
            rc = st;
        }
        free(token);
        token = NULL;
        if (!rc)
            rc = cw_parse_list_metrics(resp.body, resp.body_len, out, &token, err);
        aws_response_free(&resp);
        free(body);
        if (!rc && token && out->calls >= MAX_PAGES)
            rc = malformed(err, "ListMetrics", "NextToken never ends");
    } while (!rc && token);
    free(token);
    if (rc) {
        size_t calls = out->calls;
        cw_metric_list_free(out);
        out->calls = calls;
    }
    return cw_denied_hint(rc, "cloudwatch:ListMetrics", err);
}

void cw_availability_from_list(const cw_metric_list *l, const char *model_id, cw_availability *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; l && i < l->n; i++) {
        int m = cw_metric_from_name(l->v[i].metric_name);
        if (m >= 0 && !strcmp(l->v[i].model_id, model_id))
            out->present[m] = true;
    }
}

int cw_discover(awsclient *c, const char *model_id, cw_availability *out, cc_err *err)
{
    cw_metric_list l;
    memset(out, 0, sizeof *out);
    int rc = cw_list_metrics(c, NULL, model_id, &l, err);
    if (!rc)
        cw_availability_from_list(&l, model_id, out);
    cw_metric_list_free(&l);
    return rc;
}

/*
 * costexplorer.c - Cost Explorer GetCostAndUsage: the request (tag groups,
 * optional tag filter, no service filter), the reply's periods and groups,
 * locale-independent decimal amounts, paging bounded by a call budget, and
 * AccessDenied naming ce:GetCostAndUsage.  See costexplorer.h.
 */
#include "clinecfg/costexplorer.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ce_result_free(ce_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        for (size_t g = 0; g < r->periods[i].ngroups; g++)
            for (size_t k = 0; k < r->periods[i].groups[g].nkeys; k++) {
                free(r->periods[i].groups[g].keys[k].tag);
                free(r->periods[i].groups[g].keys[k].value);
            }
        free(r->periods[i].groups);
    }
    free(r->periods);
    memset(r, 0, sizeof *r);
}

bool ce_parse_amount(const char *s, double *out)
{
    if (!s || !*s)
        return false;
    const char *p = s;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    double v = 0;
    int digits = 0, exp10 = 0;
    for (; isdigit((unsigned char)*p); p++, digits++)
        v = v * 10 + (*p - '0');
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++, digits++, exp10--)
            v = v * 10 + (*p - '0');
    if (!digits)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        bool eneg = *p == '-';
        if (*p == '-' || *p == '+')
            p++;
        int e = 0, edigits = 0;
        for (; isdigit((unsigned char)*p) && e < 10000; p++, edigits++)
            e = e * 10 + (*p - '0');
        if (!edigits)
            return false;
        exp10 += eneg ? -e : e;
    }
    if (*p)
        return false;
    /* Scaling one step at a time keeps libm out of the link. */
    for (; exp10 > 0 && exp10 < 400; exp10--)
        v *= 10;
    for (; exp10 < 0 && exp10 > -400; exp10++)
        v /= 10;
    if (exp10)
        return false;
    *out = neg ? -v : v;
    return true;
}

static bool valid_date(const char *d)
{
    if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)d[i]))
            return false;
    int month = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

static cJSON *tag_filter(const char *key, const char *value)
{
    cJSON *f = cJSON_CreateObject();
    cJSON *tags = f ? cJSON_AddObjectToObject(f, "Tags") : NULL;
    cJSON *values = tags ? cJSON_CreateArray() : NULL;
    cJSON *options = values ? cJSON_CreateArray() : NULL;
    cJSON *v = options ? cJSON_CreateString(value) : NULL;
    cJSON *o = v ? cJSON_CreateString("EQUALS") : NULL;
    if (!o) {
        cJSON_Delete(values);
        cJSON_Delete(options);
        cJSON_Delete(v);
        cJSON_Delete(f);
        return NULL;
    }
    cJSON_AddItemToArray(values, v);
    cJSON_AddItemToArray(options, o);
    cJSON_AddItemToObject(tags, "Values", values);
    cJSON_AddItemToObject(tags, "MatchOptions", options);
    if (!cJSON_AddStringToObject(tags, "Key", key)) {
        cJSON_Delete(f);
        return NULL;
    }
    return f;
}

static bool add_group_by(cJSON *o, const ce_query *q)
{
    if (!q->group_tags[0] && !q->group_tags[1])
        return true;
    cJSON *groups = cJSON_AddArrayToObject(o, "GroupBy");
    for (int i = 0; groups && i < 2; i++) {
        if (!q->group_tags[i])
            continue;
        cJSON *g = cJSON_CreateObject();
        if (!g)
            return false;
        cJSON_AddItemToArray(groups, g);
        if (!cJSON_AddStringToObject(g, "Type", "TAG") || !cJSON_AddStringToObject(g, "Key", q->group_tags[i]))
            return false;
    }
    return groups != NULL;
}

int ce_build_request(const ce_query *q, const char *next_page_token, char **body, cc_err *err)
{
    *body = NULL;
    const char *gran = q->granularity ? q->granularity : "MONTHLY";
    if (!valid_date(q->start) || !valid_date(q->end) || strcmp(q->start, q->end) >= 0)
        return cc_err_set(err, CC_EINPUT, "ce.period", "the Cost Explorer period must be two dates YYYY-MM-DD, "
                                                       "start before end (got '%.16s' .. '%.16s')",
                          q->start ? q->start : "", q->end ? q->end : "");
    if (strcmp(gran, "DAILY") && strcmp(gran, "MONTHLY") && strcmp(gran, "HOURLY"))
        return cc_err_set(err, CC_EINPUT, "ce.granularity", "Cost Explorer granularity '%.16s' is not DAILY, "
                                                            "MONTHLY or HOURLY", gran);
    cJSON *o = cJSON_CreateObject();
    cJSON *period = o ? cJSON_AddObjectToObject(o, "TimePeriod") : NULL;
    cJSON *metrics = period ? cJSON_CreateStringArray(&(const char *){q->metric ? q->metric : "UnblendedCost"}, 1)
                            : NULL;
    bool ok = metrics && cJSON_AddStringToObject(period, "Start", q->start) &&
              cJSON_AddStringToObject(period, "End", q->end) && cJSON_AddStringToObject(o, "Granularity", gran);
    if (metrics)
        cJSON_AddItemToObject(o, "Metrics", metrics);
    ok = ok && add_group_by(o, q);
    if (ok && q->filter_tag && q->filter_value) {
        cJSON *f = tag_filter(q->filter_tag, q->filter_value);
        ok = f != NULL;
        if (f)
            cJSON_AddItemToObject(o, "Filter", f);
    }
    if (ok && next_page_token)
        ok = cJSON_AddStringToObject(o, "NextPageToken", next_page_token) != NULL;
    *body = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return *body ? 0 : cc_err_oom(err);
}

static int malformed(cc_err *err, const char *what)
{
    cc_err_set(err, CC_EAWS, "ce.reply", "Cost Explorer GetCostAndUsage answered with a malformed reply: %s", what);
    cc_err_hint(err, "retry later; run with -v to see the answer");
    return CC_EAWS;
}

/* {"<metric>": {"Amount": "1.5", "Unit": "USD"}} -> amount, unit. */
static int read_metric(const cJSON *metrics, const char *metric, double *amount, char *unit, size_t unit_size,
                       cc_err *err)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(metrics, metric);
    *amount = 0;
    if (!m)
        return 0;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(m, "Amount");
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(m, "Unit");
    if (!cJSON_IsString(a) || !ce_parse_amount(a->valuestring, amount))
        return malformed(err, "an Amount is not a decimal string");
    if (unit && cJSON_IsString(u))
        snprintf(unit, unit_size, "%s", u->valuestring);
    return 0;
}

static int split_key(const char *raw, ce_key *key, cc_err *err)
{
    const char *dollar = strchr(raw, '$');
    key->tag = dollar ? strndup(raw, (size_t)(dollar - raw)) : NULL;
    key->value = strdup(dollar ? dollar + 1 : raw);
    if ((dollar && !key->tag) || !key->value) {
        free(key->tag);
        free(key->value);
        key->tag = key->value = NULL;
        return cc_err_oom(err);
    }
    return 0;
}

static int read_group(const cJSON *g, const char *metric, ce_group *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    const cJSON *k;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(g, "Keys")) {
        if (!cJSON_IsString(k))
            return malformed(err, "a group key is not a string");
        if (out->nkeys == 2)
            break;
        int rc = split_key(k->valuestring, &out->keys[out->nkeys], err);
        if (rc)
            return rc;
        out->nkeys++;
    }
    return read_metric(cJSON_GetObjectItemCaseSensitive(g, "Metrics"), metric, &out->amount, out->unit,
                       sizeof out->unit, err);
}

static int read_period(const cJSON *item, const char *metric, ce_period *p, cc_err *err)
{
    const cJSON *tp = cJSON_GetObjectItemCaseSensitive(item, "TimePeriod");
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(tp, "Start");
    const cJSON *end = cJSON_GetObjectItemCaseSensitive(tp, "End");
    if (!cJSON_IsString(start) || !cJSON_IsString(end))
        return malformed(err, "a result has no TimePeriod");
    snprintf(p->start, sizeof p->start, "%s", start->valuestring);
    snprintf(p->end, sizeof p->end, "%s", end->valuestring);
    p->estimated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "Estimated"));
    int rc = read_metric(cJSON_GetObjectItemCaseSensitive(item, "Total"), metric, &p->total, NULL, 0, err);
    const cJSON *groups = cJSON_GetObjectItemCaseSensitive(item, "Groups");
    int n = cJSON_GetArraySize(groups);
    if (!rc && n > 0) {
        p->groups = calloc((size_t)n, sizeof *p->groups);
        if (!p->groups)
            return cc_err_oom(err);
        const cJSON *g;
        double sum = 0;
        cJSON_ArrayForEach(g, groups) {
            if (rc)
                break;
            rc = read_group(g, metric, &p->groups[p->ngroups], err);
            p->ngroups++;
            sum += p->groups[p->ngroups - 1].amount;
        }
        if (!rc && p->total == 0)
            p->total = sum;
    }
    return rc;
}

int ce_parse_response(const char *body, size_t len, const char *metric, ce_result *acc, char **next_token,
                      cc_err *err)
{
    *next_token = NULL;
    metric = metric ? metric : "UnblendedCost";
    cJSON *root = cJSON_ParseWithLength(body ? body : "", len);
    const cJSON *results = cJSON_GetObjectItemCaseSensitive(root, "ResultsByTime");
    if (!cJSON_IsObject(root) || !cJSON_IsArray(results)) {
        cJSON_Delete(root);
        return malformed(err, "no ResultsByTime list");
    }
    size_t add = (size_t)cJSON_GetArraySize(results);
    ce_period *grown = realloc(acc->periods, (acc->n + add + 1) * sizeof *grown);
    if (!grown) {
        cJSON_Delete(root);
        return cc_err_oom(err);
    }
    acc->periods = grown;
    int rc = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, results) {
        if (rc)
            break;
        ce_period *p = &acc->periods[acc->n++];
        memset(p, 0, sizeof *p);
        rc = read_period(item, metric, p, err);
    }
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "NextPageToken");
    if (!rc && cJSON_IsString(tok) && tok->valuestring[0] && !(*next_token = strdup(tok->valuestring)))
        rc = cc_err_oom(err);
    cJSON_Delete(root);
    return rc;
}

int ce_prepare(awsclient *c, aws_request *req, const char *body, cc_err *err)
{
    static const char *const hdrs[] = {"X-Amz-Target: AWSInsightsIndexService.GetCostAndUsage", NULL};
    int rc = awsclient_prepare(c, "ce", req, err);
    if (rc)
        return rc;
    aws_request_json(req, "application/x-amz-json-1.1", hdrs, body, "ce:GetCostAndUsage");
    return 0;
}

int ce_prepare_cost_tags(awsclient *c, aws_request *req, const char *const *keys, size_t n, char **body,
                         cc_err *err)
{
    static const char *const hdrs[] = {"X-Amz-Target: AWSInsightsIndexService.ListCostAllocationTags", NULL};
    cJSON *o = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(o, "TagKeys");
    for (size_t k = 0; list && k < n; k++)
        cJSON_AddItemToArray(list, cJSON_CreateString(keys[k]));
    *body = list ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (!*body)
        return cc_err_oom(err);
    int rc = awsclient_prepare(c, "ce", req, err);
    if (!rc)
        aws_request_json(req, "application/x-amz-json-1.1", hdrs, *body, "ce:ListCostAllocationTags");
    return rc;
}

bool ce_cost_tag_active(const char *body, size_t len, const char *key)
{
    cJSON *j = cJSON_ParseWithLength(body ? body : "", body ? len : 0);
    bool active = false;
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(j, "CostAllocationTags")) {
        const cJSON *tk = cJSON_GetObjectItemCaseSensitive(t, "TagKey");
        const cJSON *ts = cJSON_GetObjectItemCaseSensitive(t, "Status");
        if (cJSON_IsString(tk) && !strcmp(tk->valuestring, key) && cJSON_IsString(ts) &&
            !strcmp(ts->valuestring, "Active"))
            active = true;
    }
    cJSON_Delete(j);
    return active;
}

int ce_denied_hint(int rc, cc_err *err)
{
    if (rc == CC_EDENIED && err)
        cc_err_hint(err, "the identity needs ce:GetCostAndUsage (IAM) to read billed cost; the CloudWatch figures "
                         "do not need it");
    return rc;
}

static int call_once(awsclient *c, const ce_query *q, const char *token, ce_result *out, char **next, cc_err *err)
{
    char *body = NULL;
    int rc = ce_build_request(q, token, &body, err);
    aws_request req;
    memset(&req, 0, sizeof req);
    if (!rc)
        rc = ce_prepare(c, &req, body, err);
    aws_response resp;
    memset(&resp, 0, sizeof resp);
    if (!rc) {
        int st = 0;
        cc_err e;
        cc_err_clear(&e);
        awsclient_call_many(c, &req, 1, 1, &resp, &st, &e);
        if (st && err)
            *err = e;
        rc = st;
    }
    if (resp.status)
        out->calls++;
    if (!rc)
        rc = ce_parse_response(resp.body, resp.body_len, q->metric, out, next, err);
    aws_response_free(&resp);
    free(body);
    return ce_denied_hint(rc, err);
}

int ce_get_cost_and_usage(awsclient *c, const ce_query *q, size_t max_calls, ce_result *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (max_calls == 0)
        max_calls = 1;
    char *token = NULL;
    int rc = 0;
    do {
        char *next = NULL;
        rc = call_once(c, q, token, out, &next, err);
        free(token);
        token = next;
    } while (!rc && token && out->calls < max_calls);
    out->truncated = !rc && token != NULL;
    free(token);
    if (rc) {
        size_t calls = out->calls;
        ce_result_free(out);
        out->calls = calls;
    }
    return rc;
}

double ce_result_sum(const ce_result *r, size_t k, const char *value)
{
    double sum = 0;
    for (size_t i = 0; r && i < r->n; i++)
        for (size_t g = 0; g < r->periods[i].ngroups; g++) {
            const ce_group *grp = &r->periods[i].groups[g];
            if (k < grp->nkeys && !strcmp(grp->keys[k].value, value))
                sum += grp->amount;
        }
    return sum;
}

bool ce_result_estimated(const ce_result *r)
{
    for (size_t i = 0; r && i < r->n; i++)
        if (r->periods[i].estimated)
            return true;
    return false;
}

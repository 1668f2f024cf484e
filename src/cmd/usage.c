/*
 * usage.c - 'clinecfg usage': the developer's own profile (the ARN `setup`
 * remembered), per period and in total: invocations, tokens, the share of
 * the prompt served from cache, throttles, errors, the estimate from the
 * price table (labelled with its date) and a bar chart; plus the billed
 * month-to-date cost from Cost Explorer, or why there is none; and the
 * member's limit as `admin limits set` recorded it (the budget
 * clinecfg-{team}-{member}: limit, actual, forecast) with the state of the
 * member's hourly-token alarm, or why they are not readable.
 *
 * Round trips: the profile and its tags (one concurrent pair), then
 * GetMetricData, ListMetrics, GetCostAndUsage, ListCostAllocationTags,
 * Budgets' DescribeBudget and DescribeAlarms together.  A denied CloudWatch
 * metric read is exit 5; a denied Cost Explorer, Budgets or alarm read only
 * says so (the CloudWatch figures are still the answer).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/arn.h"
#include "clinecfg/bedrock.h"
#include "clinecfg/budgets.h"
#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/costexplorer.h"
#include "clinecfg/cwalarm.h"
#include "clinecfg/keyring.h"
#include "clinecfg/limits.h"
#include "clinecfg/session.h"
#include "clinecfg/setupstate.h"
#include "clinecfg/usage.h"

enum {
    USAGE_OPT_SINCE,
    USAGE_OPT_UNTIL,
    USAGE_OPT_PERIOD,
    USAGE_OPT_ACCOUNT,
    USAGE_OPT_AWS_PROFILE,
    USAGE_OPT_COUNT
};

static const cli_opt usage_opts[USAGE_OPT_COUNT] = {
    [USAGE_OPT_SINCE] = {"since", 0, OPT_VALUE, "SPEC", "start: today, month, 24h, 7d, 30d or an ISO date/time (default 7d)"},
    [USAGE_OPT_UNTIL] = {"until", 0, OPT_VALUE, "SPEC", "end, same forms (default now); UTC unless an offset is given"},
    [USAGE_OPT_PERIOD] = {"period", 0, OPT_VALUE, "1h|1d", "one row per hour or per day (default 1d)"},
    [USAGE_OPT_ACCOUNT] = {"account", 0, OPT_VALUE, "NAME", "keyring account (default: CLINECFG_ACCOUNT or default)"},
    [USAGE_OPT_AWS_PROFILE] = {"aws-profile", 0, OPT_VALUE, "P", "resolve credentials from profile P"},
};

enum { R_LIST_METRICS, R_COST, R_COST_TAGS, R_BUDGET, R_ALARM, R_COUNT };

typedef struct usage_run {
    long long since, until, qstart;
    int period, qperiod;
    size_t nbuckets;
    usage_counts *buckets;
    usage_counts total;
    bool present[U_FIELDS];
    bedrock_inference_profile profile;
    bedrock_tags tags;
    const char *member;      /* the member tag's value, borrowed from tags */
    const char *member_key;
    price_table prices;
    const price_entry *price;
    /* billed */
    bool billed;
    double billed_usd;
    char billed_start[32], billed_end[32], billed_as_of[32];
    char billed_note[1400];
    /* the limit: the member's budget and hourly-token alarm */
    char budget_name[LIMITS_NAME_MAX + 1];
    char alarm_name[LIMITS_ALARM_MAX + 1];
    bool has_limit, has_actual, has_forecast, has_alarm;
    double limit_usd, actual_usd, forecast_usd;
    char alarm_state[32];
    char limit_note[1400], alarm_note[1400];
    size_t requests, round_trips;
} usage_run;

static void usage_run_free(usage_run *u)
{
    free(u->buckets);
    bedrock_profile_free(&u->profile);
    bedrock_tags_free(&u->tags);
    prices_free(&u->prices);
}

static int parse_window(const cli_args *a, usage_run *u, cc_err *err)
{
    long long now = (long long)time(NULL);
    const char *since = cli_value(a, USAGE_OPT_SINCE), *until = cli_value(a, USAGE_OPT_UNTIL);
    int rc = usage_parse_time("--since", since ? since : "7d", now, &u->since, err);
    if (!rc)
        rc = usage_parse_time("--until", until ? until : "now", now, &u->until, err);
    const char *period = cli_value(a, USAGE_OPT_PERIOD);
    if (!rc)
        rc = usage_parse_period(period ? period : "1d", &u->period, err);
    if (!rc && u->since >= u->until) {
        rc = cc_err_set(err, CC_EUSAGE, "usage", "--since must be before --until");
        cc_err_hint(err, "e.g. --since 2026-12-01 --until 2026-12-08");
    }
    if (rc)
        return rc;
    /* CloudWatch keeps 1-minute data 15 days: older windows start at the hour. */
    if (u->since % 3600 && now - u->since > 15 * 86400)
        u->since -= u->since % 3600;
    u->qperiod = u->since % u->period == 0 ? u->period : u->since % 3600 == 0 ? 3600 : 60;
    u->qstart = u->since;
    u->nbuckets = (size_t)((u->until - u->since + u->period - 1) / u->period);
    u->buckets = calloc(u->nbuckets, sizeof *u->buckets);
    return u->buckets ? 0 : cc_err_oom(err);
}

/* The profile and its tags, concurrently. */
static int load_profile(awsclient *c, const char *arn, usage_run *u, const cc_out *out, cc_err *err)
{
    bedrock_batch_item items[2];
    memset(items, 0, sizeof items);
    items[0].op = BEDROCK_OP_GET_PROFILE;
    items[0].arg = arn;
    items[1].op = BEDROCK_OP_LIST_TAGS;
    items[1].arg = arn;
    bedrock_batch(c, items, 2, 2, err);
    u->requests += 2;
    u->round_trips++;
    int rc = items[0].status;
    if (rc) {
        *err = items[0].err;
        if (rc == CC_EINPUT)
            cc_err_hint(err, "the profile setup remembered is gone: run 'clinecfg setup' again");
    } else {
        u->profile = items[0].out.profile;
        memset(&items[0].out.profile, 0, sizeof items[0].out.profile);
    }
    if (!items[1].status) {
        u->tags = items[1].out.tags;
        memset(&items[1].out.tags, 0, sizeof items[1].out.tags);
    } else if (!rc) {
        out_warn(out, "could not read the profile's tags: %s", items[1].err.message);
    }
    bedrock_batch_free(items, 2);
    return rc;
}

/* The billed month-to-date figure from the Cost Explorer answers. */
static void read_billed(usage_run *u, cw_riders *r, const cc_out *out)
{
    if (!u->member) {
        snprintf(u->billed_note, sizeof u->billed_note, "the profile has no %s tag, so Cost Explorer cannot "
                 "attribute its cost", u->member_key);
        return;
    }
    if (r->statuses[R_COST] == CC_EDENIED) {
        snprintf(u->billed_note, sizeof u->billed_note, "denied: the identity needs ce:GetCostAndUsage");
        out_warn(out, "no billed cost: Cost Explorer denied ce:GetCostAndUsage (the CloudWatch figures are complete)");
        return;
    }
    if (r->statuses[R_COST]) {
        snprintf(u->billed_note, sizeof u->billed_note, "Cost Explorer failed: %s", r->errs[R_COST].message);
        out_warn(out, "no billed cost: %s", r->errs[R_COST].message);
        return;
    }
    if (!r->statuses[R_COST_TAGS] &&
        !ce_cost_tag_active(r->resps[R_COST_TAGS].body, r->resps[R_COST_TAGS].body_len, u->member_key)) {
        snprintf(u->billed_note, sizeof u->billed_note, "inactive tags: %s is not an active cost-allocation tag "
                 "(Billing > Cost allocation tags)", u->member_key);
        return;
    }
    ce_result res;
    memset(&res, 0, sizeof res);
    char *next = NULL;
    cc_err perr;
    cc_err_clear(&perr);
    if (ce_parse_response(r->resps[R_COST].body, r->resps[R_COST].body_len, "UnblendedCost", &res, &next, &perr)) {
        snprintf(u->billed_note, sizeof u->billed_note, "Cost Explorer's answer was unreadable: %s", perr.message);
        return;
    }
    free(next);
    for (size_t i = 0; i < res.n; i++)
        for (size_t g = 0; g < res.periods[i].ngroups; g++) {
            const ce_group *grp = &res.periods[i].groups[g];
            if (grp->nkeys && !strcmp(grp->keys[0].value, u->member) && grp->amount != 0) {
                u->billed = true;
                snprintf(u->billed_as_of, sizeof u->billed_as_of, "%.10s", res.periods[i].start);
            }
        }
    u->billed_usd = ce_result_sum(&res, 0, u->member);
    ce_result_free(&res);
    if (!u->billed)
        snprintf(u->billed_note, sizeof u->billed_note, "not yet available: Cost Explorer has no cost for %s=%s "
                 "this month yet (it lags about a day)", u->member_key, u->member);
}

/* Fills the three riders: ListMetrics, GetCostAndUsage, ListCostAllocationTags. */
static int prepare_riders(awsclient *c, usage_run *u, cw_riders *r, char *bodies[R_COUNT], const char *cw_hdrs[3],
                          char *target, size_t target_size, cc_err *err)
{
    long long now = (long long)time(NULL);
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(u->billed_start, sizeof u->billed_start, "%Y-%m-01", &tm);
    usage_iso_date(now + 86400, u->billed_end, sizeof u->billed_end);
    ce_query q = {.start = u->billed_start, .end = u->billed_end, .granularity = "DAILY",
                  .group_tags = {u->member_key, NULL}, .filter_tag = u->member_key,
                  .filter_value = u->member ? u->member : ""};
    int rc = cw_build_list_metrics(NULL, u->profile.id, NULL, &bodies[R_LIST_METRICS], err);
    if (!rc)
        rc = ce_build_request(&q, NULL, &bodies[R_COST], err);
    if (!rc)
        rc = cw_prepare(c, "ListMetrics", bodies[R_LIST_METRICS], &r->reqs[R_LIST_METRICS], cw_hdrs, target,
                        target_size, err);
    if (!rc)
        rc = ce_prepare(c, &r->reqs[R_COST], bodies[R_COST], err);
    if (!rc)
        rc = ce_prepare_cost_tags(c, &r->reqs[R_COST_TAGS], &u->member_key, 1, &bodies[R_COST_TAGS], err);
    r->n = !u->member ? 1 : u->budget_name[0] ? R_COUNT : R_BUDGET;
    return rc;
}

/* DescribeBudget of the member's budget and DescribeAlarms of their
 * hourly-token alarm, by exact name (one call each, so they can ride along
 * with the metrics: no paging through the team's budgets). */
static int prepare_limit_riders(awsclient *c, usage_run *u, cw_riders *r, char *bodies[R_COUNT],
                                const char *alarm_hdrs[3], char *alarm_target, size_t target_size, cc_err *err)
{
    arn_parts parts;
    if (arn_parse(u->profile.arn, "profile ARN", &parts, err))
        return err->status;
    cJSON *budget = bg_body_budget_name(parts.account, u->budget_name);
    cJSON *alarm = cJSON_CreateObject();
    const char *names[] = {u->alarm_name}, *types[] = {"MetricAlarm"};
    if (alarm) {
        cJSON_AddItemToObject(alarm, "AlarmNames", cJSON_CreateStringArray(names, 1));
        cJSON_AddItemToObject(alarm, "AlarmTypes", cJSON_CreateStringArray(types, 1));
    }
    bodies[R_BUDGET] = budget ? cJSON_PrintUnformatted(budget) : NULL;
    bodies[R_ALARM] = alarm ? cJSON_PrintUnformatted(alarm) : NULL;
    cJSON_Delete(budget);
    cJSON_Delete(alarm);
    if (!bodies[R_BUDGET] || !bodies[R_ALARM])
        return cc_err_oom(err);
    static const char *const budget_hdrs[] = {"X-Amz-Target: " BG_TARGET_PREFIX "DescribeBudget", NULL};
    int rc = awsclient_prepare(c, "budgets", &r->reqs[R_BUDGET], err);
    if (!rc)
        aws_request_json(&r->reqs[R_BUDGET], "application/x-amz-json-1.1", budget_hdrs, bodies[R_BUDGET],
                         "budgets:ViewBudget");
    if (!rc)
        rc = cw_prepare(c, "DescribeAlarms", bodies[R_ALARM], &r->reqs[R_ALARM], alarm_hdrs, alarm_target,
                        target_size, err);
    r->reqs[R_ALARM].operation = "cloudwatch:DescribeAlarms";
    return rc;
}

static void read_budget(usage_run *u, cw_riders *r)
{
    const aws_response *resp = &r->resps[R_BUDGET];
    if (r->statuses[R_BUDGET] == CC_EDENIED) {
        snprintf(u->limit_note, sizeof u->limit_note, "not readable: reading budget %s is denied (the identity "
                 "needs budgets:ViewBudget)", u->budget_name);
        return;
    }
    if (bg_err_is(&r->errs[R_BUDGET], "NotFoundException")) {
        snprintf(u->limit_note, sizeof u->limit_note, "none: there is no budget %s (an admin sets one with "
                 "'clinecfg admin limits set')", u->budget_name);
        return;
    }
    if (r->statuses[R_BUDGET]) {
        snprintf(u->limit_note, sizeof u->limit_note, "not readable: AWS Budgets failed: %s",
                 r->errs[R_BUDGET].message);
        return;
    }
    /* One DescribeBudget answer read as a one-budget DescribeBudgets page. */
    cJSON *reply = cJSON_ParseWithLength(resp->body ? resp->body : "", resp->body_len);
    cJSON *page = cJSON_CreateObject();
    cJSON *list = page ? cJSON_AddArrayToObject(page, "Budgets") : NULL;
    cJSON *one = cJSON_DetachItemFromObjectCaseSensitive(reply, "Budget");
    if (list && one)
        cJSON_AddItemToArray(list, one);
    else
        cJSON_Delete(one);
    char *text = list ? cJSON_PrintUnformatted(page) : NULL;
    bg_budget_list l;
    memset(&l, 0, sizeof l);
    char *next = NULL;
    cc_err perr;
    cc_err_clear(&perr);
    const bg_budget *b = NULL;
    if (text && !bg_parse_budgets(text, strlen(text), NULL, &l, &next, &perr))
        b = bg_budget_list_find(&l, u->budget_name);
    if (b) {
        u->has_limit = true;
        u->limit_usd = b->limit;
        u->has_actual = b->has_actual;
        u->actual_usd = b->actual;
        u->has_forecast = b->has_forecast;
        u->forecast_usd = b->forecast;
    } else {
        snprintf(u->limit_note, sizeof u->limit_note, "not readable: AWS Budgets' answer for %s was unreadable%s%s",
                 u->budget_name, perr.message[0] ? ": " : "", perr.message);
    }
    free(next);
    free(text);
    bg_budget_list_free(&l);
    cJSON_Delete(page);
    cJSON_Delete(reply);
}

static void read_alarm(usage_run *u, cw_riders *r)
{
    const aws_response *resp = &r->resps[R_ALARM];
    if (r->statuses[R_ALARM] == CC_EDENIED) {
        snprintf(u->alarm_note, sizeof u->alarm_note, "not readable: reading alarm %s is denied (the identity "
                 "needs cloudwatch:DescribeAlarms)", u->alarm_name);
        return;
    }
    if (r->statuses[R_ALARM]) {
        snprintf(u->alarm_note, sizeof u->alarm_note, "not readable: CloudWatch failed: %s", r->errs[R_ALARM].message);
        return;
    }
    cJSON *reply = cJSON_ParseWithLength(resp->body ? resp->body : "", resp->body_len);
    cwa_alarm_list l;
    memset(&l, 0, sizeof l);
    char *next = NULL;
    cc_err perr;
    cc_err_clear(&perr);
    const cwa_alarm *a = NULL;
    bool parsed = reply && !cwa_parse_alarms(reply, &l, &next, &perr);
    if (parsed)
        a = cwa_alarm_list_find(&l, u->alarm_name);
    if (a && a->state) {
        u->has_alarm = true;
        snprintf(u->alarm_state, sizeof u->alarm_state, "%s", a->state);
    } else if (parsed) {
        snprintf(u->alarm_note, sizeof u->alarm_note, "none: there is no hourly-token alarm %s (an admin sets one "
                 "with 'clinecfg admin limits set --hourly-tokens N')", u->alarm_name);
    } else {
        snprintf(u->alarm_note, sizeof u->alarm_note, "not readable: CloudWatch's DescribeAlarms answer was "
                 "unreadable%s%s", perr.message[0] ? ": " : "", perr.message);
    }
    free(next);
    cwa_alarm_list_free(&l);
    cJSON_Delete(reply);
}

/* The limit from the Budgets and alarm answers. */
static void read_limit(usage_run *u, cw_riders *r)
{
    if (!u->member) {
        snprintf(u->limit_note, sizeof u->limit_note, "unknown: the profile has no %s tag, so no member budget "
                 "can be named", u->member_key);
        return;
    }
    if (!u->budget_name[0]) {
        snprintf(u->limit_note, sizeof u->limit_note, "unknown: neither the profile's team tag nor the config names "
                 "a team, so no member budget can be named");
        return;
    }
    read_budget(u, r);
    read_alarm(u, r);
}

/* Which metrics exist for the profile (ListMetrics); unknown = present. */
static void read_availability(usage_run *u, cw_riders *r, const cw_result *res, const cc_out *out)
{
    cw_metric_list l;
    memset(&l, 0, sizeof l);
    char *next = NULL;
    cc_err perr;
    cc_err_clear(&perr);
    bool listed = !r->statuses[R_LIST_METRICS] &&
                  !cw_parse_list_metrics(r->resps[R_LIST_METRICS].body, r->resps[R_LIST_METRICS].body_len, &l,
                                         &next, &perr);
    free(next);
    cw_availability av;
    cw_availability_from_list(&l, u->profile.id, &av);
    if (!listed)
        out_warn(out, "could not list the published metrics (%s); the cache columns may show 0 for absent metrics",
                 r->statuses[R_LIST_METRICS] ? r->errs[R_LIST_METRICS].message : perr.message);
    bool any_listed = l.n > 0;
    for (int m = 0; m < CW_METRIC_COUNT; m++) {
        usage_field f = usage_field_of_metric((cw_metric)m);
        bool has_points = res->series[m].n > 0;
        /* No metric at all is listed before the first call: nothing used, not absent. */
        bool present = !listed || !any_listed || av.present[m] || has_points || cw_metric_confirmed((cw_metric)m);
        u->present[f] = u->present[f] || present;
    }
    cw_metric_list_free(&l);
}

static void add_series(usage_run *u, const cw_result *res)
{
    for (int m = 0; m < CW_METRIC_COUNT; m++) {
        const cw_series *s = &res->series[m];
        usage_field f = usage_field_of_metric((cw_metric)m);
        for (size_t i = 0; i < s->n; i++) {
            if (s->timestamps[i] < u->since || s->timestamps[i] >= u->until)
                continue;
            size_t k = (size_t)((s->timestamps[i] - u->since) / u->period);
            if (k < u->nbuckets)
                u->buckets[k].v[f] += s->values[i];
        }
    }
    for (size_t k = 0; k < u->nbuckets; k++)
        usage_counts_add(&u->total, &u->buckets[k]);
}

/* Metrics and cost in one round. */
static int fetch(awsclient *c, usage_run *u, const cc_out *out, cc_err *err)
{
    cw_query q[CW_METRIC_COUNT];
    char ids[CW_METRIC_COUNT][8];
    for (int m = 0; m < CW_METRIC_COUNT; m++) {
        snprintf(ids[m], sizeof ids[m], "m%d", m);
        q[m] = (cw_query){.id = ids[m], .model_id = u->profile.id, .metric_name = cw_metric_name((cw_metric)m),
                          .period = u->qperiod};
    }
    aws_request reqs[R_COUNT];
    aws_response resps[R_COUNT];
    int sts[R_COUNT];
    cc_err errs[R_COUNT];
    for (int i = 0; i < R_COUNT; i++)
        sts[i] = CC_EINTERNAL;
    memset(reqs, 0, sizeof reqs);
    memset(resps, 0, sizeof resps);
    memset(errs, 0, sizeof errs);
    cw_riders r = {reqs, resps, sts, errs, 0};
    char *bodies[R_COUNT] = {NULL};
    const char *cw_hdrs[3], *alarm_hdrs[3];
    char target[96], alarm_target[96];
    int rc = prepare_riders(c, u, &r, bodies, cw_hdrs, target, sizeof target, err);
    if (!rc && r.n == R_COUNT)
        rc = prepare_limit_riders(c, u, &r, bodies, alarm_hdrs, alarm_target, sizeof alarm_target, err);
    cw_result res;
    memset(&res, 0, sizeof res);
    if (!rc) {
        out_progress(out, "reading CloudWatch metrics%s for %s", u->member ? " and Cost Explorer" : "",
                     u->profile.name);
        rc = cw_get_metric_data_with(c, q, CW_METRIC_COUNT, u->qstart, u->until, 8, &r, &res, err);
        u->requests += res.calls + r.n;
        u->round_trips += res.rounds;
    }
    if (!rc) {
        read_availability(u, &r, &res, out);
        add_series(u, &res);
        read_billed(u, &r, out);
        read_limit(u, &r);
    }
    cw_result_free(&res);
    for (int i = 0; i < R_COUNT; i++) {
        aws_response_free(&resps[i]);
        free(bodies[i]);
    }
    return rc;
}

/* ---------------------------------------------------------------- output */

static void add_count(cJSON *o, const char *key, const usage_run *u, const usage_counts *c, usage_field f)
{
    if (u->present[f])
        cJSON_AddNumberToObject(o, key, c->v[f]);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *counts_json(const usage_run *u, const usage_counts *c, bool with_share)
{
    cJSON *o = cJSON_CreateObject();
    for (int f = 0; f < U_FIELDS; f++)
        add_count(o, usage_field_name((usage_field)f), u, c, (usage_field)f);
    bool complete;
    double usd = usage_estimate(u->price, c, &complete);
    if (complete)
        cJSON_AddNumberToObject(o, "estimated_usd", usd);
    else
        cJSON_AddNullToObject(o, "estimated_usd");
    double share = usage_cache_share(c);
    if (with_share) {
        if (share >= 0 && u->present[U_CACHE_READ])
            cJSON_AddNumberToObject(o, "cache_share", share);
        else
            cJSON_AddNullToObject(o, "cache_share");
    }
    return o;
}

static void add_number_or_null(cJSON *o, const char *key, bool has, double v)
{
    if (has)
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

/* limit{budget, usd, actual_usd, forecast_usd, alarm_state}|null, with the
 * reason beside whatever is null. */
static void limit_json(cJSON *r, const usage_run *u)
{
    if (!u->has_limit) {
        cJSON_AddNullToObject(r, "limit");
        cJSON_AddStringToObject(r, "limit_unavailable", u->limit_note);
        return;
    }
    cJSON *l = cJSON_AddObjectToObject(r, "limit");
    cJSON_AddStringToObject(l, "budget", u->budget_name);
    cJSON_AddNumberToObject(l, "usd", u->limit_usd);
    add_number_or_null(l, "actual_usd", u->has_actual, u->actual_usd);
    add_number_or_null(l, "forecast_usd", u->has_forecast, u->forecast_usd);
    if (u->has_alarm) {
        cJSON_AddStringToObject(l, "alarm_state", u->alarm_state);
    } else {
        cJSON_AddNullToObject(l, "alarm_state");
        cJSON_AddStringToObject(l, "alarm_unavailable", u->alarm_note);
    }
}

static void limit_text(strbuf *b, const usage_run *u)
{
    if (u->has_limit) {
        usage_printf(b, "limit (AWS Budgets %s): USD %.2f a month", u->budget_name, u->limit_usd);
        if (u->has_actual)
            usage_printf(b, ", actual USD %.2f", u->actual_usd);
        if (u->has_forecast)
            usage_printf(b, ", forecast USD %.2f", u->forecast_usd);
        usage_printf(b, "\n");
    } else {
        usage_printf(b, "limit: %s\n", u->limit_note);
    }
    if (u->has_alarm)
        usage_printf(b, "hourly-token alarm (%s): %s\n", u->alarm_name, u->alarm_state);
    else if (u->alarm_note[0])
        usage_printf(b, "hourly-token alarm: %s\n", u->alarm_note);
}

static void result_json(cJSON *r, const usage_run *u)
{
    char buf[32];
    cJSON *p = cJSON_AddObjectToObject(r, "profile");
    cJSON_AddStringToObject(p, "arn", u->profile.arn);
    cJSON_AddStringToObject(p, "id", u->profile.id);
    cJSON_AddStringToObject(p, "name", u->profile.name);
    cJSON *tags = cJSON_AddObjectToObject(p, "tags");
    for (size_t i = 0; i < u->tags.n; i++)
        cJSON_AddStringToObject(tags, u->tags.items[i].key, u->tags.items[i].value);
    usage_iso_time(u->since, buf, sizeof buf);
    cJSON_AddStringToObject(r, "since", buf);
    usage_iso_time(u->until, buf, sizeof buf);
    cJSON_AddStringToObject(r, "until", buf);
    cJSON_AddStringToObject(r, "period", u->period == 3600 ? "1h" : "1d");
    cJSON *series = cJSON_AddArrayToObject(r, "series");
    for (size_t k = 0; k < u->nbuckets; k++) {
        cJSON *e = counts_json(u, &u->buckets[k], false);
        usage_iso_time(u->since + (long long)k * u->period, buf, sizeof buf);
        cJSON_AddItemToObject(e, "start", cJSON_CreateString(buf));
        cJSON_AddItemToArray(series, e);
    }
    cJSON_AddItemToObject(r, "totals", counts_json(u, &u->total, true));
    if (u->billed) {
        cJSON *b = cJSON_AddObjectToObject(r, "billed");
        cJSON_AddNumberToObject(b, "usd", u->billed_usd);
        cJSON_AddStringToObject(b, "start", u->billed_start);
        cJSON_AddStringToObject(b, "end", u->billed_end);
        cJSON_AddStringToObject(b, "as_of", u->billed_as_of);
    } else {
        cJSON_AddNullToObject(r, "billed");
        cJSON_AddStringToObject(r, "billed_unavailable", u->billed_note);
    }
    limit_json(r, u);
    cJSON *pr = cJSON_AddObjectToObject(r, "prices");
    cJSON_AddStringToObject(pr, "source", u->prices.source ? u->prices.source : "");
    cJSON_AddStringToObject(pr, "date", u->prices.date ? u->prices.date : "");
    cJSON_AddBoolToObject(pr, "model_priced", u->price != NULL);
    cJSON *st = cJSON_AddObjectToObject(r, "stats");
    cJSON_AddNumberToObject(st, "requests", (double)u->requests);
    cJSON_AddNumberToObject(st, "round_trips", (double)u->round_trips);
}

static void fmt_field(const usage_run *u, const usage_counts *c, usage_field f, char *out, size_t size)
{
    if (!u->present[f])
        snprintf(out, size, "n/a");
    else
        usage_group_digits(c->v[f], out, size);
}

static void text_row(strbuf *b, const usage_run *u, const char *label, const usage_counts *c, double max, bool utf8,
                     bool color)
{
    char f[U_FIELDS][32], share[16], usd[24];
    for (int k = 0; k < U_FIELDS; k++)
        fmt_field(u, c, (usage_field)k, f[k], sizeof f[k]);
    double s = usage_cache_share(c);
    snprintf(share, sizeof share, s >= 0 && u->present[U_CACHE_READ] ? "%.0f%%" : "-", s * 100);
    bool complete;
    double e = usage_estimate(u->price, c, &complete);
    snprintf(usd, sizeof usd, complete ? "%.4f" : "?", e);
    usage_printf(b, "%-17s %6s %12s %10s %12s %11s %5s %5s %5s %9s ", label, f[U_INVOCATIONS], f[U_INPUT],
                 f[U_OUTPUT], f[U_CACHE_READ], f[U_CACHE_WRITE], share, f[U_THROTTLES], f[U_ERRORS], usd);
    if (max >= 0) {
        if (color)
            strbuf_puts(b, "\033[36m");
        usage_bar(b, usage_tokens(c), max, 24, utf8);
        if (color)
            strbuf_puts(b, "\033[0m");
    }
    strbuf_puts(b, "\n");
}

static void print_text(const cc_ctx *ctx, const usage_run *u)
{
    strbuf b = {0};
    bool utf8 = usage_locale_utf8();
    bool color = ctx->out.color && isatty(STDOUT_FILENO);
    char since[32], until[32];
    usage_iso_time(u->since, since, sizeof since);
    usage_iso_time(u->until, until, sizeof until);
    usage_printf(&b, "profile %s (%s)\n%s .. %s, per %s\n\n", u->profile.name, u->profile.arn, since, until,
                 u->period == 3600 ? "hour" : "day");
    usage_printf(&b, "%-17s %6s %12s %10s %12s %11s %5s %5s %5s %9s %s\n", "PERIOD (UTC)", "CALLS", "INPUT",
                 "OUTPUT", "CACHE READ", "CACHE WRITE", "CACHE", "THROT", "ERR", "EST. USD", "TOKENS");
    double max = 0;
    for (size_t k = 0; k < u->nbuckets; k++)
        max = usage_tokens(&u->buckets[k]) > max ? usage_tokens(&u->buckets[k]) : max;
    for (size_t k = 0; k < u->nbuckets; k++) {
        char label[32];
        time_t t = (time_t)(u->since + (long long)k * u->period);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(label, sizeof label, "%Y-%m-%d %H:%M", &tm);
        text_row(&b, u, label, &u->buckets[k], max, utf8, color);
    }
    text_row(&b, u, "total", &u->total, -1, utf8, color);
    usage_printf(&b, "\nestimated USD: an estimate from the price table of %s%s\n",
                 u->prices.date ? u->prices.date : "?", u->price ? "" : " (this profile's model has no price there)");
    if (u->billed)
        usage_printf(&b, "billed (Cost Explorer) %s .. %s: USD %.*f, as of %s\n", u->billed_start, u->billed_end,
                     u->billed_usd < 1 ? 4 : 2, u->billed_usd, u->billed_as_of);
    else
        usage_printf(&b, "billed (Cost Explorer): none - %s\n", u->billed_note);
    limit_text(&b, u);
    for (int f = 0; f < U_FIELDS; f++)
        if (!u->present[f])
            usage_printf(&b, "n/a: CloudWatch publishes no %s metric for this profile\n", usage_field_name(f));
    out_text(&ctx->out, "%s", b.p ? b.p : "");
    strbuf_release(&b);
}

static int open_usage_session(cc_ctx *ctx, const cli_args *a, const setupstate *st, session *s, cc_err *err)
{
    arn_parts parts;
    const char *region = st->region;
    if (arn_parse(st->profile_arn, "profile ARN", &parts, NULL) == 0 && parts.region[0])
        region = parts.region;
    const char *account = cli_value(a, USAGE_OPT_ACCOUNT);
    if (account) {
        int rc = keyring_check_account(account, err);
        if (rc)
            return rc;
    }
    session_opts so = {.aws_profile = cli_value(a, USAGE_OPT_AWS_PROFILE), .region = region, .account = account};
    return session_open(s, ctx, &so, err);
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    usage_run u;
    memset(&u, 0, sizeof u);
    int rc = parse_window(a, &u, err);
    cc_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (!rc)
        rc = cfg_load(&cfg, ctx, err);
    setupstate st;
    setupstate_init(&st);
    setupstate_load(&st);
    if (!rc && !st.profile_arn) {
        rc = cc_err_set(err, CC_EINPUT, "usage.no_profile", "no profile: this machine has not run 'clinecfg setup'");
        cc_err_hint(err, "run 'clinecfg setup' first; usage reads the profile it remembers");
    }
    if (!rc)
        rc = usage_load_prices(ctx->self_path, cfg_json(&cfg, CFG_PRICES), &u.prices, err);
    session s;
    memset(&s, 0, sizeof s);
    if (!rc)
        rc = open_usage_session(ctx, a, &st, &s, err);
    if (!rc)
        rc = load_profile(s.aws, st.profile_arn, &u, &ctx->out, err);
    if (!rc) {
        u.member_key = cfg_str(&cfg, CFG_TAG_KEY_MEMBER);
        u.member = bedrock_tags_get(&u.tags, u.member_key);
        const char *team = bedrock_tags_get(&u.tags, cfg_str(&cfg, CFG_TAG_KEY_TEAM));
        if (!team || !*team)
            team = cfg_str(&cfg, CFG_TEAM);
        if (u.member && team && *team) {
            limits_budget_name(team, u.member, u.budget_name);
            limits_alarm_name(u.budget_name, u.profile.id, u.alarm_name);
        }
        u.price = u.profile.n_models ? prices_lookup(&u.prices, u.profile.model_arns[0]) : NULL;
        if (!u.price && st.model)
            u.price = prices_lookup(&u.prices, st.model);
        rc = fetch(s.aws, &u, &ctx->out, err);
    }
    if (!rc) {
        result_json(ctx->result, &u);
        print_text(ctx, &u);
    }
    session_close(&s);
    setupstate_free(&st);
    cfg_free(&cfg);
    usage_run_free(&u);
    return rc;
}

const cli_command cmd_usage = {
    .name = "usage",
    .summary = "your profile's tokens, cache share and cost, per hour or day",
    .description = "Reads CloudWatch for the profile 'setup' remembered: invocations, input, output and cache tokens,\n"
                   "the share of the prompt served from cache, throttles, errors and an estimate from the price\n"
                   "table (labelled with its date), with a bar chart; and the billed month-to-date cost from\n"
                   "Cost Explorer, or why there is none; and your limit (the budget clinecfg-{team}-{member}\n"
                   "'admin limits set' made: limit, actual, forecast) with your hourly-token alarm's state, or\n"
                   "why they are not readable. Exit 5 when CloudWatch metrics are denied; a denied Cost\n"
                   "Explorer, Budgets or alarm read only says so.",
    .opts = CLI_OPTS(usage_opts),
    .run = run,
};

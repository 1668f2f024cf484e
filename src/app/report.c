/*
 * report.c - fetching and aggregating the team usage report: every
 * ListInferenceProfiles page, the tags of each profile concurrently, the
 * metrics of every member-tagged profile in as few GetMetricData calls as
 * the 500-query limit allows with the single Cost Explorer call alongside
 * (cw_get_metric_data_with),
 * then per-profile totals, daily tokens, estimates, billed cost per member,
 * shares and the sort by cost.  Profiles with a member tag but a missing or
 * inconsistent team/member are kept in `bad` with the reason.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clinecfg/bedrock.h"
#include "clinecfg/costexplorer.h"
#include "clinecfg/report.h"

static const cw_metric report_metrics[REPORT_METRICS] = {CW_INVOCATIONS, CW_INPUT_TOKENS, CW_OUTPUT_TOKENS,
                                                         CW_CACHE_READ_TOKENS, CW_CACHE_WRITE_TOKENS};

enum { RIDE_COST, RIDE_LIST_INPUT, RIDE_LIST_CACHE_READ, RIDE_LIST_CACHE_WRITE, RIDE_COUNT };

static void row_free(report_row *w)
{
    free(w->team);
    free(w->member);
    free(w->arn);
    free(w->id);
    free(w->name);
    free(w->reason);
    free(w->base_model);
    free(w->daily);
}

void report_free(report *r)
{
    for (size_t i = 0; i < r->n; i++)
        row_free(&r->rows[i]);
    for (size_t i = 0; i < r->nbad; i++)
        row_free(&r->bad[i]);
    row_free(&r->total);
    free(r->rows);
    free(r->bad);
    memset(r, 0, sizeof *r);
}

__attribute__((format(printf, 2, 3))) static void progress(const report_opts *o, const char *fmt, ...)
{
    if (!o->progress)
        return;
    FILE *f = o->out && o->out->errf ? o->out->errf : stderr;
    fprintf(f, "\r\033[K");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fflush(f);
}

/* Every application profile, page after page. */
static int list_profiles(awsclient *c, const report_opts *o, report *r, bedrock_profile_page **pages,
                         size_t *npages, cc_err *err)
{
    char *token = NULL;
    int rc = 0;
    for (;;) {
        bedrock_profile_page *grown = realloc(*pages, (*npages + 1) * sizeof *grown);
        if (!grown) {
            rc = cc_err_oom(err);
            break;
        }
        *pages = grown;
        bedrock_profile_page *pg = &(*pages)[*npages];
        memset(pg, 0, sizeof *pg);
        bedrock_list_profiles_in in = {.type = "APPLICATION", .max_results = 1000, .next_token = token};
        rc = bedrock_list_inference_profiles(c, &in, pg, err);
        free(token);
        token = NULL;
        r->list_calls++;
        r->round_trips++;
        if (rc)
            break;
        (*npages)++;
        r->profiles_listed += pg->n;
        progress(o, "listing profiles: %zu (%zu pages)", r->profiles_listed, *npages);
        if (!pg->next_token)
            break;
        if (!(token = strdup(pg->next_token))) {
            rc = cc_err_oom(err);
            break;
        }
    }
    free(token);
    return rc;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int add_row(report_row **v, size_t *n, const bedrock_inference_profile *p, const char *team,
                   const char *member, const char *reason, size_t ndays, cc_err *err)
{
    report_row *grown = realloc(*v, (*n + 1) * sizeof *grown);
    if (!grown)
        return cc_err_oom(err);
    *v = grown;
    report_row *w = &grown[*n];
    memset(w, 0, sizeof *w);
    w->team = strdup(team ? team : "");
    w->member = strdup(member ? member : "");
    w->arn = dup_or_null(p->arn);
    w->id = dup_or_null(p->id);
    w->name = dup_or_null(p->name);
    w->reason = dup_or_null(reason);
    w->base_model = p->n_models ? strdup(p->model_arns[0]) : NULL;
    w->daily = calloc(ndays ? ndays : 1, sizeof *w->daily);
    w->profiles = 1;
    (*n)++;
    if (!w->team || !w->member || !w->arn || !w->id || !w->name || !w->daily || (reason && !w->reason))
        return cc_err_oom(err);
    return 0;
}

/* Sorts one profile into rows, bad, or nothing (no member tag key). */
static int classify(const report_opts *o, report *r, const bedrock_inference_profile *p, const bedrock_batch_item *it,
                    cc_err *err)
{
    if (it->status) {
        char reason[700];
        snprintf(reason, sizeof reason, "tags could not be read: %s", it->err.message);
        return add_row(&r->bad, &r->nbad, p, NULL, NULL, reason, r->ndays, err);
    }
    const char *member = bedrock_tags_get(&it->out.tags, o->member_key);
    if (!member)
        return 0;
    const char *team = bedrock_tags_get(&it->out.tags, o->team_key);
    if (o->team && (!team || strcmp(team, o->team) != 0))
        return 0;
    char reason[256] = "";
    if (!member[0])
        snprintf(reason, sizeof reason, "the %s tag is empty", o->member_key);
    else if (!team || !team[0])
        snprintf(reason, sizeof reason, "no %s tag", o->team_key);
    if (reason[0])
        return add_row(&r->bad, &r->nbad, p, team, member, reason, r->ndays, err);
    return add_row(&r->rows, &r->n, p, team, member, NULL, r->ndays, err);
}

/* Tags of every listed profile, concurrently; then classification. */
static int read_tags(awsclient *c, const report_opts *o, report *r, const bedrock_profile_page *pages, size_t npages,
                     cc_err *err)
{
    size_t n = r->profiles_listed;
    bedrock_batch_item *items = calloc(n ? n : 1, sizeof *items);
    const bedrock_inference_profile **who = calloc(n ? n : 1, sizeof *who);
    if (!items || !who) {
        free(items);
        free(who);
        return cc_err_oom(err);
    }
    size_t k = 0;
    for (size_t p = 0; p < npages; p++)
        for (size_t i = 0; i < pages[p].n && k < n; i++) {
            who[k] = &pages[p].items[i];
            items[k].op = BEDROCK_OP_LIST_TAGS;
            items[k++].arg = pages[p].items[i].arn;
        }
    progress(o, "reading tags of %zu profiles (%zu at a time)", k, o->concurrency);
    cc_err berr;
    cc_err_clear(&berr);
    bedrock_batch(c, items, k, o->concurrency, &berr);
    r->tag_calls += k;
    r->round_trips += (k + o->concurrency - 1) / o->concurrency;
    int rc = 0;
    for (size_t i = 0; !rc && i < k; i++) {
        if (items[i].status == CC_EDENIED) {
            *err = items[i].err;
            cc_err_hint(err, "the report needs bedrock:ListTagsForResource on the application profiles");
            rc = CC_EDENIED;
        }
    }
    for (size_t i = 0; !rc && i < k; i++)
        rc = classify(o, r, who[i], &items[i], err);
    bedrock_batch_free(items, k);
    free(items);
    free(who);
    return rc;
}

/* The queries of every profile of rows then bad, REPORT_METRICS each. */
static int build_queries(const report *r, cw_query **qout, char (**idout)[24], size_t *nout, cc_err *err)
{
    size_t np = r->n + r->nbad, n = np * REPORT_METRICS;
    cw_query *q = calloc(n ? n : 1, sizeof *q);
    char (*ids)[24] = calloc(n ? n : 1, sizeof *ids);
    if (!q || !ids) {
        free(q);
        free(ids);
        return cc_err_oom(err);
    }
    for (size_t i = 0; i < np; i++) {
        const report_row *w = i < r->n ? &r->rows[i] : &r->bad[i - r->n];
        for (size_t m = 0; m < REPORT_METRICS; m++) {
            size_t k = i * REPORT_METRICS + m;
            snprintf(ids[k], sizeof ids[k], "p%zu_%zu", i, m);
            q[k] = (cw_query){.id = ids[k], .model_id = w->id, .metric_name = cw_metric_name(report_metrics[m]),
                              .period = 86400};
        }
    }
    *qout = q;
    *idout = ids;
    *nout = n;
    return 0;
}

typedef struct riders_buf {
    aws_request reqs[RIDE_COUNT];
    aws_response resps[RIDE_COUNT];
    int sts[RIDE_COUNT];
    cc_err errs[RIDE_COUNT];
    char *bodies[RIDE_COUNT];
    const char *hdrs[RIDE_COUNT][3];
    char targets[RIDE_COUNT][96];
    char start[16], end[16];
} riders_buf;

static void riders_free(riders_buf *b)
{
    for (int i = 0; i < RIDE_COUNT; i++) {
        aws_response_free(&b->resps[i]);
        free(b->bodies[i]);
    }
}

static int prepare_riders(awsclient *c, const report_opts *o, riders_buf *b, cc_err *err)
{
    usage_iso_date(o->since, b->start, sizeof b->start);
    usage_iso_date(o->until - 1 + 86400, b->end, sizeof b->end);
    ce_query q = {.start = b->start, .end = b->end, .granularity = "MONTHLY",
                  .group_tags = {o->member_key, o->team_key}};
    int rc = ce_build_request(&q, NULL, &b->bodies[RIDE_COST], err);
    if (!rc)
        rc = ce_prepare(c, &b->reqs[RIDE_COST], b->bodies[RIDE_COST], err);
    static const cw_metric probes[] = {CW_INPUT_TOKENS, CW_CACHE_READ_TOKENS, CW_CACHE_WRITE_TOKENS};
    for (int i = 0; !rc && i < 3; i++) {
        int k = RIDE_LIST_INPUT + i;
        rc = cw_build_list_metrics(cw_metric_name(probes[i]), NULL, NULL, &b->bodies[k], err);
        if (!rc)
            rc = cw_prepare(c, "ListMetrics", b->bodies[k], &b->reqs[k], b->hdrs[k], b->targets[k],
                            sizeof b->targets[k], err);
    }
    for (int i = 0; i < RIDE_COUNT; i++)
        b->sts[i] = CC_EINTERNAL;
    return rc;
}

/* Is the metric listed (any page-1 entry)?  -1 when unknown. */
static int listed(const riders_buf *b, int k)
{
    if (b->sts[k])
        return -1;
    cw_metric_list l;
    memset(&l, 0, sizeof l);
    char *next = NULL;
    int ok = cw_parse_list_metrics(b->resps[k].body, b->resps[k].body_len, &l, &next, NULL) == 0;
    int any = ok ? l.n > 0 || next != NULL : -1;
    free(next);
    cw_metric_list_free(&l);
    return any;
}

static void add_metrics(report *r, report_row *w, const cw_result *res, size_t base)
{
    for (size_t m = 0; m < REPORT_METRICS; m++) {
        const cw_series *s = &res->series[base + m];
        usage_field f = usage_field_of_metric(report_metrics[m]);
        for (size_t i = 0; i < s->n; i++) {
            if (s->timestamps[i] >= r->until || s->timestamps[i] < r->since)
                continue;
            w->c.v[f] += s->values[i];
            size_t d = (size_t)((s->timestamps[i] - r->since) / 86400);
            if (f != U_INVOCATIONS && d < r->ndays)
                w->daily[d] += s->values[i];
        }
    }
}

static void estimate_row(const report_opts *o, report_row *w)
{
    const price_entry *e = w->base_model ? prices_lookup(o->prices, w->base_model) : NULL;
    w->est = usage_estimate(e, &w->c, &w->est_complete);
}

static int by_member_team(const void *a, const void *b)
{
    const report_row *x = *(const report_row *const *)a, *y = *(const report_row *const *)b;
    int m = strcmp(x->member, y->member);
    return m ? m : strcmp(x->team, y->team);
}

/* Adds one Cost Explorer group's amount to the first row of that member and team. */
static void bill_group(report_row **index, size_t n, const ce_group *g)
{
    if (g->nkeys < 2 || !g->keys[0].value[0])
        return;
    report_row key = {.member = g->keys[0].value, .team = g->keys[1].value};
    report_row *kp = &key;
    report_row **hit = bsearch(&kp, index, n, sizeof *index, by_member_team);
    while (hit && hit > index && by_member_team(hit - 1, &kp) == 0)
        hit--;
    if (hit) {
        (*hit)->has_billed = true;
        (*hit)->billed += g->amount;
    }
}

/* The billed cost per member and team from the Cost Explorer rider. */
static int read_billing(const report_opts *o, report *r, riders_buf *b, cc_err *err)
{
    if (b->sts[RIDE_COST]) {
        bool denied = b->sts[RIDE_COST] == CC_EDENIED;
        snprintf(r->billed_note, sizeof r->billed_note, "%s%.400s",
                 denied ? "denied: the identity needs ce:GetCostAndUsage; " : "Cost Explorer failed: ",
                 b->errs[RIDE_COST].message);
        out_warn(o->out, "no billed cost: %s (the CloudWatch figures are complete)", r->billed_note);
        return 0;
    }
    ce_result res;
    memset(&res, 0, sizeof res);
    char *next = NULL;
    cc_err perr;
    cc_err_clear(&perr);
    if (ce_parse_response(b->resps[RIDE_COST].body, b->resps[RIDE_COST].body_len, "UnblendedCost", &res, &next,
                          &perr)) {
        snprintf(r->billed_note, sizeof r->billed_note, "Cost Explorer's answer was unreadable: %.400s",
                 perr.message);
        out_warn(o->out, "no billed cost: %s", r->billed_note);
        return 0;
    }
    if (next)
        out_warn(o->out, "Cost Explorer has more pages; billed figures cover the first (one call per report)");
    free(next);
    report_row **index = calloc(r->n ? r->n : 1, sizeof *index);
    if (!index) {
        ce_result_free(&res);
        return cc_err_oom(err);
    }
    for (size_t i = 0; i < r->n; i++)
        index[i] = &r->rows[i];
    qsort(index, r->n, sizeof *index, by_member_team);
    for (size_t p = 0; p < res.n; p++)
        for (size_t g = 0; g < res.periods[p].ngroups; g++)
            bill_group(index, r->n, &res.periods[p].groups[g]);
    r->billed_ok = true;
    free(index);
    ce_result_free(&res);
    return 0;
}

static int fetch_metrics(awsclient *c, const report_opts *o, report *r, cc_err *err)
{
    cw_query *q = NULL;
    char (*ids)[24] = NULL;
    size_t nq = 0;
    int rc = build_queries(r, &q, &ids, &nq, err);
    riders_buf b;
    memset(&b, 0, sizeof b);
    if (!rc)
        rc = prepare_riders(c, o, &b, err);
    cw_result res;
    memset(&res, 0, sizeof res);
    if (!rc) {
        cw_riders rd = {b.reqs, b.resps, b.sts, b.errs, RIDE_COUNT};
        progress(o, "reading metrics: %zu queries in %zu GetMetricData calls, and Cost Explorer", nq,
                 (nq + CW_MAX_QUERIES - 1) / CW_MAX_QUERIES);
        rc = cw_get_metric_data_with(c, q, nq, r->since, r->until, o->concurrency, &rd, &res, err);
        r->cw_calls += res.calls;
        r->ce_calls++;
        r->requests += RIDE_COUNT;
        r->round_trips += res.rounds ? res.rounds : 1;
    }
    if (!rc) {
        int input = listed(&b, RIDE_LIST_INPUT);
        for (int k = 0; k < 2; k++) {
            int cache = listed(&b, RIDE_LIST_CACHE_READ + k);
            r->cache_present[k] = !(input == 1 && cache == 0);
        }
        for (size_t i = 0; i < r->n + r->nbad; i++) {
            report_row *w = i < r->n ? &r->rows[i] : &r->bad[i - r->n];
            add_metrics(r, w, &res, i * REPORT_METRICS);
            estimate_row(o, w);
        }
        rc = read_billing(o, r, &b, err);
    }
    cw_result_free(&res);
    riders_free(&b);
    free(q);
    free(ids);
    return rc;
}

static int by_cost(const void *a, const void *b)
{
    const report_row *x = a, *y = b;
    if (x->est != y->est)
        return x->est < y->est ? 1 : -1;
    int t = strcmp(x->team, y->team);
    return t ? t : strcmp(x->member, y->member);
}

/* Totals, shares and the order. */
static int finish(report *r, cc_err *err)
{
    report_row *t = &r->total;
    memset(t, 0, sizeof *t);
    t->team = strdup("");
    t->member = strdup("total");
    t->daily = calloc(r->ndays ? r->ndays : 1, sizeof *t->daily);
    if (!t->team || !t->member || !t->daily)
        return cc_err_oom(err);
    t->est_complete = true;
    t->has_billed = r->billed_ok;
    for (size_t i = 0; i < r->n; i++) {
        const report_row *w = &r->rows[i];
        usage_counts_add(&t->c, &w->c);
        t->est += w->est;
        t->est_complete = t->est_complete && w->est_complete;
        t->billed += w->has_billed ? w->billed : 0;
        for (size_t d = 0; d < r->ndays; d++)
            t->daily[d] += w->daily[d];
    }
    t->profiles = r->n;
    t->share = r->n ? 1 : 0;
    for (size_t i = 0; i < r->n; i++)
        r->rows[i].share = t->est > 0 ? r->rows[i].est / t->est : 0;
    qsort(r->rows, r->n, sizeof *r->rows, by_cost);
    return 0;
}

int report_fetch(awsclient *c, const report_opts *o, report *r, cc_err *err)
{
    memset(r, 0, sizeof *r);
    r->since = o->since;
    r->until = o->until;
    r->ndays = (size_t)((o->until - o->since + 86399) / 86400);
    r->prices_date = o->prices ? o->prices->date : NULL;
    r->prices_source = o->prices ? o->prices->source : NULL;
    bedrock_profile_page *pages = NULL;
    size_t npages = 0;
    int rc = list_profiles(c, o, r, &pages, &npages, err);
    if (rc == CC_EDENIED)
        cc_err_hint(err, "the report needs bedrock:ListInferenceProfiles");
    if (!rc)
        rc = read_tags(c, o, r, pages, npages, err);
    for (size_t p = 0; p < npages; p++)
        bedrock_profile_page_free(&pages[p]);
    free(pages);
    if (!rc && r->n + r->nbad)
        rc = fetch_metrics(c, o, r, err);
    else if (!rc)
        snprintf(r->billed_note, sizeof r->billed_note, "no profile carries the %s tag", o->member_key);
    if (!rc)
        rc = finish(r, err);
    r->requests += r->list_calls + r->tag_calls + r->cw_calls;
    if (o->progress) {
        FILE *f = o->out && o->out->errf ? o->out->errf : stderr;
        fprintf(f, "\r\033[K");
        fflush(f);
    }
    return rc;
}

/* Folds the rows of one team into one row (the first keeps the sums). */
int report_group_by_team(report *r, cc_err *err)
{
    size_t out = 0;
    for (size_t i = 0; i < r->n; i++) {
        report_row *w = &r->rows[i];
        size_t k;
        for (k = 0; k < out && strcmp(r->rows[k].team, w->team) != 0; k++)
            ;
        if (k == out) {
            if (k != i) {
                r->rows[k] = *w;
                memset(w, 0, sizeof *w);
            }
            report_row *g = &r->rows[k];
            free(g->member);
            free(g->arn);
            free(g->id);
            free(g->name);
            g->member = strdup("");
            g->arn = g->id = g->name = NULL;
            out++;
            if (!g->member)
                return cc_err_oom(err);
            continue;
        }
        report_row *g = &r->rows[k];
        usage_counts_add(&g->c, &w->c);
        g->est += w->est;
        g->est_complete = g->est_complete && w->est_complete;
        g->billed += w->billed;
        g->has_billed = g->has_billed || w->has_billed;
        g->share += w->share;
        g->profiles += w->profiles;
        for (size_t d = 0; d < r->ndays; d++)
            g->daily[d] += w->daily[d];
        row_free(w);
        memset(w, 0, sizeof *w);
    }
    r->n = out;
    r->grouped = true;
    qsort(r->rows, r->n, sizeof *r->rows, by_cost);
    return 0;
}

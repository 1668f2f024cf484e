/*
 * usage_fetch.c - GetMetricData for the usage commands with other calls
 * riding along: the first round sends every batch of 500 queries and the
 * riders (Cost Explorer, ListMetrics, ListCostAllocationTags) in one
 * awsclient_call_many, later rounds only the batches that have a NextToken.
 * So `usage` is one sequential round trip after the profile lookup, and
 * `admin report` pays its single Cost Explorer call in parallel with the
 * metrics instead of after them.  The wire form stays in cloudwatch.c.
 */
#include <stdlib.h>
#include <string.h>

#include "clinecfg/usage.h"

#define USAGE_MAX_ROUNDS 1000

typedef struct page_batch {
    const cw_query *q;
    size_t n;
    char *token;
    bool done;
    cw_result part;
    char target[96];
    const char *hdrs[3];
    char *body;
} page_batch;

typedef struct round_bufs {
    aws_request *reqs;
    aws_response *resps;
    int *sts;
    cc_err *errs;
    size_t *idx;
} round_bufs;

static void round_bufs_free(round_bufs *r)
{
    free(r->reqs);
    free(r->resps);
    free(r->sts);
    free(r->errs);
    free(r->idx);
}

static int round_bufs_alloc(round_bufs *r, size_t n)
{
    r->reqs = calloc(n, sizeof *r->reqs);
    r->resps = calloc(n, sizeof *r->resps);
    r->sts = calloc(n, sizeof *r->sts);
    r->errs = calloc(n, sizeof *r->errs);
    r->idx = calloc(n, sizeof *r->idx);
    return r->reqs && r->resps && r->sts && r->errs && r->idx ? 0 : CC_EINTERNAL;
}

/* One round: every unfinished batch's next page (plus the riders on the
 * first round), concurrently. */
static int run_round(awsclient *c, page_batch *bs, size_t nb, long long start, long long end, size_t max_in_flight,
                     usage_riders *riders, cw_result *out, cc_err *err)
{
    size_t nr = riders ? riders->n : 0;
    round_bufs rb;
    memset(&rb, 0, sizeof rb);
    if (round_bufs_alloc(&rb, nb + nr + 1)) {
        round_bufs_free(&rb);
        return cc_err_oom(err);
    }
    size_t k = 0;
    int rc = 0;
    for (size_t i = 0; !rc && i < nb; i++) {
        page_batch *b = &bs[i];
        if (b->done)
            continue;
        free(b->body);
        b->body = NULL;
        rc = cw_build_get_metric_data(b->q, b->n, start, end, b->token, 0, &b->body, err);
        if (!rc)
            rc = cw_prepare(c, "GetMetricData", b->body, &rb.reqs[k], b->hdrs, b->target, sizeof b->target, err);
        if (!rc)
            rb.idx[k++] = i;
    }
    size_t first_rider = k;
    for (size_t j = 0; j < nr; j++)
        rb.reqs[k++] = riders->reqs[j];
    bool ran = !rc && k;
    if (ran) {
        awsclient_call_many(c, rb.reqs, k, max_in_flight, rb.resps, rb.sts, rb.errs);
        out->calls += first_rider;
        out->rounds++;
    }
    for (size_t j = 0; j < first_rider; j++) {
        page_batch *b = &bs[rb.idx[j]];
        if (!rc && rb.sts[j]) {
            rc = rb.sts[j];
            if (err)
                *err = rb.errs[j];
        }
        char *next = NULL;
        if (!rc)
            rc = cw_parse_get_metric_data(rb.resps[j].body, rb.resps[j].body_len, &b->part, &next, err);
        free(b->token);
        b->token = next;
        b->done = next == NULL;
        aws_response_free(&rb.resps[j]);
    }
    for (size_t j = 0; j < nr; j++) {
        riders->resps[j] = rb.resps[first_rider + j];
        riders->statuses[j] = ran ? rb.sts[first_rider + j] : CC_EINTERNAL;
        riders->errs[j] = ran ? rb.errs[first_rider + j] : (err ? *err : rb.errs[0]);
    }
    round_bufs_free(&rb);
    return cw_denied_hint(rc, "cloudwatch:GetMetricData", err);
}

/* Moves a batch's series into out->series[base ...] in query order. */
static void collect(page_batch *b, cw_result *out, size_t base)
{
    for (size_t i = 0; i < b->n; i++) {
        cw_series *dst = &out->series[base + i];
        cw_series *src = i < b->part.n && b->part.series[i].id && !strcmp(b->part.series[i].id, b->q[i].id)
                             ? &b->part.series[i]
                             : NULL;
        for (size_t j = 0; j < b->part.n && !src; j++)
            if (b->part.series[j].id && !strcmp(b->part.series[j].id, b->q[i].id))
                src = &b->part.series[j];
        if (src) {
            *dst = *src;
            memset(src, 0, sizeof *src);
        }
    }
}

static int finish(page_batch *bs, size_t nb, size_t n, cw_result *out, cc_err *err)
{
    out->series = calloc(n ? n : 1, sizeof *out->series);
    if (!out->series)
        return cc_err_oom(err);
    out->n = n;
    for (size_t i = 0; i < nb; i++) {
        collect(&bs[i], out, i * CW_MAX_QUERIES);
        for (size_t m = 0; m < bs[i].part.nmessages; m++) {
            char **grown = realloc(out->messages, (out->nmessages + 1) * sizeof *grown);
            if (!grown)
                return cc_err_oom(err);
            out->messages = grown;
            out->messages[out->nmessages++] = bs[i].part.messages[m];
            bs[i].part.messages[m] = NULL;
        }
    }
    return 0;
}

int usage_fetch_metrics(awsclient *c, const cw_query *queries, size_t n, long long start, long long end,
                        size_t max_in_flight, usage_riders *riders, cw_result *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    size_t nb = (n + CW_MAX_QUERIES - 1) / CW_MAX_QUERIES;
    page_batch *bs = calloc(nb ? nb : 1, sizeof *bs);
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
        if (round == USAGE_MAX_ROUNDS) {
            rc = cc_err_set(err, CC_EAWS, "aws.malformed", "GetMetricData: NextToken never ends");
            break;
        }
        rc = run_round(c, bs, nb, start, end, max_in_flight ? max_in_flight : 4, round == 0 ? riders : NULL, out,
                       err);
    }
    if (!rc)
        rc = finish(bs, nb, n, out, err);
    for (size_t i = 0; i < nb; i++) {
        free(bs[i].token);
        free(bs[i].body);
        cw_result_free(&bs[i].part);
    }
    free(bs);
    if (rc) {
        size_t calls = out->calls, rounds = out->rounds;
        cw_result_free(out);
        out->calls = calls;
        out->rounds = rounds;
    }
    return rc;
}

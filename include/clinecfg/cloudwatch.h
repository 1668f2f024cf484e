/*
 * cloudwatch.h - Amazon CloudWatch GetMetricData and ListMetrics for the
 * Bedrock runtime's per-profile metrics (namespace AWS/Bedrock, dimension
 * ModelId = the application profile's ID, 1-minute data).
 *
 * Owns the awsJson1_0 wire form (x-amz-target
 * GraniteServiceVersion20100801.<Op>, SigV4 service `monitoring`, epoch-second
 * timestamps as JSON numbers), batching into calls of at most 500 queries,
 * NextToken paging, the reply's per-query status (Complete, PartialData,
 * InternalError, Forbidden) and Messages, metric discovery with ListMetrics
 * (the cache-token metric names are unconfirmed: a metric that is not listed
 * is ABSENT, never zero), and the error mapping (AccessDenied ->
 * CC_EDENIED naming cloudwatch:GetMetricData or cloudwatch:ListMetrics).
 * Facts: shared/reference/aws-governance.md, "CloudWatch".
 */
#ifndef CLINECFG_CLOUDWATCH_H
#define CLINECFG_CLOUDWATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/error.h"

#define CW_MAX_QUERIES 500 /* per GetMetricData call (AWS refuses more) */
#define CW_NAMESPACE_BEDROCK "AWS/Bedrock"
#define CW_TARGET_PREFIX "GraniteServiceVersion20100801."

/* The Bedrock runtime metrics clinecfg reads. */
typedef enum {
    CW_INVOCATIONS,
    CW_INPUT_TOKENS,
    CW_OUTPUT_TOKENS,
    CW_CACHE_READ_TOKENS,  /* name unconfirmed: discover with ListMetrics */
    CW_CACHE_WRITE_TOKENS, /* name unconfirmed: discover with ListMetrics */
    CW_THROTTLES,
    CW_CLIENT_ERRORS,
    CW_SERVER_ERRORS,
    CW_METRIC_COUNT
} cw_metric;

/* "Invocations", "InputTokenCount", ..., "CacheReadInputTokenCount". */
const char *cw_metric_name(cw_metric m);
/* False for the two cache metrics, whose names AWS does not document. */
bool cw_metric_confirmed(cw_metric m);
/* The metric whose name is `name`, or -1. */
int cw_metric_from_name(const char *name);

/* One query: a MetricStat on AWS/Bedrock with one ModelId dimension, or a
 * metric-math expression over other queries' ids (then metric fields are
 * ignored).  Strings are borrowed. */
typedef struct cw_query {
    const char *id;          /* ^[a-z][a-zA-Z0-9_]*$, unique within a call */
    const char *model_id;    /* the ModelId dimension value (profile ID) */
    const char *metric_name; /* e.g. cw_metric_name(CW_INPUT_TOKENS) */
    int period;              /* seconds: 60, 300, 3600, 86400, ... */
    const char *stat;        /* NULL = "Sum" */
    const char *expression;  /* metric math ("m1 + m2"); NULL for a MetricStat */
    bool hide;               /* ReturnData false (input of an expression only) */
} cw_query;

typedef enum { CW_COMPLETE, CW_PARTIAL_DATA, CW_INTERNAL_ERROR, CW_FORBIDDEN, CW_STATUS_UNKNOWN } cw_status;

/* One query's data points, merged over every page. */
typedef struct cw_series {
    char *id;
    char *label;
    long long *timestamps; /* epoch seconds, period starts */
    double *values;
    size_t n;
    cw_status status;      /* of the last page that carried the query */
} cw_series;

typedef struct cw_result {
    cw_series *series;
    size_t n;
    char **messages;       /* the replies' Messages[].Value ("Code: Value") */
    size_t nmessages;
    size_t calls;          /* GetMetricData requests made */
    size_t rounds;         /* paging rounds: every unfinished batch's next page goes out together,
                            * max_in_flight at a time, so the sequential round trips are about
                            * rounds x ceil(batches / max_in_flight) */
} cw_result;

void cw_result_free(cw_result *r);
/* The series with that query id, or NULL. */
const cw_series *cw_result_find(const cw_result *r, const char *id);
/* Sum of a series' values (0 for NULL). */
double cw_series_sum(const cw_series *s);
/* Sum of the values whose period starts before `before` (epoch seconds). */
double cw_series_sum_before(const cw_series *s, long long before);

/* The GetMetricData body for queries[0..n) (n 1..500): StartTime, EndTime
 * (epoch seconds, start < end), ScanBy TimestampAscending, optional
 * NextToken and MaxDatapoints (0 = none).  *body is malloc'd.  CC_EINPUT
 * for a bad id, n out of range or start >= end. */
int cw_build_get_metric_data(const cw_query *queries, size_t n, long long start, long long end,
                             const char *next_token, long max_datapoints, char **body, cc_err *err);

/* Merges one GetMetricData reply into *acc (series matched by Id, points
 * appended) and sets *next_token (malloc'd, NULL on the last page).
 * CC_EAWS for a malformed reply. */
int cw_parse_get_metric_data(const char *body, size_t len, cw_result *acc, char **next_token, cc_err *err);

/* Runs queries[0..n) in ceil(n / 500) calls of consecutive queries, at
 * most max_in_flight at once (0 = 4), each followed through its NextToken
 * pages; *out gets every series (with no points for a metric without data).
 * An expression can only use queries of its own batch of 500.  Errors:
 * CC_EDENIED naming cloudwatch:GetMetricData, CC_EINPUT, CC_EAWS. */
int cw_get_metric_data(awsclient *c, const cw_query *queries, size_t n, long long start, long long end,
                       size_t max_in_flight, cw_result *out, cc_err *err);

/* Prepared calls (e.g. GetCostAndUsage, ListMetrics) that go out with the
 * first round of GetMetricData pages, in the same awsclient_call_many, so
 * metrics and cost cost one sequential round trip together.  reqs in;
 * resps (free with aws_response_free), statuses and errs out, n each. */
typedef struct cw_riders {
    aws_request *reqs;
    aws_response *resps;
    int *statuses;
    cc_err *errs;
    size_t n;
} cw_riders;

/* cw_get_metric_data with riders (NULL = none).  A rider's own failure is
 * only in its status; the return value is GetMetricData's. */
int cw_get_metric_data_with(awsclient *c, const cw_query *queries, size_t n, long long start, long long end,
                            size_t max_in_flight, cw_riders *riders, cw_result *out, cc_err *err);

/* ListMetrics answers: (metric name, ModelId) pairs. */
typedef struct cw_metric_ref {
    char *metric_name;
    char *model_id;
} cw_metric_ref;

typedef struct cw_metric_list {
    cw_metric_ref *v;
    size_t n;
    size_t calls;
} cw_metric_list;

void cw_metric_list_free(cw_metric_list *l);
bool cw_metric_list_has(const cw_metric_list *l, const char *metric_name, const char *model_id);

/* The ListMetrics body: Namespace AWS/Bedrock, optional MetricName,
 * optional ModelId dimension filter, optional NextToken. */
int cw_build_list_metrics(const char *metric_name, const char *model_id, const char *next_token, char **body,
                          cc_err *err);
/* Appends one reply's Metrics (ModelId dimension only) and sets *next_token. */
int cw_parse_list_metrics(const char *body, size_t len, cw_metric_list *acc, char **next_token, cc_err *err);

/* Every page of ListMetrics for AWS/Bedrock, filtered by metric_name and
 * model_id when not NULL.  CC_EDENIED names cloudwatch:ListMetrics. */
int cw_list_metrics(awsclient *c, const char *metric_name, const char *model_id, cw_metric_list *out, cc_err *err);

/* Which metrics exist for one ModelId (one ListMetrics walk).  name[m] is
 * the name found (the documented one) or NULL; present[m] false means
 * ABSENT: report it as not published, not as zero. */
typedef struct cw_availability {
    bool present[CW_METRIC_COUNT];
} cw_availability;

int cw_discover(awsclient *c, const char *model_id, cw_availability *out, cc_err *err);
/* The same from a list already fetched (e.g. one walk for all profiles). */
void cw_availability_from_list(const cw_metric_list *l, const char *model_id, cw_availability *out);

/* Prepares req for CloudWatch: endpoint, signing service `monitoring`,
 * region, credentials, content type and the x-amz-target header for `op`.
 * hdrs (3 entries) and target_buf (>= 96 bytes) hold the headers and must
 * outlive the call.  With cw_build_get_metric_data
 * and cw_parse_get_metric_data this runs a GetMetricData page in the same
 * awsclient_call_many as other calls (usage: metrics and cost at once). */
int cw_prepare(awsclient *c, const char *op, const char *body, aws_request *req, const char *hdrs[3],
               char *target_buf, size_t target_size, cc_err *err);
/* Adds the "needs <action>" hint (cloudwatch:GetMetricData, ...) when rc
 * is CC_EDENIED; returns rc.  For callers that run prepared requests
 * themselves (awsclient_call_many with a Cost Explorer call). */
int cw_denied_hint(int rc, const char *action, cc_err *err);

#endif

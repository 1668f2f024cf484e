/*
 * costexplorer.h - AWS Cost Explorer GetCostAndUsage: the billed cost per
 * member (and team) tag, lagging about a day behind use.
 *
 * Owns the awsJson1_1 wire form (x-amz-target
 * AWSInsightsIndexService.GetCostAndUsage, signed for us-east-1 through
 * awsclient's "ce" service), the request (TimePeriod with Start inclusive
 * and End exclusive, granularity, one cost metric, GroupBy TAG keys, an
 * optional tag filter, and deliberately NO `SERVICE = Amazon Bedrock`
 * filter: Marketplace-billed models such as Claude are billed under their
 * own service names, and the member tag already scopes the cost), the
 * reply's periods, `Estimated` flags and groups ("MemberName$alice": split
 * at the first '$'; "MemberName$" is the untagged cost), decimal-string
 * amounts, and AccessDenied -> CC_EDENIED naming ce:GetCostAndUsage.
 * Every request costs the account USD 0.01: callers make one per run.
 * Facts: shared/reference/aws-governance.md, "Cost Explorer".
 */
#ifndef CLINECFG_COSTEXPLORER_H
#define CLINECFG_COSTEXPLORER_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/error.h"

#define CE_USD_PER_REQUEST 0.01

typedef struct ce_query {
    const char *start;         /* "YYYY-MM-DD", inclusive */
    const char *end;           /* "YYYY-MM-DD", exclusive */
    const char *granularity;   /* "DAILY", "MONTHLY" or "HOURLY"; NULL = "MONTHLY" */
    const char *metric;        /* NULL = "UnblendedCost" */
    const char *group_tags[2]; /* tag keys to group by (e.g. "MemberName", "Team"); NULL = unused */
    const char *filter_tag;    /* optional: only cost whose tag filter_tag ... */
    const char *filter_value;  /* ... equals this value (e.g. MemberName = alice) */
} ce_query;

/* One group key: for a TAG group "Key$value" -> tag "Key", value "value"
 * ("" when untagged); anything without '$' -> tag NULL, value = the key. */
typedef struct ce_key {
    char *tag;
    char *value;
} ce_key;

typedef struct ce_group {
    ce_key keys[2];
    size_t nkeys;
    double amount;
    char unit[8];              /* "USD" */
} ce_group;

typedef struct ce_period {
    char start[32], end[32];   /* as AWS returned them */
    bool estimated;            /* not final yet */
    double total;              /* Total.<metric> when not grouped, else the sum of the groups */
    ce_group *groups;
    size_t ngroups;
} ce_period;

typedef struct ce_result {
    ce_period *periods;
    size_t n;
    size_t calls;              /* GetCostAndUsage requests made (USD 0.01 each) */
    bool truncated;            /* a NextPageToken was left unfollowed (max_calls reached) */
} ce_result;

void ce_result_free(ce_result *r);

/* The request body; *body malloc'd.  CC_EINPUT for malformed dates, start
 * not before end, or an unknown granularity. */
int ce_build_request(const ce_query *q, const char *next_page_token, char **body, cc_err *err);

/* Appends one reply's ResultsByTime to *acc; *next_token malloc'd or NULL.
 * `metric` is the cost metric requested.  CC_EAWS for a malformed reply. */
int ce_parse_response(const char *body, size_t len, const char *metric, ce_result *acc, char **next_token,
                      cc_err *err);

/* GetCostAndUsage, following NextPageToken for at most max_calls requests
 * in all (0 = 1; each costs USD 0.01; truncated set when pages remain).
 * CC_EDENIED names ce:GetCostAndUsage; CC_EINPUT; CC_EAWS. */
int ce_get_cost_and_usage(awsclient *c, const ce_query *q, size_t max_calls, ce_result *out, cc_err *err);

/* Prepares req for GetCostAndUsage with `body` (from ce_build_request):
 * endpoint and us-east-1 signing through awsclient's "ce" service, target
 * header, content type, operation name.  For running it in one
 * awsclient_call_many with other calls (e.g. GetMetricData); read the
 * answer with ce_parse_response and map denials with ce_denied_hint. */
int ce_prepare(awsclient *c, aws_request *req, const char *body, cc_err *err);
/* Adds the "needs ce:GetCostAndUsage" hint when rc is CC_EDENIED; returns rc. */
int ce_denied_hint(int rc, cc_err *err);

/* ListCostAllocationTags for the n tag keys (doctor's check, usage's billed
 * figure): prepares req like ce_prepare; *body (malloc'd, freed by the
 * caller with cJSON_free) must outlive the call. */
int ce_prepare_cost_tags(awsclient *c, aws_request *req, const char *const *keys, size_t n, char **body,
                         cc_err *err);
/* True when the ListCostAllocationTags answer lists `key` as Active. */
bool ce_cost_tag_active(const char *body, size_t len, const char *key);

/* Sum over every period of the groups whose key k (0 or 1) has that tag
 * value ("" = untagged). */
double ce_result_sum(const ce_result *r, size_t k, const char *value);
/* True when any period is still estimated. */
bool ce_result_estimated(const ce_result *r);

/* Parses an AWS decimal string ("12.3456", "-0.5", "1E-7") without the
 * locale; false when it is not a number. */
bool ce_parse_amount(const char *s, double *out);

#endif

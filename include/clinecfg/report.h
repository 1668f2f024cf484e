/*
 * report.h - the team usage report behind `clinecfg admin report`: every
 * application profile carrying the member tag key, their CloudWatch
 * figures, the estimate, the billed cost per member from one Cost Explorer
 * call, and the renderings (table, JSON, RFC 4180 CSV, one self-contained
 * HTML file with inline SVG).
 *
 * Fetching (src/app/report.c): all ListInferenceProfiles pages, the tags of
 * every profile concurrently (bounded), then the metrics of all tagged
 * profiles in ceil(profiles x REPORT_METRICS / 500) GetMetricData calls with
 * the one GetCostAndUsage and three ListMetrics probes riding in the same
 * first round.  Profiles whose tags are missing or inconsistent are kept
 * apart (`bad`), never dropped.  Rendering: src/app/report_render.c.
 */
#ifndef CLINECFG_REPORT_H
#define CLINECFG_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/output.h"
#include "clinecfg/prices.h"
#include "clinecfg/strbuf.h"
#include "clinecfg/usage.h"

#define REPORT_METRICS 5 /* invocations, input, output, cache read, cache write */

typedef struct report_opts {
    const char *team_key, *member_key; /* tag keys (config tag_keys.*) */
    const char *team;                  /* --team: only this team; NULL = all */
    long long since, until;            /* since at a UTC midnight: the timeline is daily */
    size_t concurrency;                /* calls in flight at most */
    const price_table *prices;
    const cc_out *out;
    bool progress;                     /* counters on stderr (a terminal) */
} report_opts;

typedef struct report_row {
    char *team, *member, *arn, *id, *name;
    char *reason;          /* why the profile is listed apart (bad rows) */
    char *base_model;      /* for the price lookup; may be NULL */
    usage_counts c;
    double est;            /* estimated USD */
    bool est_complete;     /* every token had a price */
    bool has_billed;
    double billed;         /* USD, Cost Explorer */
    double share;          /* of the estimated total, 0..1 */
    double *daily;         /* tokens per day, report.ndays entries */
    size_t profiles;       /* rows folded in (--group team) */
} report_row;

typedef struct report {
    long long since, until;
    size_t ndays;
    report_row *rows, *bad;
    size_t n, nbad;
    report_row total;
    bool grouped;              /* --group team */
    bool cache_present[2];     /* cache read / write metrics published */
    bool billed_ok;            /* Cost Explorer answered */
    char billed_note[512];     /* why not, when !billed_ok */
    const char *prices_date, *prices_source;
    size_t profiles_listed, list_calls, tag_calls, cw_calls, ce_calls, requests, round_trips;
} report;

/* Fetches and aggregates.  CC_EDENIED naming the permission when
 * ListInferenceProfiles, ListTagsForResource or GetMetricData is denied; a
 * denied Cost Explorer only warns (billed_ok false, billed_note says so). */
int report_fetch(awsclient *c, const report_opts *o, report *r, cc_err *err);
/* Folds the rows into one per team (member "", profiles = count). */
int report_group_by_team(report *r, cc_err *err);
void report_free(report *r);

/* {since, until, rows[...], totals{...}, inconsistent[...], ...} into obj. */
void report_to_json(const report *r, cJSON *obj);
void report_table(const report *r, strbuf *b, bool utf8);
void report_csv(const report *r, strbuf *b);
void report_html(const report *r, strbuf *b);

#endif

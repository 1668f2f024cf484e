/*
 * admin_limits_enforce.c - `clinecfg admin limits enforce|list`: reads each
 * member's limit from their budget, estimates the month-to-date spend from
 * CloudWatch token counts x the price table (minutes old) and takes the
 * higher of that and the budget's billed figure (hours old).  `enforce`
 * writes a new default version of the customer-managed policy
 * clinecfg-blocked (Deny bedrock:InvokeModel* on the over-limit members'
 * profile ARNs) only when the blocked set changes, so a new month or a
 * raised limit unblocks; it can attach the policy to IAM principals and
 * prints the Identity Center steps.  `list` shows the same figures with the
 * blocked state and the token alarms' state, and changes nothing.
 *
 * Whether Budgets wants the member tag in FilterExpression as "MemberName"
 * or "user:MemberName" is unconfirmed.  If reality differs, a budget
 * selects nothing and reports USD 0 forever; so when the estimate of use
 * older than a day is real money and the budget still shows (almost) none
 * of it, both commands say so instead of showing the zero as a fact.
 */
#define _GNU_SOURCE
#include "admin_limits.h"
#include "admin_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinecfg/budgets.h"
#include "clinecfg/cloudwatch.h"
#include "clinecfg/cwalarm.h"
#include "clinecfg/iam.h"
#include "clinecfg/limits.h"
#include "clinecfg/policy.h"

#define METRICS_PER_PROFILE 4
#define CW_IN_FLIGHT 4
#define DAY_SECONDS 86400
/* A billed figure below this share of an estimate of at least this many
 * USD, all of it more than a day old, is not billing lag. */
#define BILLED_CHECK_MIN_USD 1.0
#define BILLED_CHECK_SHARE 0.1

typedef struct member_row {
    const bg_budget *budget; /* borrowed from the budget list */
    double estimated, spend;
    double settled;          /* the part of the estimate from days that ended over a day ago */
    bool complete;           /* every token count had a price */
    bool billed_suspect;     /* the budget shows (almost) nothing of `settled` */
    bool over, was_blocked;
    size_t nprofiles;
    const char *alarm_state; /* worst alarm state, or NULL without alarms */
} member_row;

typedef struct enforce_state {
    bg_budget_list budgets;
    limits_profile *profs;
    size_t nprofs;
    member_row *rows;
    price_table prices;
    char **blocked_now;      /* ARNs the current policy denies */
    size_t nblocked_now;
    bool policy_exists;
    char policy_arn[512];
    const char *team;        /* --team: only this team's members are judged */
} enforce_state;

static const char *row_member(const member_row *r)
{
    return r->budget->tag_value ? r->budget->tag_value : "";
}

/* settled_before: the daily periods that start before it ended over a day ago. */
static int add_profile_usage(enforce_state *s, const cw_result *res, size_t p, long long settled_before,
                             member_row *row)
{
    static const cw_metric metrics[METRICS_PER_PROFILE] = {CW_INPUT_TOKENS, CW_OUTPUT_TOKENS, CW_CACHE_READ_TOKENS,
                                                          CW_CACHE_WRITE_TOKENS};
    double tokens[METRICS_PER_PROFILE], settled[METRICS_PER_PROFILE];
    for (int k = 0; k < METRICS_PER_PROFILE; k++) {
        char id[32];
        snprintf(id, sizeof id, "p%zum%d", p, (int)metrics[k]);
        tokens[k] = cw_series_sum(cw_result_find(res, id));
        settled[k] = cw_series_sum_before(cw_result_find(res, id), settled_before);
    }
    const price_entry *e = s->profs[p].model_arn ? prices_lookup(&s->prices, s->profs[p].model_arn) : NULL;
    bool complete = true, ignored = true;
    if (e) {
        row->estimated += prices_estimate(e, (uint64_t)tokens[0], (uint64_t)tokens[1], (uint64_t)tokens[2],
                                          (uint64_t)tokens[3], &complete);
        row->settled += prices_estimate(e, (uint64_t)settled[0], (uint64_t)settled[1], (uint64_t)settled[2],
                                        (uint64_t)settled[3], &ignored);
    } else
        complete = tokens[0] + tokens[1] + tokens[2] + tokens[3] == 0;
    row->complete = row->complete && complete;
    return 0;
}

/* One GetMetricData walk for every budgeted member's profiles, daily sums
 * since the first of the month. */
static int estimate(limits_ctx *l, enforce_state *s, cc_err *err)
{
    size_t nq = 0;
    cw_query *q = calloc(s->nprofs * METRICS_PER_PROFILE + 1, sizeof *q);
    char (*ids)[32] = calloc(s->nprofs * METRICS_PER_PROFILE + 1, sizeof *ids);
    if (!q || !ids) {
        free(q);
        free(ids);
        return cc_err_oom(err);
    }
    static const cw_metric metrics[METRICS_PER_PROFILE] = {CW_INPUT_TOKENS, CW_OUTPUT_TOKENS, CW_CACHE_READ_TOKENS,
                                                          CW_CACHE_WRITE_TOKENS};
    for (size_t p = 0; p < s->nprofs; p++)
        for (int k = 0; k < METRICS_PER_PROFILE; k++, nq++) {
            snprintf(ids[nq], sizeof ids[nq], "p%zum%d", p, (int)metrics[k]);
            q[nq] = (cw_query){.id = ids[nq], .model_id = s->profs[p].id, .metric_name = cw_metric_name(metrics[k]),
                               .period = 86400};
        }
    time_t now = time(NULL);
    cw_result res;
    memset(&res, 0, sizeof res);
    int rc = nq ? cw_get_metric_data(l->s.aws, q, nq, (long long)limits_month_start(now), (long long)now + 60,
                                     CW_IN_FLIGHT, &res, err)
                : 0;
    for (size_t i = 0; !rc && i < s->budgets.n; i++)
        for (size_t p = 0; p < s->nprofs; p++)
            if (!strcmp(s->profs[p].member, row_member(&s->rows[i]))) {
                s->rows[i].nprofiles++;
                add_profile_usage(s, &res, p, (long long)now - 2 * DAY_SECONDS + 1, &s->rows[i]);
            }
    cw_result_free(&res);
    free(q);
    free(ids);
    return rc;
}

/* The current clinecfg-blocked document's ARNs (none when it does not exist). */
static int read_policy(limits_ctx *l, enforce_state *s, cc_err *err)
{
    return limits_read_blocked(l, s->policy_arn, sizeof s->policy_arn, &s->blocked_now, &s->nblocked_now,
                               &s->policy_exists, err);
}

static bool listed(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

static void judge(enforce_state *s)
{
    for (size_t i = 0; i < s->budgets.n; i++) {
        member_row *r = &s->rows[i];
        r->spend = limits_spend(r->estimated, r->budget->has_actual ? r->budget->actual : 0);
        r->billed_suspect = r->budget->has_actual && r->settled >= BILLED_CHECK_MIN_USD &&
                            r->budget->actual < BILLED_CHECK_SHARE * r->settled;
        r->over = limits_over(r->spend, r->budget->limit);
        for (size_t p = 0; p < s->nprofs; p++)
            if (!strcmp(s->profs[p].member, row_member(r)) && listed(s->blocked_now, s->nblocked_now, s->profs[p].arn))
                r->was_blocked = true;
    }
}

static const limits_profile *profile_by_arn(const enforce_state *s, const char *arn)
{
    for (size_t p = 0; p < s->nprofs; p++)
        if (!strcmp(s->profs[p].arn, arn))
            return &s->profs[p];
    return NULL;
}

/* The ARNs to deny: every profile of every member over the limit.  With
 * --team only that team's budgets were read, so the ARNs the policy denies
 * for anyone else (or for profiles that no longer exist) stay as they are. */
static int desired_arns(const enforce_state *s, const char ***out, size_t *n, cc_err *err)
{
    *out = calloc(s->nprofs + s->nblocked_now + 1, sizeof **out);
    *n = 0;
    if (!*out)
        return cc_err_oom(err);
    for (size_t b = 0; s->team && b < s->nblocked_now; b++) {
        const limits_profile *prof = profile_by_arn(s, s->blocked_now[b]);
        if ((!prof || !prof->team || strcmp(prof->team, s->team)) && !listed((char *const *)*out, *n, s->blocked_now[b]))
            (*out)[(*n)++] = s->blocked_now[b];
    }
    for (size_t p = 0; p < s->nprofs; p++)
        for (size_t i = 0; i < s->budgets.n; i++)
            if (s->rows[i].over && !strcmp(s->profs[p].member, row_member(&s->rows[i])) &&
                !listed((char *const *)*out, *n, s->profs[p].arn)) {
                (*out)[(*n)++] = s->profs[p].arn;
                break;
            }
    return 0;
}

static bool same_set(const char *const *a, size_t na, char *const *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!listed(b, nb, a[i]))
            return false;
    return true;
}

static int write_policy(limits_ctx *l, enforce_state *s, const char **state, cc_err *err)
{
    const char **want = NULL;
    size_t nwant = 0;
    int rc = desired_arns(s, &want, &nwant, err);
    *state = "unchanged";
    if (!rc && s->policy_exists && same_set(want, nwant, s->blocked_now, s->nblocked_now)) {
        free(want);
        return 0;
    }
    char *doc = NULL;
    if (!rc)
        rc = limits_blocked_document(l->partition, l->id.account, want, nwant, &doc, err);
    free(want);
    if (rc)
        return rc;
    *state = s->policy_exists ? "updated" : "created";
    if (!s->policy_exists && !limits_write_plan(l, "iam:CreatePolicy " LIMITS_BLOCKED_POLICY " (Deny on %zu profiles)",
                                                nwant)) {
        iam_policy pol;
        rc = iam_create_policy(l->s.aws, LIMITS_BLOCKED_POLICY, doc, POLICY_BLOCKED_DESCRIPTION, &pol, err);
        if (!rc)
            iam_policy_free(&pol);
    } else if (s->policy_exists &&
               !limits_write_plan(l, "iam:CreatePolicyVersion %s (Deny on %zu profiles)", s->policy_arn, nwant)) {
        rc = iam_replace_default_version(l->s.aws, s->policy_arn, doc, NULL, err);
    }
    free(doc);
    return rc;
}

static int attach_blocked(limits_ctx *l, const admin_limits_args *a, const char *arn, cc_err *err)
{
    const char *lists[3] = {a->users, a->roles, a->groups};
    const iam_principal_kind kinds[3] = {IAM_USER, IAM_ROLE, IAM_GROUP};
    int rc = 0;
    for (int k = 0; k < 3 && !rc; k++) {
        char *copy = lists[k] ? strdup(lists[k]) : NULL, *save = NULL;
        for (char *who = copy ? strtok_r(copy, ",", &save) : NULL; who && !rc; who = strtok_r(NULL, ",", &save)) {
            iam_attached_list att;
            bool have = false;
            rc = iam_list_attached_policies(l->s.aws, kinds[k], who, &att, err);
            for (size_t i = 0; !rc && i < att.n; i++)
                have = have || !strcmp(att.arns[i], arn);
            if (!rc)
                iam_attached_list_free(&att);
            if (!rc && !have && !limits_write_plan(l, "iam:Attach%sPolicy %s %s", k == 0 ? "User" : k == 1 ? "Role"
                                                                                                            : "Group",
                                                   who, arn))
                rc = iam_attach_policy(l->s.aws, kinds[k], who, arn, err);
            out_text(&l->ctx->out, "%-6s %-40s %s\n", iam_principal_kind_name(kinds[k]), who,
                     rc ? "failed" : have ? "unchanged" : "attached");
        }
        free(copy);
    }
    return rc;
}

static const char *worst_alarm(const cwa_alarm_list *alarms, const char *budget)
{
    const char *worst = NULL;
    for (size_t i = 0; i < alarms->n; i++) {
        const char *st = alarms->v[i].state ? alarms->v[i].state : "INSUFFICIENT_DATA";
        if (!limits_alarm_belongs(alarms->v[i].name, budget))
            continue;
        if (!worst || !strcmp(st, "ALARM") || (!strcmp(worst, "OK") && strcmp(st, "OK")))
            worst = st;
    }
    return worst;
}

/* Says that a budget's billed figure does not look like billing lag (see
 * the top of this file), on stderr and in the member's JSON row. */
static void billed_check(limits_ctx *l, const member_row *r, cJSON *row)
{
    if (!r->billed_suspect) {
        cJSON_AddStringToObject(row, "billed_check", r->budget->has_actual ? "ok" : "no figure");
        return;
    }
    char msg[768];
    snprintf(msg, sizeof msg,
             "budget %s reports USD %.2f billed, but %s's token use from days that ended over a day ago comes to "
             "USD %.2f at the price table's rates: its filter (tag %s = %s) may select nothing. Whether Budgets "
             "wants the tag key as '%s' or 'user:%s' is unconfirmed: check the budget's filters in the AWS Billing "
             "console, and until it shows spend rely on `limits enforce`, which also counts the estimate",
             r->budget->name, r->budget->actual, row_member(r), r->settled, r->budget->tag_key ? r->budget->tag_key : "?",
             row_member(r), l->member_key, l->member_key);
    out_warn(&l->ctx->out, "%s", msg);
    cJSON_AddStringToObject(row, "billed_check", msg);
}

static void report(limits_ctx *l, const enforce_state *s, bool list_only, const cwa_alarm_list *alarms)
{
    cJSON *rows = cJSON_AddArrayToObject(l->ctx->result, "members");
    cJSON *blocked = cJSON_AddArrayToObject(l->ctx->result, "blocked");
    cJSON *unblocked = cJSON_AddArrayToObject(l->ctx->result, "unblocked");
    out_text(&l->ctx->out, "%-32s %9s %10s %10s %6s  %-9s %s\n", "MEMBER", "LIMIT", "ESTIMATED", "BILLED", "PCT",
             "STATE", list_only ? "ALARM" : "CHANGE");
    for (size_t i = 0; i < s->budgets.n; i++) {
        const member_row *r = &s->rows[i];
        bool now_blocked = list_only ? r->was_blocked : r->over && r->nprofiles;
        const char *change = now_blocked == r->was_blocked ? "" : now_blocked ? "blocked" : "unblocked";
        double pct = r->budget->limit > 0 ? 100.0 * r->spend / r->budget->limit : 0;
        const char *alarm = worst_alarm(alarms, r->budget->name);
        char billed[32] = "-";
        if (r->budget->has_actual)
            snprintf(billed, sizeof billed, "%.2f%s", r->budget->actual, r->billed_suspect ? "?" : "");
        out_text(&l->ctx->out, "%-32s %9.2f %10.2f %10s %5.0f%%  %-9s %s\n", row_member(r), r->budget->limit,
                 r->estimated, billed, pct, now_blocked ? "blocked" : r->over ? "over" : "ok",
                 list_only ? (alarm ? alarm : "-") : change);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "member", row_member(r));
        cJSON_AddStringToObject(o, "budget", r->budget->name);
        cJSON_AddNumberToObject(o, "limit_usd", r->budget->limit);
        cJSON_AddNumberToObject(o, "estimated_usd", r->estimated);
        if (r->budget->has_actual)
            cJSON_AddNumberToObject(o, "billed_usd", r->budget->actual);
        else
            cJSON_AddNullToObject(o, "billed_usd");
        billed_check(l, r, o);
        cJSON_AddNumberToObject(o, "percent", pct);
        cJSON_AddBoolToObject(o, "estimate_complete", r->complete);
        cJSON_AddBoolToObject(o, "blocked", now_blocked);
        cJSON_AddNumberToObject(o, "profiles", (double)r->nprofiles);
        if (alarm)
            cJSON_AddStringToObject(o, "alarm", alarm);
        cJSON_AddItemToArray(rows, o);
        if (*change)
            cJSON_AddItemToArray(now_blocked ? blocked : unblocked, cJSON_CreateString(row_member(r)));
    }
}

static int load_state(limits_ctx *l, const admin_limits_args *a, enforce_state *s, cc_err *err)
{
    char prefix[LIMITS_NAME_MAX + 1] = LIMITS_PREFIX;
    if (a->team)
        limits_team_prefix(a->team, prefix);
    s->team = a->team;
    int rc = bg_describe_budgets(l->s.aws, l->id.account, prefix, &s->budgets, err);
    if (!rc)
        rc = limits_profiles(l, &s->profs, &s->nprofs, err);
    if (!rc)
        rc = limits_load_prices(l->ctx, &s->prices, err);
    s->rows = rc ? NULL : calloc(s->budgets.n + 1, sizeof *s->rows);
    if (!rc && !s->rows)
        rc = cc_err_oom(err);
    for (size_t i = 0; !rc && i < s->budgets.n; i++) {
        s->rows[i].budget = &s->budgets.v[i];
        s->rows[i].complete = true;
    }
    if (!rc)
        rc = estimate(l, s, err);
    if (!rc)
        rc = read_policy(l, s, err);
    if (!rc)
        judge(s);
    return rc;
}

int limits_enforce(limits_ctx *l, const admin_limits_args *a, bool list_only, cc_err *err)
{
    enforce_state s;
    memset(&s, 0, sizeof s);
    cwa_alarm_list alarms = {0};
    int rc = load_state(l, a, &s, err);
    if (!rc && list_only)
        rc = cwa_describe_alarms(l->s.aws, LIMITS_PREFIX, &alarms, err);
    const char *state = "unchanged";
    if (!rc && !list_only)
        rc = write_policy(l, &s, &state, err);
    if (!rc) {
        report(l, &s, list_only, &alarms);
        cJSON_AddStringToObject(l->ctx->result, "policy_arn", s.policy_arn);
        cJSON_AddStringToObject(l->ctx->result, "policy", list_only ? (s.policy_exists ? "exists" : "absent") : state);
        if (!list_only)
            out_progress(&l->ctx->out, "%s: %s", LIMITS_BLOCKED_POLICY, state);
    }
    if (!rc && !list_only && (a->users || a->roles || a->groups))
        rc = attach_blocked(l, a, s.policy_arn, err);
    if (!rc && !list_only && !strcmp(state, "created"))
        admin_policy_blocked_steps(l->ctx);
    cwa_alarm_list_free(&alarms);
    bg_budget_list_free(&s.budgets);
    limits_profiles_free(s.profs, s.nprofs);
    limits_strings_free(s.blocked_now, s.nblocked_now);
    prices_free(&s.prices);
    free(s.rows);
    return rc;
}

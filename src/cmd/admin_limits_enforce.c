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

typedef struct member_row {
    const bg_budget *budget; /* borrowed from the budget list */
    double estimated, spend;
    bool complete;           /* every token count had a price */
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
} enforce_state;

static const char *row_member(const member_row *r)
{
    return r->budget->tag_value ? r->budget->tag_value : "";
}

static int add_profile_usage(enforce_state *s, const cw_result *res, size_t p, member_row *row)
{
    static const cw_metric metrics[METRICS_PER_PROFILE] = {CW_INPUT_TOKENS, CW_OUTPUT_TOKENS, CW_CACHE_READ_TOKENS,
                                                          CW_CACHE_WRITE_TOKENS};
    double tokens[METRICS_PER_PROFILE];
    for (int k = 0; k < METRICS_PER_PROFILE; k++) {
        char id[32];
        snprintf(id, sizeof id, "p%zum%d", p, (int)metrics[k]);
        tokens[k] = cw_series_sum(cw_result_find(res, id));
    }
    const price_entry *e = s->profs[p].model_arn ? prices_lookup(&s->prices, s->profs[p].model_arn) : NULL;
    bool complete = true;
    if (e)
        row->estimated += prices_estimate(e, (uint64_t)tokens[0], (uint64_t)tokens[1], (uint64_t)tokens[2],
                                          (uint64_t)tokens[3], &complete);
    else
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
                add_profile_usage(s, &res, p, &s->rows[i]);
            }
    cw_result_free(&res);
    free(q);
    free(ids);
    return rc;
}

/* The current clinecfg-blocked document's ARNs (none when it does not exist). */
static int read_policy(limits_ctx *l, enforce_state *s, cc_err *err)
{
    limits_policy_arn(l, LIMITS_BLOCKED_POLICY, s->policy_arn, sizeof s->policy_arn);
    iam_policy pol;
    int rc = iam_get_policy(l->s.aws, s->policy_arn, &pol, err);
    if (rc && iam_err_is(err, "NoSuchEntity")) {
        cc_err_clear(err);
        return 0;
    }
    if (rc)
        return rc;
    s->policy_exists = true;
    iam_policy_version v;
    rc = iam_get_policy_version(l->s.aws, s->policy_arn, pol.default_version ? pol.default_version : "v1", &v, err);
    iam_policy_free(&pol);
    if (!rc) {
        rc = limits_blocked_arns(v.document, &s->blocked_now, &s->nblocked_now, err);
        iam_policy_version_free(&v);
    }
    return rc;
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
        r->over = limits_over(r->spend, r->budget->limit);
        for (size_t p = 0; p < s->nprofs; p++)
            if (!strcmp(s->profs[p].member, row_member(r)) && listed(s->blocked_now, s->nblocked_now, s->profs[p].arn))
                r->was_blocked = true;
    }
}

/* The ARNs to deny: every profile of every member over the limit. */
static int desired_arns(const enforce_state *s, const char ***out, size_t *n, cc_err *err)
{
    *out = calloc(s->nprofs + 1, sizeof **out);
    *n = 0;
    if (!*out)
        return cc_err_oom(err);
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
        out_text(&l->ctx->out, "%-32s %9.2f %10.2f %10.2f %5.0f%%  %-9s %s\n", row_member(r), r->budget->limit,
                 r->estimated, r->budget->actual, pct, now_blocked ? "blocked" : r->over ? "over" : "ok",
                 list_only ? (alarm ? alarm : "-") : change);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "member", row_member(r));
        cJSON_AddStringToObject(o, "budget", r->budget->name);
        cJSON_AddNumberToObject(o, "limit_usd", r->budget->limit);
        cJSON_AddNumberToObject(o, "estimated_usd", r->estimated);
        cJSON_AddNumberToObject(o, "billed_usd", r->budget->actual);
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

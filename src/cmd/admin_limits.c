/*
 * admin_limits.c - `clinecfg admin limits set|remove`, the subcommand's
 * options, and the dispatch of enforce|list (admin_limits_enforce.c).  `set` makes one AWS Budget per
 * member (clinecfg-{team}-{member}, monthly, COST, FilterExpression on the
 * member tag) with the notifications asked for, optionally one CloudWatch
 * alarm per member profile on input + output tokens an hour, and for
 * IAM-user members AWS's own budget action attaching a per-member deny at
 * 100%.  Everything is compared with what exists first, so a rerun writes
 * nothing.  The budgets are the only record of a member's limit.  `remove`
 * deletes exactly what `set` made for the members named: the budget
 * actions, the budget, the token alarms and the per-member deny policy
 * (detached from whoever carries it first; kept while another team's budget
 * action of the same member still names it).
 */
#define _GNU_SOURCE
#include "admin_limits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/budgets.h"
#include "clinecfg/cwalarm.h"
#include "clinecfg/iam.h"
#include "clinecfg/limits.h"

#define MAX_TARGETS 11 /* Budgets: one SNS topic and up to ten e-mail addresses per notification */
#define MAX_ALERTS 5   /* Budgets: five notifications per budget */

enum {
    LIMITS_OPT_TEAM,
    LIMITS_OPT_MEMBER,
    LIMITS_OPT_ROSTER,
    LIMITS_OPT_REGION,
    LIMITS_OPT_AWS_PROFILE,
    LIMITS_OPT_MONTHLY_USD,
    LIMITS_OPT_NOTIFY,
    LIMITS_OPT_ALERT_AT,
    LIMITS_OPT_HOURLY_TOKENS,
    LIMITS_OPT_BUDGET_ACTION,
    LIMITS_OPT_EXECUTION_ROLE,
    LIMITS_OPT_USER,
    LIMITS_OPT_ROLE,
    LIMITS_OPT_GROUP,
    LIMITS_OPT_COUNT
};

static const cli_opt limits_opts[LIMITS_OPT_COUNT] = {
    [LIMITS_OPT_TEAM] = {"team", 0, OPT_VALUE, "T", "the members' team (default: config team; list, enforce: every team)"},
    [LIMITS_OPT_MEMBER] = {"member", 0, OPT_VALUE, "M", "one member"},
    [LIMITS_OPT_ROSTER] = {"roster", 0, OPT_VALUE, "CSV", "the members: CSV with columns team,member"},
    [LIMITS_OPT_REGION] = {"region", 0, OPT_VALUE, "R", "AWS region"},
    [LIMITS_OPT_AWS_PROFILE] = {"aws-profile", 0, OPT_VALUE, "P", "AWS profile for the admin calls"},
    [LIMITS_OPT_MONTHLY_USD] = {"monthly-usd", 0, OPT_VALUE, "N", "set: each member's monthly limit in USD"},
    [LIMITS_OPT_NOTIFY] = {"notify", 0, OPT_LIST, "TARGET", "set: email:ADDR or sns:TOPIC-ARN, repeated or comma-separated"},
    [LIMITS_OPT_ALERT_AT] = {"alert-at", 0, OPT_VALUE, "PCTS", "set: notify at these percentages (default 80,100)"},
    [LIMITS_OPT_HOURLY_TOKENS] = {"hourly-tokens", 0, OPT_VALUE, "N", "set: alarm per profile above N tokens an hour"},
    [LIMITS_OPT_BUDGET_ACTION] = {"budget-action", 0, OPT_FLAG, NULL, "set: AWS budget action denying IAM users at 100%"},
    [LIMITS_OPT_EXECUTION_ROLE] = {"execution-role", 0, OPT_VALUE, "ARN", "set: the role the budget action runs as"},
    [LIMITS_OPT_USER] = {"user", 0, OPT_LIST, "U",
                        "enforce: attach clinecfg-blocked to IAM user(s), repeated or comma-separated"},
    [LIMITS_OPT_ROLE] = {"role", 0, OPT_LIST, "R",
                        "enforce: attach clinecfg-blocked to IAM role(s), repeated or comma-separated"},
    [LIMITS_OPT_GROUP] = {"group", 0, OPT_LIST, "G",
                        "enforce: attach clinecfg-blocked to IAM group(s), repeated or comma-separated"},
};

/* What `set` is asked to make. */
typedef struct set_plan {
    double usd;
    double alerts[MAX_ALERTS];
    size_t nalerts;
    bg_subscriber subs[MAX_TARGETS];
    size_t nsubs;
    const char *topics[MAX_TARGETS];
    size_t ntopics;
    char *targets_copy;
    double hourly_tokens;       /* 0 = no alarms */
    const char *execution_role; /* NULL = no budget action */
} set_plan;

static int parse_number(const char *flag, const char *v, double min, double *out, cc_err *err)
{
    char *end;
    errno = 0;
    double d = v ? strtod(v, &end) : 0;
    if (!v || errno || end == v || *end || !(d >= min) || d > 1e12)
        return cc_err_set(err, CC_EUSAGE, "usage", "%s %s: give a number of at least %g", flag, v ? v : "", min);
    *out = d;
    return 0;
}

/* email:ADDR and sns:ARN; repeated --notify options arrive comma-joined. */
static int parse_targets(const admin_limits_args *a, set_plan *p, cc_err *err)
{
    if (!a->notify)
        return 0;
    p->targets_copy = strdup(a->notify);
    if (!p->targets_copy)
        return cc_err_oom(err);
    size_t sns = 0;
    char *save = NULL;
    for (char *t = strtok_r(p->targets_copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        bool is_sns = !strncmp(t, "sns:arn:", 8), is_mail = !strncmp(t, "email:", 6) && strchr(t + 6, '@');
        if ((!is_sns && !is_mail) || p->nsubs == MAX_TARGETS || (is_sns && ++sns > 1))
            return cc_err_set(err, CC_EUSAGE, "usage", "--notify %s: give email:ADDRESS or sns:TOPIC-ARN (one SNS "
                                                       "topic and up to ten addresses)", t);
        p->subs[p->nsubs].type = is_sns ? "SNS" : "EMAIL";
        p->subs[p->nsubs++].address = t + (is_sns ? 4 : 6);
        if (is_sns)
            p->topics[p->ntopics++] = t + 4;
    }
    return 0;
}

static int parse_plan(const cc_out *out, const admin_limits_args *a, set_plan *p, cc_err *err)
{
    memset(p, 0, sizeof *p);
    int rc = parse_number("--monthly-usd", a->monthly_usd, 0.01, &p->usd, err);
    if (!rc)
        rc = parse_targets(a, p, err);
    if (!rc && (a->alert_at || p->nsubs))
        rc = limits_parse_percentages(a->alert_at ? a->alert_at : "80,100", p->alerts, MAX_ALERTS, &p->nalerts, err);
    if (!rc && a->hourly_tokens)
        rc = parse_number("--hourly-tokens", a->hourly_tokens, 1, &p->hourly_tokens, err);
    if (!rc && a->hourly_tokens && !p->ntopics)
        out_warn(out, "--hourly-tokens without --notify sns:ARN: the alarms notify nobody");
    if (!rc && a->budget_action != (a->execution_role != NULL))
        rc = cc_err_set(err, CC_EUSAGE, "usage", "--budget-action needs --execution-role ARN (a role that trusts "
                                                 "budgets.amazonaws.com), and --execution-role needs --budget-action");
    if (!rc && a->execution_role && strncmp(a->execution_role, "arn:", 4))
        rc = cc_err_set(err, CC_EUSAGE, "usage", "--execution-role %s: give the role's ARN", a->execution_role);
    if (!rc && p->nalerts && !p->nsubs)
        rc = cc_err_set(err, CC_EUSAGE, "usage", "--alert-at needs --notify email:ADDRESS or sns:TOPIC-ARN");
    p->execution_role = a->execution_role;
    return rc;
}

/* ---- one member's budget ---------------------------------------------------- */

typedef struct member_state {
    const char *budget;   /* "created", "updated", "unchanged" */
    int notes_changed, alarms_changed, actions_changed;
} member_state;

static bool has_subscriber(const bg_subscriber_list *have, const bg_subscriber *s)
{
    for (size_t i = 0; i < have->n; i++)
        if (!strcmp(have->types[i], s->type) && !strcmp(have->addresses[i], s->address))
            return true;
    return false;
}

/* The subscribers of an existing notification become the --notify targets:
 * new ones first (a notification always keeps one), then the rest go. */
static int sync_subscribers(limits_ctx *l, const set_plan *p, const char *name, const bg_notification *note,
                            member_state *st, cc_err *err)
{
    bg_subscriber_list have;
    int rc = bg_describe_subscribers(l->s.aws, l->id.account, name, note, &have, err);
    for (size_t i = 0; !rc && i < p->nsubs; i++)
        if (!has_subscriber(&have, &p->subs[i]) &&
            !(rc = limits_write(l, "budgets", "CreateSubscriber",
                                bg_body_subscriber(l->id.account, name, note, &p->subs[i]), NULL, err)))
            st->notes_changed++;
    for (size_t k = 0; !rc && k < have.n; k++) {
        bg_subscriber old = {have.types[k], have.addresses[k]};
        bool wanted = false;
        for (size_t i = 0; i < p->nsubs && !wanted; i++)
            wanted = !strcmp(p->subs[i].type, old.type) && !strcmp(p->subs[i].address, old.address);
        if (!wanted && !(rc = limits_write(l, "budgets", "DeleteSubscriber",
                                           bg_body_subscriber(l->id.account, name, note, &old), NULL, err)))
            st->notes_changed++;
    }
    bg_subscriber_list_free(&have);
    return rc;
}

static int sync_notifications(limits_ctx *l, const set_plan *p, const char *name, member_state *st, cc_err *err)
{
    bg_notification_list have;
    int rc = bg_describe_notifications(l->s.aws, l->id.account, name, &have, err);
    for (size_t i = 0; !rc && i < p->nalerts; i++) {
        bool found = false;
        for (size_t k = 0; k < have.n && !found; k++)
            found = !strcmp(have.v[k].type, "ACTUAL") && have.v[k].threshold == p->alerts[i];
        bg_notification note = {"ACTUAL", p->alerts[i]};
        if (found)
            rc = sync_subscribers(l, p, name, &note, st, err);
        else if (!(rc = limits_write(l, "budgets", "CreateNotification",
                                     bg_body_notification(l->id.account, name, &note, p->subs, p->nsubs), NULL, err)))
            st->notes_changed++;
    }
    for (size_t k = 0; !rc && k < have.n; k++) {
        bool wanted = false;
        for (size_t i = 0; i < p->nalerts && !wanted; i++)
            wanted = !strcmp(have.v[k].type, "ACTUAL") && have.v[k].threshold == p->alerts[i];
        if (!wanted && !(rc = limits_write(l, "budgets", "DeleteNotification",
                                           bg_body_notification(l->id.account, name, &have.v[k], NULL, 0), NULL, err)))
            st->notes_changed++;
    }
    if (!rc || have.v)
        bg_notification_list_free(&have);
    return rc;
}

static int sync_budget(limits_ctx *l, const set_plan *p, const bg_budget_list *existing, const limits_member *m,
                       const char *name, member_state *st, cc_err *err)
{
    bg_budget_in in = {.name = name, .limit_usd = p->usd, .tag_key = l->member_key, .tag_value = m->member};
    const bg_budget *have = bg_budget_list_find(existing, name);
    bg_notification notes[MAX_ALERTS];
    for (size_t i = 0; i < p->nalerts; i++) {
        snprintf(notes[i].type, sizeof notes[i].type, "ACTUAL");
        notes[i].threshold = p->alerts[i];
    }
    if (!have) {
        st->budget = "created";
        return limits_write(l, "budgets", "CreateBudget",
                            bg_body_create_budget(l->id.account, &in, notes, p->nalerts, p->subs, p->nsubs), NULL, err);
    }
    double diff = have->limit - p->usd;
    bool same = diff < 0.005 && diff > -0.005 && have->tag_key && !strcmp(have->tag_key, l->member_key) &&
                have->tag_value && !strcmp(have->tag_value, m->member) && have->time_unit &&
                !strcmp(have->time_unit, "MONTHLY") && have->budget_type && !strcmp(have->budget_type, "COST");
    st->budget = same ? "unchanged" : "updated";
    int rc = same ? 0 : limits_write(l, "budgets", "UpdateBudget", bg_body_update_budget(l->id.account, &in), NULL, err);
    if (!rc && p->nsubs)
        rc = sync_notifications(l, p, name, st, err);
    return rc;
}

static int sync_alarms(limits_ctx *l, const set_plan *p, const cwa_alarm_list *alarms, const limits_profile *profs,
                       size_t nprofs, const limits_member *m, const char *name, member_state *st, cc_err *err)
{
    int rc = 0;
    size_t found = 0;
    for (size_t i = 0; !rc && i < nprofs; i++) {
        if (strcmp(profs[i].member, m->member))
            continue;
        found++;
        char alarm[LIMITS_ALARM_MAX + 1], desc[512];
        limits_alarm_name(name, profs[i].id, alarm);
        snprintf(desc, sizeof desc, "clinecfg: %.200s's input + output tokens on %.200s in one hour", m->member,
                 profs[i].arn);
        cwa_token_alarm want = {.name = alarm, .description = desc, .model_id = profs[i].id, .period = 3600,
                                .threshold = p->hourly_tokens, .actions = p->topics, .nactions = p->ntopics};
        if (cwa_alarm_matches(cwa_alarm_list_find(alarms, alarm), &want))
            continue;
        rc = limits_write(l, "cloudwatch", "PutMetricAlarm", cwa_body_put_token_alarm(&want), NULL, err);
        st->alarms_changed++;
    }
    if (!rc && !found)
        out_warn(&l->ctx->out, "%s: no application profile is tagged %s=%s yet, so no token alarm (run set again "
                               "once it has one)", m->member, l->member_key, m->member);
    return rc;
}

/* Creates the per-member deny policy when it does not exist yet. */
static int ensure_deny_policy(limits_ctx *l, const char *member, char *arn, size_t size, cc_err *err)
{
    char name[LIMITS_POLICY_NAME_MAX + 1];
    limits_member_policy_name(member, name);
    limits_policy_arn(l, name, arn, size);
    iam_policy pol;
    int rc = iam_get_policy(l->s.aws, arn, &pol, err);
    if (!rc) {
        iam_policy_free(&pol);
        return 0;
    }
    if (!iam_err_is(err, "NoSuchEntity"))
        return rc;
    cc_err_clear(err);
    if (limits_write_plan(l, "iam:CreatePolicy %s (Deny bedrock:InvokeModel* on *)", name))
        return 0;
    char *doc = NULL;
    rc = limits_member_deny_document(&doc, err);
    if (!rc)
        rc = iam_create_policy(l->s.aws, name, doc, "clinecfg: attached by a budget action when the member passes "
                               "the monthly limit", &pol, err);
    if (!rc)
        iam_policy_free(&pol);
    free(doc);
    return rc;
}

static int sync_action(limits_ctx *l, const set_plan *p, const limits_member *m, const char *name, bool budget_existed,
                       member_state *st, cc_err *err)
{
    char policy_arn[512];
    int rc = ensure_deny_policy(l, m->member, policy_arn, sizeof policy_arn, err);
    bg_action_list acts = {0};
    if (!rc && budget_existed)
        rc = bg_describe_actions(l->s.aws, l->id.account, name, &acts, err);
    bool found = false;
    for (size_t i = 0; !rc && i < acts.n && !found; i++)
        found = acts.v[i].policy_arn && !strcmp(acts.v[i].policy_arn, policy_arn) && acts.v[i].user &&
                !strcmp(acts.v[i].user, m->member) && acts.v[i].threshold == 100;
    bg_action_list_free(&acts);
    if (rc || found)
        return rc;
    st->actions_changed++;
    return limits_write(l, "budgets", "CreateBudgetAction",
                        bg_body_create_action(l->id.account, name, 100, policy_arn, m->member, p->execution_role,
                                              p->subs, p->nsubs),
                        NULL, err);
}

static void report_member(limits_ctx *l, const limits_member *m, const char *name, const member_state *st,
                          cJSON *rows)
{
    out_text(&l->ctx->out, "%-40s %-10s%s%s%s\n", name, st->budget, st->notes_changed ? " notifications" : "",
             st->alarms_changed ? " alarms" : "", st->actions_changed ? " action" : "");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "team", m->team);
    cJSON_AddStringToObject(o, "member", m->member);
    cJSON_AddStringToObject(o, "budget", name);
    cJSON_AddStringToObject(o, "status", st->budget);
    cJSON_AddNumberToObject(o, "notifications_changed", st->notes_changed);
    cJSON_AddNumberToObject(o, "alarms_changed", st->alarms_changed);
    cJSON_AddNumberToObject(o, "actions_changed", st->actions_changed);
    cJSON_AddItemToArray(rows, o);
}

typedef struct set_state {
    bg_budget_list budgets;
    cwa_alarm_list alarms;
    limits_profile *profs;
    size_t nprofs;
} set_state;

static int set_members(limits_ctx *l, const set_plan *p, const limits_member *ms, size_t n, set_state *s, cc_err *err)
{
    cJSON *rows = cJSON_AddArrayToObject(l->ctx->result, "members");
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        char name[LIMITS_NAME_MAX + 1];
        limits_budget_name(ms[i].team, ms[i].member, name);
        member_state st = {0};
        bool existed = bg_budget_list_find(&s->budgets, name) != NULL;
        rc = sync_budget(l, p, &s->budgets, &ms[i], name, &st, err);
        if (!rc && p->hourly_tokens > 0)
            rc = sync_alarms(l, p, &s->alarms, s->profs, s->nprofs, &ms[i], name, &st, err);
        if (!rc && p->execution_role)
            rc = sync_action(l, p, &ms[i], name, existed, &st, err);
        if (!rc)
            report_member(l, &ms[i], name, &st, rows);
    }
    return rc;
}

static int run_set(limits_ctx *l, const admin_limits_args *a, cc_err *err)
{
    set_plan p;
    limits_member *ms = NULL;
    size_t n = 0;
    set_state s;
    memset(&s, 0, sizeof s);
    int rc = parse_plan(&l->ctx->out, a, &p, err);
    if (!rc)
        rc = limits_members(l, a, &ms, &n, err);
    if (!rc)
        rc = bg_describe_budgets(l->s.aws, l->id.account, LIMITS_PREFIX, &s.budgets, err);
    if (!rc && p.hourly_tokens > 0)
        rc = limits_profiles(l, &s.profs, &s.nprofs, err);
    if (!rc && p.hourly_tokens > 0)
        rc = cwa_describe_alarms(l->s.aws, LIMITS_PREFIX, &s.alarms, err);
    if (!rc)
        rc = set_members(l, &p, ms, n, &s, err);
    cJSON_AddNumberToObject(l->ctx->result, "write_calls", (double)l->writes);
    cJSON_AddNumberToObject(l->ctx->result, "monthly_usd", p.usd);
    if (!rc)
        out_progress(&l->ctx->out, "%zu member%s, %zu write call%s%s%s", n, n == 1 ? "" : "s", l->writes,
                     l->writes == 1 ? "" : "s", l->ctx->dry_run && l->writes ? " that --dry-run did not make" : "",
                     l->writes ? "" : ": everything was already in place");
    bg_budget_list_free(&s.budgets);
    cwa_alarm_list_free(&s.alarms);
    limits_profiles_free(s.profs, s.nprofs);
    limits_members_free(ms, n);
    free(p.targets_copy);
    return rc;
}

/* ---- remove ------------------------------------------------------------------ */

typedef struct remove_state {
    bg_budget_list budgets;
    cwa_alarm_list alarms;
    const limits_member *members; /* everyone this run removes */
    size_t nmembers;
    char **blocked;               /* profile ARNs clinecfg-blocked denies now */
    size_t nblocked;
    limits_profile *profs;        /* read only when someone is blocked */
    size_t nprofs;
} remove_state;

/* A budget action that ran left its policy attached to the user: take it
 * off, or removing the limit would keep the member blocked. */
static int detach_action_policy(limits_ctx *l, const bg_action *a, cc_err *err)
{
    if (!a->policy_arn || !a->user)
        return 0;
    iam_attached_list att;
    int rc = iam_list_attached_policies(l->s.aws, IAM_USER, a->user, &att, err);
    if (rc && iam_err_is(err, "NoSuchEntity")) {
        cc_err_clear(err);
        return 0;
    }
    bool attached = false;
    for (size_t i = 0; !rc && i < att.n; i++)
        attached = attached || !strcmp(att.arns[i], a->policy_arn);
    if (!rc)
        iam_attached_list_free(&att);
    if (!rc && attached && !limits_write_plan(l, "iam:DetachUserPolicy %s %s", a->user, a->policy_arn))
        rc = iam_detach_policy(l->s.aws, IAM_USER, a->user, a->policy_arn, err);
    return rc;
}

static bool removed_in_this_run(const remove_state *rs, const char *budget)
{
    for (size_t i = 0; i < rs->nmembers; i++) {
        char name[LIMITS_NAME_MAX + 1];
        limits_budget_name(rs->members[i].team, rs->members[i].member, name);
        if (!strcmp(name, budget))
            return true;
    }
    return false;
}

/* The per-member policy's name has no team in it: when the member also has
 * a limit in another team that this run keeps, and that budget's action
 * names the policy, the policy is still in use.  *user gets that budget. */
static int policy_used_elsewhere(limits_ctx *l, const remove_state *rs, const char *member, const char *policy_arn,
                                 const char **user, cc_err *err)
{
    *user = NULL;
    int rc = 0;
    for (size_t i = 0; !rc && !*user && i < rs->budgets.n; i++) {
        const bg_budget *b = &rs->budgets.v[i];
        if (!b->tag_value || strcmp(b->tag_value, member) || removed_in_this_run(rs, b->name))
            continue;
        bg_action_list acts;
        rc = bg_describe_actions(l->s.aws, l->id.account, b->name, &acts, err);
        for (size_t k = 0; !rc && k < acts.n && !*user; k++)
            if (acts.v[k].policy_arn && !strcmp(acts.v[k].policy_arn, policy_arn))
                *user = b->name;
        if (!rc)
            bg_action_list_free(&acts);
    }
    return rc;
}

/* Deletes the budget's actions, then the budget.  AWS leaves a policy an
 * executed action attached where it is: the member's own deny is detached
 * when the whole policy goes (or stays, for the other action that names
 * it); any other policy is taken off the user here. */
/* *had_action: one of the budget's actions used the member's deny policy. */
static int remove_budget(limits_ctx *l, const char *name, const char *member_policy_arn, int *removed,
                         bool *had_action, cc_err *err)
{
    bg_action_list acts;
    int rc = bg_describe_actions(l->s.aws, l->id.account, name, &acts, err);
    for (size_t i = 0; !rc && i < acts.n; i++, (*removed)++) {
        rc = limits_write(l, "budgets", "DeleteBudgetAction", bg_body_delete_action(l->id.account, name, acts.v[i].id),
                          NULL, err);
        bool member_policy = acts.v[i].policy_arn && !strcmp(acts.v[i].policy_arn, member_policy_arn);
        *had_action = *had_action || member_policy;
        if (!rc && !member_policy)
            rc = detach_action_policy(l, &acts.v[i], err);
    }
    if (!rc || acts.v)
        bg_action_list_free(&acts);
    if (!rc && !(rc = limits_write(l, "budgets", "DeleteBudget", bg_body_budget_name(l->id.account, name), NULL, err)))
        (*removed)++;
    return rc;
}

static int remove_alarms(limits_ctx *l, const cwa_alarm_list *alarms, const char *name, int *removed, cc_err *err)
{
    const char *names[100];
    size_t nn = 0;
    int rc = 0;
    for (size_t i = 0; !rc && i < alarms->n; i++) {
        if (limits_alarm_belongs(alarms->v[i].name, name))
            names[nn++] = alarms->v[i].name;
        if (nn == 100 || (nn && i + 1 == alarms->n)) {
            rc = limits_write(l, "cloudwatch", "DeleteAlarms", cwa_body_delete_alarms(names, nn), NULL, err);
            *removed += (int)nn;
            nn = 0;
        }
    }
    return rc;
}

static bool dry_run_gate(void *ud, const char *call)
{
    return !limits_write_plan(ud, "%s", call);
}

/* True when clinecfg-blocked denies one of the member's profiles. */
static bool still_blocked(const remove_state *rs, const char *member)
{
    for (size_t p = 0; p < rs->nprofs; p++)
        for (size_t i = 0; !strcmp(rs->profs[p].member, member) && i < rs->nblocked; i++)
            if (!strcmp(rs->blocked[i], rs->profs[p].arn))
                return true;
    return false;
}

static int remove_member(limits_ctx *l, const remove_state *rs, const limits_member *m, const char *name, cJSON *row,
                         cc_err *err)
{
    char policy[LIMITS_POLICY_NAME_MAX + 1], policy_arn[512];
    limits_member_policy_name(m->member, policy);
    limits_policy_arn(l, policy, policy_arn, sizeof policy_arn);
    const char *kept_for = NULL;
    int removed = 0;
    bool had_action = false;
    int rc = policy_used_elsewhere(l, rs, m->member, policy_arn, &kept_for, err);
    if (!rc && bg_budget_list_find(&rs->budgets, name))
        rc = remove_budget(l, name, policy_arn, &removed, &had_action, err);
    if (!rc)
        rc = remove_alarms(l, &rs->alarms, name, &removed, err);
    bool existed = false;
    if (!rc && !kept_for)
        rc = iam_delete_policy_completely(l->s.aws, policy_arn, dry_run_gate, l, &existed, err);
    /* Without IAM rights the policy cannot even be looked for.  That only
     * matters when a budget action used it (it may deny the member right
     * now), so otherwise it is a warning and the rest of the removal stands. */
    if (rc == CC_EDENIED && !had_action) {
        out_warn(&l->ctx->out, "%s: could not look for the deny policy %s (%s); if `limits set --budget-action` "
                               "made one, an admin with IAM rights can run remove again", m->member, policy,
                 err->message);
        cJSON_AddStringToObject(row, "policy_error", err->message);
        cc_err_clear(err);
        rc = 0;
    }
    removed += existed;
    if (!rc && kept_for)
        out_warn(&l->ctx->out, "%s: kept the deny policy %s, which the budget action of %s still uses", m->member,
                 policy, kept_for);
    cJSON_AddNumberToObject(row, "removed", removed);
    cJSON_AddBoolToObject(row, "policy_removed", existed);
    bool blocked = !rc && still_blocked(rs, m->member);
    cJSON_AddBoolToObject(row, "still_blocked", blocked);
    out_text(&l->ctx->out, "%-40s %s\n", name, !removed ? "nothing to remove" : l->ctx->dry_run ? "would remove" : "removed");
    if (blocked)
        out_warn(&l->ctx->out, "%s is still denied by %s; the next `clinecfg admin limits enforce` unblocks them "
                               "(they have no limit now)", m->member, LIMITS_BLOCKED_POLICY);
    return rc;
}

/* clinecfg-blocked's current set and, when it blocks anyone, the profiles
 * it could name, so remove can say who stays blocked until enforce runs. */
static int read_blocked(limits_ctx *l, remove_state *rs, cc_err *err)
{
    char arn[512];
    bool exists;
    int rc = limits_read_blocked(l, arn, sizeof arn, &rs->blocked, &rs->nblocked, &exists, err);
    if (rc == CC_EDENIED) { /* only for the "still blocked" note: say so and go on */
        out_warn(&l->ctx->out, "could not read %s (%s), so cannot say who it still blocks", LIMITS_BLOCKED_POLICY,
                 err->message);
        cc_err_clear(err);
        return 0;
    }
    if (!rc && rs->nblocked)
        rc = limits_profiles(l, &rs->profs, &rs->nprofs, err);
    return rc;
}

static int run_remove(limits_ctx *l, const admin_limits_args *a, cc_err *err)
{
    limits_member *ms = NULL;
    size_t n = 0;
    remove_state rs;
    memset(&rs, 0, sizeof rs);
    int rc = limits_members(l, a, &ms, &n, err);
    rs.members = ms;
    rs.nmembers = n;
    if (!rc)
        rc = bg_describe_budgets(l->s.aws, l->id.account, LIMITS_PREFIX, &rs.budgets, err);
    if (!rc)
        rc = cwa_describe_alarms(l->s.aws, LIMITS_PREFIX, &rs.alarms, err);
    if (!rc)
        rc = read_blocked(l, &rs, err);
    cJSON *rows = cJSON_AddArrayToObject(l->ctx->result, "members");
    for (size_t i = 0; !rc && i < n; i++) {
        char name[LIMITS_NAME_MAX + 1];
        limits_budget_name(ms[i].team, ms[i].member, name);
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "member", ms[i].member);
        cJSON_AddStringToObject(row, "budget", name);
        cJSON_AddItemToArray(rows, row);
        rc = remove_member(l, &rs, &ms[i], name, row, err);
    }
    cJSON_AddNumberToObject(l->ctx->result, "write_calls", (double)l->writes);
    bg_budget_list_free(&rs.budgets);
    cwa_alarm_list_free(&rs.alarms);
    limits_strings_free(rs.blocked, rs.nblocked);
    limits_profiles_free(rs.profs, rs.nprofs);
    limits_members_free(ms, n);
    return rc;
}

static int run_args(cc_ctx *ctx, const admin_limits_args *a, cc_err *err)
{
    const char *act = a->action ? a->action : "";
    bool known = !strcmp(act, "set") || !strcmp(act, "enforce") || !strcmp(act, "list") || !strcmp(act, "remove");
    if (!known)
        return cc_err_set(err, CC_EUSAGE, "usage",
                          "usage: clinecfg admin limits set --monthly-usd N (--member M | --roster CSV) ... | "
                          "enforce [--json] | list [--team T] | remove (--member M | --roster CSV)");
    if (!strcmp(act, "set") && !a->monthly_usd)
        return cc_err_set(err, CC_EUSAGE, "usage", "limits set needs --monthly-usd N");
    limits_ctx l;
    int rc = limits_open(&l, ctx, a, err);
    if (!rc && !strcmp(act, "set"))
        rc = run_set(&l, a, err);
    else if (!rc && !strcmp(act, "remove"))
        rc = run_remove(&l, a, err);
    else if (!rc)
        rc = limits_enforce(&l, a, !strcmp(act, "list"), err);
    limits_close(&l);
    return rc;
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    admin_limits_args la = {
        .action = a->npos == 1 ? a->pos[0] : NULL,
        .team = cli_value(a, LIMITS_OPT_TEAM),
        .member = cli_value(a, LIMITS_OPT_MEMBER),
        .roster = cli_value(a, LIMITS_OPT_ROSTER),
        .region = cli_value(a, LIMITS_OPT_REGION),
        .aws_profile = cli_value(a, LIMITS_OPT_AWS_PROFILE),
        .monthly_usd = cli_value(a, LIMITS_OPT_MONTHLY_USD),
        .notify = cli_value(a, LIMITS_OPT_NOTIFY),
        .alert_at = cli_value(a, LIMITS_OPT_ALERT_AT),
        .hourly_tokens = cli_value(a, LIMITS_OPT_HOURLY_TOKENS),
        .budget_action = cli_count(a, LIMITS_OPT_BUDGET_ACTION) > 0,
        .execution_role = cli_value(a, LIMITS_OPT_EXECUTION_ROLE),
        .users = cli_value(a, LIMITS_OPT_USER),
        .roles = cli_value(a, LIMITS_OPT_ROLE),
        .groups = cli_value(a, LIMITS_OPT_GROUP),
    };
    return run_args(ctx, &la, err);
}

const cli_command cmd_admin_limits = {
    .name = "limits",
    .operands = "set|enforce|list|remove",
    .summary = "per-member monthly limits: AWS Budgets, token alarms and clinecfg-blocked",
    .description = "`set --monthly-usd N (--member M | --roster CSV)` makes one AWS Budget per member;\n"
                   "`enforce` blocks members over their limit through the policy clinecfg-blocked;\n"
                   "`list` shows limits and spend; `remove` deletes what `set` made.",
    .opts = CLI_OPTS(limits_opts),
    .run = run,
};

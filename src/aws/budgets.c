/*
 * budgets.c - AWS Budgets: request bodies for budgets filtered on one tag,
 * notifications with subscribers and APPLY_IAM_POLICY budget actions; the
 * awsJson1_1 call with us-east-1 signing; DescribeBudgets /
 * DescribeNotificationsForBudget / DescribeBudgetActionsForBudget paging;
 * denials naming budgets:ModifyBudget or budgets:ViewBudget.  See budgets.h.
 */
#define _GNU_SOURCE
#include "clinecfg/budgets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/costexplorer.h"

#define BG_MAX_PAGES 1000

bool bg_err_is(const cc_err *err, const char *name)
{
    return err && !strncmp(err->code, "aws:", 4) && !strcmp(err->code + 4, name);
}

void bg_budget_list_free(bg_budget_list *l)
{
    for (size_t i = 0; l && i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].time_unit);
        free(l->v[i].budget_type);
        free(l->v[i].tag_key);
        free(l->v[i].tag_value);
    }
    if (l) {
        free(l->v);
        memset(l, 0, sizeof *l);
    }
}

const bg_budget *bg_budget_list_find(const bg_budget_list *l, const char *name)
{
    for (size_t i = 0; l && name && i < l->n; i++)
        if (l->v[i].name && !strcmp(l->v[i].name, name))
            return &l->v[i];
    return NULL;
}

void bg_notification_list_free(bg_notification_list *l)
{
    if (l) {
        free(l->v);
        memset(l, 0, sizeof *l);
    }
}

void bg_subscriber_list_free(bg_subscriber_list *l)
{
    for (size_t i = 0; l && i < l->n; i++) {
        free(l->types[i]);
        free(l->addresses[i]);
    }
    if (l) {
        free(l->types);
        free(l->addresses);
        memset(l, 0, sizeof *l);
    }
}

void bg_action_list_free(bg_action_list *l)
{
    for (size_t i = 0; l && i < l->n; i++) {
        free(l->v[i].id);
        free(l->v[i].policy_arn);
        free(l->v[i].user);
        free(l->v[i].status);
        free(l->v[i].approval_model);
    }
    if (l) {
        free(l->v);
        memset(l, 0, sizeof *l);
    }
}

/* ------------------------------------------------------------ bodies */

static cJSON *body_start(const char *account)
{
    cJSON *o = cJSON_CreateObject();
    if (o && !cJSON_AddStringToObject(o, "AccountId", account ? account : "")) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Budgets amounts are decimal strings; two decimals are what a USD limit needs. */
static cJSON *amount_json(double usd)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.2f", usd);
    cJSON *o = cJSON_CreateObject();
    if (o && (!cJSON_AddStringToObject(o, "Amount", buf) || !cJSON_AddStringToObject(o, "Unit", "USD"))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *tag_filter_json(const char *key, const char *value)
{
    cJSON *f = cJSON_CreateObject();
    cJSON *tags = f ? cJSON_AddObjectToObject(f, "Tags") : NULL;
    bool ok = tags && cJSON_AddStringToObject(tags, "Key", key);
    cJSON *values = ok ? cJSON_CreateStringArray(&value, 1) : NULL;
    const char *eq = "EQUALS";
    cJSON *options = values ? cJSON_CreateStringArray(&eq, 1) : NULL;
    if (!options) {
        cJSON_Delete(values);
        cJSON_Delete(f);
        return NULL;
    }
    cJSON_AddItemToObject(tags, "Values", values);
    cJSON_AddItemToObject(tags, "MatchOptions", options);
    return f;
}

cJSON *bg_budget_json(const bg_budget_in *in)
{
    cJSON *b = cJSON_CreateObject();
    cJSON *limit = amount_json(in->limit_usd);
    cJSON *filter = tag_filter_json(in->tag_key, in->tag_value);
    const char *metric = "UnblendedCost";
    cJSON *metrics = cJSON_CreateStringArray(&metric, 1);
    bool ok = b && limit && filter && metrics && cJSON_AddStringToObject(b, "BudgetName", in->name) &&
              cJSON_AddStringToObject(b, "TimeUnit", "MONTHLY") && cJSON_AddStringToObject(b, "BudgetType", "COST");
    if (!ok) {
        cJSON_Delete(b);
        cJSON_Delete(limit);
        cJSON_Delete(filter);
        cJSON_Delete(metrics);
        return NULL;
    }
    cJSON_AddItemToObject(b, "BudgetLimit", limit);
    cJSON_AddItemToObject(b, "FilterExpression", filter);
    cJSON_AddItemToObject(b, "Metrics", metrics);
    return b;
}

static cJSON *notification_json(const bg_notification *n)
{
    cJSON *o = cJSON_CreateObject();
    if (o && (!cJSON_AddStringToObject(o, "NotificationType", n->type) ||
              !cJSON_AddStringToObject(o, "ComparisonOperator", "GREATER_THAN") ||
              !cJSON_AddNumberToObject(o, "Threshold", n->threshold) ||
              !cJSON_AddStringToObject(o, "ThresholdType", "PERCENTAGE"))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *subscribers_json(const bg_subscriber *subs, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) {
        cJSON *s = cJSON_CreateObject();
        if (!s || !cJSON_AddStringToObject(s, "SubscriptionType", subs[i].type) ||
            !cJSON_AddStringToObject(s, "Address", subs[i].address)) {
            cJSON_Delete(s);
            cJSON_Delete(a);
            return NULL;
        }
        cJSON_AddItemToArray(a, s);
    }
    return a;
}

cJSON *bg_body_create_budget(const char *account, const bg_budget_in *in, const bg_notification *notes, size_t nnotes,
                             const bg_subscriber *subs, size_t nsubs)
{
    cJSON *o = body_start(account);
    cJSON *budget = o ? bg_budget_json(in) : NULL;
    if (!budget) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddItemToObject(o, "Budget", budget);
    if (!nnotes)
        return o;
    cJSON *list = cJSON_AddArrayToObject(o, "NotificationsWithSubscribers");
    for (size_t i = 0; list && i < nnotes; i++) {
        cJSON *item = cJSON_CreateObject(), *note = notification_json(&notes[i]), *s = subscribers_json(subs, nsubs);
        if (!item || !note || !s) {
            cJSON_Delete(item);
            cJSON_Delete(note);
            cJSON_Delete(s);
            cJSON_Delete(o);
            return NULL;
        }
        cJSON_AddItemToObject(item, "Notification", note);
        cJSON_AddItemToObject(item, "Subscribers", s);
        cJSON_AddItemToArray(list, item);
    }
    if (!list) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *bg_body_update_budget(const char *account, const bg_budget_in *in)
{
    cJSON *o = body_start(account);
    cJSON *budget = o ? bg_budget_json(in) : NULL;
    if (!budget) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddItemToObject(o, "NewBudget", budget);
    return o;
}

cJSON *bg_body_budget_name(const char *account, const char *name)
{
    cJSON *o = body_start(account);
    if (o && !cJSON_AddStringToObject(o, "BudgetName", name)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *bg_body_notification(const char *account, const char *name, const bg_notification *note,
                            const bg_subscriber *subs, size_t nsubs)
{
    cJSON *o = bg_body_budget_name(account, name);
    cJSON *n = o ? notification_json(note) : NULL;
    cJSON *s = n && subs ? subscribers_json(subs, nsubs) : NULL;
    if (!n || (subs && !s)) {
        cJSON_Delete(n);
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddItemToObject(o, "Notification", n);
    if (s)
        cJSON_AddItemToObject(o, "Subscribers", s);
    return o;
}

cJSON *bg_body_subscriber(const char *account, const char *name, const bg_notification *note, const bg_subscriber *sub)
{
    cJSON *o = bg_body_notification(account, name, note, NULL, 0);
    cJSON *s = o ? cJSON_AddObjectToObject(o, "Subscriber") : NULL;
    if (!s || !cJSON_AddStringToObject(s, "SubscriptionType", sub->type) ||
        !cJSON_AddStringToObject(s, "Address", sub->address)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *action_definition(const char *policy_arn, const char *user)
{
    cJSON *def = cJSON_CreateObject();
    cJSON *iam = def ? cJSON_AddObjectToObject(def, "IamActionDefinition") : NULL;
    cJSON *users = iam ? cJSON_CreateStringArray(&user, 1) : NULL;
    if (!users || !cJSON_AddStringToObject(iam, "PolicyArn", policy_arn)) {
        cJSON_Delete(users);
        cJSON_Delete(def);
        return NULL;
    }
    cJSON_AddItemToObject(iam, "Users", users);
    return def;
}

cJSON *bg_body_create_action(const char *account, const char *name, double threshold_pct, const char *policy_arn,
                             const char *user, const char *execution_role, const bg_subscriber *subs, size_t nsubs)
{
    cJSON *o = bg_body_budget_name(account, name);
    cJSON *threshold = o ? cJSON_AddObjectToObject(o, "ActionThreshold") : NULL;
    bool ok = threshold && cJSON_AddStringToObject(o, "NotificationType", "ACTUAL") &&
              cJSON_AddStringToObject(o, "ActionType", "APPLY_IAM_POLICY") &&
              cJSON_AddNumberToObject(threshold, "ActionThresholdValue", threshold_pct) &&
              cJSON_AddStringToObject(threshold, "ActionThresholdType", "PERCENTAGE") &&
              cJSON_AddStringToObject(o, "ExecutionRoleArn", execution_role) &&
              cJSON_AddStringToObject(o, "ApprovalModel", "AUTOMATIC");
    cJSON *def = ok ? action_definition(policy_arn, user) : NULL;
    cJSON *s = def ? subscribers_json(subs, nsubs) : NULL;
    if (!s) {
        cJSON_Delete(def);
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddItemToObject(o, "Definition", def);
    cJSON_AddItemToObject(o, "Subscribers", s);
    return o;
}

cJSON *bg_body_delete_action(const char *account, const char *name, const char *action_id)
{
    cJSON *o = bg_body_budget_name(account, name);
    if (o && !cJSON_AddStringToObject(o, "ActionId", action_id)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ------------------------------------------------------------- calls */

static bool is_read(const char *op)
{
    return !strncmp(op, "Describe", 8);
}

int bg_call(awsclient *c, const char *op, const cJSON *body, cJSON **reply, cc_err *err)
{
    if (reply)
        *reply = NULL;
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    if (!text)
        return cc_err_oom(err);
    char target[96], operation[96];
    snprintf(target, sizeof target, "X-Amz-Target: " BG_TARGET_PREFIX "%s", op);
    snprintf(operation, sizeof operation, "budgets:%s", op);
    const char *hdrs[] = {target, NULL};
    aws_request req;
    memset(&req, 0, sizeof req);
    aws_request_json(&req, "application/x-amz-json-1.1", hdrs, text, operation);
    aws_response resp;
    memset(&resp, 0, sizeof resp);
    int rc = awsclient_call(c, "budgets", &req, &resp, err);
    if (rc == CC_EDENIED && err)
        cc_err_hint(err, "the identity needs %s (IAM) to %s budgets", is_read(op) ? "budgets:ViewBudget"
                                                                                  : "budgets:ModifyBudget",
                    is_read(op) ? "read" : "change");
    if (rc && bg_err_is(err, "NotFoundException"))
        rc = err->status = CC_EINPUT;
    if (!rc && reply) {
        *reply = cJSON_ParseWithLength(resp.body ? resp.body : "", resp.body_len);
        if (!*reply)
            rc = cc_err_set(err, CC_EAWS, "budgets.reply", "AWS Budgets %s answered with a reply that is not JSON",
                            op);
    }
    aws_response_free(&resp);
    free(text);
    return rc;
}

static char *dup_string(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

static bool read_amount(const cJSON *spend, double *out)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(spend, "Amount");
    return cJSON_IsString(a) && ce_parse_amount(a->valuestring, out);
}

static int take_next(const cJSON *root, char **next, cc_err *err)
{
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "NextToken");
    *next = NULL;
    if (cJSON_IsString(tok) && tok->valuestring[0] && !(*next = strdup(tok->valuestring)))
        return cc_err_oom(err);
    return 0;
}

static int read_budget(const cJSON *item, bg_budget *b, cc_err *err)
{
    memset(b, 0, sizeof *b);
    b->name = dup_string(item, "BudgetName");
    b->time_unit = dup_string(item, "TimeUnit");
    b->budget_type = dup_string(item, "BudgetType");
    if (!b->name)
        return cc_err_set(err, CC_EAWS, "budgets.reply", "AWS Budgets DescribeBudgets listed a budget without a name");
    read_amount(cJSON_GetObjectItemCaseSensitive(item, "BudgetLimit"), &b->limit);
    const cJSON *spend = cJSON_GetObjectItemCaseSensitive(item, "CalculatedSpend");
    b->has_actual = read_amount(cJSON_GetObjectItemCaseSensitive(spend, "ActualSpend"), &b->actual);
    b->has_forecast = read_amount(cJSON_GetObjectItemCaseSensitive(spend, "ForecastedSpend"), &b->forecast);
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, "FilterExpression"),
                                                         "Tags");
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(tags, "Values");
    if (tags) {
        b->tag_key = dup_string(tags, "Key");
        const cJSON *first = cJSON_GetArrayItem(values, 0);
        b->tag_value = cJSON_IsString(first) ? strdup(first->valuestring) : NULL;
    }
    return 0;
}

int bg_parse_budgets(const char *body, size_t len, const char *prefix, bg_budget_list *acc, char **next,
                     cc_err *err)
{
    *next = NULL;
    cJSON *root = cJSON_ParseWithLength(body ? body : "", len);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "Budgets");
    if (!cJSON_IsObject(root) || (list && !cJSON_IsArray(list))) {
        cJSON_Delete(root);
        return cc_err_set(err, CC_EAWS, "budgets.reply", "AWS Budgets DescribeBudgets answered with a malformed reply");
    }
    size_t add = (size_t)cJSON_GetArraySize(list);
    bg_budget *grown = realloc(acc->v, (acc->n + add + 1) * sizeof *grown);
    if (!grown) {
        cJSON_Delete(root);
        return cc_err_oom(err);
    }
    acc->v = grown;
    int rc = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, list) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "BudgetName");
        if (rc || (prefix && cJSON_IsString(name) && strncmp(name->valuestring, prefix, strlen(prefix))))
            continue;
        rc = read_budget(item, &acc->v[acc->n], err);
        acc->n++;
    }
    if (!rc)
        rc = take_next(root, next, err);
    cJSON_Delete(root);
    return rc;
}

int bg_parse_notifications(const cJSON *reply, bg_notification_list *acc, char **next, cc_err *err)
{
    *next = NULL;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(reply, "Notifications"), *item;
    size_t add = (size_t)cJSON_GetArraySize(list);
    bg_notification *grown = realloc(acc->v, (acc->n + add + 1) * sizeof *grown);
    if (!grown)
        return cc_err_oom(err);
    acc->v = grown;
    cJSON_ArrayForEach(item, list) {
        bg_notification *n = &acc->v[acc->n++];
        memset(n, 0, sizeof *n);
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(item, "NotificationType");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(item, "Threshold");
        snprintf(n->type, sizeof n->type, "%s", cJSON_IsString(type) ? type->valuestring : "");
        n->threshold = cJSON_IsNumber(t) ? t->valuedouble : 0;
    }
    return take_next(reply, next, err);
}

int bg_parse_actions(const cJSON *reply, bg_action_list *acc, char **next, cc_err *err)
{
    *next = NULL;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(reply, "Actions"), *item;
    size_t add = (size_t)cJSON_GetArraySize(list);
    bg_action *grown = realloc(acc->v, (acc->n + add + 1) * sizeof *grown);
    if (!grown)
        return cc_err_oom(err);
    acc->v = grown;
    cJSON_ArrayForEach(item, list) {
        bg_action *a = &acc->v[acc->n++];
        memset(a, 0, sizeof *a);
        a->id = dup_string(item, "ActionId");
        a->status = dup_string(item, "Status");
        a->approval_model = dup_string(item, "ApprovalModel");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, "ActionThreshold"),
                                                          "ActionThresholdValue");
        a->threshold = cJSON_IsNumber(t) ? t->valuedouble : 0;
        const cJSON *iam = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, "Definition"),
                                                            "IamActionDefinition");
        a->policy_arn = dup_string(iam, "PolicyArn");
        const cJSON *user = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(iam, "Users"), 0);
        a->user = cJSON_IsString(user) ? strdup(user->valuestring) : NULL;
        if (!a->id)
            return cc_err_set(err, CC_EAWS, "budgets.reply", "AWS Budgets listed a budget action without an ActionId");
    }
    return take_next(reply, next, err);
}

int bg_describe_budgets(awsclient *c, const char *account, const char *prefix, bg_budget_list *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    char *token = NULL;
    int rc = 0;
    do {
        cJSON *body = body_start(account);
        if (!body || !cJSON_AddNumberToObject(body, "MaxResults", 100) ||
            !cJSON_AddBoolToObject(body, "ShowFilterExpression", 1) ||
            (token && !cJSON_AddStringToObject(body, "NextToken", token))) {
            cJSON_Delete(body);
            rc = cc_err_oom(err);
            break;
        }
        cJSON *reply = NULL;
        rc = bg_call(c, "DescribeBudgets", body, &reply, err);
        cJSON_Delete(body);
        out->calls++;
        free(token);
        token = NULL;
        char *text = reply ? cJSON_PrintUnformatted(reply) : NULL;
        if (!rc)
            rc = text ? bg_parse_budgets(text, strlen(text), prefix, out, &token, err) : cc_err_oom(err);
        free(text);
        cJSON_Delete(reply);
    } while (!rc && token && out->calls < BG_MAX_PAGES);
    free(token);
    /* A fresh account answers NotFoundException when it has no budgets at all. */
    if (rc && bg_err_is(err, "NotFoundException")) {
        cc_err_clear(err);
        rc = 0;
    }
    if (rc)
        bg_budget_list_free(out);
    return rc;
}

/* Walks Describe<op>ForBudget pages through `parse`. */
static int describe_for_budget(awsclient *c, const char *op, const char *account, const char *name,
                               int (*parse)(const cJSON *, void *, char **, cc_err *), void *acc, cc_err *err)
{
    char *token = NULL;
    int rc = 0, pages = 0;
    do {
        cJSON *body = bg_body_budget_name(account, name);
        if (!body || (token && !cJSON_AddStringToObject(body, "NextToken", token))) {
            cJSON_Delete(body);
            rc = cc_err_oom(err);
            break;
        }
        cJSON *reply = NULL;
        rc = bg_call(c, op, body, &reply, err);
        cJSON_Delete(body);
        free(token);
        token = NULL;
        if (!rc)
            rc = parse(reply, acc, &token, err);
        cJSON_Delete(reply);
    } while (!rc && token && ++pages < BG_MAX_PAGES);
    free(token);
    return rc;
}

static int parse_notes_cb(const cJSON *r, void *acc, char **next, cc_err *err)
{
    return bg_parse_notifications(r, acc, next, err);
}

static int parse_subscribers_cb(const cJSON *r, void *acc, char **next, cc_err *err)
{
    bg_subscriber_list *l = acc;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(r, "Subscribers"), *item;
    size_t add = (size_t)cJSON_GetArraySize(list);
    char **t = realloc(l->types, (l->n + add + 1) * sizeof *t);
    if (t)
        l->types = t;
    char **a = t ? realloc(l->addresses, (l->n + add + 1) * sizeof *a) : NULL;
    if (!a)
        return cc_err_oom(err);
    l->addresses = a;
    cJSON_ArrayForEach(item, list) {
        char *type = dup_string(item, "SubscriptionType"), *address = dup_string(item, "Address");
        if (!type || !address) {
            free(type);
            free(address);
            continue;
        }
        l->types[l->n] = type;
        l->addresses[l->n++] = address;
    }
    return take_next(r, next, err);
}

static int parse_actions_cb(const cJSON *r, void *acc, char **next, cc_err *err)
{
    return bg_parse_actions(r, acc, next, err);
}

int bg_describe_notifications(awsclient *c, const char *account, const char *name, bg_notification_list *out,
                              cc_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = describe_for_budget(c, "DescribeNotificationsForBudget", account, name, parse_notes_cb, out, err);
    if (rc)
        bg_notification_list_free(out);
    return rc;
}

int bg_describe_subscribers(awsclient *c, const char *account, const char *name, const bg_notification *note,
                            bg_subscriber_list *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    char *token = NULL;
    int rc = 0, pages = 0;
    do {
        cJSON *body = bg_body_notification(account, name, note, NULL, 0);
        if (!body || (token && !cJSON_AddStringToObject(body, "NextToken", token))) {
            cJSON_Delete(body);
            rc = cc_err_oom(err);
            break;
        }
        cJSON *reply = NULL;
        rc = bg_call(c, "DescribeSubscribersForNotification", body, &reply, err);
        cJSON_Delete(body);
        free(token);
        token = NULL;
        if (!rc)
            rc = parse_subscribers_cb(reply, out, &token, err);
        cJSON_Delete(reply);
    } while (!rc && token && ++pages < BG_MAX_PAGES);
    free(token);
    if (rc)
        bg_subscriber_list_free(out);
    return rc;
}

int bg_describe_actions(awsclient *c, const char *account, const char *name, bg_action_list *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = describe_for_budget(c, "DescribeBudgetActionsForBudget", account, name, parse_actions_cb, out, err);
    if (rc)
        bg_action_list_free(out);
    return rc;
}

/*
 * budgets.h - AWS Budgets client: cost budgets filtered on a tag, their
 * notifications and subscribers, and budget actions (APPLY_IAM_POLICY).
 *
 * Owns the awsJson1_1 wire form (x-amz-target AWSBudgetServiceGateway.<Op>,
 * host budgets.amazonaws.com signed for us-east-1 through awsclient's
 * "budgets" service, AccountId in every body), the request bodies (pure
 * builders, so `--dry-run` can show exactly what would be sent), reading
 * DescribeBudgets pages (ShowFilterExpression on), notifications and
 * actions, and the error mapping: AccessDeniedException -> CC_EDENIED
 * naming budgets:ModifyBudget or budgets:ViewBudget; NotFoundException ->
 * CC_EINPUT with code "aws:NotFoundException" (test with bg_err_is).
 * Facts: shared/reference/aws-governance.md, "AWS Budgets".
 *
 * Ownership: every char * in an output struct is malloc'd and owned by it.
 */
#ifndef CLINECFG_BUDGETS_H
#define CLINECFG_BUDGETS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/error.h"

#define BG_TARGET_PREFIX "AWSBudgetServiceGateway."
#define BG_MAX_NAME 100

/* A monthly COST budget in USD on the spend whose tag `tag_key` equals
 * `tag_value` (a FilterExpression, never the deprecated CostFilters). */
typedef struct bg_budget_in {
    const char *name;
    double limit_usd;
    const char *tag_key;
    const char *tag_value;
} bg_budget_in;

/* One notification: ACTUAL or FORECASTED spend GREATER_THAN threshold %. */
typedef struct bg_notification {
    char type[16];     /* "ACTUAL" | "FORECASTED" */
    double threshold;  /* percent of the limit */
} bg_notification;

/* A subscriber: "EMAIL" or "SNS" and the address or topic ARN (borrowed). */
typedef struct bg_subscriber {
    const char *type;
    const char *address;
} bg_subscriber;

typedef struct bg_budget {
    char *name;
    double limit;        /* BudgetLimit.Amount */
    char *time_unit;     /* "MONTHLY" */
    char *budget_type;   /* "COST" */
    double actual;       /* CalculatedSpend.ActualSpend.Amount (0 when absent) */
    double forecast;     /* CalculatedSpend.ForecastedSpend.Amount */
    bool has_actual, has_forecast;
    char *tag_key;       /* FilterExpression.Tags.Key when it is one tag filter */
    char *tag_value;     /* its first value */
} bg_budget;

typedef struct bg_budget_list {
    bg_budget *v;
    size_t n;
    size_t calls;
} bg_budget_list;
void bg_budget_list_free(bg_budget_list *l);
const bg_budget *bg_budget_list_find(const bg_budget_list *l, const char *name);

typedef struct bg_notification_list {
    bg_notification *v;
    size_t n;
} bg_notification_list;
void bg_notification_list_free(bg_notification_list *l);

/* Subscribers of one notification, as DescribeSubscribersForNotification
 * lists them (owned strings). */
typedef struct bg_subscriber_list {
    char **types, **addresses;
    size_t n;
} bg_subscriber_list;
void bg_subscriber_list_free(bg_subscriber_list *l);

typedef struct bg_action {
    char *id;
    char *policy_arn;
    char *user;            /* the first Definition.IamActionDefinition.Users entry, or NULL */
    char *status;
    char *approval_model;
    double threshold;      /* ActionThreshold.ActionThresholdValue */
} bg_action;

typedef struct bg_action_list {
    bg_action *v;
    size_t n;
} bg_action_list;
void bg_action_list_free(bg_action_list *l);

/* True when err came from the Budgets error `name` (e.g. "NotFoundException",
 * "DuplicateRecordException"). */
bool bg_err_is(const cc_err *err, const char *name);

/* --- request bodies (pure; the caller owns the cJSON) ------------------- */

/* The Budget object of CreateBudget / UpdateBudget. */
cJSON *bg_budget_json(const bg_budget_in *in);
cJSON *bg_body_create_budget(const char *account, const bg_budget_in *in, const bg_notification *notes, size_t nnotes,
                             const bg_subscriber *subs, size_t nsubs);
cJSON *bg_body_update_budget(const char *account, const bg_budget_in *in);
cJSON *bg_body_budget_name(const char *account, const char *name); /* DeleteBudget, Describe*ForBudget */
cJSON *bg_body_notification(const char *account, const char *name, const bg_notification *note,
                            const bg_subscriber *subs, size_t nsubs); /* subs NULL: DeleteNotification */
/* CreateBudgetAction: APPLY_IAM_POLICY, AUTOMATIC, ACTUAL spend at
 * threshold_pct percent, attaching policy_arn to the IAM user. */
cJSON *bg_body_create_action(const char *account, const char *name, double threshold_pct, const char *policy_arn,
                             const char *user, const char *execution_role, const bg_subscriber *subs, size_t nsubs);
/* CreateSubscriber / DeleteSubscriber: one subscriber of one notification. */
cJSON *bg_body_subscriber(const char *account, const char *name, const bg_notification *note, const bg_subscriber *sub);
cJSON *bg_body_delete_action(const char *account, const char *name, const char *action_id);

/* --- calls -------------------------------------------------------------- */

/* POSTs `body` as AWSBudgetServiceGateway.<op>; *reply (may be NULL) gets
 * the parsed answer.  CC_EDENIED names budgets:ModifyBudget for writes and
 * budgets:ViewBudget for reads. */
int bg_call(awsclient *c, const char *op, const cJSON *body, cJSON **reply, cc_err *err);

/* Every page of DescribeBudgets (ShowFilterExpression on); only budgets
 * whose name starts with `prefix` (NULL = all) are kept. */
int bg_describe_budgets(awsclient *c, const char *account, const char *prefix, bg_budget_list *out, cc_err *err);
int bg_describe_notifications(awsclient *c, const char *account, const char *name, bg_notification_list *out,
                              cc_err *err);
int bg_describe_subscribers(awsclient *c, const char *account, const char *name, const bg_notification *note,
                            bg_subscriber_list *out, cc_err *err);
int bg_describe_actions(awsclient *c, const char *account, const char *name, bg_action_list *out, cc_err *err);

/* --- replies (pure; for tests) ------------------------------------------ */

/* Appends one DescribeBudgets page's Budgets; *next gets NextToken or NULL. */
int bg_parse_budgets(const char *body, size_t len, const char *prefix, bg_budget_list *acc, char **next,
                     cc_err *err);
int bg_parse_notifications(const cJSON *reply, bg_notification_list *acc, char **next, cc_err *err);
int bg_parse_actions(const cJSON *reply, bg_action_list *acc, char **next, cc_err *err);

#endif

/*
 * limits.h - the rules behind `clinecfg admin limits` (src/app/limits.c):
 * the names of what it makes (one budget per member, one token alarm per
 * member profile, one deny policy per IAM-user member), kept within the
 * services' name rules; the documents of the customer-managed policy
 * `clinecfg-blocked` (Deny bedrock:InvokeModel* on the blocked members'
 * application profiles) and of the per-member deny a budget action
 * attaches; reading the blocked set back out of a document; and the
 * month-to-date spend decision (the higher of the CloudWatch estimate and
 * the budget's billed figure).  Pure functions, no I/O.
 */
#ifndef CLINECFG_LIMITS_H
#define CLINECFG_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "clinecfg/error.h"

#define LIMITS_PREFIX "clinecfg-"
#define LIMITS_BLOCKED_POLICY "clinecfg-blocked"
#define LIMITS_NAME_MAX 100      /* AWS Budgets: 1..100 characters */
#define LIMITS_ALARM_MAX 255     /* CloudWatch alarm names */
#define LIMITS_POLICY_NAME_MAX 128

/* "clinecfg-{team}-{member}" within Budgets' rules: ':' '\' '/' and control
 * characters become '_', and a name that had to change or is too long
 * ends in '-' and 8 hex digits of SHA-256(team "\n" member) so two members
 * never share a budget.  out needs LIMITS_NAME_MAX + 1 bytes. */
void limits_budget_name(const char *team, const char *member, char out[LIMITS_NAME_MAX + 1]);

/* The budget-name prefix of a team ("clinecfg-{team}-", sanitised the same
 * way, without the hash); out needs LIMITS_NAME_MAX + 1 bytes. */
void limits_team_prefix(const char *team, char out[LIMITS_NAME_MAX + 1]);

/* "{budget name}-{profile id}-hourly-tokens". */
void limits_alarm_name(const char *budget_name, const char *profile_id, char out[LIMITS_ALARM_MAX + 1]);

/* True when `alarm` is one limits_alarm_name made for `budget_name`. */
bool limits_alarm_belongs(const char *alarm, const char *budget_name);

/* "clinecfg-blocked-{member}" within IAM's policy-name rules ([\w+=,.@-],
 * 1..128; other characters become '-', then the hash as above). */
void limits_member_policy_name(const char *member, char out[LIMITS_POLICY_NAME_MAX + 1]);

/* The clinecfg-blocked document: Deny bedrock:InvokeModel and
 * bedrock:InvokeModelWithResponseStream on arns[0..n) (sorted, no
 * duplicates).  With n == 0 the statement names a profile ARN that cannot
 * exist (IAM refuses an empty Resource), so the policy blocks nobody.
 * *doc malloc'd, indented JSON; checked against the policy vocabulary. */
int limits_blocked_document(const char *partition, const char *account, const char *const *arns, size_t n,
                            char **doc, cc_err *err);

/* The per-member deny a budget action attaches: Deny bedrock:InvokeModel*
 * on every resource. */
int limits_member_deny_document(char **doc, cc_err *err);

/* The application-profile ARNs a clinecfg-blocked document denies (without
 * the placeholder); *arns is a malloc'd array of malloc'd strings. */
int limits_blocked_arns(const char *doc, char ***arns, size_t *n, cc_err *err);
void limits_strings_free(char **v, size_t n);

/* Start of the UTC month containing `now`. */
time_t limits_month_start(time_t now);

/* The spend enforce judges: the higher of the estimate and the billed figure. */
double limits_spend(double estimated, double billed);

/* True when spend has reached the limit (a limit <= 0 blocks nobody). */
bool limits_over(double spend, double limit);

/* Parses "80,100": up to max percentages in (0, 1000]; CC_EUSAGE otherwise. */
int limits_parse_percentages(const char *text, double *out, size_t max, size_t *n, cc_err *err);

#endif

/*
 * policy.h - the IAM policy documents `clinecfg admin policy` prints and
 * applies (src/app/policy.c):
 *   developer  self-service: create application inference profiles only
 *              tagged for yourself (and the team and static tags), read,
 *              list-tags and delete only your own, list everything, plus
 *              what setup, usage and doctor call (GetSessionToken, the
 *              system profiles for the residency check, the CloudWatch
 *              reads, your own budget and the hourly-token alarms);
 *   enforce    model calls only through an application profile tagged
 *              for the caller: the foundation models and system profiles
 *              only with bedrock:InferenceProfileArn naming an
 *              application profile of this account (Allow statements, and
 *              Deny statements so broader policies cannot undo it).
 * The caller is ${aws:username} for IAM users and
 * ${aws:PrincipalTag/<member tag key>} for IAM Identity Center sessions.
 * The third policy, clinecfg-blocked, is written by `admin limits enforce`
 * (its document: limits.h); this header only holds the steps that attach
 * it in IAM Identity Center, which both attaching commands print.
 *
 * Every action and condition key a document may carry is listed in one
 * table (policy_vocabulary); a generated document is checked against it
 * before it is handed out.
 */
#ifndef CLINECFG_POLICY_H
#define CLINECFG_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "clinecfg/error.h"

typedef enum { POLICY_DEVELOPER, POLICY_ENFORCE } policy_kind;
typedef enum { POLICY_PRINCIPAL_IAM_USER, POLICY_PRINCIPAL_SSO } policy_principal;

typedef struct policy_spec {
    policy_kind kind;
    policy_principal principal;
    const char *account;        /* 12 digits; NULL = any account ("*") */
    const char *region;         /* NULL = any region ("*") */
    const char *partition;      /* NULL = "aws" */
    const char *team;           /* NULL = any team value */
    const char *member_tag_key; /* NULL = "MemberName" */
    const char *team_tag_key;   /* NULL = "Team" */
    const char *const *extra_tag_keys;   /* the org's static tags */
    const char *const *extra_tag_values;
    size_t n_extra_tags;
    /* The member's own budget (`admin limits set`, named by limits.h):
     * budget_prefix is the team's name prefix ("clinecfg-platform-"; NULL =
     * "clinecfg-", any team), and budget_names_caller says that every
     * member's budget is that prefix followed by the caller's name verbatim,
     * so the document can name the caller's budget alone.  Otherwise it
     * names the prefix's budgets (the name rule may rewrite or hash a
     * member's name, which no policy variable can express). */
    const char *budget_prefix;
    bool budget_names_caller;
} policy_spec;

/* "developer" / "enforce", "iam-user" / "sso"; -1 when unknown. */
int policy_kind_from_name(const char *name);
int policy_principal_from_name(const char *name);
const char *policy_kind_name(policy_kind k);
const char *policy_principal_name(policy_principal p);

/* The policy variable naming the caller: "${aws:username}" or
 * "${aws:PrincipalTag/MemberName}" (malloc'd). */
char *policy_caller_variable(const policy_spec *s);

/* Builds the document.  CC_EINPUT for a malformed account, region, team or
 * tag key; CC_EINTERNAL when the document strays from the vocabulary. */
int policy_build(const policy_spec *s, cJSON **doc, cc_err *err);
/* The same, printed as indented JSON (malloc'd). */
int policy_document(const policy_spec *s, char **json, cc_err *err);
/* Any document laid out as policy_document lays it out, two spaces an
 * indent as the IAM console shows policies (malloc'd; NULL when out of
 * memory). */
char *policy_print(const cJSON *doc);

/* The IAM Identity Center steps that make clinecfg-blocked apply to a
 * permission set's sessions (NULL-terminated, static). */
const char *const *policy_blocked_identity_center_steps(void);

/* The description clinecfg-blocked is created with. */
#define POLICY_BLOCKED_DESCRIPTION "clinecfg: denies model calls through the profiles of members over their limit"

/* True when two documents are the same policy (JSON equality, member order
 * and whitespace ignored).  A document that is not JSON equals nothing. */
bool policy_documents_equal(const char *a, const char *b);

/* --- the vocabulary ---------------------------------------------------- */

typedef enum { POLICY_WORD_ACTION, POLICY_WORD_CONDITION_KEY } policy_word_kind;

typedef struct policy_word {
    policy_word_kind kind;
    const char *name;  /* "bedrock:InvokeModel", "aws:RequestTag/${TagKey}" */
} policy_word;

/* The table of every action and condition key the generator uses. */
const policy_word *policy_vocabulary(size_t *n);
/* True when `name` is listed (a key like aws:RequestTag/Team matches the
 * table's aws:RequestTag/${TagKey}). */
bool policy_word_listed(policy_word_kind kind, const char *name);
/* Walks a document: every Action and every Condition key must be listed.
 * CC_EINPUT naming the first stray word. */
int policy_check_vocabulary(const cJSON *doc, cc_err *err);

#endif

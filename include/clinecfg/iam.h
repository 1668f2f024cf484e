/*
 * iam.h - AWS IAM client: customer-managed policies, their versions, their
 * attachment to users, roles and groups, and SimulatePrincipalPolicy.
 *
 * Owns the awsQuery form bodies (Action=...&Version=2010-05-08, one
 * percent-encoded field at a time), reading the XML answers through xml.h,
 * and turning IAM errors into cc_err: NoSuchEntity is CC_EINPUT with code
 * "aws:NoSuchEntity" (callers test iam_err_is), AccessDenied is CC_EDENIED
 * naming the iam: action, and UnmodifiableEntity (the AWSReservedSSO_*
 * roles of IAM Identity Center) is CC_EDENIED saying that those roles are
 * changed through their permission set.  IAM is global: requests go to
 * iam.amazonaws.com and are signed for us-east-1 (endpoints.c).
 *
 * Ownership: every char * in an output struct is malloc'd and owned by it;
 * free with the matching *_free function.  Parsers are pure, for tests.
 */
#ifndef CLINECFG_IAM_H
#define CLINECFG_IAM_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/error.h"

struct awsclient;

#define IAM_MAX_POLICY_VERSIONS 5 /* IAM keeps at most five versions of a managed policy */

typedef enum { IAM_USER, IAM_ROLE, IAM_GROUP } iam_principal_kind;

typedef struct iam_policy {
    char *arn;
    char *name;
    char *default_version; /* "v3" */
} iam_policy;
void iam_policy_free(iam_policy *p);

typedef struct iam_policy_version {
    char *version_id;
    char *created;     /* ISO 8601 as IAM sent it; sorts chronologically */
    bool is_default;
    char *document;    /* URL-decoded JSON; NULL in ListPolicyVersions answers */
} iam_policy_version;

typedef struct iam_version_list {
    iam_policy_version *v;
    size_t n;
} iam_version_list;
void iam_policy_version_free(iam_policy_version *v);
void iam_version_list_free(iam_version_list *l);

typedef struct iam_attached_list {
    char **arns;
    char **names;
    size_t n;
} iam_attached_list;
void iam_attached_list_free(iam_attached_list *l);

/* The users, roles and groups a policy is attached to (ListEntitiesForPolicy). */
typedef struct iam_entity {
    iam_principal_kind kind;
    char *name;
} iam_entity;
typedef struct iam_entity_list {
    iam_entity *v;
    size_t n;
} iam_entity_list;
void iam_entity_list_free(iam_entity_list *l);

/* Asked before each write of iam_delete_policy_completely with the call in
 * one line ("iam:DetachUserPolicy alice arn:..."); false skips the call
 * (how --dry-run shows it instead).  NULL gate = make every call. */
typedef bool (*iam_write_gate)(void *ud, const char *call);

/* One SimulatePrincipalPolicy context entry (ContextKeyType "string" or
 * "stringList"; NULL = "string"). */
typedef struct iam_context_entry {
    const char *key;
    const char *const *values;
    size_t nvalues;
    const char *type;
} iam_context_entry;

/* "user", "role" or "group". */
const char *iam_principal_kind_name(iam_principal_kind k);

/* True when err came from IAM error `code` (e.g. "NoSuchEntity"). */
bool iam_err_is(const cc_err *err, const char *code);

/* --- calls (through an awsclient; service "iam") ---------------------- */

int iam_create_policy(struct awsclient *c, const char *name, const char *document, const char *description,
                      iam_policy *out, cc_err *err);
int iam_get_policy(struct awsclient *c, const char *policy_arn, iam_policy *out, cc_err *err);
int iam_get_policy_version(struct awsclient *c, const char *policy_arn, const char *version_id,
                           iam_policy_version *out, cc_err *err);
/* The default version's document of a customer-managed policy; *doc NULL
 * (and 0) when there is no such policy.  The caller frees *doc. */
int iam_get_default_document(struct awsclient *c, const char *policy_arn, char **doc, cc_err *err);
int iam_list_policy_versions(struct awsclient *c, const char *policy_arn, iam_version_list *out, cc_err *err);
int iam_delete_policy_version(struct awsclient *c, const char *policy_arn, const char *version_id, cc_err *err);
/* CreatePolicyVersion with SetAsDefault=true; *version_id_out may be NULL. */
int iam_create_policy_version(struct awsclient *c, const char *policy_arn, const char *document,
                              char **version_id_out, cc_err *err);
/* Makes `document` the default version: lists the versions, deletes the
 * oldest non-default one when IAM_MAX_POLICY_VERSIONS exist, then creates
 * the new default.  *version_id_out may be NULL. */
int iam_replace_default_version(struct awsclient *c, const char *policy_arn, const char *document,
                                char **version_id_out, cc_err *err);

int iam_attach_policy(struct awsclient *c, iam_principal_kind kind, const char *principal, const char *policy_arn,
                      cc_err *err);
int iam_detach_policy(struct awsclient *c, iam_principal_kind kind, const char *principal, const char *policy_arn,
                      cc_err *err);
/* ListEntitiesForPolicy, every page (users, roles and groups). */
int iam_list_entities_for_policy(struct awsclient *c, const char *policy_arn, iam_entity_list *out, cc_err *err);
/* DeletePolicy: IAM refuses it (DeleteConflict) while the policy is attached
 * or has versions besides the default. */
int iam_delete_policy(struct awsclient *c, const char *policy_arn, cc_err *err);
/* Deletes a customer-managed policy with everything IAM wants gone first:
 * detaches it from every user, role and group, deletes every non-default
 * version, then DeletePolicy.  *existed is false when IAM knows no such
 * policy (already gone: success, nothing done).  Each write passes `gate`. */
int iam_delete_policy_completely(struct awsclient *c, const char *policy_arn, iam_write_gate gate, void *ud,
                                 bool *existed, cc_err *err);
/* ListAttached{User,Role,Group}Policies, every page. */
int iam_list_attached_policies(struct awsclient *c, iam_principal_kind kind, const char *principal,
                               iam_attached_list *out, cc_err *err);

/* SimulatePrincipalPolicy for one action on one resource; decision gets
 * "allowed", "explicitDeny" or "implicitDeny". */
int iam_simulate_principal_policy(struct awsclient *c, const char *source_arn, const char *action,
                                  const char *resource_arn, const iam_context_entry *ctx, size_t nctx,
                                  char decision[32], cc_err *err);

/* --- wire (pure; for tests) ------------------------------------------- */

/* The form body of a SimulatePrincipalPolicy request (malloc'd). */
char *iam_simulate_form(const char *source_arn, const char *action, const char *resource_arn,
                        const iam_context_entry *ctx, size_t nctx);

/* Percent-decodes s[0..len) ('+' stays '+': IAM encodes spaces as %20).
 * NULL on a malformed escape or out of memory. */
char *iam_url_decode(const char *s, size_t len);

/* <CreatePolicyResponse> / <GetPolicyResponse> (`action` names which):
 * .../Policy/{Arn,PolicyName,DefaultVersionId}. */
int iam_parse_policy(const char *action, const char *body, size_t len, iam_policy *out, cc_err *err);
/* <GetPolicyVersionResponse> or <CreatePolicyVersionResponse>:
 * .../PolicyVersion/{VersionId,IsDefaultVersion,CreateDate,Document}. */
int iam_parse_policy_version(const char *action, const char *body, size_t len, iam_policy_version *out,
                             cc_err *err);
int iam_parse_policy_versions(const char *body, size_t len, iam_version_list *out, cc_err *err);
/* One page of ListAttached*Policies, appended to out; *next gets the
 * Marker when IsTruncated (malloc'd) or NULL. */
int iam_parse_attached(const char *action, const char *body, size_t len, iam_attached_list *out, char **next,
                       cc_err *err);
/* One page of ListEntitiesForPolicy (PolicyUsers, PolicyRoles, PolicyGroups),
 * appended to out; *next as for iam_parse_attached. */
int iam_parse_entities(const char *body, size_t len, iam_entity_list *out, char **next, cc_err *err);
int iam_parse_eval_decision(const char *body, size_t len, char decision[32], cc_err *err);

#endif

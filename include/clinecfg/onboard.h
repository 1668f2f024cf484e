/*
 * onboard.h - the find, create or request flow behind `setup` and
 * `admin provision`, written against the awsclient/bedrock/sts interfaces.
 *
 * Owns: resolving the member name (--member, the caller ARN, git's
 * user.email, $USER), rendering the profile name and the tags, the data
 * residency check on the source profile's regions, finding the developer's
 * application inference profile (a remembered ARN first, then the list pages
 * up to the name, then tags), reporting a same-named profile with other tags
 * or another model (CC_ECONFLICT), retagging it when asked, creating it with
 * a deterministic clientRequestToken, and the provisioning request written
 * when creation is denied.  It writes no Cline files: the caller does.
 */
#ifndef CLINECFG_ONBOARD_H
#define CLINECFG_ONBOARD_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/bedrock.h"
#include "clinecfg/error.h"
#include "clinecfg/output.h"

typedef struct onboard_spec {
    const char *team;             /* may be NULL when the template has no {team} */
    const char *member;           /* --member; NULL = derived from the caller */
    const char *member_rule;      /* config member_rule; NULL = "identity" (identity.h) */
    const char *profile_name;     /* --profile-name; NULL = from name_template */
    const char *name_template;    /* "{team}-bedrock-{member}" */
    const char *model;            /* system profile id or foundation-model id */
    const char *tag_key_team;     /* "Team" */
    const char *tag_key_member;   /* "MemberName" */
    const cJSON *extra_tags;      /* object of strings, or NULL */
    const cJSON *allowed_regions; /* array of strings, or NULL = no restriction */
    bool fix_tags;                /* retag a same-named profile whose model matches */
    bool no_create;               /* dry run: find only, never create or tag */
    size_t concurrency;           /* tag lookups in flight; 0 = 8 */
    const char *cached_arn;       /* remembered from the last run: tried first */
    const char *cached_caller;    /* the caller ARN of that run */
    const char *tag_account;      /* admin provisioning: the request's values win */
} onboard_spec;

typedef enum {
    ONBOARD_FOUND = 1,       /* an existing profile matches */
    ONBOARD_CREATED,         /* created now */
    ONBOARD_WOULD_CREATE,    /* dry run: it would be created */
    ONBOARD_DENIED,          /* creation denied: a request is needed */
} onboard_outcome;

typedef struct onboard_result {
    onboard_outcome outcome;
    char account[16];
    char *caller_arn;
    char *member;
    const char *member_source;  /* "--member", "caller ARN", "git user.email", "$USER" */
    char name[80];
    char *arn;                  /* the profile ARN (FOUND/CREATED) */
    char copy_from[2048];       /* source ARN */
    char *base_model_id;        /* foundation model id for Cline */
    char **model_arns;          /* the source's model ARNs */
    size_t n_model_arns;
    char **regions;             /* regions the source routes to */
    size_t n_regions;
    bedrock_tag *tags;          /* the expected tags (owned) */
    const char *member_tag_key; /* which of them holds the member (NULL: "MemberName") */
    size_t n_tags;
    bool retagged;
    bool found_by_tags;         /* found under another name by its tags */
    char client_token[37];
    int round_trips;            /* sequential round trips to AWS */
    int list_pages;
} onboard_result;

/* Runs the flow.  Returns 0 with outcome FOUND/CREATED/WOULD_CREATE/DENIED,
 * or CC_ECONFLICT (same name, other tags or model), CC_EINPUT (bad names,
 * tags, model, residency), CC_EDENIED (a read was denied), CC_EAWS. */
int onboard_run(awsclient *c, const onboard_spec *s, const cc_out *out, onboard_result *r, cc_err *err);
void onboard_result_free(onboard_result *r);

/* The second half of onboard_run, for a result whose name, tags, account,
 * member, copy_from and source models are already filled (admin
 * provisioning): list pages up to the name, judge, else create. */
int onboard_find_or_create(awsclient *c, const onboard_spec *s, onboard_result *r, const cc_out *out, cc_err *err);

/* Fills the source models and regions of r->copy_from (a system profile or
 * foundation-model ARN). */
int onboard_load_source_arn(awsclient *c, onboard_result *r, cc_err *err);

/* Decides about an existing profile with r's name (or found by tags):
 * FOUND when tags and models match; retags when s->fix_tags and the model
 * matches; else CC_ECONFLICT with a report of what differs.  A profile whose
 * member tag (s->tag_key_member, else "MemberName") names another identity
 * is someone else's: always CC_ECONFLICT naming both, never retagged. */
int onboard_judge(awsclient *c, const onboard_spec *s, onboard_result *r, const char *arn, char *const *model_arns,
                  size_t n_models, const bedrock_tags *tags, const cc_out *out, cc_err *err);

/* CreateInferenceProfile with the deterministic token; a denial sets
 * outcome ONBOARD_DENIED and returns 0. */
int onboard_create(awsclient *c, const onboard_spec *s, onboard_result *r, const char *region, const cc_out *out,
                   cc_err *err);

/* Sleeps *delay_ms, then doubles it up to cap_ms: the backoff between
 * rounds of throttled calls and between polls. */
void onboard_backoff(long *delay_ms, long cap_ms);

/* bedrock_batch, then re-runs only the items Bedrock throttled, backing off
 * between a bounded number of rounds; finished items keep their results. */
void onboard_batch_with_backoff(awsclient *c, bedrock_batch_item *items, size_t n, size_t concurrency,
                                const cc_out *out);

/* Adds an expected tag after checking it against Bedrock's rules. */
int onboard_add_tag(onboard_result *r, const char *key, const char *value, cc_err *err);

/* Looks the profile up by name once (list pages), for --wait polling.
 * *found is set; r->arn filled when found.  A profile of that name whose
 * member tag names another identity is CC_ECONFLICT, never found. */
int onboard_poll_once(awsclient *c, onboard_result *r, bool *found, cc_err *err);

/* The provisioning request as JSON (name, tags, source ARN, account,
 * region, requester, time, and the equivalent AWS CLI call with every
 * word shell-quoted).  NULL when out of memory. */
cJSON *onboard_request_json(const onboard_result *r, const char *region);

/* Sets the request's "admin_command": `clinecfg admin provision --request`
 * and the file's path under `dir` as one shell-quoted word.  0 or
 * CC_EINTERNAL (out of memory). */
int onboard_request_set_admin_command(cJSON *request, const char *dir);

/* Refuses (CC_EINPUT, names the regions) a source whose routing regions
 * (r->regions) leave s->allowed_regions; s->model names it. */
int onboard_check_residency(const onboard_spec *s, const onboard_result *r, cc_err *err);

/* Writes the request under `dir` (created 0700) as 0600 JSON; *path_out
 * malloc'd. */
int onboard_write_request(const cJSON *request, const char *dir, char **path_out, cc_err *err);

/* POSTs the request to a webhook: bounded, retried, never fatal (returns 0
 * or a status the caller only warns about). */
int onboard_post_webhook(awsclient *c, const char *url, const cJSON *request, cc_err *err);

/* The prompt-cache support of a base foundation model, as Cline uses it. */
bool onboard_model_supports_prompt_cache(const char *foundation_model_id);

#endif

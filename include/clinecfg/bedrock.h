/*
 * bedrock.h - Amazon Bedrock control-plane client (restJson1, signing name
 * "bedrock"): inference profiles, tags, foundation models, and a bounded
 * concurrent batch of independent calls (STS GetCallerIdentity included, so
 * a caller can overlap identity and profile lookups).
 *
 * Owns: building each request exactly as the official SDK puts it on the
 * wire (identifiers and ARNs percent-encoded as one path segment, query keys
 * `type`/`maxResults`/`nextToken`), parsing the JSON answers with cJSON into
 * typed structs, and mapping error names to statuses:
 *   AccessDenied*                              -> CC_EDENIED (exit 5)
 *   ConflictException                          -> CC_ECONFLICT (exit 8)
 *   ValidationException, TooManyTagsException,
 *   ResourceNotFoundException                  -> CC_EINPUT (exit 4)
 *   anything else, throttling after retries    -> CC_EAWS (exit 6)
 * err->code is then "aws:" + the AWS error name (e.g.
 * "aws:ResourceNotFoundException"); test it with bedrock_err_is().
 *
 * Ownership: every pointer inside an output struct is malloc'd and owned by
 * that struct; free it with the matching *_free function (which also zeroes
 * it; NULL and zeroed structs are fine).  Input structs are borrowed.
 */
#ifndef CLINECFG_BEDROCK_H
#define CLINECFG_BEDROCK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "clinecfg/error.h"
#include "clinecfg/sts.h"

struct awsclient;

/* Largest JSON response body the parsers accept (the HTTP layer caps at
 * 16 MB; a 1000-item page is well under 2 MB). */
#define BEDROCK_MAX_BODY ((size_t)8 * 1024 * 1024)

typedef struct bedrock_tag {
    char *key;
    char *value;
} bedrock_tag;

typedef struct bedrock_tags {
    bedrock_tag *items;
    size_t n;
} bedrock_tags;
void bedrock_tags_free(bedrock_tags *t);
/* Value of `key` (exact match) or NULL. */
const char *bedrock_tags_get(const bedrock_tags *t, const char *key);

typedef struct bedrock_inference_profile {
    char *name;        /* inferenceProfileName (required) */
    char *id;          /* inferenceProfileId (required) */
    char *arn;         /* inferenceProfileArn (required) */
    char *description; /* NULL if absent */
    char *status;      /* "ACTIVE" (open enum; NULL if absent) */
    char *type;        /* "SYSTEM_DEFINED" | "APPLICATION" (open enum) */
    time_t created_at; /* 0 if absent */
    time_t updated_at; /* 0 if absent */
    char **model_arns; /* models[].modelArn */
    size_t n_models;
} bedrock_inference_profile;
void bedrock_profile_free(bedrock_inference_profile *p);

typedef struct bedrock_profile_page {
    bedrock_inference_profile *items;
    size_t n;
    char *next_token; /* NULL on the last page */
} bedrock_profile_page;
void bedrock_profile_page_free(bedrock_profile_page *p);

typedef struct bedrock_list_profiles_in {
    const char *type;       /* "APPLICATION" / "SYSTEM_DEFINED" / NULL (service default: system) */
    int max_results;        /* 0 = omit; else 1..1000 */
    const char *next_token; /* NULL for the first page */
} bedrock_list_profiles_in;

/* One page of ListInferenceProfiles.  *out is zeroed first. */
int bedrock_list_inference_profiles(struct awsclient *c, const bedrock_list_profiles_in *in,
                                    bedrock_profile_page *out, cc_err *err);

/* GetInferenceProfile by id or ARN.  Not found: CC_EINPUT with err->code
 * "aws:ResourceNotFoundException". */
int bedrock_get_inference_profile(struct awsclient *c, const char *id_or_arn,
                                  bedrock_inference_profile *out, cc_err *err);

typedef struct bedrock_create_profile_in {
    const char *name;                 /* required */
    const char *description;          /* NULL = omit */
    const char *copy_from;            /* required: system-profile or foundation-model ARN */
    const bedrock_tag *tags;          /* n_tags items (strings borrowed) */
    size_t n_tags;
    const char *client_request_token; /* NULL = omit (then not idempotent across runs) */
} bedrock_create_profile_in;

/* CreateInferenceProfile (expects 201).  *arn_out malloc'd on success;
 * status_out (may be NULL) receives the returned status, malloc'd or NULL. */
int bedrock_create_inference_profile(struct awsclient *c, const bedrock_create_profile_in *in,
                                     char **arn_out, char **status_out, cc_err *err);

int bedrock_delete_inference_profile(struct awsclient *c, const char *id_or_arn, cc_err *err);

int bedrock_tag_resource(struct awsclient *c, const char *arn, const bedrock_tag *tags, size_t n,
                         cc_err *err);
int bedrock_untag_resource(struct awsclient *c, const char *arn, const char *const *keys, size_t n,
                           cc_err *err);
int bedrock_list_tags_for_resource(struct awsclient *c, const char *arn, bedrock_tags *out, cc_err *err);

typedef struct bedrock_foundation_model {
    char *model_arn;        /* required */
    char *model_id;         /* required */
    char *model_name;       /* NULL if absent */
    char *provider_name;    /* NULL if absent */
    char *lifecycle_status; /* modelLifecycle.status or NULL */
    bool streaming;         /* responseStreamingSupported */
    char **inference_types; /* inferenceTypesSupported */
    size_t n_inference_types;
} bedrock_foundation_model;

typedef struct bedrock_model_list {
    bedrock_foundation_model *items;
    size_t n;
} bedrock_model_list;
void bedrock_model_list_free(bedrock_model_list *l);

typedef struct bedrock_model_filter { /* every member may be NULL */
    const char *by_provider;
    const char *by_customization_type;
    const char *by_output_modality;
    const char *by_inference_type;
} bedrock_model_filter;

int bedrock_list_foundation_models(struct awsclient *c, const bedrock_model_filter *f,
                                   bedrock_model_list *out, cc_err *err);

/* --- batch: several independent calls, at most max_in_flight at a time --- */

typedef enum {
    BEDROCK_OP_LIST_TAGS = 1,      /* arg: resource ARN      -> out.tags */
    BEDROCK_OP_GET_PROFILE,        /* arg: id or ARN         -> out.profile */
    BEDROCK_OP_CALLER_IDENTITY,    /* arg: unused (STS)      -> out.identity */
    BEDROCK_OP_LIST_APP_PROFILES,  /* arg: nextToken or NULL -> out.page (type APPLICATION, 1000 a page) */
} bedrock_op;

typedef struct bedrock_batch_item {
    bedrock_op op;    /* in */
    const char *arg;  /* in, borrowed */
    int status;       /* out: 0 or CC_E* as the single call would return */
    cc_err err;       /* out: filled when status != 0 */
    union {
        bedrock_tags tags;
        bedrock_inference_profile profile;
        sts_identity identity;
        bedrock_profile_page page;
    } out;            /* out: valid when status == 0; free with bedrock_batch_free */
} bedrock_batch_item;

/* Runs every item (credentials are refreshed once before the batch).
 * Returns 0 when all items succeeded, else the first failing item's status
 * (its message copied into err).  Each item carries its own result. */
int bedrock_batch(struct awsclient *c, bedrock_batch_item *items, size_t n, size_t max_in_flight,
                  cc_err *err);
void bedrock_batch_free(bedrock_batch_item *items, size_t n);

/* True when err came from an AWS error with this name (e.g.
 * "ResourceNotFoundException"). */
bool bedrock_err_is(const cc_err *err, const char *aws_error_name);

/* --- parsers (pure; for tests and fuzzing).  CC_EINPUT with a message on
 * non-JSON, truncated, oversized or wrong-typed input. ------------------ */
int bedrock_parse_profile_page(const char *body, size_t len, bedrock_profile_page *out, cc_err *err);
int bedrock_parse_profile(const char *body, size_t len, bedrock_inference_profile *out, cc_err *err);
int bedrock_parse_tags(const char *body, size_t len, bedrock_tags *out, cc_err *err);
int bedrock_parse_create(const char *body, size_t len, char **arn_out, char **status_out, cc_err *err);
int bedrock_parse_models(const char *body, size_t len, bedrock_model_list *out, cc_err *err);

#endif

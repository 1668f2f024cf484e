/*
 * request.h - the provisioning request a denied `setup` writes and
 * `admin provision --request FILE` fulfils (src/app/request.c).
 *
 * The file comes from a developer, so the admin side trusts nothing in it:
 * request_parse reads and type-checks it, request_check re-derives what the
 * request may ask for from its requester's ARN and the admin's config and
 * refuses (CC_EINPUT, nothing created) a request for another member, team,
 * tag set, name, region or model.  Both are pure: the AWS-side checks (the
 * admin's account, the source's routing regions) are the caller's.
 */
#ifndef CLINECFG_REQUEST_H
#define CLINECFG_REQUEST_H

#include <cjson/cJSON.h>

#include "clinecfg/error.h"

#define REQUEST_MAX_FILE (1024 * 1024)

typedef struct request_file {
    cJSON *json; /* owns every string below */
    const char *name, *source_arn, *account, *region, *member, *requester_arn;
    const cJSON *tags; /* object of strings */
} request_file;

/* What an admin run accepts, from its config (and --team). */
typedef struct request_policy {
    const char *team;              /* the team requests may name; NULL: none is accepted */
    const char *tag_key_team;      /* "Team" */
    const char *tag_key_member;    /* "MemberName" */
    const cJSON *extra_tags;       /* object of strings, or NULL */
    const char *name_template;     /* "{team}-bedrock-{member}" */
    const char *member_rule;       /* config member_rule; NULL = "identity" */
    const cJSON *allowed_regions;  /* array of strings, or NULL = any region */
} request_policy;

/* Parses the JSON (JSONC) text of a request and checks that each field is
 * there with its type.  `path` names the file in messages (path:line:col
 * for syntax errors). */
int request_parse(const char *path, const char *text, size_t len, request_file *out, cc_err *err);

/* Reads a request file (a regular file, at most REQUEST_MAX_FILE bytes)
 * and parses it. */
int request_read(const char *path, request_file *out, cc_err *err);

void request_free(request_file *r);

/* Refuses a request its requester and the policy do not allow: the member
 * must be requester_arn's identity (same account), the team the
 * policy's, the tags exactly the team, member and extra tags, the name the
 * template's, the region inside allowed_regions, the source a system
 * profile or foundation model of the request's own region and account. */
int request_check(const char *path, const request_file *r, const request_policy *p, cc_err *err);

/* The team a request names (its team tag), or NULL. */
const char *request_team(const request_file *r, const request_policy *p);

#endif

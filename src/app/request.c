/* request.c - reading a provisioning request file and refusing what its
 * requester and the admin's config do not allow (see
 * include/clinecfg/request.h).  Pure checks; the caller does the AWS side. */
#include "clinecfg/request.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/arn.h"
#include "clinecfg/identity.h"
#include "clinecfg/jsonc.h"
#include "clinecfg/safefile.h"

#define REQUEST_HINT "ask the developer to run 'clinecfg setup' again and send the new request"

void request_free(request_file *r)
{
    cJSON_Delete(r->json);
    memset(r, 0, sizeof *r);
}

static int str_field(const cJSON *o, const char *key, const char *path, const char **out, cc_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v) || !v->valuestring[0]) {
        cc_err_set(err, CC_EINPUT, "request.field", "%s: request field '%s' is missing or not a string", path, key);
        cc_err_hint(err, "use the file exactly as 'clinecfg setup' wrote it");
        return CC_EINPUT;
    }
    *out = v->valuestring;
    return 0;
}

int request_parse(const char *path, const char *text, size_t len, request_file *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    jsonc_doc *doc = NULL;
    int rc = jsonc_parse(text, len, path, &doc, err);
    if (rc)
        return rc;
    out->json = jsonc_root(doc) ? jsonc_to_cjson(jsonc_root(doc)) : NULL;
    jsonc_free(doc);
    const cJSON *req = out->json;
    if (!cJSON_IsObject(req))
        rc = cc_err_set(err, CC_EINPUT, "request.type", "%s: a request must be a JSON object", path);
    if (!rc)
        rc = str_field(req, "name", path, &out->name, err);
    if (!rc)
        rc = str_field(req, "source_arn", path, &out->source_arn, err);
    if (!rc)
        rc = str_field(req, "account", path, &out->account, err);
    if (!rc)
        rc = str_field(req, "region", path, &out->region, err);
    if (!rc)
        rc = str_field(req, "member", path, &out->member, err);
    if (!rc)
        rc = str_field(req, "requester_arn", path, &out->requester_arn, err);
    out->tags = req ? cJSON_GetObjectItemCaseSensitive(req, "tags") : NULL;
    if (!rc && !cJSON_IsObject(out->tags))
        rc = cc_err_set(err, CC_EINPUT, "request.field", "%s: request field 'tags' must be an object", path);
    const cJSON *t;
    const cJSON *tags = rc ? NULL : out->tags;
    cJSON_ArrayForEach(t, tags) {
        if (!cJSON_IsString(t)) {
            rc = cc_err_set(err, CC_EINPUT, "request.field", "%s: tag '%s' must have a string value", path,
                            t->string);
            break;
        }
    }
    if (rc)
        request_free(out);
    return rc;
}

int request_read(const char *path, request_file *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    char *text = NULL;
    size_t len = 0;
    bool exists = false;
    int rc = safefile_read(path, REQUEST_MAX_FILE, &text, &len, &exists, err);
    if (!rc && !exists) {
        cc_err_set(err, CC_EINPUT, "input.missing", "%s: request file does not exist", path);
        cc_err_hint(err, "check the path");
        rc = CC_EINPUT;
    }
    if (!rc)
        rc = request_parse(path, text, len, out, err);
    free(text);
    return rc;
}

const char *request_team(const request_file *r, const request_policy *p)
{
    const cJSON *t = p->tag_key_team ? cJSON_GetObjectItemCaseSensitive(r->tags, p->tag_key_team) : NULL;
    return cJSON_IsString(t) ? t->valuestring : NULL;
}

static bool region_allowed(const cJSON *allowed, const char *region)
{
    if (!cJSON_IsArray(allowed))
        return true;
    const cJSON *a;
    cJSON_ArrayForEach(a, allowed) {
        if (cJSON_IsString(a) && strcmp(a->valuestring, region) == 0)
            return true;
    }
    return false;
}

/* The member is the requester's identity, unabridged, as setup derives it
 * from the caller ARN (identity.h). */
static int check_requester(const char *path, const request_file *r, cc_err *err)
{
    identity id;
    cc_err why;
    cc_err_clear(&why);
    if (identity_from_arn(r->requester_arn, &id, &why) != 0) {
        cc_err_set(err, CC_EINPUT, "request.requester", "%s: requester_arn '%s' is not a caller ARN (%s)", path,
                   r->requester_arn, why.message);
        cc_err_hint(err, REQUEST_HINT);
        return CC_EINPUT;
    }
    if (strcmp(id.account, r->account) != 0) {
        cc_err_set(err, CC_EINPUT, "request.requester",
                   "%s: the request is for account %s, but its requester %s is in account %s", path, r->account,
                   r->requester_arn, id.account);
        cc_err_hint(err, REQUEST_HINT);
        return CC_EINPUT;
    }
    if (strcmp(id.raw_name, r->member) != 0) {
        cc_err_set(err, CC_EINPUT, "request.member",
                   "%s: the request is for member '%s', but its requester %s is '%s'; nothing was created", path,
                   r->member, r->requester_arn, id.raw_name);
        cc_err_hint(err, "a request only provisions its requester's own profile; for anyone else use "
                         "'clinecfg admin provision --roster CSV'");
        return CC_EINPUT;
    }
    return 0;
}

static int tag_mismatch(const char *path, const char *key, const char *have, const char *want, cc_err *err)
{
    if (!have)
        cc_err_set(err, CC_EINPUT, "request.tags", "%s: the request has no tag '%s' (the config sets %s=%s)", path,
                   key, key, want);
    else if (!want)
        cc_err_set(err, CC_EINPUT, "request.tags", "%s: the request adds tag %s=%s, which the config does not set",
                   path, key, have);
    else
        cc_err_set(err, CC_EINPUT, "request.tags", "%s: the request sets tag %s=%s, but this run allows %s=%s", path,
                   key, have, key, want);
    cc_err_hint(err, "tags come from the org config; add the tag to extra_tags there if it is wanted");
    return CC_EINPUT;
}

/* The value the policy expects for tag `key`, or NULL when it sets none. */
static const char *expected_tag(const request_policy *p, const char *team, const char *member, const char *key)
{
    if (p->tag_key_team && strcmp(key, p->tag_key_team) == 0)
        return team;
    if (p->tag_key_member && strcmp(key, p->tag_key_member) == 0)
        return member;
    const cJSON *v = p->extra_tags ? cJSON_GetObjectItemCaseSensitive(p->extra_tags, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Exactly the expected tags: none missing, none added, none changed. */
static int check_tags(const char *path, const request_file *r, const request_policy *p, cc_err *err)
{
    const char *team = request_team(r, p);
    size_t seen = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, r->tags) {
        int rc = identity_check_tag(t->string, t->valuestring, err);
        if (rc) {
            cc_err_prefix(err, "%s", path);
            return rc;
        }
        const char *want = expected_tag(p, team, r->member, t->string);
        if (!want || strcmp(want, t->valuestring) != 0)
            return tag_mismatch(path, t->string, t->valuestring, want, err);
        seen++;
    }
    const char *keys[2] = {p->tag_key_team, p->tag_key_member};
    for (int i = 0; i < 2; i++)
        if (keys[i] && !cJSON_GetObjectItemCaseSensitive(r->tags, keys[i]))
            return tag_mismatch(path, keys[i], NULL, i ? r->member : "(the team)", err);
    cJSON_ArrayForEach(t, p->extra_tags) {
        if (cJSON_IsString(t) && !cJSON_GetObjectItemCaseSensitive(r->tags, t->string))
            return tag_mismatch(path, t->string, NULL, t->valuestring, err);
    }
    if (seen != (size_t)cJSON_GetArraySize(r->tags))
        return cc_err_set(err, CC_EINPUT, "request.tags", "%s: the request sets a tag twice", path);
    return 0;
}

static int check_team(const char *path, const request_file *r, const request_policy *p, cc_err *err)
{
    const char *team = request_team(r, p);
    if (!team)
        return 0; /* check_tags names the missing tag */
    if (!p->team) {
        cc_err_set(err, CC_EINPUT, "request.team",
                   "%s: the request is for team '%s', and this run accepts no team; nothing was created", path, team);
        cc_err_hint(err, "if '%s' is the requester's team, run again with --team '%s' (or set team in the config)",
                    team, team);
        return CC_EINPUT;
    }
    if (strcmp(team, p->team) != 0) {
        cc_err_set(err, CC_EINPUT, "request.team",
                   "%s: the request is for team '%s', but this run accepts team '%s'; nothing was created", path,
                   team, p->team);
        cc_err_hint(err, "if '%s' is the requester's team, run again with --team '%s'", team, team);
        return CC_EINPUT;
    }
    return 0;
}

/* The source must be what setup builds from a model id for this region and
 * account: a system profile or a foundation model, nothing else. */
static int check_source(const char *path, const request_file *r, cc_err *err)
{
    static const char *const kinds[] = {":inference-profile/", ":foundation-model/"};
    const char *model = NULL;
    for (int i = 0; i < 2 && !model; i++) {
        const char *at = strstr(r->source_arn, kinds[i]);
        model = at ? at + strlen(kinds[i]) : NULL;
    }
    char want[2048];
    if (!model || arn_model_source(model, r->region, r->account, want, sizeof want, NULL) != 0 ||
        strcmp(want, r->source_arn) != 0) {
        cc_err_set(err, CC_EINPUT, "request.model",
                   "%s: source_arn '%s' is not a system inference profile or foundation model of %s in account %s",
                   path, r->source_arn, r->region, r->account);
        cc_err_hint(err, REQUEST_HINT);
        return CC_EINPUT;
    }
    return 0;
}

static int check_name(const char *path, const request_file *r, const request_policy *p, cc_err *err)
{
    char want[80];
    cc_err why;
    cc_err_clear(&why);
    identity_member_rule rule;
    if (identity_member_rule_parse(p->member_rule, &rule, err) != 0)
        return CC_EINPUT;
    if (identity_profile_name(p->name_template ? p->name_template : "{team}-bedrock-{member}", request_team(r, p),
                              r->member, rule, r->region, r->account, want, sizeof want, &why) != 0) {
        cc_err_set(err, CC_EINPUT, "request.name", "%s: no profile name follows from the request (%s)", path,
                   why.message);
        return CC_EINPUT;
    }
    if (strcmp(want, r->name) != 0) {
        cc_err_set(err, CC_EINPUT, "request.name",
                   "%s: the request names profile '%s', but the name template gives '%s'; nothing was created", path,
                   r->name, want);
        cc_err_hint(err, REQUEST_HINT);
        return CC_EINPUT;
    }
    return 0;
}

int request_check(const char *path, const request_file *r, const request_policy *p, cc_err *err)
{
    if (!region_allowed(p->allowed_regions, r->region)) {
        cc_err_set(err, CC_EINPUT, "request.region",
                   "%s: the request is for region %s, outside allowed_regions; nothing was created", path, r->region);
        cc_err_hint(err, "the org config allows only the regions in allowed_regions");
        return CC_EINPUT;
    }
    int rc = check_requester(path, r, err);
    if (!rc)
        rc = check_team(path, r, p, err);
    if (!rc)
        rc = check_tags(path, r, p, err);
    if (!rc)
        rc = check_name(path, r, p, err);
    if (!rc)
        rc = check_source(path, r, err);
    return rc;
}

/*
 * bedrock.c - Amazon Bedrock control-plane calls and their JSON parsers.
 * See include/clinecfg/bedrock.h for the operations, ownership and the
 * error mapping; wire shapes follow shared/reference/aws-wire.md §2.
 */
#include "clinecfg/bedrock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/awstime.h"
#include "clinecfg/credentials.h"
#include "clinecfg/sigv4.h"

/* --- freeing ------------------------------------------------------------- */

void bedrock_tags_free(bedrock_tags *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->items[i].key);
        free(t->items[i].value);
    }
    free(t->items);
    memset(t, 0, sizeof *t);
}

const char *bedrock_tags_get(const bedrock_tags *t, const char *key)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (strcmp(t->items[i].key, key) == 0)
            return t->items[i].value;
    return NULL;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void bedrock_profile_free(bedrock_inference_profile *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->id);
    free(p->arn);
    free(p->description);
    free(p->status);
    free(p->type);
    free_strv(p->model_arns, p->n_models);
    memset(p, 0, sizeof *p);
}

void bedrock_profile_page_free(bedrock_profile_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        bedrock_profile_free(&p->items[i]);
    free(p->items);
    free(p->next_token);
    memset(p, 0, sizeof *p);
}

void bedrock_model_list_free(bedrock_model_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        bedrock_foundation_model *m = &l->items[i];
        free(m->model_arn);
        free(m->model_id);
        free(m->model_name);
        free(m->provider_name);
        free(m->lifecycle_status);
        free_strv(m->inference_types, m->n_inference_types);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

bool bedrock_err_is(const cc_err *err, const char *name)
{
    return err && strncmp(err->code, "aws:", 4) == 0 && strcmp(err->code + 4, name) == 0;
}

/* --- parsing helpers ----------------------------------------------------- */

static int bad(cc_err *err, const char *what, const char *detail)
{
    return cc_err_set(err, CC_EINPUT, "aws.bedrock_response", "malformed Bedrock %s response: %s", what, detail);
}

/* The array of objects at obj[key]: *arr NULL when it is absent or null,
 * else room for its items is calloc'd into *items (`size` bytes each).  A
 * non-array, or an item that is not an object, is refused. */
static int object_array(const cJSON *obj, const char *key, const char *what, size_t size, const cJSON **arr,
                        void **items, cc_err *err)
{
    *arr = NULL;
    *items = NULL;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!a || cJSON_IsNull(a))
        return 0;
    char d[128];
    if (!cJSON_IsArray(a)) {
        snprintf(d, sizeof d, "\"%s\" should be an array", key);
        return bad(err, what, d);
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, a)
    {
        if (!cJSON_IsObject(it)) {
            snprintf(d, sizeof d, "\"%s\" items should be objects", key);
            return bad(err, what, d);
        }
    }
    int count = cJSON_GetArraySize(a);
    if (count > 0 && !(*items = calloc((size_t)count, size)))
        return cc_err_oom(err);
    *arr = a;
    return 0;
}

static bool is_json_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Only JSON whitespace (or the NUL some servers pad with) between p and end. */
static bool only_whitespace(const char *p, const char *end)
{
    for (; p < end; p++)
        if (!is_json_ws(*p) && *p != '\0')
            return false;
    return true;
}

/* Parses body as a JSON object; *root owned by the caller. */
static int parse_object(const char *body, size_t len, const char *what, cJSON **root, cc_err *err)
{
    *root = NULL;
    if (!body || len == 0)
        return bad(err, what, "empty body");
    if (len > BEDROCK_MAX_BODY)
        return cc_err_set(err, CC_EINPUT, "aws.bedrock_response", "Bedrock %s response too large (%zu bytes)", what,
                          len);
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(body, len, &end, false);
    if (!j) {
        char detail[96];
        size_t off = end && end >= body ? (size_t)(end - body) : 0;
        snprintf(detail, sizeof detail, "not valid JSON (at byte %zu%s)", off, off + 1 >= len ? ", truncated?" : "");
        return bad(err, what, detail);
    }
    if (end && !only_whitespace(end, body + len)) {
        cJSON_Delete(j);
        return bad(err, what, "text after the JSON value");
    }
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return bad(err, what, "expected a JSON object");
    }
    *root = j;
    return 0;
}

/* Optional string member: absent/null -> NULL; other types are errors. */
static int opt_str(const cJSON *obj, const char *key, const char *what, char **out, cc_err *err)
{
    *out = NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v) || !v->valuestring) {
        char d[160];
        snprintf(d, sizeof d, "\"%s\" should be a string", key);
        return bad(err, what, d);
    }
    *out = strdup(v->valuestring);
    return *out ? 0 : cc_err_oom(err);
}

static int req_str(const cJSON *obj, const char *key, const char *what, char **out, cc_err *err)
{
    int rc = opt_str(obj, key, what, out, err);
    if (rc)
        return rc;
    if (!*out || !**out) {
        free(*out);
        *out = NULL;
        char d[160];
        snprintf(d, sizeof d, "\"%s\" is missing or empty", key);
        return bad(err, what, d);
    }
    return 0;
}

static int opt_time(const cJSON *obj, const char *key, const char *what, time_t *out, cc_err *err)
{
    *out = 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v || cJSON_IsNull(v))
        return 0;
    char d[160];
    if (cJSON_IsNumber(v)) { /* epoch seconds, as some SDK mocks send */
        if (v->valuedouble < 0 || v->valuedouble > 253402300799.0) {
            snprintf(d, sizeof d, "\"%s\" is out of range", key);
            return bad(err, what, d);
        }
        *out = (time_t)v->valuedouble;
        return 0;
    }
    if (!cJSON_IsString(v) || aws_parse_timestamp(v->valuestring, out) != 0) {
        snprintf(d, sizeof d, "\"%s\" is not an RFC 3339 time", key);
        return bad(err, what, d);
    }
    return 0;
}

/* Optional array of strings -> malloc'd vector. */
static int opt_strv(const cJSON *obj, const char *key, const char *what, char ***out, size_t *n, cc_err *err)
{
    *out = NULL;
    *n = 0;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!a || cJSON_IsNull(a))
        return 0;
    char d[160];
    if (!cJSON_IsArray(a)) {
        snprintf(d, sizeof d, "\"%s\" should be an array", key);
        return bad(err, what, d);
    }
    int count = cJSON_GetArraySize(a);
    if (count == 0)
        return 0;
    char **v = calloc((size_t)count, sizeof *v);
    if (!v)
        return cc_err_oom(err);
    size_t k = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, a)
    {
        if (!cJSON_IsString(it) || !(v[k] = strdup(it->valuestring))) {
            free_strv(v, k);
            if (!cJSON_IsString(it)) {
                snprintf(d, sizeof d, "\"%s\" should hold strings", key);
                return bad(err, what, d);
            }
            return cc_err_oom(err);
        }
        k++;
    }
    *out = v;
    *n = k;
    return 0;
}

static int profile_from_json(const cJSON *o, const char *what, bedrock_inference_profile *p, cc_err *err)
{
    memset(p, 0, sizeof *p);
    if (!cJSON_IsObject(o))
        return bad(err, what, "an inference profile should be an object");
    int rc;
    if ((rc = req_str(o, "inferenceProfileName", what, &p->name, err)) ||
        (rc = req_str(o, "inferenceProfileId", what, &p->id, err)) ||
        (rc = req_str(o, "inferenceProfileArn", what, &p->arn, err)) ||
        (rc = opt_str(o, "description", what, &p->description, err)) ||
        (rc = opt_str(o, "status", what, &p->status, err)) || (rc = opt_str(o, "type", what, &p->type, err)) ||
        (rc = opt_time(o, "createdAt", what, &p->created_at, err)) ||
        (rc = opt_time(o, "updatedAt", what, &p->updated_at, err)))
        goto fail;
    const cJSON *models, *m;
    if ((rc = object_array(o, "models", what, sizeof *p->model_arns, &models, (void **)&p->model_arns, err)))
        goto fail;
    cJSON_ArrayForEach(m, models)
    {
        if ((rc = req_str(m, "modelArn", what, &p->model_arns[p->n_models], err)))
            goto fail;
        p->n_models++;
    }
    return 0;
fail:
    bedrock_profile_free(p);
    return rc;
}

int bedrock_parse_profile(const char *body, size_t len, bedrock_inference_profile *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    cJSON *root;
    int rc = parse_object(body, len, "GetInferenceProfile", &root, err);
    if (rc)
        return rc;
    rc = profile_from_json(root, "GetInferenceProfile", out, err);
    cJSON_Delete(root);
    return rc;
}

/* --- a list page, one summary at a time --------------------------------- */

/* A page of 1000 summaries is most of a megabyte of JSON, and as one cJSON
 * tree it would take three times that.  So the page object is walked here
 * and cJSON parses one member value, or one array element, at a time: at
 * most one summary is ever a tree.  The grammar checked is the same as a
 * whole-document parse (cJSON parses every value; the object and array
 * punctuation between them is checked here). */
typedef struct {
    const char *body;
    size_t len, pos;
    const char *what;
    cc_err *err;
} page_scan;

static void scan_ws(page_scan *ps)
{
    while (ps->pos < ps->len && is_json_ws(ps->body[ps->pos]))
        ps->pos++;
}

static int scan_bad_json(page_scan *ps, size_t at)
{
    char detail[96];
    snprintf(detail, sizeof detail, "not valid JSON (at byte %zu%s)", at, at + 1 >= ps->len ? ", truncated?" : "");
    return bad(ps->err, ps->what, detail);
}

/* Punctuation expected at the current position (after whitespace). */
static bool scan_punct(page_scan *ps, char c)
{
    scan_ws(ps);
    if (ps->pos < ps->len && ps->body[ps->pos] == c) {
        ps->pos++;
        return true;
    }
    return false;
}

/* One JSON value at the current position, parsed by cJSON. */
static int scan_value(page_scan *ps, cJSON **out)
{
    scan_ws(ps);
    *out = NULL;
    /* cJSON would skip a byte-order mark at the start of what it is given:
     * in the middle of a document that is not JSON. */
    if (ps->pos >= ps->len || (unsigned char)ps->body[ps->pos] == 0xEF)
        return scan_bad_json(ps, ps->pos);
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(ps->body + ps->pos, ps->len - ps->pos, &end, false);
    if (!v) {
        size_t at = end && end >= ps->body + ps->pos ? (size_t)(end - ps->body) : ps->pos;
        return scan_bad_json(ps, at);
    }
    ps->pos = (size_t)(end - ps->body);
    *out = v;
    return 0;
}

static int page_add(page_scan *ps, bedrock_profile_page *out, size_t *cap, const cJSON *item)
{
    if (out->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        bedrock_inference_profile *n = realloc(out->items, ncap * sizeof *n);
        if (!n)
            return cc_err_oom(ps->err);
        out->items = n;
        *cap = ncap;
    }
    int rc = profile_from_json(item, ps->what, &out->items[out->n], ps->err);
    if (!rc)
        out->n++;
    return rc;
}

/* The "inferenceProfileSummaries" array, after its '['. */
static int scan_summaries(page_scan *ps, bedrock_profile_page *out)
{
    size_t cap = 0;
    if (scan_punct(ps, ']'))
        return 0;
    for (;;) {
        cJSON *item;
        int rc = scan_value(ps, &item);
        if (!rc) {
            rc = page_add(ps, out, &cap, item);
            cJSON_Delete(item);
        }
        if (rc)
            return rc;
        if (scan_punct(ps, ']'))
            return 0;
        if (!scan_punct(ps, ','))
            return scan_bad_json(ps, ps->pos);
    }
}

int bedrock_parse_profile_page(const char *body, size_t len, bedrock_profile_page *out, cc_err *err)
{
    page_scan ps = {body, len, 0, "ListInferenceProfiles", err};
    memset(out, 0, sizeof *out);
    if (!body || len == 0)
        return bad(err, ps.what, "empty body");
    if (len > BEDROCK_MAX_BODY)
        return cc_err_set(err, CC_EINPUT, "aws.bedrock_response", "Bedrock %s response too large (%zu bytes)",
                          ps.what, len);
    int rc = 0;
    bool seen_summaries = false, seen_token = false;
    scan_ws(&ps);
    if (ps.pos < len && ps.body[ps.pos] != '{') {
        /* Valid JSON of another kind, or not JSON at all. */
        cJSON *other;
        if ((rc = scan_value(&ps, &other)))
            return rc;
        cJSON_Delete(other);
        return bad(err, ps.what, "expected a JSON object");
    }
    if (!scan_punct(&ps, '{'))
        return scan_bad_json(&ps, ps.pos);
    if (!scan_punct(&ps, '}')) {
        for (;;) {
            scan_ws(&ps);
            if (ps.pos >= len || ps.body[ps.pos] != '"') {
                rc = scan_bad_json(&ps, ps.pos);
                break;
            }
            cJSON *key;
            if ((rc = scan_value(&ps, &key)))
                break;
            bool summaries = !strcmp(key->valuestring, "inferenceProfileSummaries");
            bool token = !strcmp(key->valuestring, "nextToken");
            cJSON_Delete(key);
            if (!scan_punct(&ps, ':')) {
                rc = scan_bad_json(&ps, ps.pos);
                break;
            }
            /* A repeated member counts once, the first time (as a lookup in
             * a whole-document tree would); later copies are only checked. */
            scan_ws(&ps);
            if (summaries && !seen_summaries && ps.pos < len && ps.body[ps.pos] == '[') {
                seen_summaries = true;
                ps.pos++;
                if ((rc = scan_summaries(&ps, out)))
                    break;
            } else {
                cJSON *v;
                if ((rc = scan_value(&ps, &v)))
                    break;
                if (summaries && !seen_summaries && !cJSON_IsNull(v))
                    rc = bad(err, ps.what, "\"inferenceProfileSummaries\" should be an array");
                if (token && !seen_token && !cJSON_IsNull(v)) {
                    if (!cJSON_IsString(v) || !v->valuestring)
                        rc = bad(err, ps.what, "\"nextToken\" should be a string");
                    else if (*v->valuestring && !(out->next_token = strdup(v->valuestring)))
                        rc = cc_err_oom(err);
                    /* an empty token ends paging too */
                }
                seen_summaries |= summaries;
                seen_token |= token;
                cJSON_Delete(v);
                if (rc)
                    break;
            }
            if (scan_punct(&ps, '}'))
                break;
            if (!scan_punct(&ps, ',')) {
                rc = scan_bad_json(&ps, ps.pos);
                break;
            }
        }
    }
    if (!rc && !only_whitespace(body + ps.pos, body + len))
        rc = bad(err, ps.what, "text after the JSON value");
    if (rc)
        bedrock_profile_page_free(out);
    return rc;
}

int bedrock_parse_tags(const char *body, size_t len, bedrock_tags *out, cc_err *err)
{
    const char *what = "ListTagsForResource";
    memset(out, 0, sizeof *out);
    cJSON *root;
    int rc = parse_object(body, len, what, &root, err);
    if (rc)
        return rc;
    const cJSON *arr, *it;
    if ((rc = object_array(root, "tags", what, sizeof *out->items, &arr, (void **)&out->items, err)))
        goto done;
    cJSON_ArrayForEach(it, arr)
    {
        bedrock_tag *t = &out->items[out->n];
        if ((rc = req_str(it, "key", what, &t->key, err)))
            goto done;
        if ((rc = opt_str(it, "value", what, &t->value, err))) {
            free(t->key);
            t->key = NULL;
            goto done;
        }
        if (!t->value && !(t->value = strdup(""))) {
            free(t->key);
            t->key = NULL;
            rc = cc_err_oom(err);
            goto done;
        }
        out->n++;
    }
done:
    cJSON_Delete(root);
    if (rc)
        bedrock_tags_free(out);
    return rc;
}

int bedrock_parse_create(const char *body, size_t len, char **arn_out, char **status_out, cc_err *err)
{
    const char *what = "CreateInferenceProfile";
    *arn_out = NULL;
    if (status_out)
        *status_out = NULL;
    cJSON *root;
    int rc = parse_object(body, len, what, &root, err);
    if (rc)
        return rc;
    char *status = NULL;
    if (!(rc = req_str(root, "inferenceProfileArn", what, arn_out, err)) &&
        !(rc = opt_str(root, "status", what, &status, err)) && status_out) {
        *status_out = status;
        status = NULL;
    }
    free(status);
    if (rc) {
        free(*arn_out);
        *arn_out = NULL;
    }
    cJSON_Delete(root);
    return rc;
}

int bedrock_parse_models(const char *body, size_t len, bedrock_model_list *out, cc_err *err)
{
    const char *what = "ListFoundationModels";
    memset(out, 0, sizeof *out);
    cJSON *root;
    int rc = parse_object(body, len, what, &root, err);
    if (rc)
        return rc;
    const cJSON *arr, *it;
    if ((rc = object_array(root, "modelSummaries", what, sizeof *out->items, &arr, (void **)&out->items, err)))
        goto done;
    cJSON_ArrayForEach(it, arr)
    {
        bedrock_foundation_model *m = &out->items[out->n++];
        if ((rc = req_str(it, "modelArn", what, &m->model_arn, err)) ||
            (rc = req_str(it, "modelId", what, &m->model_id, err)) ||
            (rc = opt_str(it, "modelName", what, &m->model_name, err)) ||
            (rc = opt_str(it, "providerName", what, &m->provider_name, err)) ||
            (rc = opt_strv(it, "inferenceTypesSupported", what, &m->inference_types,
                           &m->n_inference_types, err)))
            goto done;
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(it, "responseStreamingSupported");
        if (s && !cJSON_IsNull(s) && !cJSON_IsBool(s)) {
            rc = bad(err, what, "\"responseStreamingSupported\" should be a boolean");
            goto done;
        }
        m->streaming = cJSON_IsTrue(s);
        const cJSON *lc = cJSON_GetObjectItemCaseSensitive(it, "modelLifecycle");
        if (lc && !cJSON_IsNull(lc)) {
            if (!cJSON_IsObject(lc)) {
                rc = bad(err, what, "\"modelLifecycle\" should be an object");
                goto done;
            }
            if ((rc = opt_str(lc, "status", what, &m->lifecycle_status, err)))
                goto done;
        }
    }
done:
    cJSON_Delete(root);
    if (rc)
        bedrock_model_list_free(out);
    return rc;
}

/* --- requests ------------------------------------------------------------ */

/* "/inference-profiles/<id percent-encoded as one segment>", malloc'd. */
static char *profile_path(const char *id)
{
    char *enc = aws_uri_encode(id, strlen(id), false);
    if (!enc)
        return NULL;
    size_t n = strlen("/inference-profiles/") + strlen(enc) + 1;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "/inference-profiles/%s", enc);
    free(enc);
    return path;
}

static int check_identifier(const char *id, const char *what, cc_err *err)
{
    if (!id || !*id)
        return cc_err_set(err, CC_EINPUT, "usage", "%s: an inference profile id or ARN is required", what);
    if (strlen(id) > 2048)
        return cc_err_set(err, CC_EINPUT, "usage", "%s: the identifier is longer than 2048 characters", what);
    return 0;
}

static int call_json(awsclient *c, const char *method, const char *path, const char *query, const char *body,
                     const char *operation, aws_response *resp, cc_err *err)
{
    aws_request req = {
        .method = method,
        .path = path,
        .query = query,
        .content_type = body ? "application/json" : NULL,
        .body = body,
        .body_len = body ? strlen(body) : 0,
        .operation = operation,
    };
    return awsclient_call(c, "bedrock", &req, resp, err);
}

/* Appends "&key=enc(value)" (or without '&' first) to a query buffer. */
static int query_add(char *q, size_t size, const char *key, const char *value, cc_err *err)
{
    if (!value)
        return 0;
    char *enc = aws_uri_encode(value, strlen(value), false);
    if (!enc)
        return cc_err_oom(err);
    size_t used = strlen(q);
    int n = snprintf(q + used, size - used, "%s%s=%s", used ? "&" : "", key, enc);
    free(enc);
    if (n < 0 || (size_t)n >= size - used)
        return cc_err_set(err, CC_EINPUT, "usage", "query parameter %s is too long", key);
    return 0;
}

int bedrock_list_inference_profiles(awsclient *c, const bedrock_list_profiles_in *in, bedrock_profile_page *out,
                                    cc_err *err)
{
    memset(out, 0, sizeof *out);
    char query[4608] = "";
    char maxr[16];
    int rc = 0;
    if (in && in->max_results) {
        if (in->max_results < 1 || in->max_results > 1000)
            return cc_err_set(err, CC_EINPUT, "usage", "maxResults %d is outside 1..1000", in->max_results);
        snprintf(maxr, sizeof maxr, "%d", in->max_results);
        rc = query_add(query, sizeof query, "maxResults", maxr, err);
    }
    if (!rc && in && in->next_token)
        rc = query_add(query, sizeof query, "nextToken", in->next_token, err);
    if (!rc && in && in->type)
        rc = query_add(query, sizeof query, "type", in->type, err);
    if (rc)
        return rc;
    aws_response resp;
    rc = call_json(c, "GET", "/inference-profiles", query[0] ? query : NULL, NULL, "bedrock:ListInferenceProfiles",
                   &resp, err);
    if (!rc)
        rc = bedrock_parse_profile_page(resp.body, resp.body_len, out, err);
    aws_response_free(&resp);
    return rc;
}

int bedrock_get_inference_profile(awsclient *c, const char *id_or_arn, bedrock_inference_profile *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_identifier(id_or_arn, "GetInferenceProfile", err);
    if (rc)
        return rc;
    char *path = profile_path(id_or_arn);
    if (!path)
        return cc_err_oom(err);
    aws_response resp;
    rc = call_json(c, "GET", path, NULL, NULL, "bedrock:GetInferenceProfile", &resp, err);
    if (!rc)
        rc = bedrock_parse_profile(resp.body, resp.body_len, out, err);
    aws_response_free(&resp);
    free(path);
    return rc;
}

static cJSON *tags_json(const bedrock_tag *tags, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *t = cJSON_CreateObject();
        if (!t || !cJSON_AddItemToArray(arr, t) || !cJSON_AddStringToObject(t, "key", tags[i].key) ||
            !cJSON_AddStringToObject(t, "value", tags[i].value ? tags[i].value : "")) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

/* Prints and frees `doc`; NULL doc or print failure -> NULL. */
static char *print_and_free(cJSON *doc)
{
    char *s = doc ? cJSON_PrintUnformatted(doc) : NULL;
    cJSON_Delete(doc);
    return s;
}

int bedrock_create_inference_profile(awsclient *c, const bedrock_create_profile_in *in, char **arn_out,
                                     char **status_out, cc_err *err)
{
    *arn_out = NULL;
    if (status_out)
        *status_out = NULL;
    if (!in || !in->name || !*in->name || !in->copy_from || !*in->copy_from)
        return cc_err_set(err, CC_EINPUT, "usage", "CreateInferenceProfile needs a name and a copyFrom ARN");
    for (size_t i = 0; i < in->n_tags; i++)
        if (!in->tags[i].key)
            return cc_err_set(err, CC_EINPUT, "usage", "CreateInferenceProfile: tag %zu has no key", i + 1);
    cJSON *doc = cJSON_CreateObject();
    cJSON *src = NULL;
    bool ok = doc && cJSON_AddStringToObject(doc, "inferenceProfileName", in->name) &&
              (src = cJSON_AddObjectToObject(doc, "modelSource")) &&
              cJSON_AddStringToObject(src, "copyFrom", in->copy_from);
    if (ok && in->description)
        ok = cJSON_AddStringToObject(doc, "description", in->description) != NULL;
    if (ok && in->client_request_token)
        ok = cJSON_AddStringToObject(doc, "clientRequestToken", in->client_request_token) != NULL;
    if (ok && in->n_tags) {
        cJSON *t = tags_json(in->tags, in->n_tags);
        ok = t && cJSON_AddItemToObject(doc, "tags", t);
        if (!ok)
            cJSON_Delete(t);
    }
    char *body = ok ? print_and_free(doc) : (cJSON_Delete(doc), NULL);
    if (!body)
        return cc_err_oom(err);
    aws_response resp;
    int rc = call_json(c, "POST", "/inference-profiles", NULL, body, "bedrock:CreateInferenceProfile", &resp, err);
    if (!rc)
        rc = bedrock_parse_create(resp.body, resp.body_len, arn_out, status_out, err);
    aws_response_free(&resp);
    free(body);
    return rc;
}

int bedrock_delete_inference_profile(awsclient *c, const char *id_or_arn, cc_err *err)
{
    int rc = check_identifier(id_or_arn, "DeleteInferenceProfile", err);
    if (rc)
        return rc;
    char *path = profile_path(id_or_arn);
    if (!path)
        return cc_err_oom(err);
    aws_response resp;
    rc = call_json(c, "DELETE", path, NULL, NULL, "bedrock:DeleteInferenceProfile", &resp, err);
    aws_response_free(&resp);
    free(path);
    return rc;
}

static int check_arn(const char *arn, const char *what, cc_err *err)
{
    if (!arn || strncmp(arn, "arn:", 4) != 0)
        return cc_err_set(err, CC_EINPUT, "usage", "%s needs a resource ARN", what);
    return 0;
}

/* POST of a body built from resourceARN plus one extra member. */
static char *arn_body(const char *arn, const char *key, cJSON *extra)
{
    cJSON *doc = cJSON_CreateObject();
    if (!doc || !cJSON_AddStringToObject(doc, "resourceARN", arn)) {
        cJSON_Delete(doc);
        cJSON_Delete(extra);
        return NULL;
    }
    if (key && (!extra || !cJSON_AddItemToObject(doc, key, extra))) {
        cJSON_Delete(doc);
        cJSON_Delete(extra);
        return NULL;
    }
    return print_and_free(doc);
}

static int post_empty_result(awsclient *c, const char *path, char *body, const char *operation, cc_err *err)
{
    if (!body)
        return cc_err_oom(err);
    aws_response resp;
    int rc = call_json(c, "POST", path, NULL, body, operation, &resp, err);
    aws_response_free(&resp);
    free(body);
    return rc;
}

int bedrock_tag_resource(awsclient *c, const char *arn, const bedrock_tag *tags, size_t n, cc_err *err)
{
    int rc = check_arn(arn, "TagResource", err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (!tags[i].key)
            return cc_err_set(err, CC_EINPUT, "usage", "TagResource: tag %zu has no key", i + 1);
    return post_empty_result(c, "/tagResource", arn_body(arn, "tags", tags_json(tags, n)), "bedrock:TagResource",
                             err);
}

int bedrock_untag_resource(awsclient *c, const char *arn, const char *const *keys, size_t n, cc_err *err)
{
    int rc = check_arn(arn, "UntagResource", err);
    if (rc)
        return rc;
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *s = keys[i] ? cJSON_CreateString(keys[i]) : NULL;
        if (!s || !cJSON_AddItemToArray(arr, s)) {
            cJSON_Delete(s);
            cJSON_Delete(arr);
            return keys[i] ? cc_err_oom(err)
                           : cc_err_set(err, CC_EINPUT, "usage", "UntagResource: key %zu is NULL", i + 1);
        }
    }
    return post_empty_result(c, "/untagResource", arn_body(arn, "tagKeys", arr), "bedrock:UntagResource", err);
}

int bedrock_list_tags_for_resource(awsclient *c, const char *arn, bedrock_tags *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_arn(arn, "ListTagsForResource", err);
    if (rc)
        return rc;
    char *body = arn_body(arn, NULL, NULL);
    if (!body)
        return cc_err_oom(err);
    aws_response resp;
    rc = call_json(c, "POST", "/listTagsForResource", NULL, body, "bedrock:ListTagsForResource", &resp, err);
    if (!rc)
        rc = bedrock_parse_tags(resp.body, resp.body_len, out, err);
    aws_response_free(&resp);
    free(body);
    return rc;
}

int bedrock_list_foundation_models(awsclient *c, const bedrock_model_filter *f, bedrock_model_list *out,
                                   cc_err *err)
{
    memset(out, 0, sizeof *out);
    char query[1024] = "";
    int rc = 0;
    if (f) {
        if (!rc)
            rc = query_add(query, sizeof query, "byCustomizationType", f->by_customization_type, err);
        if (!rc)
            rc = query_add(query, sizeof query, "byInferenceType", f->by_inference_type, err);
        if (!rc)
            rc = query_add(query, sizeof query, "byOutputModality", f->by_output_modality, err);
        if (!rc)
            rc = query_add(query, sizeof query, "byProvider", f->by_provider, err);
    }
    if (rc)
        return rc;
    aws_response resp;
    rc = call_json(c, "GET", "/foundation-models", query[0] ? query : NULL, NULL, "bedrock:ListFoundationModels",
                   &resp, err);
    if (!rc)
        rc = bedrock_parse_models(resp.body, resp.body_len, out, err);
    aws_response_free(&resp);
    return rc;
}

/* --- batch --------------------------------------------------------------- */

void bedrock_batch_free(bedrock_batch_item *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        if (items[i].status == 0) {
            switch (items[i].op) {
            case BEDROCK_OP_LIST_TAGS: bedrock_tags_free(&items[i].out.tags); break;
            case BEDROCK_OP_GET_PROFILE: bedrock_profile_free(&items[i].out.profile); break;
            case BEDROCK_OP_CALLER_IDENTITY: sts_identity_free(&items[i].out.identity); break;
            case BEDROCK_OP_LIST_APP_PROFILES: bedrock_profile_page_free(&items[i].out.page); break;
            }
        }
        memset(&items[i].out, 0, sizeof items[i].out);
    }
}

/* Fills *r for one batch item (buffers it needs go to *path, *body,
 * *query, freed by the caller) and prepares it on the client; a failure
 * lands in it->status and it->err. */
static void batch_request(awsclient *c, bedrock_batch_item *it, aws_request *r, char **path, char **body,
                          char **query)
{
    memset(&it->out, 0, sizeof it->out);
    cc_err_clear(&it->err);
    it->status = 0;
    const char *service = "bedrock";
    switch (it->op) {
    case BEDROCK_OP_LIST_TAGS:
        if ((it->status = check_arn(it->arg, "ListTagsForResource", &it->err)))
            break;
        *body = arn_body(it->arg, NULL, NULL);
        r->method = "POST";
        r->path = "/listTagsForResource";
        r->content_type = "application/json";
        r->body = *body;
        r->body_len = *body ? strlen(*body) : 0;
        r->operation = "bedrock:ListTagsForResource";
        if (!*body)
            it->status = cc_err_oom(&it->err);
        break;
    case BEDROCK_OP_GET_PROFILE:
        if ((it->status = check_identifier(it->arg, "GetInferenceProfile", &it->err)))
            break;
        *path = profile_path(it->arg);
        r->method = "GET";
        r->path = *path;
        r->operation = "bedrock:GetInferenceProfile";
        if (!*path)
            it->status = cc_err_oom(&it->err);
        break;
    case BEDROCK_OP_LIST_APP_PROFILES:
        *query = calloc(1, 4608);
        if (!*query) {
            it->status = cc_err_oom(&it->err);
            break;
        }
        it->status = query_add(*query, 4608, "maxResults", "1000", &it->err);
        if (!it->status && it->arg)
            it->status = query_add(*query, 4608, "nextToken", it->arg, &it->err);
        if (!it->status)
            it->status = query_add(*query, 4608, "type", "APPLICATION", &it->err);
        r->method = "GET";
        r->path = "/inference-profiles";
        r->query = *query;
        r->operation = "bedrock:ListInferenceProfiles";
        break;
    case BEDROCK_OP_CALLER_IDENTITY:
        service = "sts";
        r->method = "POST";
        r->path = "/";
        r->content_type = "application/x-www-form-urlencoded; charset=utf-8";
        r->body = "Action=GetCallerIdentity&Version=2011-06-15";
        r->body_len = strlen(r->body);
        r->operation = "sts:GetCallerIdentity";
        break;
    default:
        it->status = cc_err_set(&it->err, CC_EINTERNAL, "internal", "unknown batch operation %d", (int)it->op);
    }
    if (!it->status)
        it->status = awsclient_prepare(c, service, r, &it->err);
}

/* Reads one answered batch item into it->out. */
static void batch_parse(bedrock_batch_item *it, const aws_response *rs)
{
    switch (it->op) {
    case BEDROCK_OP_LIST_TAGS: it->status = bedrock_parse_tags(rs->body, rs->body_len, &it->out.tags, &it->err); break;
    case BEDROCK_OP_GET_PROFILE:
        it->status = bedrock_parse_profile(rs->body, rs->body_len, &it->out.profile, &it->err);
        break;
    case BEDROCK_OP_CALLER_IDENTITY:
        it->status = sts_parse_caller_identity(rs->body, rs->body_len, &it->out.identity, &it->err);
        break;
    case BEDROCK_OP_LIST_APP_PROFILES:
        it->status = bedrock_parse_profile_page(rs->body, rs->body_len, &it->out.page, &it->err);
        break;
    }
}

int bedrock_batch(awsclient *c, bedrock_batch_item *items, size_t n, size_t max_in_flight, cc_err *err)
{
    if (n == 0)
        return 0;
    aws_request *reqs = calloc(n, sizeof *reqs);
    aws_response *resps = calloc(n, sizeof *resps);
    int *st = calloc(n, sizeof *st);
    cc_err *errs = calloc(n, sizeof *errs);
    char **paths = calloc(n, sizeof *paths);
    char **bodies = calloc(n, sizeof *bodies);
    char **queries = calloc(n, sizeof *queries);
    int rc = 0;
    if (!reqs || !resps || !st || !errs || !paths || !bodies || !queries) {
        rc = cc_err_oom(err);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        batch_request(c, &items[i], &reqs[i], &paths[i], &bodies[i], &queries[i]);
    }
    /* Send only the items that are ready; keep a map back to their index. */
    size_t *idx = calloc(n, sizeof *idx);
    aws_request *ready = calloc(n, sizeof *ready);
    size_t k = 0;
    if (!idx || !ready) {
        free(idx);
        free(ready);
        rc = cc_err_oom(err);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (!items[i].status) {
            idx[k] = i;
            ready[k++] = reqs[i];
        }
    if (k)
        awsclient_call_many(c, ready, k, max_in_flight ? max_in_flight : 8, resps, st, errs);
    for (size_t j = 0; j < k; j++) {
        bedrock_batch_item *it = &items[idx[j]];
        it->status = st[j];
        if (st[j]) {
            it->err = errs[j];
            continue;
        }
        batch_parse(it, &resps[j]);
    }
    for (size_t j = 0; j < k; j++)
        aws_response_free(&resps[j]);
    free(idx);
    free(ready);
    for (size_t i = 0; i < n; i++)
        if (items[i].status) {
            rc = items[i].status;
            if (err)
                *err = items[i].err;
            break;
        }
done:
    for (size_t i = 0; paths && i < n; i++)
        free(paths[i]);
    for (size_t i = 0; bodies && i < n; i++)
        free(bodies[i]);
    for (size_t i = 0; queries && i < n; i++)
        free(queries[i]);
    free(paths);
    free(bodies);
    free(queries);
    free(reqs);
    free(resps);
    free(st);
    free(errs);
    return rc;
}

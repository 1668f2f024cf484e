/*
 * cline_edit.c - the per-store key writers of the Cline target: the edit of
 * globalState.json (the extension), of providers.json (the CLI) and of
 * clinecfg's endpoint record.
 *
 * Why it is built this way:
 * - Every edit is a pure function of the file's current bytes, so the same
 *   function serves the preflight (all files checked before the first
 *   write), the safe writer's callback (which may run again when the file
 *   changes under us) and dry-run.
 * - Only values that differ are edited (compared as JSON values), so a file
 *   that already says the right thing is left byte-identical and no backup
 *   is made; comments and other keys stay as they were (jsonc edits).
 */
#define _GNU_SOURCE
#include "cline_internal.h"

#include <stdio.h>

#include "clinecfg/atomicfile.h"

/* ================= JSONC edit lists ================= */

typedef struct edit_list {
    jsonc_edit *e;
    jsonc_path **paths;
    char **values;
    size_t n, cap;
} edit_list;

static void edits_free(edit_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        jsonc_path_free(l->paths[i]);
        free(l->values[i]);
    }
    free(l->e);
    free(l->paths);
    free(l->values);
    memset(l, 0, sizeof *l);
}

/* Builds a path from NULL-terminated keys. */
static jsonc_path *keys_path(const char *const *keys)
{
    jsonc_path *p = jsonc_path_new();
    for (size_t i = 0; p && keys[i]; i++)
        if (jsonc_path_push_key(p, keys[i]) != CC_OK) {
            jsonc_path_free(p);
            return NULL;
        }
    return p;
}

/* Adds an edit; `value` (taken over, may be NULL for DELETE) is a cJSON. */
static int edits_add(edit_list *l, jsonc_edit_op op, const char *const *keys, cJSON *value)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        jsonc_edit *ne = realloc(l->e, nc * sizeof *ne);
        if (ne)
            l->e = ne;
        jsonc_path **np = realloc(l->paths, nc * sizeof *np);
        if (np)
            l->paths = np;
        char **nv = realloc(l->values, nc * sizeof *nv);
        if (nv)
            l->values = nv;
        if (!ne || !np || !nv) {
            cJSON_Delete(value);
            return CC_EINTERNAL;
        }
        l->cap = nc;
    }
    jsonc_path *p = keys_path(keys);
    char *vj = value ? cJSON_PrintUnformatted(value) : NULL;
    cJSON_Delete(value);
    if (!p || (op == JSONC_EDIT_SET && !vj)) {
        jsonc_path_free(p);
        free(vj);
        return CC_EINTERNAL;
    }
    l->paths[l->n] = p;
    l->values[l->n] = vj;
    l->e[l->n] = (jsonc_edit){op, p, vj, 0};
    l->n++;
    return CC_OK;
}

/* Node at keys, or NULL. */
const jsonc_node *cline_node_at(const jsonc_doc *doc, const char *const *keys)
{
    const jsonc_node *n = jsonc_root(doc);
    for (size_t i = 0; n && keys[i]; i++) {
        if (n->type != JSONC_OBJECT)
            return NULL;
        n = jsonc_member(n, keys[i]);
    }
    return n;
}

/* SET keys = want unless the file already holds an equal value.  *changed
 * (optional) is set when an edit was added.  Takes `want`. */
static int set_if_differs(edit_list *l, const jsonc_doc *doc, const char *const *keys, cJSON *want, bool *changed)
{
    if (!want)
        return CC_EINTERNAL;
    const jsonc_node *n = doc ? cline_node_at(doc, keys) : NULL;
    if (n) {
        cJSON *have = jsonc_to_cjson(n);
        bool same = have && cJSON_Compare(have, want, 1);
        cJSON_Delete(have);
        if (same) {
            cJSON_Delete(want);
            return CC_OK;
        }
    }
    if (changed)
        *changed = true;
    return edits_add(l, JSONC_EDIT_SET, keys, want);
}

static int delete_if_present(edit_list *l, const jsonc_doc *doc, const char *const *keys, bool *changed)
{
    if (!doc || !cline_node_at(doc, keys))
        return CC_OK;
    if (changed)
        *changed = true;
    return edits_add(l, JSONC_EDIT_DELETE, keys, NULL);
}

const char *cline_node_string(const jsonc_doc *doc, const char *const *keys)
{
    const jsonc_node *n = doc ? cline_node_at(doc, keys) : NULL;
    return (n && n->type == JSONC_STRING) ? n->str : NULL;
}

/* ================= the edit functions ================= */

/* The endpoint to write, or NULL with *remove telling whether the current one goes. */
static const char *endpoint_decision(const cline_edit_job *job, const char *current, bool *remove)
{
    *remove = false;
    if (job->plan->endpoint)
        return job->plan->endpoint;
    if (current && job->recorded_endpoint && strcmp(current, job->recorded_endpoint) == 0)
        *remove = true;
    return NULL;
}

int cline_parse_object_doc(const char *text, size_t len, const char *name, jsonc_doc **doc, cc_err *err)
{
    int rc = jsonc_parse(text, len, name, doc, err);
    if (rc != CC_OK) {
        cc_err_hint(err, "fix the syntax in %s (Cline could not read it either), then run clinecfg again", name);
        return rc;
    }
    const jsonc_node *root = jsonc_root(*doc);
    if (root && root->type != JSONC_OBJECT) {
        int line, col;
        jsonc_line_col(text, len, root->start, &line, &col);
        jsonc_free(*doc);
        *doc = NULL;
        cc_err_set(err, CC_EINPUT, "cline.not_object", "%s:%d:%d: the top level must be a JSON object", name, line, col);
        cc_err_hint(err, "Cline keeps an object here; restore it from a backup or move the file aside");
        return CC_EINPUT;
    }
    return CC_OK;
}

static int apply_edits(const char *text, size_t len, const char *name, edit_list *l, char **out, size_t *out_len,
                       cc_err *err)
{
    if (l->n == 0) {
        *out = malloc(len + 1);
        if (!*out)
            return cc_err_oom(err);
        memcpy(*out, text, len);
        (*out)[len] = '\0';
        *out_len = len;
        return CC_OK;
    }
    return jsonc_apply(text, len, name, l->e, l->n, out, out_len, err);
}

/* Applies the edits collected (rc: how collecting them went; CC_EINTERNAL
 * is out of memory) and frees them. */
static int finish_edits(int rc, const char *text, size_t len, const char *name, edit_list *l, char **out,
                        size_t *out_len, cc_err *err)
{
    if (rc == CC_OK)
        rc = apply_edits(text, len, name, l, out, out_len, err);
    else if (rc == CC_EINTERNAL)
        cc_err_oom(err);
    edits_free(l);
    return rc;
}

int cline_global_state_edit(cline_edit_job *job, const char *text, size_t len, const char *name, char **out,
                            size_t *out_len, cc_err *err)
{
    const cline_plan *p = job->plan;
    jsonc_doc *doc = NULL;
    int rc = cline_parse_object_doc(text, len, name, &doc, err);
    if (rc != CC_OK)
        return rc;
    const char *base = text;
    size_t base_len = len;
    char *fresh = NULL;
    if (!jsonc_root(doc)) {
        /* a new file: seed it with one member so new keys follow Cline's own
         * two-space JSON.stringify layout (the region is [a-z0-9-] only) */
        int n = asprintf(&fresh, "{\n  \"awsRegion\": \"%s\"\n}\n", p->region);
        jsonc_free(doc);
        doc = NULL;
        if (n < 0)
            return cc_err_oom(err);
        base = fresh;
        base_len = (size_t)n;
        rc = cline_parse_object_doc(base, base_len, name, &doc, err);
        if (rc != CC_OK) {
            free(fresh);
            return rc;
        }
    }
    edit_list l = {0};
    unsigned modes = cline_plan_modes(p);
    static const char *const prefixes[2] = {"planMode", "actMode"};
    for (int m = 0; m < 2 && rc == CC_OK; m++) {
        if (!(modes & (m == 0 ? CLINE_MODE_PLAN : CLINE_MODE_ACT)))
            continue;
        char k1[64], k2[64], k3[64], k4[64];
        snprintf(k1, sizeof k1, "%sApiProvider", prefixes[m]);
        snprintf(k2, sizeof k2, "%sApiModelId", prefixes[m]);
        snprintf(k3, sizeof k3, "%sAwsBedrockCustomSelected", prefixes[m]);
        snprintf(k4, sizeof k4, "%sAwsBedrockCustomModelBaseId", prefixes[m]);
        const char *a1[] = {k1, NULL}, *a2[] = {k2, NULL}, *a3[] = {k3, NULL}, *a4[] = {k4, NULL};
        if (rc == CC_OK)
            rc = set_if_differs(&l, doc, a1, cJSON_CreateString("bedrock"), NULL);
        if (rc == CC_OK)
            rc = set_if_differs(&l, doc, a2, cJSON_CreateString(p->profile_arn), NULL);
        if (rc == CC_OK)
            rc = set_if_differs(&l, doc, a3, cJSON_CreateTrue(), NULL);
        if (rc == CC_OK)
            rc = set_if_differs(&l, doc, a4, cJSON_CreateString(p->base_model_id), NULL);
    }
    static const char *const k_region[] = {"awsRegion", NULL}, *const k_auth[] = {"awsAuthentication", NULL},
                             *const k_useprof[] = {"awsUseProfile", NULL}, *const k_prof[] = {"awsProfile", NULL},
                             *const k_cross[] = {"awsUseCrossRegionInference", NULL},
                             *const k_global[] = {"awsUseGlobalInference", NULL},
                             *const k_cache[] = {"awsBedrockUsePromptCache", NULL},
                             *const k_ep[] = {"awsBedrockEndpoint", NULL},
                             *const k_welcome[] = {"welcomeViewCompleted", NULL};
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_region, cJSON_CreateString(p->region), NULL);
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_auth, cJSON_CreateString("profile"), NULL);
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_useprof, cJSON_CreateTrue(), NULL);
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_prof, cJSON_CreateString(cline_plan_profile(p)), NULL);
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_cross, cJSON_CreateFalse(), NULL);
    if (rc == CC_OK) {
        /* global inference would prefix the model id; an ARN must go unchanged */
        const jsonc_node *g = doc ? cline_node_at(doc, k_global) : NULL;
        if (g && !(g->type == JSONC_BOOL && !g->boolean))
            rc = set_if_differs(&l, doc, k_global, cJSON_CreateFalse(), NULL);
    }
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_cache, cJSON_CreateBool(p->prompt_cache), NULL);
    if (rc == CC_OK) {
        bool remove = false;
        const char *ep = endpoint_decision(job, cline_node_string(doc, k_ep), &remove);
        if (ep)
            rc = set_if_differs(&l, doc, k_ep, cJSON_CreateString(ep), NULL);
        else if (remove)
            rc = delete_if_present(&l, doc, k_ep, NULL);
    }
    /* Cline CLI 1.0.8-1.0.10 check this before their core has loaded (and
     * repaired) the state: without it a headless run stops in the first-run
     * wizard.  A value already there is the user's (or Cline's): kept. */
    if (rc == CC_OK && !cline_node_at(doc, k_welcome))
        rc = set_if_differs(&l, doc, k_welcome, cJSON_CreateTrue(), NULL);
    rc = finish_edits(rc, base, base_len, name, &l, out, out_len, err);
    jsonc_free(doc);
    free(fresh);
    return rc;
}

static cJSON *bedrock_entry(const cline_edit_job *job)
{
    const cline_plan *p = job->plan;
    cJSON *e = cJSON_CreateObject();
    cJSON *s = cJSON_AddObjectToObject(e, "settings");
    cJSON_AddStringToObject(s, "provider", "bedrock");
    cJSON_AddStringToObject(s, "model", p->profile_arn);
    cJSON *aws = cJSON_AddObjectToObject(s, "aws");
    cJSON_AddStringToObject(aws, "region", p->region);
    cJSON_AddStringToObject(aws, "authentication", "profile");
    cJSON_AddStringToObject(aws, "profile", cline_plan_profile(p));
    cJSON_AddStringToObject(aws, "customModelBaseId", p->base_model_id);
    cJSON_AddBoolToObject(aws, "usePromptCache", p->prompt_cache);
    cJSON_AddBoolToObject(aws, "useCrossRegionInference", false);
    if (p->endpoint)
        cJSON_AddStringToObject(aws, "endpoint", p->endpoint);
    cJSON_AddStringToObject(e, "updatedAt", job->updated_at);
    cJSON_AddStringToObject(e, "tokenSource", "manual");
    return e;
}

#define K(...) ((const char *const[]){"providers", "bedrock", __VA_ARGS__, NULL})

/* The keys of an existing providers.bedrock.settings.aws object. */
static int bedrock_aws_edits(cline_edit_job *job, const jsonc_doc *doc, edit_list *l, bool *changed)
{
    const cline_plan *p = job->plan;
    int rc = set_if_differs(l, doc, K("settings", "aws", "region"), cJSON_CreateString(p->region), changed);
    if (rc == CC_OK)
        rc = set_if_differs(l, doc, K("settings", "aws", "authentication"), cJSON_CreateString("profile"), changed);
    if (rc == CC_OK)
        rc = set_if_differs(l, doc, K("settings", "aws", "profile"), cJSON_CreateString(cline_plan_profile(p)), changed);
    if (rc == CC_OK)
        rc = set_if_differs(l, doc, K("settings", "aws", "customModelBaseId"), cJSON_CreateString(p->base_model_id),
                            changed);
    if (rc == CC_OK)
        rc = set_if_differs(l, doc, K("settings", "aws", "usePromptCache"), cJSON_CreateBool(p->prompt_cache), changed);
    if (rc == CC_OK)
        rc = set_if_differs(l, doc, K("settings", "aws", "useCrossRegionInference"), cJSON_CreateFalse(), changed);
    const jsonc_node *g = cline_node_at(doc, K("settings", "aws", "useGlobalInference"));
    if (rc == CC_OK && g && !(g->type == JSONC_BOOL && !g->boolean))
        rc = set_if_differs(l, doc, K("settings", "aws", "useGlobalInference"), cJSON_CreateFalse(), changed);
    /* static keys would be used instead of the profile: the keyring is the only source */
    static const char *const secret_keys[] = {"accessKey", "secretKey", "sessionToken", NULL};
    for (size_t i = 0; rc == CC_OK && secret_keys[i]; i++) {
        size_t before = l->n;
        rc = delete_if_present(l, doc, K("settings", "aws", secret_keys[i]), changed);
        job->removed_secrets += l->n - before;
    }
    if (rc == CC_OK) {
        bool remove = false;
        const char *ep = endpoint_decision(job, cline_node_string(doc, K("settings", "aws", "endpoint")), &remove);
        if (ep)
            rc = set_if_differs(l, doc, K("settings", "aws", "endpoint"), cJSON_CreateString(ep), changed);
        else if (remove)
            rc = delete_if_present(l, doc, K("settings", "aws", "endpoint"), changed);
    }
    return rc;
}

/* The edits of an existing providers.bedrock entry; updatedAt and
 * tokenSource move only when something else in it changed. */
static int bedrock_entry_edits(cline_edit_job *job, const jsonc_doc *doc, edit_list *l)
{
    const cline_plan *p = job->plan;
    bool changed = false;
    int rc = set_if_differs(l, doc, K("settings", "provider"), cJSON_CreateString("bedrock"), &changed);
    if (rc == CC_OK)
        rc = set_if_differs(l, doc, K("settings", "model"), cJSON_CreateString(p->profile_arn), &changed);
    const jsonc_node *aws = cline_node_at(doc, K("settings", "aws"));
    if (rc == CC_OK && !aws) {
        cJSON *tmp = bedrock_entry(job);
        cJSON *a = cJSON_DetachItemFromObject(cJSON_GetObjectItem(tmp, "settings"), "aws");
        cJSON_Delete(tmp);
        rc = set_if_differs(l, doc, K("settings", "aws"), a, &changed);
    } else if (rc == CC_OK) {
        rc = bedrock_aws_edits(job, doc, l, &changed);
    }
    if (rc == CC_OK) {
        size_t before = l->n;
        rc = delete_if_present(l, doc, K("settings", "apiKey"), &changed);
        job->removed_secrets += l->n - before;
    }
    if (rc == CC_OK && changed) {
        rc = set_if_differs(l, doc, K("updatedAt"), cJSON_CreateString(job->updated_at), NULL);
        if (rc == CC_OK)
            rc = set_if_differs(l, doc, K("tokenSource"), cJSON_CreateString("manual"), NULL);
    }
    return rc;
}

#undef K

int cline_providers_edit(cline_edit_job *job, const char *text, size_t len, bool exists, const char *name, char **out,
                         size_t *out_len, cc_err *err)
{
    job->removed_secrets = 0;
    static const char envelope[] = "{\n  \"version\": 1,\n  \"lastUsedProvider\": \"bedrock\",\n  \"modes\": {},\n  \"providers\": {}\n}\n";
    const char *base = text;
    size_t base_len = len;
    bool blank = true; /* an empty file holds no providers: nothing to keep */
    for (size_t i = 0; exists && i < len && blank; i++)
        blank = text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r';
    if (!exists || blank) {
        base = envelope;
        base_len = sizeof envelope - 1;
    } else {
        int rc = cline_providers_check(text, len, name, err);
        if (rc != CC_OK)
            return rc;
    }
    jsonc_doc *doc = NULL;
    int rc = cline_parse_object_doc(base, base_len, name, &doc, err);
    if (rc != CC_OK)
        return rc;
    edit_list l = {0};
    static const char *const k_entry[] = {"providers", "bedrock", NULL};
    static const char *const k_last[] = {"lastUsedProvider", NULL};
    if (!cline_node_at(doc, k_entry))
        rc = edits_add(&l, JSONC_EDIT_SET, k_entry, bedrock_entry(job));
    else
        rc = bedrock_entry_edits(job, doc, &l);
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_last, cJSON_CreateString("bedrock"), NULL);
    rc = finish_edits(rc, base, base_len, name, &l, out, out_len, err);
    jsonc_free(doc);
    if (rc == CC_OK) {
        /* never hand Cline a file it would discard */
        rc = cline_providers_check(*out, *out_len, name, err);
        if (rc != CC_OK) {
            free(*out);
            *out = NULL;
            cc_err_prefix(err, "internal: the edited file would fail Cline's schema");
            err->status = CC_EINTERNAL;
            rc = CC_EINTERNAL;
        }
    }
    return rc;
}

/* ================= endpoint record ================= */

int cline_record_edit(void *ud, const char *path, const char *old, size_t old_len, bool exists, char **new_text,
                      size_t *new_len, cc_err *err)
{
    cline_record_job *rj = ud;
    cJSON *root = exists && old_len ? cJSON_ParseWithLength(old, old_len) : NULL;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        root = cJSON_CreateObject();
    }
    cJSON *eps = cJSON_GetObjectItemCaseSensitive(root, "endpoints");
    if (!cJSON_IsObject(eps)) {
        cJSON_DeleteItemFromObjectCaseSensitive(root, "endpoints");
        eps = cJSON_AddObjectToObject(root, "endpoints");
    }
    if (!cJSON_GetObjectItemCaseSensitive(root, "version"))
        cJSON_AddNumberToObject(root, "version", 1);
    for (size_t i = 0; eps && i < rj->n; i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(eps, rj->keys[i]);
        if (rj->values[i])
            cJSON_AddStringToObject(eps, rj->keys[i], rj->values[i]);
    }
    char *txt = eps ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!txt)
        return cc_err_oom(err);
    size_t n = strlen(txt);
    char *withnl = realloc(txt, n + 2);
    if (!withnl) {
        free(txt);
        return cc_err_oom(err);
    }
    withnl[n] = '\n';
    withnl[n + 1] = '\0';
    /* identical bytes make the safe writer skip the write and the backup */
    *new_text = withnl;
    *new_len = n + 1;
    (void)path;
    return CC_OK;
}

char *cline_record_lookup(const char *record_path, const char *key)
{
    char *txt = NULL;
    size_t len = 0;
    bool exists = false;
    cc_err e;
    if (safefile_read(record_path, 1 << 20, &txt, &len, &exists, &e) != CC_OK)
        return NULL;
    cJSON *root = exists ? cJSON_ParseWithLength(txt, len) : NULL;
    free(txt);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "endpoints"), key);
    char *out = cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
    cJSON_Delete(root);
    return out;
}


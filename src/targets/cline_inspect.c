/*
 * cline_inspect.c - what Cline currently points at, read back from its
 * stores (globalState.json, providers.json and the AWS profile they name),
 * the consistency findings `status` and `doctor` show, and the check
 * cline_apply runs after writing (cline_verify).  Reads only.
 */
#define _GNU_SOURCE
#include "cline_internal.h"

#include <stdarg.h>
#include <stdio.h>

#include "clinecfg/awsconfig.h"
#include "clinecfg/awsfiles.h"
#include "clinecfg/ini.h"

/* ================= inspect / verify ================= */

static char *doc_str(const jsonc_doc *doc, const char *const *keys)
{
    const char *s = cline_node_string(doc, keys);
    return s ? strdup(s) : NULL;
}

static int doc_bool(const jsonc_doc *doc, const char *const *keys)
{
    const jsonc_node *n = doc ? cline_node_at(doc, keys) : NULL;
    return (n && n->type == JSONC_BOOL) ? (n->boolean ? 1 : 0) : -1;
}

static void mode_view_free(cline_mode_view *m)
{
    free(m->provider);
    free(m->model_id);
    free(m->base_model_id);
}

void cline_inspection_free(cline_inspection *in)
{
    if (!in)
        return;
    mode_view_free(&in->plan);
    mode_view_free(&in->act);
    free(in->gs_region);
    free(in->gs_authentication);
    free(in->gs_profile);
    free(in->gs_endpoint);
    free(in->pv_last_used);
    free(in->pv_model);
    free(in->pv_region);
    free(in->pv_authentication);
    free(in->pv_profile);
    free(in->pv_endpoint);
    free(in->pv_base_model_id);
    free(in->aws_region);
    free(in->aws_credential_process);
    for (size_t i = 0; i < in->nproblems; i++)
        free(in->problems[i]);
    free(in->problems);
    memset(in, 0, sizeof *in);
}

static void add_problem(cline_inspection *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_problem(cline_inspection *in, const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        return;
    char **np = realloc(in->problems, (in->nproblems + 1) * sizeof *np);
    if (!np) {
        free(s);
        return;
    }
    in->problems = np;
    in->problems[in->nproblems++] = s;
}

static bool str_diff(const char *a, const char *b) { return a && b && strcmp(a, b) != 0; }

/* Reads one of Cline's stores.  False when it cannot be read: it then
 * counts as existing, with the reason in `error`. */
static bool read_store(const char *path, char **txt, size_t *len, bool *exists, char *error, size_t error_size)
{
    cc_err e;
    if (safefile_read(path, SAFEFILE_MAX_SIZE, txt, len, exists, &e) == CC_OK)
        return true;
    *exists = true;
    snprintf(error, error_size, "%s", e.message);
    return false;
}

static void inspect_global_state(const cline_locations *loc, cline_inspection *in)
{
    in->gs_use_profile = in->gs_cross_region = in->gs_prompt_cache = -1;
    in->plan.custom_selected = in->act.custom_selected = -1;
    char *txt = NULL;
    size_t len = 0;
    if (!read_store(loc->global_state, &txt, &len, &in->gs_exists, in->gs_error, sizeof in->gs_error))
        return;
    bool exists = in->gs_exists;
    cc_err e;
    jsonc_doc *doc = NULL;
    if (exists && cline_parse_object_doc(txt, len, loc->global_state, &doc, &e) != CC_OK) {
        snprintf(in->gs_error, sizeof in->gs_error, "%s", e.message);
    } else if (exists) {
        static const char *const prefixes[2] = {"planMode", "actMode"};
        for (int m = 0; m < 2; m++) {
            cline_mode_view *v = m == 0 ? &in->plan : &in->act;
            char k[64];
            const char *kk[] = {k, NULL};
            snprintf(k, sizeof k, "%sApiProvider", prefixes[m]);
            v->provider = doc_str(doc, kk);
            snprintf(k, sizeof k, "%sApiModelId", prefixes[m]);
            v->model_id = doc_str(doc, kk);
            snprintf(k, sizeof k, "%sAwsBedrockCustomModelBaseId", prefixes[m]);
            v->base_model_id = doc_str(doc, kk);
            snprintf(k, sizeof k, "%sAwsBedrockCustomSelected", prefixes[m]);
            v->custom_selected = doc_bool(doc, kk);
        }
        in->gs_region = doc_str(doc, (const char *const[]){"awsRegion", NULL});
        in->gs_authentication = doc_str(doc, (const char *const[]){"awsAuthentication", NULL});
        in->gs_profile = doc_str(doc, (const char *const[]){"awsProfile", NULL});
        in->gs_endpoint = doc_str(doc, (const char *const[]){"awsBedrockEndpoint", NULL});
        in->gs_use_profile = doc_bool(doc, (const char *const[]){"awsUseProfile", NULL});
        in->gs_cross_region = doc_bool(doc, (const char *const[]){"awsUseCrossRegionInference", NULL});
        in->gs_prompt_cache = doc_bool(doc, (const char *const[]){"awsBedrockUsePromptCache", NULL});
        jsonc_free(doc);
    }
    free(txt);
}

static void inspect_providers(const cline_locations *loc, cline_inspection *in)
{
    in->pv_prompt_cache = in->pv_cross_region = -1;
    char *txt = NULL;
    size_t len = 0;
    if (!read_store(loc->providers, &txt, &len, &in->pv_exists, in->pv_error, sizeof in->pv_error))
        return;
    bool exists = in->pv_exists;
    cc_err e;
    jsonc_doc *doc = NULL;
    if (exists && cline_providers_check(txt, len, loc->providers, &e) != CC_OK) {
        snprintf(in->pv_error, sizeof in->pv_error, "%s", e.message);
    } else if (exists && jsonc_parse(txt, len, loc->providers, &doc, &e) == CC_OK) {
#define B(...) ((const char *const[]){"providers", "bedrock", "settings", __VA_ARGS__, NULL})
        in->pv_last_used = doc_str(doc, (const char *const[]){"lastUsedProvider", NULL});
        in->pv_has_bedrock = cline_node_at(doc, (const char *const[]){"providers", "bedrock", NULL}) != NULL;
        in->pv_model = doc_str(doc, B("model"));
        in->pv_region = doc_str(doc, B("aws", "region"));
        in->pv_authentication = doc_str(doc, B("aws", "authentication"));
        in->pv_profile = doc_str(doc, B("aws", "profile"));
        in->pv_endpoint = doc_str(doc, B("aws", "endpoint"));
        in->pv_base_model_id = doc_str(doc, B("aws", "customModelBaseId"));
        in->pv_prompt_cache = doc_bool(doc, B("aws", "usePromptCache"));
        in->pv_cross_region = doc_bool(doc, B("aws", "useCrossRegionInference"));
        in->pv_has_static_keys = cline_node_at(doc, B("aws", "accessKey")) || cline_node_at(doc, B("apiKey"));
#undef B
        jsonc_free(doc);
    }
    free(txt);
}

/* The AWS profile Cline uses: globalState's awsProfile, else providers.json's. */
static const char *inspected_profile(const cline_inspection *in)
{
    return in->gs_profile ? in->gs_profile : in->pv_profile;
}

static void inspect_aws_profile(const cline_targets_env *env, cline_inspection *in)
{
    const char *prof = inspected_profile(in);
    if (!prof || !env->aws_config)
        return;
    aws_profile_set *set = NULL;
    cc_err e;
    if (awsfiles_load(env->aws_config, env->aws_credentials, &set, &e) != CC_OK) {
        add_problem(in, "the AWS config could not be read: %s", e.message);
        return;
    }
    const aws_profile *p = ini_profile(set, prof);
    in->aws_profile_exists = p != NULL;
    if (p) {
        in->aws_region = cline_strdup_or_null(ini_get(p, "region"));
        in->aws_credential_process = cline_strdup_or_null(ini_get(p, "credential_process"));
    }
    ini_profiles_free(set);
}

/* Disagreements between the extension, the CLI and the AWS profile. */
static void find_problems(const cline_targets_env *env, cline_inspection *in)
{
    const char *prof = inspected_profile(in);
    if (*in->gs_error)
        add_problem(in, "globalState.json cannot be read: %s", in->gs_error);
    if (*in->pv_error)
        add_problem(in, "providers.json would be discarded by the Cline CLI: %s", in->pv_error);
    bool gs_bedrock = (in->plan.provider && strcmp(in->plan.provider, "bedrock") == 0) ||
                      (in->act.provider && strcmp(in->act.provider, "bedrock") == 0);
    if (str_diff(in->plan.model_id, in->pv_model) && in->plan.provider && strcmp(in->plan.provider, "bedrock") == 0 &&
        in->pv_has_bedrock)
        add_problem(in, "the extension (plan mode) uses model %s but the CLI uses %s", in->plan.model_id, in->pv_model);
    if (str_diff(in->act.model_id, in->pv_model) && in->act.provider && strcmp(in->act.provider, "bedrock") == 0 &&
        in->pv_has_bedrock)
        add_problem(in, "the extension (act mode) uses model %s but the CLI uses %s", in->act.model_id, in->pv_model);
    if (gs_bedrock && in->pv_has_bedrock) {
        if (str_diff(in->gs_region, in->pv_region))
            add_problem(in, "the extension uses region %s but the CLI uses %s", in->gs_region, in->pv_region);
        if (str_diff(in->gs_profile, in->pv_profile))
            add_problem(in, "the extension uses AWS profile %s but the CLI uses %s", in->gs_profile, in->pv_profile);
        if ((in->gs_endpoint == NULL) != (in->pv_endpoint == NULL) || str_diff(in->gs_endpoint, in->pv_endpoint))
            add_problem(in, "the extension calls endpoint %s but the CLI calls %s",
                        in->gs_endpoint ? in->gs_endpoint : "(regional default)",
                        in->pv_endpoint ? in->pv_endpoint : "(regional default)");
    }
    if (in->gs_cross_region == 1)
        add_problem(in, "awsUseCrossRegionInference is on in globalState.json; it must be off for an inference profile ARN");
    if (in->pv_cross_region == 1)
        add_problem(in, "useCrossRegionInference is on in providers.json; it must be off for an inference profile ARN");
    if (in->pv_has_static_keys)
        add_problem(in, "the bedrock entry of providers.json holds static keys or an API key in plain text");
    if (prof && env->aws_config && !in->aws_profile_exists)
        add_problem(in, "Cline uses AWS profile \"%s\", which is not in the AWS config files", prof);
    if (in->aws_region && str_diff(in->aws_region, in->gs_region ? in->gs_region : in->pv_region))
        add_problem(in, "AWS profile \"%s\" has region %s but Cline uses %s", prof, in->aws_region,
                    in->gs_region ? in->gs_region : in->pv_region);
}

int cline_inspect(const cline_targets_env *env, cline_inspection *in, cc_err *err)
{
    memset(in, 0, sizeof *in);
    inspect_global_state(env->loc, in);
    inspect_providers(env->loc, in);
    inspect_aws_profile(env, in);
    find_problems(env, in);
    (void)err;
    return CC_OK;
}

static void add_mode_json(cJSON *o, const char *name, const cline_mode_view *v)
{
    cJSON *m = cJSON_AddObjectToObject(o, name);
    if (!m)
        return;
    if (v->provider)
        cJSON_AddStringToObject(m, "provider", v->provider);
    if (v->model_id)
        cJSON_AddStringToObject(m, "model_id", v->model_id);
    if (v->base_model_id)
        cJSON_AddStringToObject(m, "base_model_id", v->base_model_id);
    if (v->custom_selected >= 0)
        cJSON_AddBoolToObject(m, "custom_selected", v->custom_selected);
}

static void add_opt_str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
}
static void add_opt_bool(cJSON *o, const char *k, int v)
{
    if (v >= 0)
        cJSON_AddBoolToObject(o, k, v);
}

cJSON *cline_inspection_json(const cline_inspection *in)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON *gs = cJSON_AddObjectToObject(o, "extension");
    cJSON_AddBoolToObject(gs, "exists", in->gs_exists);
    if (*in->gs_error)
        cJSON_AddStringToObject(gs, "error", in->gs_error);
    add_mode_json(gs, "plan", &in->plan);
    add_mode_json(gs, "act", &in->act);
    add_opt_str(gs, "region", in->gs_region);
    add_opt_str(gs, "authentication", in->gs_authentication);
    add_opt_str(gs, "aws_profile", in->gs_profile);
    add_opt_str(gs, "endpoint", in->gs_endpoint);
    add_opt_bool(gs, "use_profile", in->gs_use_profile);
    add_opt_bool(gs, "cross_region_inference", in->gs_cross_region);
    add_opt_bool(gs, "prompt_cache", in->gs_prompt_cache);
    cJSON *pv = cJSON_AddObjectToObject(o, "cli");
    cJSON_AddBoolToObject(pv, "exists", in->pv_exists);
    if (*in->pv_error)
        cJSON_AddStringToObject(pv, "error", in->pv_error);
    add_opt_str(pv, "last_used_provider", in->pv_last_used);
    cJSON_AddBoolToObject(pv, "has_bedrock", in->pv_has_bedrock);
    add_opt_str(pv, "model_id", in->pv_model);
    add_opt_str(pv, "base_model_id", in->pv_base_model_id);
    add_opt_str(pv, "region", in->pv_region);
    add_opt_str(pv, "authentication", in->pv_authentication);
    add_opt_str(pv, "aws_profile", in->pv_profile);
    add_opt_str(pv, "endpoint", in->pv_endpoint);
    add_opt_bool(pv, "prompt_cache", in->pv_prompt_cache);
    add_opt_bool(pv, "cross_region_inference", in->pv_cross_region);
    cJSON *aw = cJSON_AddObjectToObject(o, "aws_profile");
    cJSON_AddBoolToObject(aw, "exists", in->aws_profile_exists);
    add_opt_str(aw, "region", in->aws_region);
    if (in->aws_credential_process) {
        char *shown = awsconfig_describe_process(in->aws_credential_process);
        add_opt_str(aw, "credential_process", shown);
        free(shown);
    }
    cJSON *pr = cJSON_AddArrayToObject(o, "problems");
    for (size_t i = 0; pr && i < in->nproblems; i++)
        cJSON_AddItemToArray(pr, cJSON_CreateString(in->problems[i]));
    cJSON_AddBoolToObject(o, "consistent", in->nproblems == 0);
    return o;
}

static int mismatch(cc_err *err, const char *file, const char *key, const char *have, const char *want)
{
    cc_err_set(err, CC_EINPUT, "cline.verify", "%s: %s is %s%s%s, expected \"%s\"", file, key, have ? "\"" : "",
               have ? have : "missing", have ? "\"" : "", want);
    cc_err_hint(err, "another program (a running Cline?) may have changed the file; quit Cline and run clinecfg again");
    return CC_EINPUT;
}

static bool same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

int cline_verify(const cline_plan *p, const cline_inspection *in, cc_err *err)
{
    unsigned targets = cline_plan_targets(p);
    const char *prof = cline_plan_profile(p);
    if (targets & CLINE_TARGET_EXTENSION) {
        const char *f = "globalState.json";
        if (*in->gs_error)
            return cc_err_set(err, CC_EINPUT, "cline.verify", "%s", in->gs_error);
        for (int m = 0; m < 2; m++) {
            if (!(cline_plan_modes(p) & (m == 0 ? CLINE_MODE_PLAN : CLINE_MODE_ACT)))
                continue;
            const cline_mode_view *v = m == 0 ? &in->plan : &in->act;
            const char *pre = m == 0 ? "planMode" : "actMode";
            char key[64];
            if (!same(v->provider, "bedrock")) {
                snprintf(key, sizeof key, "%sApiProvider", pre);
                return mismatch(err, f, key, v->provider, "bedrock");
            }
            if (!same(v->model_id, p->profile_arn)) {
                snprintf(key, sizeof key, "%sApiModelId", pre);
                return mismatch(err, f, key, v->model_id, p->profile_arn);
            }
            if (!same(v->base_model_id, p->base_model_id)) {
                snprintf(key, sizeof key, "%sAwsBedrockCustomModelBaseId", pre);
                return mismatch(err, f, key, v->base_model_id, p->base_model_id);
            }
            if (v->custom_selected != 1) {
                snprintf(key, sizeof key, "%sAwsBedrockCustomSelected", pre);
                return mismatch(err, f, key, v->custom_selected == 0 ? "false" : NULL, "true");
            }
        }
        if (!same(in->gs_region, p->region))
            return mismatch(err, f, "awsRegion", in->gs_region, p->region);
        if (!same(in->gs_authentication, "profile"))
            return mismatch(err, f, "awsAuthentication", in->gs_authentication, "profile");
        if (!same(in->gs_profile, prof))
            return mismatch(err, f, "awsProfile", in->gs_profile, prof);
        if (in->gs_use_profile != 1)
            return mismatch(err, f, "awsUseProfile", in->gs_use_profile == 0 ? "false" : NULL, "true");
        if (in->gs_cross_region != 0)
            return mismatch(err, f, "awsUseCrossRegionInference", in->gs_cross_region == 1 ? "true" : NULL, "false");
        if (in->gs_prompt_cache != (p->prompt_cache ? 1 : 0))
            return mismatch(err, f, "awsBedrockUsePromptCache", in->gs_prompt_cache == 1 ? "true" : in->gs_prompt_cache == 0 ? "false" : NULL,
                            p->prompt_cache ? "true" : "false");
        if (p->endpoint && !same(in->gs_endpoint, p->endpoint))
            return mismatch(err, f, "awsBedrockEndpoint", in->gs_endpoint, p->endpoint);
    }
    if (targets & CLINE_TARGET_CLI) {
        const char *f = "providers.json";
        if (*in->pv_error)
            return cc_err_set(err, CC_EINPUT, "cline.verify", "%s", in->pv_error);
        if (!in->pv_has_bedrock)
            return mismatch(err, f, "providers.bedrock", NULL, "an entry");
        if (!same(in->pv_last_used, "bedrock"))
            return mismatch(err, f, "lastUsedProvider", in->pv_last_used, "bedrock");
        if (!same(in->pv_model, p->profile_arn))
            return mismatch(err, f, "providers.bedrock.settings.model", in->pv_model, p->profile_arn);
        if (!same(in->pv_region, p->region))
            return mismatch(err, f, "providers.bedrock.settings.aws.region", in->pv_region, p->region);
        if (!same(in->pv_authentication, "profile"))
            return mismatch(err, f, "providers.bedrock.settings.aws.authentication", in->pv_authentication, "profile");
        if (!same(in->pv_profile, prof))
            return mismatch(err, f, "providers.bedrock.settings.aws.profile", in->pv_profile, prof);
        if (!same(in->pv_base_model_id, p->base_model_id))
            return mismatch(err, f, "providers.bedrock.settings.aws.customModelBaseId", in->pv_base_model_id,
                            p->base_model_id);
        if (in->pv_cross_region != 0)
            return mismatch(err, f, "providers.bedrock.settings.aws.useCrossRegionInference",
                            in->pv_cross_region == 1 ? "true" : NULL, "false");
        if (p->endpoint && !same(in->pv_endpoint, p->endpoint))
            return mismatch(err, f, "providers.bedrock.settings.aws.endpoint", in->pv_endpoint, p->endpoint);
    }
    return CC_OK;
}


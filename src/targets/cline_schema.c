/*
 * cline_schema.c - Cline's rules for the values clinecfg writes: the plan
 * (ARN, region, base model id, endpoint URL, profile name) and the zod
 * schema Cline reads providers.json with.
 *
 * providers.json is read by Cline with JSON.parse and a zod schema; a file
 * failing either is replaced by an empty store.  cline_providers_check
 * mirrors that schema (Cline 3.0.65, @cline/core 0.0.86) so clinecfg never
 * writes into, or leaves behind, a file Cline would discard.
 */
#define _GNU_SOURCE
#include "cline_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "clinecfg/arn.h"
#include "clinecfg/awsconfig.h"
#include "clinecfg/endpoints.h"

/* ================= value rules ================= */

/* What the WHATWG URL parser (zod's .url()) accepts, narrowed to what a
 * Bedrock runtime endpoint can be: http(s)://host[:port][/path], no
 * whitespace or control characters. */
static bool endpoint_ok(const char *u, const char **why)
{
    *why = NULL;
    const char *rest;
    if (strncasecmp(u, "https://", 8) == 0)
        rest = u + 8;
    else if (strncasecmp(u, "http://", 7) == 0)
        rest = u + 7;
    else {
        *why = "must start with https:// (or http:// for a local stand-in)";
        return false;
    }
    for (const unsigned char *c = (const unsigned char *)u; *c; c++)
        if (*c <= 0x20 || *c == 0x7f || *c == '\\' || *c == '"' || *c == '<' || *c == '>') {
            *why = "contains whitespace, a control character or one of \\\"<>";
            return false;
        }
    size_t hl = strcspn(rest, "/?#");
    if (hl == 0) {
        *why = "has no host";
        return false;
    }
    const char *at = memchr(rest, '@', hl);
    if (at) {
        *why = "must not carry user:password@";
        return false;
    }
    /* host[:port]; [v6]:port allowed */
    const char *host = rest;
    size_t host_len = hl;
    const char *colon = NULL;
    if (host[0] == '[') {
        const char *rb = memchr(host, ']', hl);
        if (!rb) {
            *why = "has an unterminated [IPv6] host";
            return false;
        }
        if ((size_t)(rb - host) + 1 < hl) {
            if (rb[1] != ':') {
                *why = "has junk after the [IPv6] host";
                return false;
            }
            colon = rb + 1;
        }
    } else {
        colon = memchr(host, ':', hl);
    }
    if (colon) {
        host_len = (size_t)(colon - host);
        size_t pl = hl - host_len - 1;
        if (pl == 0 || pl > 5) {
            *why = "has an invalid port";
            return false;
        }
        long port = 0;
        for (size_t i = 0; i < pl; i++) {
            if (!isdigit((unsigned char)colon[1 + i])) {
                *why = "has an invalid port";
                return false;
            }
            port = port * 10 + (colon[1 + i] - '0');
        }
        if (port > 65535) {
            *why = "has a port above 65535";
            return false;
        }
    }
    if (host_len == 0) {
        *why = "has no host";
        return false;
    }
    if (host[0] != '[')
        for (size_t i = 0; i < host_len; i++)
            if (!(isalnum((unsigned char)host[i]) || host[i] == '-' || host[i] == '.' || host[i] == '_')) {
                *why = "has a character a host name cannot have";
                return false;
            }
    return true;
}

/* Close to WHATWG "can parse": a scheme, then for special schemes a host. */
static bool zod_url_ok(const char *raw)
{
    while (*raw == ' ' || *raw == '\t' || *raw == '\n' || *raw == '\r' || *raw == '\f')
        raw++;
    if (!isalpha((unsigned char)raw[0]))
        return false;
    const char *c = raw + 1;
    while (isalnum((unsigned char)*c) || *c == '+' || *c == '-' || *c == '.')
        c++;
    if (*c != ':')
        return false;
    size_t sl = (size_t)(c - raw);
    static const char *const special[] = {"http", "https", "ws", "wss", "ftp", NULL};
    bool is_special = false;
    for (size_t i = 0; special[i]; i++)
        if (strlen(special[i]) == sl && strncasecmp(raw, special[i], sl) == 0)
            is_special = true;
    if (!is_special)
        return true; /* "mailto:x", "foo:bar" parse */
    const char *h = c + 1;
    while (*h == '/' || *h == '\\')
        h++;
    const char *at = NULL;
    for (const char *q = h; *q && !strchr("/\\?#", *q); q++)
        if (*q == '@')
            at = q;
    if (at)
        h = at + 1;
    size_t hl = strcspn(h, "/\\?#:");
    if (hl == 0)
        return false;
    for (size_t i = 0; i < hl; i++)
        if (strchr(" <>^|%", h[i]) && h[i] != '%')
            return false;
    return true;
}

static bool model_id_chars_ok(const char *m)
{
    for (const unsigned char *c = (const unsigned char *)m; *c; c++)
        if (!(isalnum(*c) || strchr(".-_:", *c)))
            return false;
    return true;
}

int cline_plan_validate(const cline_plan *plan, cc_err *err)
{
    if (!plan->region || aws_region_validate(plan->region, err) != CC_OK) {
        if (!plan->region)
            cc_err_set(err, CC_EINPUT, "cline.region", "no AWS region for Cline");
        cc_err_prefix(err, "Cline target");
        return CC_EINPUT;
    }
    arn_parts parts;
    if (!plan->profile_arn || arn_parse(plan->profile_arn, "inference profile ARN", &parts, err) != CC_OK) {
        if (!plan->profile_arn)
            cc_err_set(err, CC_EINPUT, "cline.arn", "no inference profile ARN for Cline");
        return CC_EINPUT;
    }
    const char *id = strncmp(parts.resource, "application-inference-profile/", 30) == 0 ? parts.resource + 30 : NULL;
    bool id_ok = id && *id && strlen(id) <= 64;
    for (const char *c = id; id_ok && *c; c++)
        id_ok = isalnum((unsigned char)*c);
    bool acct_ok = strlen(parts.account) == 12;
    for (const char *c = parts.account; acct_ok && *c; c++)
        acct_ok = isdigit((unsigned char)*c);
    if (strcmp(parts.service, "bedrock") != 0 || !id_ok || !acct_ok ||
        strcmp(parts.partition, arn_partition_for_region(parts.region)) != 0) {
        cc_err_set(err, CC_EINPUT, "cline.arn", "\"%s\" is not an application inference profile ARN", plan->profile_arn);
        cc_err_hint(err, "expected arn:aws:bedrock:REGION:ACCOUNT:application-inference-profile/ID");
        return CC_EINPUT;
    }
    if (strcmp(parts.region, plan->region) != 0) {
        cc_err_set(err, CC_EINPUT, "cline.region_mismatch", "the profile ARN is in %s but Cline would call Bedrock in %s",
                   parts.region, plan->region);
        cc_err_hint(err, "use --region %s, or a profile created in %s", parts.region, plan->region);
        return CC_EINPUT;
    }
    const char *m = plan->base_model_id;
    if (!m || !*m) {
        cc_err_set(err, CC_EINPUT, "cline.base_model", "no base model id for Cline");
        cc_err_hint(err, "pass the foundation model id, e.g. anthropic.claude-sonnet-4-5-20250929-v1:0");
        return CC_EINPUT;
    }
    if (strncmp(m, "arn:", 4) == 0 || arn_is_system_profile_id(m) || !strchr(m, '.') || !model_id_chars_ok(m) ||
        strlen(m) > 128) {
        cc_err_set(err, CC_EINPUT, "cline.base_model",
                   "base model \"%s\" is not a foundation model id (Cline uses it for context window and pricing)", m);
        cc_err_hint(err, "use the foundation model id without a geography prefix or ARN, e.g. anthropic.claude-sonnet-4-5-20250929-v1:0");
        return CC_EINPUT;
    }
    const char *why = NULL;
    if (plan->endpoint && !endpoint_ok(plan->endpoint, &why)) {
        cc_err_set(err, CC_EINPUT, "cline.endpoint", "runtime endpoint \"%s\" %s", plan->endpoint, why);
        cc_err_hint(err, "use a URL such as https://bedrock-runtime.%s.amazonaws.com", plan->region);
        return CC_EINPUT;
    }
    const char *prof = cline_plan_profile(plan);
    for (const unsigned char *c = (const unsigned char *)prof; *c; c++)
        if (!(isalnum(*c) || strchr("_-/.%@:+", *c))) {
            cc_err_set(err, CC_EINPUT, "cline.profile", "AWS profile name \"%s\" is not valid", prof);
            cc_err_hint(err, "use letters, digits and _-/.%%@:+ only");
            return CC_EINPUT;
        }
    if (strlen(prof) > 128)
        return cc_err_set(err, CC_EINPUT, "cline.profile", "AWS profile name is longer than 128 characters");
    if ((cline_plan_targets(plan) & CLINE_TARGET_AWS_CONFIG) && plan->own_aws_profile) {
        awsconfig_plan ap = {prof, plan->region, plan->exe, plan->account};
        int rc = awsconfig_validate(&ap, err);
        if (rc != CC_OK)
            return rc;
    }
    unsigned modes = cline_plan_modes(plan);
    if (modes & ~CLINE_MODE_BOTH)
        return cc_err_set(err, CC_EUSAGE, "cline.modes", "unknown Cline mode bits 0x%x", modes);
    if (cline_plan_targets(plan) & ~CLINE_TARGET_ALL)
        return cc_err_set(err, CC_EUSAGE, "cline.targets", "unknown target bits 0x%x", cline_plan_targets(plan));
    return CC_OK;
}

/* ================= providers.json schema (Cline's zod rules) ================= */

typedef struct schema_ctx {
    const char *name;
    cc_err *err;
} schema_ctx;

static int schema_fail(schema_ctx *s, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int schema_fail(schema_ctx *s, const char *field, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    cc_err_set(s->err, CC_EINPUT, "cline.providers_schema",
               "%s: %s: %s; Cline would discard the whole file and overwrite it (losing every provider)", s->name,
               field, what);
    cc_err_hint(s->err, "fix that field by hand (or move the file aside), then run clinecfg again");
    return CC_EINPUT;
}

typedef enum { F_STRING, F_BOOL, F_POSINT, F_URL, F_ENUM, F_ID, F_SKIP } field_kind;
typedef struct field_rule {
    const char *key;
    field_kind kind;
    const char *const *choices; /* F_ENUM */
} field_rule;

static const char *const aws_auth_enum[] = {"iam", "api-key", "apikey", "profile", NULL};
static const char *const protocol_enum[] = {"anthropic", "gemini", "openai-chat", "openai-responses", "openai-r1", "ai-sdk", NULL};
static const char *const client_enum[] = {"anthropic", "ai-sdk", "ai-sdk-community", "openai", "openai-compatible", "openai-r1",
                                          "gemini",    "bedrock", "custom",          "fetch",  "vertex",            NULL};
static const char *const effort_enum[] = {"none", "minimal", "low", "medium", "high", "xhigh", "max", NULL};
static const char *const apiline_enum[] = {"china", "international", NULL};
static const char *const capability_enum[] = {"reasoning", "prompt-cache", "streaming", "tools", "vision", "computer-use",
                                              "oauth",     "popular",      NULL};
static const char *const oca_mode_enum[] = {"internal", "external", NULL};
static const char *const sap_api_enum[] = {"orchestration", "foundation-models", NULL};
static const char *const token_source_enum[] = {"manual", "oauth", "migration", NULL};

static const field_rule aws_rules[] = {
    {"accessKey", F_STRING, NULL},     {"secretKey", F_STRING, NULL},
    {"sessionToken", F_STRING, NULL},  {"region", F_STRING, NULL},
    {"profile", F_STRING, NULL},       {"authentication", F_ENUM, aws_auth_enum},
    {"usePromptCache", F_BOOL, NULL},  {"useCrossRegionInference", F_BOOL, NULL},
    {"useGlobalInference", F_BOOL, NULL}, {"endpoint", F_URL, NULL},
    {"customModelBaseId", F_STRING, NULL}, {NULL, F_SKIP, NULL},
};
static const field_rule auth_rules[] = {
    {"apiKey", F_STRING, NULL},        {"accessToken", F_STRING, NULL},  {"refreshToken", F_STRING, NULL},
    {"expiresAt", F_POSINT, NULL},     {"accountId", F_STRING, NULL},    {"organizationId", F_STRING, NULL},
    {"organizationName", F_STRING, NULL}, {"memberId", F_STRING, NULL}, {NULL, F_SKIP, NULL},
};
static const field_rule reasoning_rules[] = {
    {"enabled", F_BOOL, NULL}, {"effort", F_ENUM, effort_enum}, {"budgetTokens", F_POSINT, NULL}, {NULL, F_SKIP, NULL},
};
static const field_rule gcp_rules[] = {{"projectId", F_STRING, NULL}, {"region", F_STRING, NULL}, {NULL, F_SKIP, NULL}};
static const field_rule azure_rules[] = {{"apiVersion", F_STRING, NULL}, {"useIdentity", F_BOOL, NULL}, {NULL, F_SKIP, NULL}};
static const field_rule sap_rules[] = {
    {"clientId", F_STRING, NULL},          {"clientSecret", F_STRING, NULL}, {"tokenUrl", F_URL, NULL},
    {"resourceGroup", F_STRING, NULL},     {"deploymentId", F_STRING, NULL}, {"useOrchestrationMode", F_BOOL, NULL},
    {"api", F_ENUM, sap_api_enum},         {NULL, F_SKIP, NULL},
};
static const field_rule oca_rules[] = {{"mode", F_ENUM, oca_mode_enum}, {"usePromptCache", F_BOOL, NULL}, {NULL, F_SKIP, NULL}};
static const field_rule catalog_rules[] = {
    {"loadLatestOnInit", F_BOOL, NULL}, {"includeClineCloudModels", F_BOOL, NULL}, {"loadPrivateOnAuth", F_BOOL, NULL},
    {"url", F_URL, NULL},               {"cacheTtlMs", F_POSINT, NULL},            {"failOnError", F_BOOL, NULL},
    {NULL, F_SKIP, NULL},
};
static const field_rule settings_rules[] = {
    {"apiKey", F_STRING, NULL},       {"model", F_STRING, NULL},         {"protocol", F_ENUM, protocol_enum},
    {"client", F_ENUM, client_enum},  {"routingProviderId", F_ID, NULL}, {"maxTokens", F_POSINT, NULL},
    {"contextWindow", F_POSINT, NULL}, {"baseUrl", F_URL, NULL},         {"timeout", F_POSINT, NULL},
    {"region", F_STRING, NULL},       {"apiLine", F_ENUM, apiline_enum}, {NULL, F_SKIP, NULL},
};

static bool provider_id_ok(const char *s)
{
    if (!s || !isalnum((unsigned char)s[0]))
        return false;
    for (const char *c = s; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '-'))
            return false;
    return true;
}

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static bool is_pos_int(const cJSON *v)
{
    if (!cJSON_IsNumber(v))
        return false;
    double d = v->valuedouble;
    return d > 0 && d <= 9007199254740991.0 && d == (double)(long long)d;
}

static int check_fields(schema_ctx *s, const cJSON *obj, const char *where, const field_rule *rules)
{
    char field[512];
    for (size_t i = 0; rules[i].key; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, rules[i].key);
        if (!v)
            continue; /* optional */
        snprintf(field, sizeof field, "%.400s.%.100s", where, rules[i].key);
        switch (rules[i].kind) {
        case F_STRING:
            if (!cJSON_IsString(v))
                return schema_fail(s, field, "must be a string");
            break;
        case F_BOOL:
            if (!cJSON_IsBool(v))
                return schema_fail(s, field, "must be true or false");
            break;
        case F_POSINT:
            if (!is_pos_int(v))
                return schema_fail(s, field, "must be a positive integer");
            break;
        case F_URL:
            if (!cJSON_IsString(v))
                return schema_fail(s, field, "must be a URL string");
            if (!zod_url_ok(v->valuestring))
                return schema_fail(s, field, "\"%s\" is not a URL", v->valuestring);
            break;
        case F_ENUM:
            if (!cJSON_IsString(v) || !in_list(v->valuestring, rules[i].choices)) {
                char allowed[256] = "";
                for (size_t k = 0; rules[i].choices[k]; k++) {
                    strncat(allowed, k ? ", " : "", sizeof allowed - strlen(allowed) - 1);
                    strncat(allowed, rules[i].choices[k], sizeof allowed - strlen(allowed) - 1);
                }
                if (cJSON_IsString(v))
                    return schema_fail(s, field, "\"%s\" is not one of %s", v->valuestring, allowed);
                return schema_fail(s, field, "must be one of %s", allowed);
            }
            break;
        case F_ID:
            if (!cJSON_IsString(v) || !provider_id_ok(v->valuestring))
                return schema_fail(s, field, "must be a provider id (letters, digits, '-')");
            break;
        case F_SKIP:
            break;
        }
    }
    return CC_OK;
}

static int check_sub(schema_ctx *s, const cJSON *settings, const char *where, const char *key, const field_rule *rules)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(settings, key);
    if (!v)
        return CC_OK;
    char field[512];
    snprintf(field, sizeof field, "%.400s.%.100s", where, key);
    if (!cJSON_IsObject(v))
        return schema_fail(s, field, "must be an object");
    return check_fields(s, v, field, rules);
}

static int check_string_record(schema_ctx *s, const cJSON *v, const char *field, bool values_strings)
{
    if (!cJSON_IsObject(v))
        return schema_fail(s, field, "must be an object");
    if (values_strings)
        for (const cJSON *c = v->child; c; c = c->next)
            if (!cJSON_IsString(c))
                return schema_fail(s, field, "value of \"%s\" must be a string", c->string);
    return CC_OK;
}

/* ISO 8601 as zod's .datetime(): YYYY-MM-DDTHH:MM:SS[.fraction]Z */
static bool zod_datetime_ok(const char *t)
{
    int y, mo, d, h, mi, se, n = 0;
    if (sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19)
        return false;
    for (int i = 0; i < 19; i++) {
        bool digit_pos = !(i == 4 || i == 7 || i == 10 || i == 13 || i == 16);
        if (digit_pos && !isdigit((unsigned char)t[i]))
            return false;
    }
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 59)
        return false;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return false;
    const char *r = t + 19;
    if (*r == '.') {
        r++;
        if (!isdigit((unsigned char)*r))
            return false;
        while (isdigit((unsigned char)*r))
            r++;
    }
    return strcmp(r, "Z") == 0;
}

static int check_settings(schema_ctx *s, const cJSON *settings, const char *where)
{
    if (!cJSON_IsObject(settings))
        return schema_fail(s, where, "must be an object");
    const cJSON *prov = cJSON_GetObjectItemCaseSensitive(settings, "provider");
    char field[512];
    snprintf(field, sizeof field, "%.400s.provider", where);
    if (!prov)
        return schema_fail(s, field, "is missing");
    if (!cJSON_IsString(prov) || !provider_id_ok(prov->valuestring))
        return schema_fail(s, field, "must be a provider id (letters, digits, '-')");
    static const struct {
        const char *key;
        const field_rule *rules;
    } subs[] = {{"aws", aws_rules}, {"auth", auth_rules}, {"reasoning", reasoning_rules}, {"gcp", gcp_rules},
                {"azure", azure_rules}, {"sap", sap_rules}, {"oca", oca_rules}, {"modelCatalog", catalog_rules}};
    int rc = check_fields(s, settings, where, settings_rules);
    for (size_t i = 0; rc == CC_OK && i < sizeof subs / sizeof subs[0]; i++)
        rc = check_sub(s, settings, where, subs[i].key, subs[i].rules);
    if (rc != CC_OK)
        return rc;
    const cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(settings, "headers"))) {
        snprintf(field, sizeof field, "%.400s.headers", where);
        if ((rc = check_string_record(s, v, field, true)) != CC_OK)
            return rc;
    }
    const cJSON *auth = cJSON_GetObjectItemCaseSensitive(settings, "auth");
    if (auth && (v = cJSON_GetObjectItemCaseSensitive(auth, "metadata"))) {
        snprintf(field, sizeof field, "%.400s.auth.metadata", where);
        if ((rc = check_string_record(s, v, field, false)) != CC_OK)
            return rc;
    }
    const cJSON *sap = cJSON_GetObjectItemCaseSensitive(settings, "sap");
    if (sap && (v = cJSON_GetObjectItemCaseSensitive(sap, "defaultSettings"))) {
        snprintf(field, sizeof field, "%.400s.sap.defaultSettings", where);
        if ((rc = check_string_record(s, v, field, false)) != CC_OK)
            return rc;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(settings, "capabilities"))) {
        snprintf(field, sizeof field, "%.400s.capabilities", where);
        if (!cJSON_IsArray(v))
            return schema_fail(s, field, "must be an array");
        for (const cJSON *c = v->child; c; c = c->next)
            if (!cJSON_IsString(c) || !in_list(c->valuestring, capability_enum))
                return schema_fail(s, field, "has an unknown capability%s%s%s", cJSON_IsString(c) ? " \"" : "",
                                   cJSON_IsString(c) ? c->valuestring : "", cJSON_IsString(c) ? "\"" : "");
    }
    return CC_OK;
}

/* Strict JSON as JSON.parse reads it.  jsonc gives positions for syntax
 * errors; comments, a BOM and trailing commas are what JSONC allows and
 * JSON.parse does not. */
static int strict_json(const char *text, size_t len, const char *name, cJSON **out, cc_err *err)
{
    *out = NULL;
    jsonc_doc *doc = NULL;
    int rc = jsonc_parse(text, len, name, &doc, err);
    if (rc != CC_OK) {
        cc_err_hint(err, "Cline reads this file with JSON.parse and would discard it; fix the syntax first");
        return rc;
    }
    bool has_comments = jsonc_comment_count(doc) > 0;
    size_t cstart = 0, cend = 0;
    if (has_comments)
        jsonc_comment_span(doc, 0, &cstart, &cend);
    bool bom = jsonc_doc_has_bom(doc);
    bool empty = jsonc_root(doc) == NULL;
    jsonc_free(doc);
    int line = 1, col = 1;
    if (bom) {
        cc_err_set(err, CC_EINPUT, "cline.providers_strict", "%s:1:1: starts with a byte-order mark; Cline reads it with JSON.parse, fails, and would overwrite the file", name);
        cc_err_hint(err, "remove the BOM (the first three bytes)");
        return CC_EINPUT;
    }
    if (has_comments) {
        jsonc_line_col(text, len, cstart, &line, &col);
        cc_err_set(err, CC_EINPUT, "cline.providers_strict", "%s:%d:%d: comment; Cline reads this file with JSON.parse, fails, and would overwrite it", name, line, col);
        cc_err_hint(err, "remove the comments from %s", name);
        return CC_EINPUT;
    }
    if (empty) {
        cc_err_set(err, CC_EINPUT, "cline.providers_strict", "%s: is empty; Cline would treat it as no providers", name);
        cc_err_hint(err, "delete the empty file, then run clinecfg again");
        return CC_EINPUT;
    }
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    bool rest_ws = true;
    if (j && end)
        for (const char *c = end; c < text + len; c++)
            if (!(*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r'))
                rest_ws = false;
    if (!j || !rest_ws) {
        size_t off = j ? (size_t)(end - text) : (cJSON_GetErrorPtr() ? (size_t)(cJSON_GetErrorPtr() - text) : 0);
        if (off > len)
            off = len;
        jsonc_line_col(text, len, off, &line, &col);
        cJSON_Delete(j);
        cc_err_set(err, CC_EINPUT, "cline.providers_strict",
                   "%s:%d:%d: not strict JSON (a trailing comma?); Cline reads it with JSON.parse, fails, and would overwrite it",
                   name, line, col);
        cc_err_hint(err, "remove the trailing comma or other JSONC-only syntax");
        return CC_EINPUT;
    }
    *out = j;
    return CC_OK;
}

static int providers_check_json(const cJSON *root, const char *name, cc_err *err)
{
    schema_ctx s = {name, err};
    if (!cJSON_IsObject(root))
        return schema_fail(&s, "(top level)", "must be an object");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!v || !cJSON_IsNumber(v) || v->valuedouble != 1)
        return schema_fail(&s, "version", "must be 1");
    v = cJSON_GetObjectItemCaseSensitive(root, "lastUsedProvider");
    if (v && (!cJSON_IsString(v) || !*v->valuestring))
        return schema_fail(&s, "lastUsedProvider", "must be a non-empty string");
    v = cJSON_GetObjectItemCaseSensitive(root, "modes");
    if (v) {
        if (!cJSON_IsObject(v))
            return schema_fail(&s, "modes", "must be an object");
        const cJSON *vi = cJSON_GetObjectItemCaseSensitive(v, "voiceInput");
        if (vi) {
            const cJSON *p = cJSON_GetObjectItemCaseSensitive(vi, "providerId");
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(vi, "modelId");
            if (!cJSON_IsObject(vi) || !cJSON_IsString(p) || !*p->valuestring || !cJSON_IsString(m) || !*m->valuestring)
                return schema_fail(&s, "modes.voiceInput", "must be {providerId, modelId} with non-empty strings");
        }
    }
    const cJSON *provs = cJSON_GetObjectItemCaseSensitive(root, "providers");
    if (!provs)
        return schema_fail(&s, "providers", "is missing");
    if (!cJSON_IsObject(provs))
        return schema_fail(&s, "providers", "must be an object");
    char where[512];
    for (const cJSON *e = provs->child; e; e = e->next) {
        snprintf(where, sizeof where, "providers.%.300s", e->string);
        if (!cJSON_IsObject(e))
            return schema_fail(&s, where, "must be an object");
        char f[600];
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "settings");
        snprintf(f, sizeof f, "%.400s.settings", where);
        if (!st)
            return schema_fail(&s, f, "is missing");
        int rc = check_settings(&s, st, f);
        if (rc != CC_OK)
            return rc;
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(e, "updatedAt");
        snprintf(f, sizeof f, "%.400s.updatedAt", where);
        if (!u)
            return schema_fail(&s, f, "is missing");
        if (!cJSON_IsString(u) || !zod_datetime_ok(u->valuestring))
            return schema_fail(&s, f, "must be an ISO 8601 UTC time like 2026-01-31T12:00:00.000Z");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "tokenSource");
        snprintf(f, sizeof f, "%.400s.tokenSource", where);
        if (t && (!cJSON_IsString(t) || !in_list(t->valuestring, token_source_enum)))
            return schema_fail(&s, f, "must be one of manual, oauth, migration");
    }
    return CC_OK;
}

int cline_providers_check(const char *text, size_t len, const char *name, cc_err *err)
{
    cJSON *root = NULL;
    int rc = strict_json(text, len, name ? name : "providers.json", &root, err);
    if (rc != CC_OK)
        return rc;
    rc = providers_check_json(root, name ? name : "providers.json", err);
    cJSON_Delete(root);
    return rc;
}


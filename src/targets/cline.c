/*
 * cline.c - writes what Cline reads: globalState.json (extension),
 * settings/providers.json (CLI) and, through awsconfig.c, the AWS profile.
 * See include/clinecfg/cline.h for the keys and the guarantees.
 *
 * Why it is built this way:
 * - Every edit is computed by a pure function of the file's current bytes,
 *   so the same function serves the preflight (all files checked before the
 *   first write), the safe writer's callback (which may run again when the
 *   file changes under us) and dry-run.
 * - Only values that differ are edited (compared as JSON values), so a file
 *   that already says the right thing is left byte-identical and no backup
 *   is made.
 * - providers.json is read by Cline with JSON.parse and a zod schema; a file
 *   failing either is replaced by an empty store.  cline_providers_check
 *   mirrors that schema (Cline 3.0.65, @cline/core 0.0.86) so clinecfg never
 *   writes into, or leaves behind, a file Cline would discard.
 */
#define _GNU_SOURCE
#include "clinecfg/cline.h"
#include "clinecfg/paths.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/arn.h"
#include "clinecfg/awsconfig.h"
#include "clinecfg/awsfiles.h"
#include "clinecfg/endpoints.h"
#include "clinecfg/ini.h"
#include "clinecfg/jsonc.h"
#include "clinecfg/output.h"

#define ENDPOINT_RECORD_NAME "cline-endpoints.json"


static char *xstrdup(const char *s) { return s ? strdup(s) : NULL; }

static const char *plan_profile(const cline_plan *p)
{
    return (p->aws_profile && *p->aws_profile) ? p->aws_profile : AWSCONFIG_DEFAULT_PROFILE;
}
static unsigned plan_modes(const cline_plan *p) { return p->modes ? p->modes : CLINE_MODE_BOTH; }
static unsigned plan_targets(const cline_plan *p) { return p->targets ? p->targets : CLINE_TARGET_ALL; }

/* ================= targets and modes ================= */

int cline_targets_parse(const char *list, unsigned *out, cc_err *err)
{
    *out = 0;
    if (!list || !*list)
        return cc_err_set(err, CC_EUSAGE, "targets.empty", "--targets is empty");
    const char *s = list;
    while (1) {
        while (*s == ' ')
            s++;
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        while (n > 0 && s[n - 1] == ' ')
            n--;
        unsigned bit = 0;
        if (n == 15 && strncmp(s, "cline-extension", n) == 0)
            bit = CLINE_TARGET_EXTENSION;
        else if (n == 9 && strncmp(s, "cline-cli", n) == 0)
            bit = CLINE_TARGET_CLI;
        else if (n == 10 && strncmp(s, "aws-config", n) == 0)
            bit = CLINE_TARGET_AWS_CONFIG;
        else if (n == 3 && strncmp(s, "all", n) == 0)
            bit = CLINE_TARGET_ALL;
        if (!bit) {
            if (n == 0)
                cc_err_set(err, CC_EUSAGE, "targets.unknown", "--targets \"%s\" has an empty entry", list);
            else
                cc_err_set(err, CC_EUSAGE, "targets.unknown", "--targets: unknown target \"%.*s\"", (int)n, s);
            cc_err_hint(err, "use a comma-separated list of cline-extension, cline-cli, aws-config");
            *out = 0;
            return CC_EUSAGE;
        }
        *out |= bit;
        if (!e)
            break;
        s = e + 1;
    }
    return CC_OK;
}

int cline_modes_parse(const char *s, unsigned *out, cc_err *err)
{
    if (s && strcmp(s, "plan") == 0)
        *out = CLINE_MODE_PLAN;
    else if (s && strcmp(s, "act") == 0)
        *out = CLINE_MODE_ACT;
    else if (s && strcmp(s, "both") == 0)
        *out = CLINE_MODE_BOTH;
    else {
        cc_err_set(err, CC_EUSAGE, "modes.unknown", "unknown Cline mode \"%s\"", s ? s : "");
        cc_err_hint(err, "use plan, act or both");
        return CC_EUSAGE;
    }
    return CC_OK;
}

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
    const char *prof = plan_profile(plan);
    for (const unsigned char *c = (const unsigned char *)prof; *c; c++)
        if (!(isalnum(*c) || strchr("_-/.%@:+", *c))) {
            cc_err_set(err, CC_EINPUT, "cline.profile", "AWS profile name \"%s\" is not valid", prof);
            cc_err_hint(err, "use letters, digits and _-/.%%@:+ only");
            return CC_EINPUT;
        }
    if (strlen(prof) > 128)
        return cc_err_set(err, CC_EINPUT, "cline.profile", "AWS profile name is longer than 128 characters");
    if ((plan_targets(plan) & CLINE_TARGET_AWS_CONFIG) && plan->own_aws_profile) {
        awsconfig_plan ap = {prof, plan->region, plan->exe, plan->account};
        int rc = awsconfig_validate(&ap, err);
        if (rc != CC_OK)
            return rc;
    }
    unsigned modes = plan_modes(plan);
    if (modes & ~CLINE_MODE_BOTH)
        return cc_err_set(err, CC_EUSAGE, "cline.modes", "unknown Cline mode bits 0x%x", modes);
    if (plan_targets(plan) & ~CLINE_TARGET_ALL)
        return cc_err_set(err, CC_EUSAGE, "cline.targets", "unknown target bits 0x%x", plan_targets(plan));
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
    int rc = check_fields(s, settings, where, settings_rules);
    if (rc == CC_OK)
        rc = check_sub(s, settings, where, "aws", aws_rules);
    if (rc == CC_OK)
        rc = check_sub(s, settings, where, "auth", auth_rules);
    if (rc == CC_OK)
        rc = check_sub(s, settings, where, "reasoning", reasoning_rules);
    if (rc == CC_OK)
        rc = check_sub(s, settings, where, "gcp", gcp_rules);
    if (rc == CC_OK)
        rc = check_sub(s, settings, where, "azure", azure_rules);
    if (rc == CC_OK)
        rc = check_sub(s, settings, where, "sap", sap_rules);
    if (rc == CC_OK)
        rc = check_sub(s, settings, where, "oca", oca_rules);
    if (rc == CC_OK)
        rc = check_sub(s, settings, where, "modelCatalog", catalog_rules);
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
static const jsonc_node *node_at(const jsonc_doc *doc, const char *const *keys)
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
    const jsonc_node *n = doc ? node_at(doc, keys) : NULL;
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
    if (!doc || !node_at(doc, keys))
        return CC_OK;
    if (changed)
        *changed = true;
    return edits_add(l, JSONC_EDIT_DELETE, keys, NULL);
}

static const char *node_string(const jsonc_doc *doc, const char *const *keys)
{
    const jsonc_node *n = doc ? node_at(doc, keys) : NULL;
    return (n && n->type == JSONC_STRING) ? n->str : NULL;
}

/* ================= the edit functions ================= */

/* What the edit functions need besides the plan: the endpoint clinecfg
 * recorded for this file (for stale-endpoint removal) and the time. */
typedef struct edit_job {
    const cline_plan *plan;
    const char *recorded_endpoint; /* NULL: none recorded */
    char updated_at[32];
    size_t removed_secrets;        /* out: static keys removed (providers) */
} edit_job;

/* The endpoint to write, or NULL with *remove telling whether the current one goes. */
static const char *endpoint_decision(const edit_job *job, const char *current, bool *remove)
{
    *remove = false;
    if (job->plan->endpoint)
        return job->plan->endpoint;
    if (current && job->recorded_endpoint && strcmp(current, job->recorded_endpoint) == 0)
        *remove = true;
    return NULL;
}

static int parse_object_doc(const char *text, size_t len, const char *name, jsonc_doc **doc, cc_err *err)
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

static int global_state_edit(edit_job *job, const char *text, size_t len, const char *name, char **out, size_t *out_len,
                             cc_err *err)
{
    const cline_plan *p = job->plan;
    jsonc_doc *doc = NULL;
    int rc = parse_object_doc(text, len, name, &doc, err);
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
        rc = parse_object_doc(base, base_len, name, &doc, err);
        if (rc != CC_OK) {
            free(fresh);
            return rc;
        }
    }
    edit_list l = {0};
    unsigned modes = plan_modes(p);
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
                             *const k_ep[] = {"awsBedrockEndpoint", NULL};
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_region, cJSON_CreateString(p->region), NULL);
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_auth, cJSON_CreateString("profile"), NULL);
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_useprof, cJSON_CreateTrue(), NULL);
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_prof, cJSON_CreateString(plan_profile(p)), NULL);
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_cross, cJSON_CreateFalse(), NULL);
    if (rc == CC_OK) {
        /* global inference would prefix the model id; an ARN must go unchanged */
        const jsonc_node *g = doc ? node_at(doc, k_global) : NULL;
        if (g && !(g->type == JSONC_BOOL && !g->boolean))
            rc = set_if_differs(&l, doc, k_global, cJSON_CreateFalse(), NULL);
    }
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_cache, cJSON_CreateBool(p->prompt_cache), NULL);
    if (rc == CC_OK) {
        bool remove = false;
        const char *ep = endpoint_decision(job, node_string(doc, k_ep), &remove);
        if (ep)
            rc = set_if_differs(&l, doc, k_ep, cJSON_CreateString(ep), NULL);
        else if (remove)
            rc = delete_if_present(&l, doc, k_ep, NULL);
    }
    if (rc == CC_OK)
        rc = apply_edits(base, base_len, name, &l, out, out_len, err);
    else if (rc == CC_EINTERNAL)
        cc_err_oom(err);
    edits_free(&l);
    jsonc_free(doc);
    free(fresh);
    return rc;
}

static cJSON *bedrock_entry(const edit_job *job)
{
    const cline_plan *p = job->plan;
    cJSON *e = cJSON_CreateObject();
    cJSON *s = cJSON_AddObjectToObject(e, "settings");
    cJSON_AddStringToObject(s, "provider", "bedrock");
    cJSON_AddStringToObject(s, "model", p->profile_arn);
    cJSON *aws = cJSON_AddObjectToObject(s, "aws");
    cJSON_AddStringToObject(aws, "region", p->region);
    cJSON_AddStringToObject(aws, "authentication", "profile");
    cJSON_AddStringToObject(aws, "profile", plan_profile(p));
    cJSON_AddStringToObject(aws, "customModelBaseId", p->base_model_id);
    cJSON_AddBoolToObject(aws, "usePromptCache", p->prompt_cache);
    cJSON_AddBoolToObject(aws, "useCrossRegionInference", false);
    if (p->endpoint)
        cJSON_AddStringToObject(aws, "endpoint", p->endpoint);
    cJSON_AddStringToObject(e, "updatedAt", job->updated_at);
    cJSON_AddStringToObject(e, "tokenSource", "manual");
    return e;
}

static int providers_edit(edit_job *job, const char *text, size_t len, bool exists, const char *name, char **out,
                          size_t *out_len, cc_err *err)
{
    const cline_plan *p = job->plan;
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
    int rc = parse_object_doc(base, base_len, name, &doc, err);
    if (rc != CC_OK)
        return rc;
    edit_list l = {0};
    static const char *const k_entry[] = {"providers", "bedrock", NULL};
    static const char *const k_last[] = {"lastUsedProvider", NULL};
    const jsonc_node *entry = node_at(doc, k_entry);
    if (!entry) {
        rc = edits_add(&l, JSONC_EDIT_SET, k_entry, bedrock_entry(job));
    } else {
        bool changed = false;
#define K(...) ((const char *const[]){"providers", "bedrock", __VA_ARGS__, NULL})
        rc = set_if_differs(&l, doc, K("settings", "provider"), cJSON_CreateString("bedrock"), &changed);
        if (rc == CC_OK)
            rc = set_if_differs(&l, doc, K("settings", "model"), cJSON_CreateString(p->profile_arn), &changed);
        const jsonc_node *aws = node_at(doc, K("settings", "aws"));
        if (rc == CC_OK && !aws) {
            cJSON *tmp = bedrock_entry(job);
            cJSON *a = cJSON_DetachItemFromObject(cJSON_GetObjectItem(tmp, "settings"), "aws");
            cJSON_Delete(tmp);
            rc = set_if_differs(&l, doc, K("settings", "aws"), a, &changed);
        } else if (rc == CC_OK) {
            rc = set_if_differs(&l, doc, K("settings", "aws", "region"), cJSON_CreateString(p->region), &changed);
            if (rc == CC_OK)
                rc = set_if_differs(&l, doc, K("settings", "aws", "authentication"), cJSON_CreateString("profile"), &changed);
            if (rc == CC_OK)
                rc = set_if_differs(&l, doc, K("settings", "aws", "profile"), cJSON_CreateString(plan_profile(p)), &changed);
            if (rc == CC_OK)
                rc = set_if_differs(&l, doc, K("settings", "aws", "customModelBaseId"), cJSON_CreateString(p->base_model_id),
                                    &changed);
            if (rc == CC_OK)
                rc = set_if_differs(&l, doc, K("settings", "aws", "usePromptCache"), cJSON_CreateBool(p->prompt_cache), &changed);
            if (rc == CC_OK)
                rc = set_if_differs(&l, doc, K("settings", "aws", "useCrossRegionInference"), cJSON_CreateFalse(), &changed);
            const jsonc_node *g = node_at(doc, K("settings", "aws", "useGlobalInference"));
            if (rc == CC_OK && g && !(g->type == JSONC_BOOL && !g->boolean))
                rc = set_if_differs(&l, doc, K("settings", "aws", "useGlobalInference"), cJSON_CreateFalse(), &changed);
            /* static keys would be used instead of the profile: the keyring is the only source */
            static const char *const secret_keys[] = {"accessKey", "secretKey", "sessionToken", NULL};
            for (size_t i = 0; rc == CC_OK && secret_keys[i]; i++) {
                size_t before = l.n;
                rc = delete_if_present(&l, doc, K("settings", "aws", secret_keys[i]), &changed);
                job->removed_secrets += l.n - before;
            }
            if (rc == CC_OK) {
                bool remove = false;
                const char *ep = endpoint_decision(job, node_string(doc, K("settings", "aws", "endpoint")), &remove);
                if (ep)
                    rc = set_if_differs(&l, doc, K("settings", "aws", "endpoint"), cJSON_CreateString(ep), &changed);
                else if (remove)
                    rc = delete_if_present(&l, doc, K("settings", "aws", "endpoint"), &changed);
            }
        }
        if (rc == CC_OK) {
            size_t before = l.n;
            rc = delete_if_present(&l, doc, K("settings", "apiKey"), &changed);
            job->removed_secrets += l.n - before;
        }
        if (rc == CC_OK && changed) {
            rc = set_if_differs(&l, doc, K("updatedAt"), cJSON_CreateString(job->updated_at), NULL);
            if (rc == CC_OK)
                rc = set_if_differs(&l, doc, K("tokenSource"), cJSON_CreateString("manual"), NULL);
        }
#undef K
    }
    if (rc == CC_OK)
        rc = set_if_differs(&l, doc, k_last, cJSON_CreateString("bedrock"), NULL);
    if (rc == CC_OK)
        rc = apply_edits(base, base_len, name, &l, out, out_len, err);
    else if (rc == CC_EINTERNAL)
        cc_err_oom(err);
    edits_free(&l);
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

typedef struct record_job {
    const char *keys[2];     /* real paths of the Cline files handled */
    const char *values[2];   /* endpoint now in that file (NULL: none of ours) */
    size_t n;
} record_job;

static int record_edit_cb(void *ud, const char *path, const char *old, size_t old_len, bool exists, char **new_text,
                          size_t *new_len, cc_err *err)
{
    record_job *rj = ud;
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

static char *state_dir_default(const cline_targets_env *env)
{
    if (env->state_dir)
        return strdup(env->state_dir);
    char *s = paths_state_dir();
    if (!s && env->loc && env->loc->home) {
        if (asprintf(&s, "%s/.local/state/clinecfg", env->loc->home) < 0)
            s = NULL;
    }
    return s;
}

/* The endpoint recorded for `key`, malloc'd, or NULL. */
static char *record_lookup(const char *record_path, const char *key)
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

/* ================= paths and permissions ================= */

/* The real path a write to `path` would land on: realpath of the file, or of
 * its nearest existing folder plus the missing rest.  malloc'd. */
static char *real_target(const char *path)
{
    char *r = realpath(path, NULL);
    if (r)
        return r;
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    char *slash = strrchr(copy, '/');
    if (!slash || slash == copy) {
        free(copy);
        return strdup(path);
    }
    *slash = '\0';
    char *parent = real_target(copy);
    char *out = NULL;
    if (parent && asprintf(&out, "%s/%s", strcmp(parent, "/") == 0 ? "" : parent, slash + 1) < 0)
        out = NULL;
    free(parent);
    free(copy);
    return out;
}

/* Cline's files belong to the user who runs Cline: even root must own them
 * and their folders (writing into another user's Cline folder, or a
 * read-only one, would break their setup).  Checked before anything is
 * written. */
static int check_writable(const char *path, const char *what, cc_err *err)
{
    char *real = real_target(path);
    if (!real)
        return cc_err_oom(err);
    safefile_check_opts opts = {"cline", what, NULL, true};
    int rc = safefile_check(real, &opts, err);
    free(real);
    return rc;
}

/* ================= apply ================= */

static void now_iso(long long now_ms, char out[32])
{
    struct timespec ts;
    if (now_ms <= 0) {
        clock_gettime(CLOCK_REALTIME, &ts);
        now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    }
    time_t secs = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char buf[24];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%s.%03dZ", buf, (int)(now_ms % 1000));
}

typedef struct cb_ud {
    edit_job *job;
    int which; /* 0 globalState, 1 providers */
} cb_ud;

static int cline_edit_cb(void *ud, const char *path, const char *old, size_t old_len, bool exists, char **new_text,
                         size_t *new_len, cc_err *err)
{
    cb_ud *c = ud;
    if (c->which == 0)
        return global_state_edit(c->job, exists ? old : "", exists ? old_len : 0, path, new_text, new_len, err);
    return providers_edit(c->job, old, old_len, exists, path, new_text, new_len, err);
}

/* Preflight one Cline file: read, compute the edit, check writability when it changes. */
static int preflight_file(edit_job *job, int which, const char *path, const char *what, cc_err *err)
{
    char *txt = NULL;
    size_t len = 0;
    bool exists = false;
    int rc = safefile_read(path, SAFEFILE_MAX_SIZE, &txt, &len, &exists, err);
    if (rc != CC_OK)
        return rc;
    char *out = NULL;
    size_t out_len = 0;
    cb_ud c = {job, which};
    rc = cline_edit_cb(&c, path, txt, len, exists, &out, &out_len, err);
    bool changes = rc == CC_OK && (!exists || out_len != len || memcmp(out, txt, len) != 0);
    free(txt);
    free(out);
    if (rc == CC_OK && changes)
        rc = check_writable(path, what, err);
    return rc;
}

static int add_result(cline_apply_result *res, unsigned target, const char *path, safefile_result *sr)
{
    if (res->nfiles >= CLINE_MAX_FILES)
        return CC_OK;
    cline_file_result *f = &res->files[res->nfiles++];
    f->target = target;
    f->path = xstrdup(path);
    f->real_path = xstrdup(sr->real_path ? sr->real_path : path);
    f->changed = sr->changed;
    f->created = sr->created;
    f->backup = xstrdup(sr->backup_path);
    f->diff = xstrdup(sr->diff ? sr->diff : "");
    return (f->path && f->real_path && f->diff) ? CC_OK : CC_EINTERNAL;
}

void cline_apply_result_free(cline_apply_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->nfiles; i++) {
        free(res->files[i].path);
        free(res->files[i].real_path);
        free(res->files[i].backup);
        free(res->files[i].diff);
    }
    editors_legacy_free(res->legacy, res->nlegacy);
    memset(res, 0, sizeof *res);
}

static const char *target_name(unsigned t)
{
    switch (t) {
    case CLINE_TARGET_EXTENSION:
        return "cline-extension";
    case CLINE_TARGET_CLI:
        return "cline-cli";
    case CLINE_TARGET_AWS_CONFIG:
        return "aws-config";
    default:
        return "clinecfg-state";
    }
}

cJSON *cline_apply_result_files_json(const cline_apply_result *res, bool with_diff)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < res->nfiles; i++) {
        const cline_file_result *f = &res->files[i];
        cJSON *o = cJSON_CreateObject();
        if (!o) {
            cJSON_Delete(arr);
            return NULL;
        }
        cJSON_AddStringToObject(o, "path", f->path);
        cJSON_AddStringToObject(o, "real_path", f->real_path);
        cJSON_AddStringToObject(o, "target", target_name(f->target));
        cJSON_AddBoolToObject(o, "changed", f->changed);
        cJSON_AddBoolToObject(o, "created", f->created);
        if (f->backup)
            cJSON_AddStringToObject(o, "backup", f->backup);
        else
            cJSON_AddNullToObject(o, "backup");
        if (with_diff)
            cJSON_AddStringToObject(o, "diff", f->diff ? f->diff : "");
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

int cline_apply(const cc_ctx *ctx, safefile_run *run, const cline_plan *plan, const cline_targets_env *env,
                cline_apply_result *res, cc_err *err)
{
    memset(res, 0, sizeof *res);
    const cc_out *out = ctx ? &ctx->out : NULL;
    bool dry = ctx && ctx->dry_run;
    unsigned targets = plan_targets(plan);
    int rc = cline_plan_validate(plan, err);
    if (rc != CC_OK)
        return rc;
    const cline_locations *loc = env->loc;
    bool do_gs = targets & CLINE_TARGET_EXTENSION, do_pv = targets & CLINE_TARGET_CLI;
    bool do_aws = (targets & CLINE_TARGET_AWS_CONFIG) && plan->own_aws_profile;
    if (do_aws && !env->aws_config)
        return cc_err_set(err, CC_EINTERNAL, "cline.no_aws_config", "no AWS config path given for the aws-config target");

    /* endpoint record: which endpoint clinecfg wrote where */
    char *state_dir = state_dir_default(env);
    char *record_path = NULL;
    if (!state_dir || asprintf(&record_path, "%s/%s", state_dir, ENDPOINT_RECORD_NAME) < 0)
        record_path = NULL;
    free(state_dir);
    if (!record_path)
        return cc_err_oom(err);
    char *gs_real = real_target(loc->global_state), *pv_real = real_target(loc->providers);
    char *gs_rec = gs_real ? record_lookup(record_path, gs_real) : NULL;
    char *pv_rec = pv_real ? record_lookup(record_path, pv_real) : NULL;
    edit_job gs_job = {plan, gs_rec, "", 0}, pv_job = {plan, pv_rec, "", 0};
    now_iso(plan->now_ms, gs_job.updated_at);
    memcpy(pv_job.updated_at, gs_job.updated_at, sizeof gs_job.updated_at);
    awsconfig_plan ap = {plan_profile(plan), plan->region, plan->exe, plan->account};
    if (!gs_real || !pv_real) {
        rc = cc_err_oom(err);
        goto done;
    }

    /* 1. preflight every file before the first write */
    if (do_pv && (rc = preflight_file(&pv_job, 1, loc->providers, "Cline's providers.json", err)) != CC_OK)
        goto done;
    if (do_gs && (rc = preflight_file(&gs_job, 0, loc->global_state, "Cline's globalState.json", err)) != CC_OK)
        goto done;
    if (do_aws) {
        if ((rc = awsconfig_check_credentials_file(&ap, env->aws_credentials, err)) != CC_OK)
            goto done;
        char *txt = NULL, *o = NULL;
        size_t len = 0, olen = 0;
        bool exists = false;
        rc = safefile_read(env->aws_config, INI_MAX_SIZE, &txt, &len, &exists, err);
        if (rc == CC_OK)
            rc = awsconfig_edit(&ap, txt, len, env->aws_config, &o, &olen, err);
        bool changes = rc == CC_OK && (!exists || olen != len || memcmp(o, txt, len) != 0);
        free(txt);
        free(o);
        if (rc == CC_OK && changes)
            rc = check_writable(env->aws_config, "the AWS config file", err);
        if (rc != CC_OK)
            goto done;
    }

    /* the user's own profile (--aws-profile P) is not ours to write, but
     * Cline fails without it: say so before pointing Cline at it */
    if ((do_gs || do_pv) && !plan->own_aws_profile && out && env->aws_config) {
        aws_profile_set *set = NULL;
        cc_err e1;
        if (awsfiles_load(env->aws_config, env->aws_credentials, &set, &e1) == CC_OK) {
            if (!ini_profile(set, plan_profile(plan)))
                out_warn(out, "AWS profile \"%s\" is not defined in %s; Cline will not find credentials until it is",
                         plan_profile(plan), env->aws_config);
            ini_profiles_free(set);
        }
    }

    /* 2. running Cline */
    if (do_gs || do_pv) {
        editors_scan_opts so = {env->proc_root, loc->data_dir, NULL, NULL, 0};
        cc_err e2;
        if (editors_find_running_cline(&so, &res->running, &e2) != CC_OK && out)
            out_warn(out, "could not check whether Cline is running: %s", e2.message);
        if (res->running.n > 0) {
            char list[1024] = "", one[512];
            for (size_t i = 0; i < res->running.n && i < CLINE_MAX_PROCS; i++) {
                cline_process_describe(&res->running.procs[i], one, sizeof one);
                if (strlen(list) + strlen(one) + 3 < sizeof list) {
                    if (*list)
                        strcat(list, "; ");
                    strcat(list, one);
                }
            }
            if (out)
                out_warn(out, "Cline is running: %s. It keeps its settings in memory and may write them back over ours.",
                         list);
            if (!plan->force && !dry) {
                cc_err_set(err, CC_ECONFLICT, "cline.running", "Cline is running (%s); not changing its settings under it",
                           list);
                cc_err_hint(err, "quit Cline (close the editor window or stop the cline process) and run again, or pass --force and reload the editor afterwards");
                rc = CC_ECONFLICT;
                goto done;
            }
            res->reload_needed = !dry;
        }
    }

    /* 3. legacy extension */
    if (do_gs && access(loc->global_state, F_OK) != 0) {
        cc_err e3;
        if (editors_find_legacy_cline(NULL, NULL, &res->legacy, &res->nlegacy, &e3) == CC_OK && res->nlegacy > 0 && out)
            for (size_t i = 0; i < res->nlegacy; i++)
                out_warn(out,
                         "%s has settings of an old Cline extension (3.65 or older) in %s, which clinecfg does not change; "
                         "update Cline to 3.66 or later: it reads %s, which clinecfg writes now",
                         res->legacy[i].product, res->legacy[i].state_db, loc->global_state);
    }

    /* 4. write */
    safefile_result sr;
    if (do_pv) {
        cb_ud c = {&pv_job, 1};
        memset(&sr, 0, sizeof sr);
        if ((rc = safefile_update(run, loc->providers, 0600, cline_edit_cb, &c, &sr, err)) != CC_OK)
            goto done;
        rc = add_result(res, CLINE_TARGET_CLI, loc->providers, &sr);
        safefile_result_free(&sr);
        if (rc != CC_OK) {
            cc_err_oom(err);
            goto done;
        }
        res->nremoved_secrets = pv_job.removed_secrets;
        if (pv_job.removed_secrets && out)
            out_warn(out, "removed %zu stored secret(s) from the bedrock entry of %s: Cline now gets credentials from "
                          "AWS profile %s (the old file is in the backup)",
                     pv_job.removed_secrets, loc->providers, plan_profile(plan));
    }
    if (do_gs) {
        cb_ud c = {&gs_job, 0};
        memset(&sr, 0, sizeof sr);
        if ((rc = safefile_update(run, loc->global_state, 0600, cline_edit_cb, &c, &sr, err)) != CC_OK)
            goto done;
        rc = add_result(res, CLINE_TARGET_EXTENSION, loc->global_state, &sr);
        safefile_result_free(&sr);
        if (rc != CC_OK) {
            cc_err_oom(err);
            goto done;
        }
    }
    if (do_aws) {
        memset(&sr, 0, sizeof sr);
        if ((rc = awsconfig_apply(run, env->aws_config, &ap, &sr, err)) != CC_OK)
            goto done;
        rc = add_result(res, CLINE_TARGET_AWS_CONFIG, env->aws_config, &sr);
        safefile_result_free(&sr);
        if (rc != CC_OK) {
            cc_err_oom(err);
            goto done;
        }
    }
    /* the record follows what the files now hold */
    if (do_gs || do_pv) {
        bool want = plan->endpoint != NULL;
        bool had = (do_gs && gs_rec) || (do_pv && pv_rec);
        if (want || had) {
            record_job rj = {{0}, {0}, 0};
            if (do_gs) {
                rj.keys[rj.n] = gs_real;
                rj.values[rj.n++] = plan->endpoint;
            }
            if (do_pv) {
                rj.keys[rj.n] = pv_real;
                rj.values[rj.n++] = plan->endpoint;
            }
            memset(&sr, 0, sizeof sr);
            if ((rc = safefile_update(run, record_path, 0600, record_edit_cb, &rj, &sr, err)) != CC_OK)
                goto done;
            rc = add_result(res, 0, record_path, &sr);
            safefile_result_free(&sr);
            if (rc != CC_OK) {
                cc_err_oom(err);
                goto done;
            }
        }
    }

    /* 5. read back */
    if (!dry) {
        cline_inspection in;
        cline_targets_env venv = *env;
        rc = cline_inspect(&venv, &in, err);
        if (rc == CC_OK) {
            /* the inspection follows the files' profile; verify against the plan */
            rc = cline_verify(plan, &in, err);
            cline_inspection_free(&in);
        }
        if (rc == CC_OK && do_aws)
            rc = awsconfig_verify(env->aws_config, env->aws_credentials, &ap, err);
        if (rc != CC_OK) {
            cc_err_prefix(err, "read back after writing");
            err->status = CC_EINTERNAL;
            rc = CC_EINTERNAL;
            goto done;
        }
        if (res->reload_needed && out)
            out_warn(out, "Cline was running while its settings changed: reload the editor window "
                          "(Command Palette: \"Developer: Reload Window\") and restart any cline CLI session");
    }
done:
    free(gs_rec);
    free(pv_rec);
    free(gs_real);
    free(pv_real);
    free(record_path);
    return rc;
}

/* ================= inspect / verify ================= */

static char *doc_str(const jsonc_doc *doc, const char *const *keys)
{
    const char *s = node_string(doc, keys);
    return s ? strdup(s) : NULL;
}

static int doc_bool(const jsonc_doc *doc, const char *const *keys)
{
    const jsonc_node *n = doc ? node_at(doc, keys) : NULL;
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

int cline_inspect(const cline_targets_env *env, cline_inspection *in, cc_err *err)
{
    memset(in, 0, sizeof *in);
    in->gs_use_profile = in->gs_cross_region = in->gs_prompt_cache = -1;
    in->plan.custom_selected = in->act.custom_selected = -1;
    const cline_locations *loc = env->loc;
    char *txt = NULL;
    size_t len = 0;
    bool exists = false;
    cc_err e;
    /* globalState.json */
    if (safefile_read(loc->global_state, SAFEFILE_MAX_SIZE, &txt, &len, &exists, &e) != CC_OK) {
        in->gs_exists = true;
        snprintf(in->gs_error, sizeof in->gs_error, "%s", e.message);
    } else if (exists) {
        in->gs_exists = true;
        jsonc_doc *doc = NULL;
        if (parse_object_doc(txt, len, loc->global_state, &doc, &e) != CC_OK) {
            snprintf(in->gs_error, sizeof in->gs_error, "%s", e.message);
        } else {
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
    }
    free(txt);
    txt = NULL;
    /* providers.json */
    in->pv_prompt_cache = in->pv_cross_region = -1;
    if (safefile_read(loc->providers, SAFEFILE_MAX_SIZE, &txt, &len, &exists, &e) != CC_OK) {
        in->pv_exists = true;
        snprintf(in->pv_error, sizeof in->pv_error, "%s", e.message);
    } else if (exists) {
        in->pv_exists = true;
        if (cline_providers_check(txt, len, loc->providers, &e) != CC_OK) {
            snprintf(in->pv_error, sizeof in->pv_error, "%s", e.message);
        } else {
            jsonc_doc *doc = NULL;
            if (jsonc_parse(txt, len, loc->providers, &doc, &e) == CC_OK) {
#define B(...) ((const char *const[]){"providers", "bedrock", "settings", __VA_ARGS__, NULL})
                in->pv_last_used = doc_str(doc, (const char *const[]){"lastUsedProvider", NULL});
                in->pv_has_bedrock = node_at(doc, (const char *const[]){"providers", "bedrock", NULL}) != NULL;
                in->pv_model = doc_str(doc, B("model"));
                in->pv_region = doc_str(doc, B("aws", "region"));
                in->pv_authentication = doc_str(doc, B("aws", "authentication"));
                in->pv_profile = doc_str(doc, B("aws", "profile"));
                in->pv_endpoint = doc_str(doc, B("aws", "endpoint"));
                in->pv_base_model_id = doc_str(doc, B("aws", "customModelBaseId"));
                in->pv_prompt_cache = doc_bool(doc, B("aws", "usePromptCache"));
                in->pv_cross_region = doc_bool(doc, B("aws", "useCrossRegionInference"));
                in->pv_has_static_keys = node_at(doc, B("aws", "accessKey")) || node_at(doc, B("apiKey"));
#undef B
                jsonc_free(doc);
            }
        }
    }
    free(txt);
    /* the AWS profile Cline uses */
    const char *prof = in->gs_profile ? in->gs_profile : in->pv_profile;
    if (prof && env->aws_config) {
        aws_profile_set *set = NULL;
        if (awsfiles_load(env->aws_config, env->aws_credentials, &set, &e) == CC_OK) {
            const aws_profile *p = ini_profile(set, prof);
            in->aws_profile_exists = p != NULL;
            if (p) {
                in->aws_region = xstrdup(ini_get(p, "region"));
                in->aws_credential_process = xstrdup(ini_get(p, "credential_process"));
            }
            ini_profiles_free(set);
        } else {
            add_problem(in, "the AWS config could not be read: %s", e.message);
        }
    }
    /* consistency */
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
    add_opt_str(aw, "credential_process", in->aws_credential_process);
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
    unsigned targets = plan_targets(p);
    const char *prof = plan_profile(p);
    if (targets & CLINE_TARGET_EXTENSION) {
        const char *f = "globalState.json";
        if (*in->gs_error)
            return cc_err_set(err, CC_EINPUT, "cline.verify", "%s", in->gs_error);
        for (int m = 0; m < 2; m++) {
            if (!(plan_modes(p) & (m == 0 ? CLINE_MODE_PLAN : CLINE_MODE_ACT)))
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

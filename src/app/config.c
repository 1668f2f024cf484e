/* config.c - clinecfg's settings: the key table, reading and checking the
 * org, user and --config files, the CLINECFG_* environment and flags, and
 * merging them into one view that remembers each value's origin (see
 * include/clinecfg/config.h).  It reads files, so it lives in app/, not core/. */
#include "clinecfg/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/envlookup.h"
#include "clinecfg/identity.h"
#include "clinecfg/jsonc.h"
#include "clinecfg/paths.h"
#include "clinecfg/prices.h"
#include "clinecfg/safefile.h"

#define CFG_MAX_FILE (1024 * 1024)

typedef enum { T_STR, T_INT, T_STRLIST, T_STRMAP, T_PRICES } cfg_type;

static const struct {
    const char *name;
    const char *env;
    cfg_type type;
    const char *def;
} keys[CFG_NKEYS] = {
    [CFG_REGION] = {"region", "CLINECFG_REGION", T_STR, NULL},
    [CFG_RUNTIME_ENDPOINT] = {"runtime_endpoint", "CLINECFG_RUNTIME_ENDPOINT", T_STR, NULL},
    [CFG_MODEL] = {"model", "CLINECFG_MODEL", T_STR, NULL},
    [CFG_TEAM] = {"team", "CLINECFG_TEAM", T_STR, NULL},
    [CFG_TAG_KEY_TEAM] = {"tag_keys.team", "CLINECFG_TAG_KEY_TEAM", T_STR, "Team"},
    [CFG_TAG_KEY_MEMBER] = {"tag_keys.member", "CLINECFG_TAG_KEY_MEMBER", T_STR, "MemberName"},
    [CFG_EXTRA_TAGS] = {"extra_tags", "CLINECFG_EXTRA_TAGS", T_STRMAP, NULL},
    [CFG_NAME_TEMPLATE] = {"name_template", "CLINECFG_NAME_TEMPLATE", T_STR, "{team}-bedrock-{member}"},
    [CFG_AWS_PROFILE_NAME] = {"aws_profile_name", "CLINECFG_AWS_PROFILE_NAME", T_STR, "clinecfg"},
    [CFG_ALLOWED_REGIONS] = {"allowed_regions", "CLINECFG_ALLOWED_REGIONS", T_STRLIST, NULL},
    [CFG_REQUEST_DIR] = {"request.dir", "CLINECFG_REQUEST_DIR", T_STR, NULL},
    [CFG_REQUEST_WEBHOOK_URL] = {"request.webhook_url", "CLINECFG_REQUEST_WEBHOOK_URL", T_STR, NULL},
    [CFG_SESSION_DURATION] = {"session_duration", "CLINECFG_SESSION_DURATION", T_INT, "43200"},
    [CFG_MEMBER_RULE] = {"member_rule", "CLINECFG_MEMBER_RULE", T_STR, "identity"},
    [CFG_BACKUPS_KEEP] = {"backups.keep", "CLINECFG_BACKUPS_KEEP", T_INT, "20"},
    [CFG_PRICES] = {"prices", "CLINECFG_PRICES", T_PRICES, NULL},
    [CFG_SSO_START_URL] = {"sso.start_url", "CLINECFG_SSO_START_URL", T_STR, NULL},
    [CFG_SSO_REGION] = {"sso.region", "CLINECFG_SSO_REGION", T_STR, NULL},
    [CFG_SSO_ACCOUNT_ID] = {"sso.account_id", "CLINECFG_SSO_ACCOUNT_ID", T_STR, NULL},
    [CFG_SSO_ROLE_NAME] = {"sso.role_name", "CLINECFG_SSO_ROLE_NAME", T_STR, NULL},
};

static const char *const type_names[] = {
    [T_STR] = "a string",
    [T_INT] = "a whole number",
    [T_STRLIST] = "an array of strings",
    [T_STRMAP] = "an object of string values",
    [T_PRICES] = "an object of {\"input\", \"output\", \"cache_read\", \"cache_write\"} per model",
};

const char *cfg_key_name(cfg_key k) { return keys[k].name; }
const char *cfg_key_env(cfg_key k) { return keys[k].env; }

int cfg_key_lookup(const char *dotted)
{
    for (int k = 0; k < CFG_NKEYS; k++)
        if (strcmp(keys[k].name, dotted) == 0)
            return k;
    return -1;
}

/* Is `dotted` a known key, or a known prefix such as "tag_keys"? */
static bool is_group(const char *dotted)
{
    size_t n = strlen(dotted);
    for (int k = 0; k < CFG_NKEYS; k++)
        if (strncmp(keys[k].name, dotted, n) == 0 && keys[k].name[n] == '.')
            return true;
    return false;
}

static void setting_replace(cfg_setting *s, cJSON *value, const char *source, const char *origin)
{
    cJSON_Delete(s->value);
    free(s->origin);
    s->value = value;
    snprintf(s->source, sizeof s->source, "%s", source);
    s->origin = origin ? strdup(origin) : NULL;
}

/* Maps merge per member, so an org can set CostCenter and a user add Project. */
static void setting_merge(cfg_setting *s, cJSON *value, const char *source, const char *origin)
{
    if (cJSON_IsObject(s->value) && cJSON_IsObject(value)) {
        cJSON *m;
        cJSON_ArrayForEach(m, value) {
            cJSON_DeleteItemFromObjectCaseSensitive(s->value, m->string);
            cJSON_AddItemToObject(s->value, m->string, cJSON_Duplicate(m, 1));
        }
        cJSON_Delete(value);
        snprintf(s->source, sizeof s->source, "%s", source);
        free(s->origin);
        s->origin = origin ? strdup(origin) : NULL;
        return;
    }
    setting_replace(s, value, source, origin);
}

static bool is_region_name(const char *r)
{
    /* Partition-agnostic shape: ap-northeast-1, us-gov-west-1, cn-north-1. */
    size_t n = strlen(r);
    if (n < 4 || n > 32 || !islower((unsigned char)r[0]))
        return false;
    int dashes = 0;
    for (size_t i = 0; i < n; i++) {
        char c = r[i];
        if (c == '-') {
            if (i == 0 || r[i - 1] == '-')
                return false;
            dashes++;
        } else if (!islower((unsigned char)c) && !isdigit((unsigned char)c)) {
            return false;
        }
    }
    return dashes >= 2 && isdigit((unsigned char)r[n - 1]);
}

/* The org-config price override has the shipped table's shape (prices.h). */
static int check_prices(const cJSON *v, const char *where, cc_err *err)
{
    char *text = cJSON_PrintUnformatted(v);
    if (!text)
        return cc_err_oom(err);
    price_table t;
    int rc = prices_parse(text, strlen(text), where, true, &t, err);
    free(text);
    if (!rc)
        prices_free(&t);
    else
        cc_err_hint(err, "write prices as {\"<base model id>\": {\"input\": 0.003, \"output\": 0.015, "
                         "\"cache_read\": 0.0003, \"cache_write\": 0.00375}} (USD per 1,000 tokens)");
    return rc;
}

/* Checks meaning beyond JSON type; `where` prefixes the message. */
static int check_semantics(cfg_key k, const cJSON *v, const char *where, cc_err *err)
{
    if ((k == CFG_REGION || k == CFG_SSO_REGION) && !is_region_name(v->valuestring)) {
        cc_err_set(err, CC_EINPUT, "config.value", "%s: %s '%s' is not an AWS region name", where, keys[k].name,
                   v->valuestring);
        cc_err_hint(err, "use a region code such as ap-northeast-1 or us-east-1");
        return CC_EINPUT;
    }
    if (k == CFG_ALLOWED_REGIONS) {
        const cJSON *r;
        cJSON_ArrayForEach(r, v) {
            if (!is_region_name(r->valuestring)) {
                cc_err_set(err, CC_EINPUT, "config.value", "%s: allowed_regions entry '%s' is not an AWS region name",
                           where, r->valuestring);
                cc_err_hint(err, "list region codes such as [\"ap-northeast-1\", \"ap-northeast-3\"]");
                return CC_EINPUT;
            }
        }
    }
    if ((k == CFG_RUNTIME_ENDPOINT || k == CFG_REQUEST_WEBHOOK_URL) && v->valuestring[0] &&
        strncmp(v->valuestring, "https://", 8) != 0 && strncmp(v->valuestring, "http://", 7) != 0) {
        cc_err_set(err, CC_EINPUT, "config.value", "%s: %s '%s' is not an http(s) URL", where, keys[k].name,
                   v->valuestring);
        cc_err_hint(err, "give a full URL such as https://example.com/path");
        return CC_EINPUT;
    }
    if (k == CFG_MEMBER_RULE && identity_member_rule_parse(v->valuestring, NULL, NULL) != 0) {
        cc_err_set(err, CC_EINPUT, "config.value", "%s: member_rule '%s' is not a known rule", where, v->valuestring);
        cc_err_hint(err, "use \"identity\" (profile names keep the whole identity) or \"email-local-part\"");
        return CC_EINPUT;
    }
    if (k == CFG_PRICES)
        return check_prices(v, where, err);
    if (k == CFG_SESSION_DURATION && (v->valuedouble < 900 || v->valuedouble > 129600)) {
        /* %.15g: digits for any value a person types, 1e+300 for one nobody reads */
        cc_err_set(err, CC_EINPUT, "config.value", "%s: session_duration %.15g is outside 900..129600 seconds", where,
                   v->valuedouble);
        cc_err_hint(err, "STS GetSessionToken accepts 900 (15 min) to 129600 (36 h)");
        return CC_EINPUT;
    }
    return 0;
}

/* Is d within long's range?  Asked before any cast: casting a double
 * outside it is undefined behaviour.  LONG_MIN is a power of two, so both
 * bounds are exact doubles (LONG_MAX itself is not). */
static bool fits_long(double d) { return d >= (double)LONG_MIN && d < -(double)LONG_MIN; }

/* A whole number: beyond long's range every double is one (as is
 * infinity); the range check in check_semantics refuses those by value. */
static bool is_whole_number(double d) { return !isnan(d) && (!fits_long(d) || d == (double)(long)d); }

static bool json_has_type(cfg_type t, const cJSON *v)
{
    switch (t) {
    case T_STR:
        return cJSON_IsString(v);
    case T_INT:
        return cJSON_IsNumber(v) && is_whole_number(v->valuedouble);
    case T_STRLIST: {
        if (!cJSON_IsArray(v))
            return false;
        const cJSON *e;
        cJSON_ArrayForEach(e, v) if (!cJSON_IsString(e)) return false;
        return true;
    }
    case T_STRMAP: {
        if (!cJSON_IsObject(v))
            return false;
        const cJSON *e;
        cJSON_ArrayForEach(e, v) if (!cJSON_IsString(e)) return false;
        return true;
    }
    case T_PRICES:
        return cJSON_IsObject(v);
    }
    return false;
}

static int apply_member(cc_config *cfg, const cc_ctx *ctx, const char *path, const char *text, size_t len,
                        const char *source, const char *dotted, const jsonc_node *node, cc_err *err)
{
    int line, col;
    jsonc_line_col(text, len, node->key_end > node->key_start ? node->key_start : node->start, &line, &col);
    char where[1024];
    snprintf(where, sizeof where, "%s:%d:%d", path, line, col);
    int k = cfg_key_lookup(dotted);
    if (k < 0) {
        if (node->type == JSONC_OBJECT && is_group(dotted)) {
            for (const jsonc_node *m = node->child; m; m = m->next) {
                char sub[256];
                snprintf(sub, sizeof sub, "%s.%s", dotted, m->key);
                int rc = apply_member(cfg, ctx, path, text, len, source, sub, m, err);
                if (rc)
                    return rc;
            }
            return 0;
        }
        if (strcmp(dotted, "$schema") != 0)
            out_warn(&ctx->out, "%s: unknown config key '%s' is ignored", where, dotted);
        return 0;
    }
    cJSON *v = jsonc_to_cjson(node);
    if (!v)
        return cc_err_oom(err);
    if (!json_has_type(keys[k].type, v)) {
        cJSON_Delete(v);
        cc_err_set(err, CC_EINPUT, "config.type", "%s: %s must be %s", where, dotted, type_names[keys[k].type]);
        cc_err_hint(err, "fix the value in %s (see packaging/config.example.json for every key)", path);
        return CC_EINPUT;
    }
    int rc = check_semantics(k, v, where, err);
    if (rc) {
        cJSON_Delete(v);
        return rc;
    }
    setting_merge(&cfg->s[k], v, source, where);
    return 0;
}

/* Applies the settings in `text` (the file `path`) as layer `source`. */
static int load_text(cc_config *cfg, const cc_ctx *ctx, const char *path, const char *source, const char *text,
                     size_t len, cc_err *err)
{
    jsonc_doc *doc = NULL;
    int rc = jsonc_parse(text, len, path, &doc, err);
    if (rc) {
        cc_err_hint(err, "fix the syntax in %s; comments and trailing commas are allowed", path);
        return rc;
    }
    const jsonc_node *root = jsonc_root(doc);
    if (root && root->type != JSONC_OBJECT) {
        int line, col;
        jsonc_line_col(text, len, root->start, &line, &col);
        cc_err_set(err, CC_EINPUT, "config.type", "%s:%d:%d: the config must be a JSON object", path, line, col);
        cc_err_hint(err, "write settings as {\"region\": \"ap-northeast-1\", ...}");
        rc = CC_EINPUT;
    }
    for (const jsonc_node *m = root && !rc ? root->child : NULL; m && !rc; m = m->next)
        rc = apply_member(cfg, ctx, path, text, len, source, m->key, m, err);
    jsonc_free(doc);
    return rc;
}

static int load_file(cc_config *cfg, const cc_ctx *ctx, const char *path, const char *source, bool must_exist,
                     cc_err *err)
{
    char *text = NULL;
    size_t len = 0;
    bool exists = false;
    int rc = safefile_read(path, CFG_MAX_FILE, &text, &len, &exists, err);
    if (rc)
        return rc;
    if (!exists) {
        free(text);
        if (must_exist) {
            cc_err_set(err, CC_EINPUT, "config.missing", "%s: config file does not exist", path);
            cc_err_hint(err, "check the path given to --config");
            return CC_EINPUT;
        }
        return 0;
    }
    rc = load_text(cfg, ctx, path, source, text, len, err);
    free(text);
    return rc;
}

int cfg_check_text(const cc_ctx *ctx, const char *path, const char *text, size_t len, cc_err *err)
{
    cc_config scratch;
    memset(&scratch, 0, sizeof scratch);
    int rc = load_text(&scratch, ctx, path, "check", text, len, err);
    cfg_free(&scratch);
    return rc;
}

/* Parses an environment or flag string into the key's JSON type. */
static int parse_string_value(cfg_key k, const char *s, const char *what, cJSON **out, cc_err *err)
{
    cJSON *v = NULL;
    switch (keys[k].type) {
    case T_STR:
        v = cJSON_CreateString(s);
        break;
    case T_INT: {
        char *end;
        errno = 0;
        long n = strtol(s, &end, 10);
        if (errno || end == s || *end) {
            cc_err_set(err, CC_EINPUT, "config.type", "%s: '%s' is not a whole number", what, s);
            cc_err_hint(err, "give %s as digits, e.g. 43200", keys[k].name);
            return CC_EINPUT;
        }
        v = cJSON_CreateNumber((double)n);
        break;
    }
    case T_STRLIST: {
        char *copy = strdup(s), *save = NULL;
        v = copy ? cJSON_CreateArray() : NULL;
        for (char *tok = v ? strtok_r(copy, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            if (*tok)
                cJSON_AddItemToArray(v, cJSON_CreateString(tok));
        }
        free(copy);
        break;
    }
    case T_PRICES:
        v = cJSON_Parse(s);
        if (v && !cJSON_IsObject(v)) {
            cJSON_Delete(v);
            v = NULL;
        }
        break;
    case T_STRMAP: {
        char *copy = strdup(s), *save = NULL;
        v = copy ? cJSON_CreateObject() : NULL;
        for (char *tok = v ? strtok_r(copy, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(tok, '=');
            if (!eq || eq == tok) {
                cc_err_set(err, CC_EINPUT, "config.type", "%s: '%s' is not KEY=VALUE", what, tok);
                cc_err_hint(err, "write tags as Key=Value pairs separated by commas, e.g. CostCenter=1234,Project=x");
                free(copy);
                cJSON_Delete(v);
                return CC_EINPUT;
            }
            *eq = '\0';
            cJSON_DeleteItemFromObjectCaseSensitive(v, tok);
            cJSON_AddStringToObject(v, tok, eq + 1);
        }
        free(copy);
        break;
    }
    }
    if (!v && keys[k].type != T_PRICES)
        return cc_err_oom(err);
    if (!v) {
        cc_err_set(err, CC_EINPUT, "config.type", "%s: not a JSON object", what);
        cc_err_hint(err, "give prices as JSON, e.g. {\"anthropic.claude-sonnet-4-5-20250929-v1:0\": {\"input\": 0.003}}");
        return CC_EINPUT;
    }
    int rc = check_semantics(k, v, what, err);
    if (rc) {
        cJSON_Delete(v);
        return rc;
    }
    *out = v;
    return 0;
}

char *cfg_user_path(void) { return paths_user_config(); }

char *cfg_request_dir(const cc_config *cfg)
{
    const char *dir = cfg_str(cfg, CFG_REQUEST_DIR);
    return dir ? strdup(dir) : paths_state_file("requests");
}

int cfg_load(cc_config *cfg, const cc_ctx *ctx, cc_err *err)
{
    memset(cfg, 0, sizeof *cfg);
    for (int k = 0; k < CFG_NKEYS; k++) {
        if (!keys[k].def)
            continue;
        cJSON *v = keys[k].type == T_INT ? cJSON_CreateNumber(atof(keys[k].def)) : cJSON_CreateString(keys[k].def);
        setting_replace(&cfg->s[k], v, "default", NULL);
    }
    cfg->org_path = strdup(ctx->org_config && *ctx->org_config ? ctx->org_config : "/etc/clinecfg/config.json");
    cfg->user_path = cfg_user_path(); /* NULL without a usable HOME: no user layer */
    cfg->extra_path = ctx->config_file ? strdup(ctx->config_file) : NULL;
    int rc = load_file(cfg, ctx, cfg->org_path, "org", false, err);
    if (!rc && cfg->user_path)
        rc = load_file(cfg, ctx, cfg->user_path, "user", false, err);
    if (!rc && cfg->extra_path)
        rc = load_file(cfg, ctx, cfg->extra_path, "config", true, err);
    for (int k = 0; !rc && k < CFG_NKEYS; k++) {
        const char *ev = cc_getenv(NULL, NULL, keys[k].env);
        if (!ev)
            continue;
        cJSON *v = NULL;
        char what[96];
        snprintf(what, sizeof what, "environment variable %s", keys[k].env);
        rc = parse_string_value((cfg_key)k, ev, what, &v, err);
        if (!rc)
            setting_merge(&cfg->s[k], v, "env", keys[k].env);
    }
    return rc;
}

int cfg_set_flag(cc_config *cfg, cfg_key k, const char *flag, const char *value, cc_err *err)
{
    cJSON *v = NULL;
    char what[96];
    snprintf(what, sizeof what, "option %s", flag);
    int rc = parse_string_value(k, value, what, &v, err);
    if (!rc)
        setting_merge(&cfg->s[k], v, "flag", flag);
    return rc;
}

void cfg_free(cc_config *cfg)
{
    for (int k = 0; k < CFG_NKEYS; k++) {
        cJSON_Delete(cfg->s[k].value);
        free(cfg->s[k].origin);
    }
    free(cfg->org_path);
    free(cfg->user_path);
    free(cfg->extra_path);
    memset(cfg, 0, sizeof *cfg);
}

const char *cfg_str(const cc_config *cfg, cfg_key k)
{
    const cJSON *v = cfg->s[k].value;
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

long cfg_int(const cc_config *cfg, cfg_key k)
{
    const cJSON *v = cfg->s[k].value;
    if (!cJSON_IsNumber(v) || isnan(v->valuedouble))
        return 0;
    /* Loading checked the range; clamp anyway rather than cast out of range. */
    if (!fits_long(v->valuedouble))
        return v->valuedouble < 0 ? LONG_MIN : LONG_MAX;
    return (long)v->valuedouble;
}

const cJSON *cfg_json(const cc_config *cfg, cfg_key k) { return cfg->s[k].value; }

cJSON *cfg_to_json(const cc_config *cfg)
{
    cJSON *o = cJSON_CreateObject();
    for (int k = 0; k < CFG_NKEYS; k++) {
        cJSON *e = cJSON_AddObjectToObject(o, keys[k].name);
        const cfg_setting *s = &cfg->s[k];
        cJSON_AddItemToObject(e, "value", s->value ? cJSON_Duplicate(s->value, 1) : cJSON_CreateNull());
        cJSON_AddStringToObject(e, "source", s->value ? s->source : "unset");
        if (s->origin)
            cJSON_AddStringToObject(e, "origin", s->origin);
    }
    cJSON *files = cJSON_AddObjectToObject(o, "$files");
    cJSON_AddStringToObject(files, "org", cfg->org_path ? cfg->org_path : "");
    cJSON_AddStringToObject(files, "user", cfg->user_path ? cfg->user_path : "");
    if (cfg->extra_path)
        cJSON_AddStringToObject(files, "config", cfg->extra_path);
    return o;
}

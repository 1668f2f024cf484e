/*
 * config.h - clinecfg's settings, merged from layers.
 *
 * Each layer overrides the one before: built-in defaults, the org file
 * (/etc/clinecfg/config.json, or --org-config / CLINECFG_ORG_CONFIG), the user
 * file (${XDG_CONFIG_HOME:-~/.config}/clinecfg/config.json), the --config
 * file, CLINECFG_* environment variables, then command-line flags.  Files are
 * JSONC (comments allowed).  Unknown keys warn; a wrong type is CC_EINPUT
 * naming file:line:col and the key.  Every value remembers where it came from
 * so `status` can show it.
 */
#ifndef CLINECFG_CONFIG_H
#define CLINECFG_CONFIG_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "clinecfg/cli.h"
#include "clinecfg/error.h"

typedef enum {
    CFG_REGION,
    CFG_RUNTIME_ENDPOINT,
    CFG_MODEL,
    CFG_TEAM,
    CFG_TAG_KEY_TEAM,
    CFG_TAG_KEY_MEMBER,
    CFG_EXTRA_TAGS,      /* object of string -> string, merged per tag key */
    CFG_NAME_TEMPLATE,
    CFG_AWS_PROFILE_NAME,
    CFG_ALLOWED_REGIONS, /* array of strings */
    CFG_REQUEST_DIR,
    CFG_REQUEST_WEBHOOK_URL,
    CFG_SESSION_DURATION, /* seconds, integer */
    CFG_MEMBER_RULE,      /* "identity" or "email-local-part" (identity.h) */
    CFG_BACKUPS_KEEP,     /* backup runs kept; 0 keeps all */
    CFG_PRICES,           /* object: model -> {input, output, cache_read, cache_write} USD per 1,000 tokens */
    CFG_SSO_START_URL,    /* IAM Identity Center start URL for `login --sso` */
    CFG_SSO_REGION,       /* its region */
    CFG_SSO_ACCOUNT_ID,   /* the AWS account to sign in to */
    CFG_SSO_ROLE_NAME,    /* the permission set (role) name */
    CFG_NKEYS
} cfg_key;

typedef struct cfg_setting {
    cJSON *value;       /* NULL when unset */
    char source[16];    /* "default", "org", "user", "config", "env", "flag" */
    char *origin;       /* file path, env var name or flag; NULL for defaults */
} cfg_setting;

typedef struct cc_config {
    cfg_setting s[CFG_NKEYS];
    char *org_path, *user_path, *extra_path; /* the files consulted */
} cc_config;

/* Dotted name of a key ("tag_keys.team"); its CLINECFG_* variable. */
const char *cfg_key_name(cfg_key k);
const char *cfg_key_env(cfg_key k);
/* Looks a dotted name up; returns -1 when it is not a known key. */
int cfg_key_lookup(const char *dotted);

/* Loads every layer except flags.  Warnings go to ctx->out. */
int cfg_load(cc_config *cfg, const cc_ctx *ctx, cc_err *err);
void cfg_free(cc_config *cfg);

/* Applies a flag value (string form, as typed) on top. */
int cfg_set_flag(cc_config *cfg, cfg_key k, const char *flag, const char *value, cc_err *err);

/* Typed reads; NULL / 0 when unset. */
const char *cfg_str(const cc_config *cfg, cfg_key k);
long cfg_int(const cc_config *cfg, cfg_key k);
const cJSON *cfg_json(const cc_config *cfg, cfg_key k);

/* {"key": {"value": ..., "source": "...", "origin": "..."}} for status. */
cJSON *cfg_to_json(const cc_config *cfg);

/* Checks a config file's text as cfg_load would (types, region names,
 * URLs...), without keeping anything: CC_EINPUT naming path:line:col and
 * the key.  Unknown keys only warn. */
int cfg_check_text(const cc_ctx *ctx, const char *path, const char *text, size_t len, cc_err *err);

/* Where provisioning requests go: request.dir, else the state folder's
 * requests/ (malloc'd; NULL without a usable HOME). */
char *cfg_request_dir(const cc_config *cfg);

/* Path of the user config file (malloc'd; NULL without a usable HOME). */
char *cfg_user_path(void);

#endif

/*
 * cline.h - pointing Cline at a Bedrock application inference profile
 * (src/targets/cline.c).
 *
 * Owns the three targets `setup --targets` names and what Cline reads from
 * them (facts: ../shared/reference/cline.md):
 *  - cline-extension: <data>/globalState.json (VS Code extension 3.66+).
 *    Per mode (plan/act, both unless one is asked for): *ModeApiProvider =
 *    "bedrock", *ModeApiModelId = ARN, *ModeAwsBedrockCustomSelected = true,
 *    *ModeAwsBedrockCustomModelBaseId = foundation model id.  Shared:
 *    awsRegion, awsAuthentication = "profile", awsUseProfile = true,
 *    awsProfile, awsUseCrossRegionInference = false, awsBedrockUsePromptCache,
 *    awsBedrockEndpoint (only when set), awsUseGlobalInference forced false
 *    when it was true.  Comments and every other key are kept byte-for-byte.
 *    secrets.json is never written.
 *  - cline-cli: <data>/settings/providers.json (CLI 3.x, extension 4.x
 *    mirror).  Only providers.bedrock changes (settings.provider, .model,
 *    .aws.{region, authentication "profile", profile, customModelBaseId,
 *    usePromptCache, useCrossRegionInference false, endpoint}; stale static
 *    keys/apiKey of that entry are removed so the profile is what signs),
 *    plus lastUsedProvider, updatedAt (ISO, ms, Z) and tokenSource "manual"
 *    when the entry changes.  Other providers stay byte-for-byte.  A missing
 *    file is created with the envelope (0600, folders 0700).  A file that
 *    Cline would reject (not strict JSON, or failing its zod schema) is
 *    refused: Cline would treat it as empty and overwrite it.
 *  - aws-config: [profile NAME] via awsconfig.h, only when the profile is
 *    clinecfg's own (not with an explicit --aws-profile).
 * Endpoint ownership: when the plan has no endpoint, an endpoint is removed
 * only if it is the one clinecfg recorded writing earlier (record:
 * ${XDG_STATE_HOME:-~/.local/state}/clinecfg/cline-endpoints.json, written
 * through the safe writer so restore and dry-run cover it too).
 * Every check runs on all files before the first write, so a refusal leaves
 * every file untouched; after writing, the files are read back and checked.
 */
#ifndef CLINECFG_CLINE_H
#define CLINECFG_CLINE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "clinecfg/cli.h"
#include "clinecfg/cline_paths.h"
#include "clinecfg/cline_running.h"
#include "clinecfg/error.h"
#include "clinecfg/safefile.h"

/* Targets (bitmask), named as in `setup --targets`. */
enum {
    CLINE_TARGET_EXTENSION = 1u << 0,  /* "cline-extension" */
    CLINE_TARGET_CLI = 1u << 1,        /* "cline-cli" */
    CLINE_TARGET_AWS_CONFIG = 1u << 2, /* "aws-config" */
    CLINE_TARGET_ALL = 7u,
};

/* Modes (bitmask). */
enum { CLINE_MODE_PLAN = 1u << 0, CLINE_MODE_ACT = 1u << 1, CLINE_MODE_BOTH = 3u };

/* "cline-extension,cline-cli,aws-config" (any order, spaces around commas
 * allowed, "all" = all three).  CC_EUSAGE naming an unknown or empty entry. */
int cline_targets_parse(const char *list, unsigned *out, cc_err *err);
/* "plan", "act" or "both".  CC_EUSAGE otherwise. */
int cline_modes_parse(const char *s, unsigned *out, cc_err *err);

typedef struct cline_plan {
    const char *profile_arn;   /* application inference profile ARN (model id for Cline) */
    const char *base_model_id; /* foundation model id, e.g. anthropic.claude-sonnet-4-5-20250929-v1:0
                                  (no geo prefix: it is Cline's key for context window and pricing) */
    const char *region;        /* must equal the ARN's region */
    const char *aws_profile;   /* profile Cline's SDK uses; NULL: "clinecfg" */
    bool own_aws_profile;      /* true: clinecfg writes [profile aws_profile] (aws-config target);
                                  false (--aws-profile P): Cline is pointed at P, no section written */
    const char *exe;           /* absolute path of the running clinecfg (ctx->self_path) */
    const char *account;       /* keyring account for credential-process; NULL: "default" */
    const char *endpoint;      /* runtime endpoint URL, or NULL (then a stale recorded one is removed) */
    unsigned modes;            /* CLINE_MODE_*; 0 = both */
    bool prompt_cache;         /* the base model supports prompt caching */
    unsigned targets;          /* CLINE_TARGET_*; 0 = all */
    bool force;                /* --force: write even while Cline runs (still warns) */
    long long now_ms;          /* Unix ms for updatedAt; 0 = the clock (tests pin it) */
} cline_plan;

/* Checks every value against Cline's rules before anything is written:
 * ARN shape (arn:PARTITION:bedrock:REGION:ACCOUNT:application-inference-profile/ID)
 * and its region equal to `region`; region name; base model id (a
 * foundation-model id, no geo prefix, no ARN); endpoint a URL Cline's schema
 * accepts (http or https, host, no whitespace); profile name; exe absolute.
 * CC_EINPUT naming the value and what to do. */
int cline_plan_validate(const cline_plan *plan, cc_err *err);

/* Checks an existing providers.json the way Cline 3.0.65 reads it: strict
 * JSON (JSON.parse: no comments, trailing commas or BOM), then the zod
 * schema (version 1, providers.<id>.{settings, updatedAt ISO, tokenSource},
 * settings field types and enums, URLs).  CC_EINPUT with "NAME: field: what
 * is wrong (Cline would discard the whole file and overwrite it)". */
int cline_providers_check(const char *text, size_t len, const char *name, cc_err *err);

/* Per-file outcome for `setup`'s JSON "files" array. */
typedef struct cline_file_result {
    unsigned target;      /* CLINE_TARGET_*, or 0 for clinecfg's endpoint record */
    char *path;           /* as resolved (symlinks kept) */
    char *real_path;      /* after symlinks */
    bool changed, created;
    char *backup;         /* copy of the old bytes, or NULL */
    char *diff;           /* unified diff of the change ("" when unchanged) */
} cline_file_result;

#define CLINE_MAX_FILES 4

typedef struct cline_apply_result {
    cline_file_result files[CLINE_MAX_FILES];
    size_t nfiles;
    cline_running running;      /* Cline processes seen before writing */
    bool reload_needed;         /* Cline was running: the editor must be reloaded */
    size_t nlegacy;             /* legacy (<= 3.65) stores found while globalState.json is absent */
    cline_legacy *legacy;
    size_t nremoved_secrets;    /* static keys/apiKey removed from providers.bedrock */
} cline_apply_result;
void cline_apply_result_free(cline_apply_result *res);

/* Where things are: Cline's files (cline_locate) and the AWS files
 * (awsfiles_locate).  Strings are borrowed. */
typedef struct cline_targets_env {
    const cline_locations *loc;
    const char *aws_config;       /* ~/.aws/config or $AWS_CONFIG_FILE */
    const char *aws_credentials;  /* ~/.aws/credentials or $AWS_SHARED_CREDENTIALS_FILE (read only) */
    const char *state_dir;        /* clinecfg state folder; NULL: ${XDG_STATE_HOME:-~/.local/state}/clinecfg */
} cline_targets_env;

/* Does the whole job for the plan's targets:
 *  1. cline_plan_validate; read and check every target file (parse errors
 *     with file:line:col, Cline's schema for providers.json, static keys in
 *     the credentials file, folder permissions) - CC_EINPUT, nothing written;
 *  2. running Cline: warns on ctx->out; without plan->force returns
 *     CC_ECONFLICT (exit 8) naming the processes (not in dry-run);
 *  3. legacy extension: warns "update Cline" (the old store is never written);
 *  4. writes through `run` (ctx->dry_run: diffs only), fills res->files;
 *  5. reads every written file back (cline_verify) - CC_EINTERNAL if the
 *     content is not what was planned; when Cline was running, warns that
 *     the editor must be reloaded (res->reload_needed).
 * `res` is filled as far as the run got; free it with cline_apply_result_free. */
int cline_apply(const cc_ctx *ctx, safefile_run *run, const cline_plan *plan, const cline_targets_env *env,
                cline_apply_result *res, cc_err *err);

/* The result as the "files" array of setup's JSON: [{path, real_path,
 * target, changed, created, backup, diff?}]; plus nothing else. */
cJSON *cline_apply_result_files_json(const cline_apply_result *res, bool with_diff);

/* What Cline currently points at (for status / doctor), read-only. */
typedef struct cline_mode_view {
    char *provider, *model_id, *base_model_id;
    int custom_selected; /* 1, 0, or -1 when absent */
} cline_mode_view;

typedef struct cline_inspection {
    /* globalState.json */
    bool gs_exists;
    char gs_error[1024];          /* parse error, "" when fine */
    cline_mode_view plan, act;
    char *gs_region, *gs_authentication, *gs_profile, *gs_endpoint;
    int gs_use_profile, gs_cross_region, gs_prompt_cache; /* 1/0/-1 */
    /* providers.json */
    bool pv_exists;
    char pv_error[1024];          /* strict-JSON or schema problem, "" when fine */
    char *pv_last_used;
    bool pv_has_bedrock;
    char *pv_model, *pv_region, *pv_authentication, *pv_profile, *pv_endpoint, *pv_base_model_id;
    int pv_prompt_cache, pv_cross_region; /* 1/0/-1 */
    bool pv_has_static_keys;     /* aws.accessKey / apiKey present in the bedrock entry */
    /* ~/.aws/config, for the profile Cline uses */
    bool aws_profile_exists;
    char *aws_region, *aws_credential_process;
    /* consistency findings, one sentence each */
    char **problems;
    size_t nproblems;
} cline_inspection;

/* Reads globalState.json, providers.json and the AWS profile Cline uses
 * (taken from the files: globalState awsProfile, else providers.json).
 * Unparsable files are reported in gs_error / pv_error, not as errors.
 * Problems list disagreements, e.g. the extension and the CLI pointing at
 * different ARNs, a profile that does not exist, crossRegion on with an ARN.
 * CC_EINTERNAL only on out of memory. */
int cline_inspect(const cline_targets_env *env, cline_inspection *out, cc_err *err);
void cline_inspection_free(cline_inspection *in);
cJSON *cline_inspection_json(const cline_inspection *in);

/* Checks an inspection against a plan (what cline_apply does after
 * writing): every planned key for the plan's targets has the planned value
 * and providers.json passes cline_providers_check.  CC_EINPUT naming the
 * first mismatch. */
int cline_verify(const cline_plan *plan, const cline_inspection *in, cc_err *err);

#endif

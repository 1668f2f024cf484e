/* status.c - 'clinecfg status': what is configured, offline.  Reads the
 * config layers, the keyring (never printing a secret), Cline's files, the
 * AWS profile Cline uses, the remembered profile, pending requests, backups
 * and temp files a crash may have left behind.  Makes no network call. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinecfg/awsconfig.h"
#include "clinecfg/awsfiles.h"
#include "clinecfg/backup.h"
#include "clinecfg/cline.h"
#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/credsource.h"
#include "clinecfg/keyring.h"
#include "clinecfg/ssooidc.h"
#include "clinecfg/paths.h"
#include "clinecfg/safefile.h"
#include "clinecfg/setupstate.h"

enum {
    STATUS_OPT_ACCOUNT,
    STATUS_OPT_COUNT
};

static const cli_opt status_opts[STATUS_OPT_COUNT] = {
    [STATUS_OPT_ACCOUNT] = {"account", 0, OPT_VALUE, "NAME", "keyring account to report (default: default)"},
};

static void add_config(cc_ctx *ctx, const cc_config *cfg)
{
    cJSON *j = cfg_to_json(cfg);
    cJSON_AddItemToObject(ctx->result, "config", j);
    out_text(&ctx->out, "Config (org %s, user %s):\n", cfg->org_path, cfg->user_path ? cfg->user_path : "(no HOME)");
    for (int k = 0; k < CFG_NKEYS; k++) {
        const cfg_setting *s = &cfg->s[k];
        if (!s->value)
            continue;
        char *v = cJSON_PrintUnformatted(s->value);
        out_text(&ctx->out, "  %-20s %s  [%s%s%s]\n", cfg_key_name((cfg_key)k), v ? v : "?", s->source,
                 s->origin ? " " : "", s->origin ? s->origin : "");
        free(v);
    }
}

/* Masks an access key id down to its prefix and last four characters. */
static void mask_key_id(const char *id, char *out, size_t size)
{
    size_t n = id ? strlen(id) : 0;
    if (n < 8)
        snprintf(out, size, "****");
    else
        snprintf(out, size, "%.4s****%s", id, id + n - 4);
}

static void add_keyring(cc_ctx *ctx, const char *account)
{
    cJSON *j = cJSON_AddObjectToObject(ctx->result, "keyring");
    cJSON_AddStringToObject(j, "account", account);
    keyring_opts ko = {.no_prompt = true, .timeout_ms = 0, .out = &ctx->out};
    keyring *kr = NULL;
    cc_err kerr;
    cc_err_clear(&kerr);
    if (keyring_open(&kr, &ko, &kerr)) {
        cJSON_AddBoolToObject(j, "available", false);
        cJSON_AddStringToObject(j, "problem", kerr.message);
        cJSON_AddStringToObject(j, "hint", kerr.hint);
        out_text(&ctx->out, "Keyring: unavailable: %s\n", kerr.message);
        return;
    }
    cJSON_AddBoolToObject(j, "available", true);
    cJSON_AddStringToObject(j, "backend", keyring_describe(kr));
    static const keyring_kind kinds[] = {KEYRING_LONG_TERM, KEYRING_SESSION};
    for (size_t i = 0; i < 2; i++) {
        char *payload = NULL;
        int rc = keyring_lookup(kr, account, kinds[i], &payload, &kerr);
        cJSON *e = cJSON_AddObjectToObject(j, keyring_kind_name(kinds[i]));
        if (rc == KEYRING_NOT_FOUND || (rc == 0 && !payload)) {
            cJSON_AddBoolToObject(e, "stored", false);
            out_text(&ctx->out, "Keyring (%s): no %s credentials for account '%s'\n", keyring_describe(kr),
                     keyring_kind_name(kinds[i]), account);
        } else if (rc) {
            cJSON_AddBoolToObject(e, "stored", false);
            cJSON_AddStringToObject(e, "problem", kerr.message);
            out_text(&ctx->out, "Keyring: %s\n", kerr.message);
        } else {
            keyring_record rec;
            memset(&rec, 0, sizeof rec);
            char masked[32] = "****", expires[32] = "";
            if (keyring_record_from_payload(payload, kinds[i], &rec, &kerr) == 0) {
                mask_key_id(rec.creds.access_key_id, masked, sizeof masked);
                if (rec.creds.expiration)
                    keyring_format_time(rec.creds.expiration, expires);
            }
            cJSON_AddBoolToObject(e, "stored", true);
            cJSON_AddStringToObject(e, "access_key_id", masked);
            if (rec.arn[0])
                cJSON_AddStringToObject(e, "arn", rec.arn);
            if (expires[0])
                cJSON_AddStringToObject(e, "expires", expires);
            out_text(&ctx->out, "Keyring (%s): %s credentials %s%s%s%s%s\n", keyring_describe(kr),
                     keyring_kind_name(kinds[i]), masked, rec.arn[0] ? " of " : "", rec.arn,
                     expires[0] ? ", expire " : "", expires);
            keyring_record_wipe(&rec);
        }
        keyring_payload_free(payload);
    }
    keyring_close(kr);
}

/* The SSO sign-in behind an sso: source, offline. */
static void add_sso_state(cc_ctx *ctx, cJSON *j, const char *account)
{
    keyring_opts ko = {.no_prompt = true, .out = &ctx->out};
    keyring *kr = NULL;
    cc_err e;
    cc_err_clear(&e);
    credsource_sso_state st;
    int rc = keyring_open(&kr, &ko, &e);
    if (!rc)
        rc = credsource_sso_state_read(kr, account, &st, &e);
    keyring_close(kr);
    if (rc) {
        cJSON_AddStringToObject(j, "problem", e.message);
        cJSON_AddStringToObject(j, "hint", e.hint);
        out_text(&ctx->out, "IAM Identity Center sign-in: %s (%s)\n", e.message, e.hint);
        return;
    }
    char access[32];
    keyring_format_time(st.access_expires, access);
    bool usable = credsource_sso_state_usable(&st, time(NULL));
    cJSON_AddStringToObject(j, "start_url", st.start_url);
    cJSON_AddStringToObject(j, "sso_account_id", st.account_id);
    cJSON_AddStringToObject(j, "role_name", st.role_name);
    cJSON_AddStringToObject(j, "access_token_expires", access);
    cJSON_AddBoolToObject(j, "refresh_token", st.refresh_token);
    cJSON_AddBoolToObject(j, "usable", usable);
    out_text(&ctx->out, "IAM Identity Center sign-in: %s, role %s in account %s; access token expires %s; refresh "
                        "token %s%s\n",
             st.start_url, st.role_name, st.account_id, access, st.refresh_token ? "stored" : "missing",
             usable ? "" : " - ended: " SSO_LOGIN_HINT);
}

/* The credential source Cline's AWS profile names. */
static void add_source(cc_ctx *ctx, const credsource *src)
{
    char spec[300];
    credsource_format(src, spec, sizeof spec);
    cJSON *j = cJSON_AddObjectToObject(ctx->result, "credential_source");
    cJSON_AddStringToObject(j, "spec", spec);
    out_text(&ctx->out, "Credential source for Cline: %s\n", spec);
    if (src->kind == CREDSOURCE_SSO)
        add_sso_state(ctx, j, src->name);
}

static void add_requests(cc_ctx *ctx, const cc_config *cfg)
{
    char *dir = cfg_request_dir(cfg);
    cJSON *arr = cJSON_AddArrayToObject(ctx->result, "requests");
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d) {
        free(dir);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0) {
            char path[8192];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            cJSON_AddItemToArray(arr, cJSON_CreateString(path));
            out_text(&ctx->out, "Request filed: %s\n", path);
        }
    }
    closedir(d);
    free(dir);
}

static void add_stale_temps(cc_ctx *ctx, const cline_locations *loc, const char *aws_config)
{
    cJSON *arr = cJSON_AddArrayToObject(ctx->result, "stale_temp_files");
    const char *files[] = {loc->global_state, loc->providers, aws_config};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (!files[i])
            continue;
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", files[i]);
        char *slash = strrchr(dir, '/');
        if (!slash)
            continue;
        *slash = '\0';
        char **paths = NULL;
        size_t n = 0;
        if (safefile_find_stale_temps(dir, slash + 1, &paths, &n, NULL) == 0) {
            for (size_t k = 0; k < n; k++) {
                cJSON_AddItemToArray(arr, cJSON_CreateString(paths[k]));
                out_warn(&ctx->out, "leftover temp file from an interrupted write: %s (safe to delete)", paths[k]);
            }
            safefile_free_paths(paths, n);
        }
    }
}

static void add_backups(cc_ctx *ctx)
{
    backup_run *runs = NULL;
    size_t n = 0;
    cJSON *j = cJSON_AddObjectToObject(ctx->result, "backups");
    if (backup_list(&runs, &n, NULL) != 0)
        n = 0;
    cJSON_AddNumberToObject(j, "runs", (double)n);
    if (n) {
        cJSON_AddStringToObject(j, "latest", runs[n - 1].id);
        out_text(&ctx->out, "Backups: %zu run(s), latest %s ('clinecfg restore --list')\n", n, runs[n - 1].id);
    }
    backup_runs_free(runs, n);
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    cc_config cfg;
    int rc = cfg_load(&cfg, ctx, err);
    if (rc) {
        cfg_free(&cfg);
        return rc;
    }
    add_config(ctx, &cfg);

    setupstate st;
    setupstate_init(&st);
    setupstate_load(&st);
    cJSON *prof = cJSON_AddObjectToObject(ctx->result, "profile");
    if (st.profile_arn) {
        cJSON_AddStringToObject(prof, "arn", st.profile_arn);
        cJSON_AddStringToObject(prof, "name", st.name ? st.name : "");
        cJSON_AddStringToObject(prof, "region", st.region ? st.region : "");
        cJSON_AddStringToObject(prof, "model", st.model ? st.model : "");
        out_text(&ctx->out, "Profile: %s (%s) from the last setup\n", st.name ? st.name : "?", st.profile_arn);
    } else {
        out_text(&ctx->out, "Profile: none recorded yet (run 'clinecfg setup')\n");
    }
    setupstate_free(&st);

    credsource src;
    bool have_src = credsource_of_cline(cfg_str(&cfg, CFG_AWS_PROFILE_NAME), &src);
    if (have_src)
        add_source(ctx, &src);
    if (!have_src || src.kind == CREDSOURCE_KEYRING)
        add_keyring(ctx, cli_value(a, STATUS_OPT_ACCOUNT) || !have_src ? keyring_account_name(cli_value(a, STATUS_OPT_ACCOUNT))
                                                                        : src.name);

    cline_locations loc;
    memset(&loc, 0, sizeof loc);
    char *aws_config = NULL, *aws_creds = NULL;
    cline_inspection ins;
    memset(&ins, 0, sizeof ins);
    rc = cline_locate(editors_process_env, NULL, &loc, err);
    if (!rc)
        rc = awsfiles_locate(editors_process_env, NULL, &aws_config, &aws_creds, err);
    if (!rc) {
        cline_targets_env tenv = {.loc = &loc, .aws_config = aws_config, .aws_credentials = aws_creds};
        rc = cline_inspect(&tenv, &ins, err);
    }
    if (!rc) {
        cJSON *cl = cline_inspection_json(&ins);
        cJSON_AddStringToObject(cl, "data_dir", loc.data_dir);
        cJSON_AddStringToObject(cl, "global_state_path", loc.global_state);
        cJSON_AddStringToObject(cl, "providers_path", loc.providers);
        cJSON_AddStringToObject(cl, "aws_config_path", aws_config);
        cJSON_AddItemToObject(ctx->result, "cline", cl);
        out_text(&ctx->out, "Cline extension (%s): %s\n", loc.global_state,
                 !ins.gs_exists ? "not configured" : ins.gs_error[0] ? ins.gs_error :
                 ins.act.model_id ? ins.act.model_id : "no Bedrock model");
        out_text(&ctx->out, "Cline CLI (%s): %s\n", loc.providers,
                 !ins.pv_exists ? "not configured" : ins.pv_error[0] ? ins.pv_error :
                 ins.pv_model ? ins.pv_model : "no Bedrock entry");
        /* Another program's arguments may carry tokens: awsconfig_describe_process shows its name only. */
        char *process = ins.aws_credential_process ? awsconfig_describe_process(ins.aws_credential_process) : NULL;
        out_text(&ctx->out, "AWS profile for Cline: %s\n",
                 ins.aws_profile_exists ? (process ? process : "(no credential_process)") : "not found");
        free(process);
        for (size_t i = 0; i < ins.nproblems; i++)
            out_warn(&ctx->out, "%s", ins.problems[i]);
        add_stale_temps(ctx, &loc, aws_config);
    }
    add_requests(ctx, &cfg);
    add_backups(ctx);
    cline_inspection_free(&ins);
    cline_locations_free(&loc);
    free(aws_config);
    free(aws_creds);
    cfg_free(&cfg);
    return rc;
}

const cli_command cmd_status = {
    .name = "status",
    .summary = "show what is configured, offline, from files and keyring",
    .description = "Makes no network call. Shows the merged config with the layer each value came from, the\n"
                   "keyring items (key ids masked, never secrets), what Cline's files point at and whether\n"
                   "they agree, pending requests, backups and leftover temp files.",
    .opts = CLI_OPTS(status_opts),
    .run = run,
};

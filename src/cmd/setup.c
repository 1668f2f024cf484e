/* setup.c - 'clinecfg setup': find or create your tagged Bedrock inference
 * profile and point Cline at it.  The flow lives in onboard.c and the file
 * targets in targets/cline.c; this file wires config, credentials, the
 * provisioning request, --wait, the remembered state and the summary.  On a
 * terminal it asks for what is missing (team, base model from the region's
 * system profiles) and offers to remember the answers; a base model that the
 * region does not know is named as such before any conflict is reported. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/aws_advice.h"
#include "clinecfg/arn.h"
#include "clinecfg/awsconfig.h"
#include "clinecfg/awsfiles.h"
#include "clinecfg/backup.h"
#include "clinecfg/cline.h"
#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/keyring.h"
#include "clinecfg/model_catalog.h"
#include "clinecfg/onboard.h"
#include "clinecfg/paths.h"
#include "clinecfg/safefile.h"
#include "clinecfg/session.h"
#include "clinecfg/setupsource.h"
#include "clinecfg/setupstate.h"

enum {
    SETUP_OPT_TEAM,
    SETUP_OPT_MEMBER,
    SETUP_OPT_MODEL,
    SETUP_OPT_REGION,
    SETUP_OPT_AWS_PROFILE,
    SETUP_OPT_PROFILE_NAME,
    SETUP_OPT_TARGETS,
    SETUP_OPT_WAIT,
    SETUP_OPT_FORCE,
    SETUP_OPT_FIX_TAGS,
    SETUP_OPT_ACCOUNT,
    SETUP_OPT_MODE,
    SETUP_OPT_STORE_ENV_KEYS,
    SETUP_OPT_COUNT
};

static const cli_opt setup_opts[SETUP_OPT_COUNT] = {
    [SETUP_OPT_TEAM] = {"team", 0, OPT_VALUE, "T", "team tag value (config: team)"},
    [SETUP_OPT_MEMBER] = {"member", 0, OPT_VALUE, "M", "member name (default: from your AWS identity)"},
    [SETUP_OPT_MODEL] = {"model", 0, OPT_VALUE, "ID",
                         "base model: system profile id (apac.anthropic...) or foundation-model id"},
    [SETUP_OPT_REGION] = {"region", 0, OPT_VALUE, "R", "AWS region for Bedrock"},
    [SETUP_OPT_AWS_PROFILE] = {"aws-profile", 0, OPT_VALUE, "P",
                               "use AWS profile P (like AWS_PROFILE) for the calls and as Cline's credential source"},
    [SETUP_OPT_PROFILE_NAME] = {"profile-name", 0, OPT_VALUE, "NAME",
                                "inference profile name (default: from the name template)"},
    [SETUP_OPT_TARGETS] = {"targets", 0, OPT_VALUE, "LIST",
                           "comma-separated: cline-extension,cline-cli,aws-config (default: all)"},
    [SETUP_OPT_WAIT] = {"wait", 0, OPT_OPTIONAL_VALUE, "SECONDS",
                        "after filing a request, wait for the profile (default 900 s)"},
    [SETUP_OPT_FORCE] = {"force", 0, OPT_FLAG, NULL, "write Cline files even while Cline is running"},
    [SETUP_OPT_FIX_TAGS] = {"fix-tags", 0, OPT_FLAG, NULL, "retag a same-named profile whose model matches"},
    [SETUP_OPT_ACCOUNT] = {"account", 0, OPT_VALUE, "NAME",
                           "keyring account Cline's credential_process uses (default: default)"},
    [SETUP_OPT_MODE] = {"mode", 0, OPT_VALUE, "MODE", "Cline modes to configure: plan, act or both (default both)"},
    [SETUP_OPT_STORE_ENV_KEYS] = {"store-env-keys", 0, OPT_FLAG, NULL,
                                  "store AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the keyring for Cline "
                                  "(also CLINECFG_STORE_ENV_KEYS=1)"},
};

static int parse_wait(const char *v, long *seconds, cc_err *err)
{
    *seconds = 0;
    if (!v)
        return 0;
    if (!*v) {
        *seconds = 900;
        return 0;
    }
    char *end;
    errno = 0;
    long s = strtol(v, &end, 10);
    if (errno || *end || s <= 0 || s > 86400) {
        cc_err_set(err, CC_EUSAGE, "usage", "--wait=%s: give a number of seconds between 1 and 86400", v);
        return CC_EUSAGE;
    }
    *seconds = s;
    return 0;
}

static cJSON *tags_json(const onboard_result *r)
{
    cJSON *t = cJSON_CreateObject();
    for (size_t i = 0; t && i < r->n_tags; i++)
        cJSON_AddStringToObject(t, r->tags[i].key, r->tags[i].value);
    return t;
}

/* Creation was denied: file the request, tell the user what happens next. */
static int file_request(cc_ctx *ctx, const cc_config *cfg, awsclient *c, onboard_result *r, cc_err *err)
{
    cJSON *req = onboard_request_json(r, awsclient_region(c));
    char *dir = cfg_request_dir(cfg);
    char *path = NULL;
    int rc = !req ? CC_EINTERNAL : !dir ? paths_error(err) : 0;
    if (!rc)
        rc = onboard_request_set_admin_command(req, dir) ? cc_err_oom(err) : 0;
    if (!rc)
        rc = onboard_write_request(req, dir, &path, err);
    if (!rc) {
        const char *hook = cfg_str(cfg, CFG_REQUEST_WEBHOOK_URL);
        bool posted = false;
        if (hook) {
            cc_err werr;
            cc_err_clear(&werr);
            if (onboard_post_webhook(c, hook, req, &werr) == 0)
                posted = true;
            else
                out_warn(&ctx->out, "could not send the request to %s (%s); send the file instead", hook,
                         werr.message);
        }
        const cJSON *admin = cJSON_GetObjectItemCaseSensitive(req, "admin_command");
        const cJSON *cli = cJSON_GetObjectItemCaseSensitive(req, "aws_cli");
        out_progress(&ctx->out, "Filed a request for profile %s: %s", r->name, path);
        cJSON *jr = cJSON_AddObjectToObject(ctx->result, "request");
        cJSON_AddStringToObject(jr, "path", path);
        cJSON_AddStringToObject(jr, "name", r->name);
        cJSON_AddBoolToObject(jr, "webhook_sent", posted);
        cJSON_AddStringToObject(jr, "admin_command", admin->valuestring);
        cJSON_AddStringToObject(jr, "aws_cli", cli->valuestring);
        out_text(&ctx->out,
                 "You may not create Bedrock inference profiles, so a request was filed:\n  %s\n%s"
                 "An admin can create your profile with:\n  %s\nor:\n  %s\n"
                 "Then run 'clinecfg setup' again (or use --wait to wait for it).\n",
                 path, posted ? "It was also sent to your team's request webhook.\n" : "", admin->valuestring,
                 cli->valuestring);
    }
    free(path);
    free(dir);
    cJSON_Delete(req);
    return rc;
}

static int wait_for_profile(cc_ctx *ctx, awsclient *c, onboard_result *r, long seconds, cc_err *err)
{
    time_t deadline = time(NULL) + seconds;
    long delay_ms = 1000;
    out_progress(&ctx->out, "Waiting up to %lds for an admin to create %s", seconds, r->name);
    for (;;) {
        bool found = false;
        int rc = onboard_poll_once(c, r, &found, err);
        if (rc)
            return rc;
        if (found) {
            out_step_ok(&ctx->out, "profile %s now exists", r->name);
            r->outcome = ONBOARD_FOUND;
            return 0;
        }
        if (time(NULL) + delay_ms / 1000 >= deadline) {
            cc_err_set(err, CC_EPENDING, "request.pending", "profile %s did not appear within %lds", r->name, seconds);
            cc_err_hint(err, "the request is still filed; run 'clinecfg setup' again once an admin has created it");
            return CC_EPENDING;
        }
        onboard_backoff(&delay_ms, 15000);
    }
}

static void add_identity_json(cc_ctx *ctx, const onboard_result *r, const awsclient *c)
{
    cJSON *id = cJSON_AddObjectToObject(ctx->result, "identity");
    cJSON_AddStringToObject(id, "account", r->account);
    cJSON_AddStringToObject(id, "arn", r->caller_arn ? r->caller_arn : "");
    cJSON_AddStringToObject(id, "member", r->member ? r->member : "");
    cJSON_AddStringToObject(id, "member_source", r->member_source ? r->member_source : "");
    cJSON_AddStringToObject(id, "credential_source", awsclient_credential_source(c));
}

static void add_profile_json(cc_ctx *ctx, const onboard_result *r, const char *region)
{
    cJSON *p = cJSON_AddObjectToObject(ctx->result, "profile");
    cJSON_AddStringToObject(p, "name", r->name);
    if (r->arn)
        cJSON_AddStringToObject(p, "arn", r->arn);
    else
        cJSON_AddNullToObject(p, "arn");
    cJSON_AddItemToObject(p, "tags", tags_json(r));
    cJSON_AddStringToObject(p, "base_model", r->base_model_id ? r->base_model_id : "");
    cJSON_AddStringToObject(p, "source", r->copy_from);
    cJSON_AddStringToObject(p, "region", region);
    cJSON_AddBoolToObject(p, "created", r->outcome == ONBOARD_CREATED);
    cJSON_AddBoolToObject(p, "retagged", r->retagged);
    cJSON *regions = cJSON_AddArrayToObject(p, "routes_to_regions");
    for (size_t i = 0; i < r->n_regions; i++)
        cJSON_AddItemToArray(regions, cJSON_CreateString(r->regions[i]));
    cJSON *st = cJSON_AddObjectToObject(ctx->result, "stats");
    cJSON_AddNumberToObject(st, "round_trips", r->round_trips);
    cJSON_AddNumberToObject(st, "list_pages", r->list_pages);
}

/* A runtime endpoint other than AWS's default is named in the summary: it
 * is where Cline will send every request. */
static void print_runtime_endpoint(cc_ctx *ctx, const char *endpoint)
{
    if (endpoint) {
        out_text(&ctx->out, "Endpoint:  %s (Bedrock runtime, written into Cline's files)\n", endpoint);
        cJSON_AddStringToObject(ctx->result, "runtime_endpoint", endpoint);
    }
    const char *generic = getenv("AWS_ENDPOINT_URL");
    if (generic && *generic && (!endpoint || strcmp(generic, endpoint) != 0))
        out_progress(&ctx->out, "AWS_ENDPOINT_URL is not written into Cline's files; to have Cline call another "
                                "Bedrock runtime endpoint set runtime_endpoint or AWS_ENDPOINT_URL_BEDROCK_RUNTIME");
}

static void print_summary(cc_ctx *ctx, const onboard_result *r, const cline_apply_result *ar, const char *region,
                          const char *endpoint)
{
    const char *what = r->outcome == ONBOARD_CREATED ? "created" :
                       r->outcome == ONBOARD_WOULD_CREATE ? "would be created" : "already existed";
    out_text(&ctx->out, "Member:    %s (from %s)\n", r->member, r->member_source);
    out_text(&ctx->out, "Profile:   %s (%s)\n", r->name, what);
    out_text(&ctx->out, "ARN:       %s\n", r->arn ? r->arn : "(known once created)");
    out_text(&ctx->out, "Model:     %s via %s\n", r->base_model_id, r->copy_from);
    out_text(&ctx->out, "Region:    %s; requests may be served in:", region);
    for (size_t i = 0; i < r->n_regions; i++)
        out_text(&ctx->out, " %s", r->regions[i]);
    out_text(&ctx->out, "\nTags:     ");
    for (size_t i = 0; i < r->n_tags; i++)
        out_text(&ctx->out, " %s=%s", r->tags[i].key, r->tags[i].value);
    out_text(&ctx->out, "\n");
    print_runtime_endpoint(ctx, endpoint);
    size_t changed = 0;
    for (size_t i = 0; i < ar->nfiles; i++) {
        const cline_file_result *f = &ar->files[i];
        changed += f->changed;
        out_text(&ctx->out, "File:      %s %s%s%s\n", f->path,
                 ctx->dry_run ? (!f->changed ? "(unchanged)" : f->created ? "(would create)" : "(would change)") :
                 f->created ? "(created)" : f->changed ? "(updated)" : "(unchanged)",
                 f->backup ? ", backup " : "", f->backup ? f->backup : "");
        if (ctx->dry_run && f->diff && f->diff[0])
            out_text(&ctx->out, "%s", f->diff);
    }
    if (!changed && r->outcome == ONBOARD_FOUND && !r->retagged && !ctx->dry_run)
        out_text(&ctx->out, "Everything was already in place; nothing changed.\n");
    if (ar->reload_needed)
        out_text(&ctx->out, "Cline is running: reload the editor window (or restart the cline CLI) to pick this up.\n");
}

/* Everything one setup run holds; freed by job_free whatever step it reached. */
typedef struct setup_job {
    cc_ctx *ctx;
    const cli_args *a;
    cc_config cfg;
    unsigned targets, modes;
    long wait_s;
    const char *aws_profile; /* --aws-profile: used for the calls and by Cline */
    const char *account;     /* keyring account of Cline's credential_process */
    setup_source source;     /* what Cline's credential_process serves */
    bool interactive;
    bool asked_team, asked_model; /* answered at a prompt: offered to be remembered */
    session s;
    model_catalog models;         /* the region's system profiles, listed when needed */
    const char *region;
    setupstate st;
    onboard_spec spec;
    onboard_result r;
    cline_locations loc;
    char *aws_config, *aws_creds;
    safefile_run *run_files;
    cline_apply_result ar;
} setup_job;

static void job_free(setup_job *j)
{
    setupstate_free(&j->st);
    safefile_run_free(j->run_files);
    cline_apply_result_free(&j->ar);
    cline_locations_free(&j->loc);
    free(j->aws_config);
    free(j->aws_creds);
    onboard_result_free(&j->r);
    model_catalog_free(&j->models);
    session_close(&j->s);
    cfg_free(&j->cfg);
}

/* The config with --team/--model/--region on top, and the other flags. */
static int load_settings(setup_job *j, cc_err *err)
{
    const cli_args *a = j->a;
    int rc = cfg_load(&j->cfg, j->ctx, err);
    static const struct {
        int opt;
        cfg_key key;
    } flag_keys[] = {{SETUP_OPT_TEAM, CFG_TEAM}, {SETUP_OPT_MODEL, CFG_MODEL}, {SETUP_OPT_REGION, CFG_REGION}};
    for (size_t i = 0; !rc && i < sizeof flag_keys / sizeof flag_keys[0]; i++) {
        const char *v = cli_value(a, flag_keys[i].opt);
        char flag[32];
        snprintf(flag, sizeof flag, "--%s", setup_opts[flag_keys[i].opt].name);
        if (v)
            rc = cfg_set_flag(&j->cfg, flag_keys[i].key, flag, v, err);
    }
    j->targets = CLINE_TARGET_ALL;
    j->modes = CLINE_MODE_BOTH;
    const char *tv = cli_value(a, SETUP_OPT_TARGETS);
    const char *mv = cli_value(a, SETUP_OPT_MODE);
    if (!rc && tv)
        rc = cline_targets_parse(tv, &j->targets, err);
    if (!rc && mv)
        rc = cline_modes_parse(mv, &j->modes, err);
    if (!rc)
        rc = parse_wait(cli_value(a, SETUP_OPT_WAIT), &j->wait_s, err);
    j->aws_profile = cli_value(a, SETUP_OPT_AWS_PROFILE);
    j->account = keyring_account_name(cli_value(a, SETUP_OPT_ACCOUNT));
    if (!rc)
        rc = keyring_check_account(j->account, err);
    if (rc)
        return rc;
    if (!cfg_str(&j->cfg, CFG_MODEL) && !j->interactive) {
        cc_err_set(err, CC_EINPUT, "config.model", "no base model is configured");
        cc_err_hint(err, "pass --model ID (e.g. apac.anthropic.claude-sonnet-4-5-20250929-v1:0) or run: "
                         "clinecfg config set model ID");
        return CC_EINPUT;
    }
    return 0;
}

/* ---- a base model the region does not know ------------------------------------ */

/* Outcomes that do not prove the model exists: a conflict or an AWS
 * refusal of it, or a profile still to be created or requested. */
static bool model_unproven(const setup_job *j, int rc, const cc_err *err)
{
    if (rc == CC_ECONFLICT || (rc == CC_EINPUT && strncmp(err->code, "aws:", 4) == 0))
        return true;
    return rc == 0 && (j->r.outcome == ONBOARD_WOULD_CREATE || j->r.outcome == ONBOARD_DENIED);
}

/* A same-named profile copied from a system profile that routes to the
 * foundation model given: the same model, so run the flow with that
 * system profile as the source. */
static int retry_with_routing_profile(setup_job *j, cc_err *err)
{
    const char *ids[4];
    const char *model = cfg_str(&j->cfg, CFG_MODEL);
    size_t n = model_catalog_routing_to(&j->models, model, ids, 4);
    cc_err first = *err;
    for (size_t i = 0; i < n; i++) {
        onboard_spec spec = j->spec;
        spec.model = ids[i];
        spec.no_create = true;
        onboard_result r;
        cc_err e;
        cc_err_clear(&e);
        int rc = onboard_run(j->s.aws, &spec, &j->ctx->out, &r, &e);
        if (rc == 0 && r.outcome == ONBOARD_FOUND) {
            out_trace(&j->ctx->out, "%s routes to %s: the existing profile copies the same model", ids[i], model);
            onboard_result_free(&j->r);
            j->r = r;
            cc_err_clear(err);
            return 0;
        }
        onboard_result_free(&r);
        if (rc == CC_ECONFLICT && !strstr(e.message, "copies another model")) {
            *err = e; /* the same model after all; only the tags differ */
            return rc;
        }
    }
    *err = first;
    return CC_ECONFLICT;
}

static int check_model(setup_job *j, int rc, cc_err *err)
{
    if (!j->s.aws || !model_unproven(j, rc, err))
        return rc;
    cc_err lerr;
    cc_err_clear(&lerr);
    bool known = true;
    const char *model = cfg_str(&j->cfg, CFG_MODEL);
    if (model_catalog_load(j->s.aws, &j->models, &lerr) ||
        model_catalog_knows(j->s.aws, &j->models, model, &known, &lerr))
        return rc; /* cannot list: the original answer stands */
    if (!known) {
        out_trace(&j->ctx->out, "base model %s is not listed in %s", model, j->region);
        return model_catalog_unknown(&j->models, model, j->region, err);
    }
    if (rc == CC_ECONFLICT && !arn_is_system_profile_id(model) && strstr(err->message, "copies another model"))
        return retry_with_routing_profile(j, err);
    return rc;
}

/* CLINECFG_STORE_ENV_KEYS=1: --store-env-keys for onboarding scripts. */
static bool store_env_keys_env(void)
{
    const char *v = getenv("CLINECFG_STORE_ENV_KEYS");
    return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"));
}

static int open_session(setup_job *j, cc_err *err)
{
    if (j->s.aws)
        return 0;
    cc_ctx *ctx = j->ctx;
    const cc_config *cfg = &j->cfg;
    out_progress(&ctx->out, "Resolving AWS credentials");
    session_opts so = {.aws_profile = j->aws_profile, .region = cfg_str(cfg, CFG_REGION), .account = j->account};
    int rc = session_open(&j->s, ctx, &so, err);
    if (rc)
        return rc;
    awsclient *c = j->s.aws;
    j->region = awsclient_region(c);
    const cfg_setting *rs = &cfg->s[CFG_REGION];
    out_step_ok(&ctx->out, "credentials from %s, region %s (%s%s%s)", awsclient_credential_source(c), j->region,
                rs->value ? rs->source : awsclient_region_source(c), rs->value && rs->origin ? " " : "",
                rs->value && rs->origin ? rs->origin : "");
    /* Before anything is created or written: a source Cline can use. */
    setup_source_opts sso = {.account = j->account,
                             .own_profile = cfg_str(cfg, CFG_AWS_PROFILE_NAME),
                             .store_env_keys = cli_count(j->a, SETUP_OPT_STORE_ENV_KEYS) > 0 || store_env_keys_env(),
                             .dry_run = ctx->dry_run,
                             .no_prompt = ctx->yes,
                             .out = &ctx->out};
    if ((rc = setup_source_choose(c, &sso, &j->source, err)))
        return rc;
    cJSON_AddStringToObject(ctx->result, "credential_source", j->source.spec);
    setupstate_load(&j->st);
    return 0;
}

/* Credentials, then the profile: found, created, or (interactive) created
 * once the plan is confirmed. */
static int find_profile(setup_job *j, cc_err *err)
{
    cc_ctx *ctx = j->ctx;
    const cc_config *cfg = &j->cfg;
    int rc = open_session(j, err);
    if (rc)
        return rc;
    awsclient *c = j->s.aws;

    j->spec = (onboard_spec){
        .team = cfg_str(cfg, CFG_TEAM),
        .member = cli_value(j->a, SETUP_OPT_MEMBER),
        .member_rule = cfg_str(cfg, CFG_MEMBER_RULE),
        .profile_name = cli_value(j->a, SETUP_OPT_PROFILE_NAME),
        .name_template = cfg_str(cfg, CFG_NAME_TEMPLATE),
        .model = cfg_str(cfg, CFG_MODEL),
        .tag_key_team = cfg_str(cfg, CFG_TAG_KEY_TEAM),
        .tag_key_member = cfg_str(cfg, CFG_TAG_KEY_MEMBER),
        .extra_tags = cfg_json(cfg, CFG_EXTRA_TAGS),
        .allowed_regions = cfg_json(cfg, CFG_ALLOWED_REGIONS),
        .fix_tags = cli_count(j->a, SETUP_OPT_FIX_TAGS) > 0,
        .no_create = ctx->dry_run || j->interactive,
        .cached_arn = setupstate_matches(&j->st, j->region, cfg_str(cfg, CFG_MODEL)) ? j->st.profile_arn : NULL,
        .cached_caller = j->st.caller_arn,
    };
    out_progress(&ctx->out, "Looking for your inference profile");
    onboard_result *r = &j->r;
    rc = check_model(j, onboard_run(c, &j->spec, &ctx->out, r, err), err);
    if (r->caller_arn)
        add_identity_json(ctx, r, c);
    if (rc || !j->interactive || r->outcome != ONBOARD_WOULD_CREATE)
        return rc;
    out_text(&ctx->out, "Plan: create inference profile %s in %s from %s with tags", r->name, j->region, r->copy_from);
    for (size_t i = 0; i < r->n_tags; i++)
        out_text(&ctx->out, " %s=%s", r->tags[i].key, r->tags[i].value);
    out_text(&ctx->out, "\n");
    if (!cli_confirm(ctx, true, "Create it?"))
        return out_cancelled(err, "setup cancelled; nothing was created or changed");
    j->spec.no_create = false;
    return onboard_create(c, &j->spec, r, j->region, &ctx->out, err);
}

/* Creation denied: file the request, then wait for it or stop with exit 3. */
static int handle_denied(setup_job *j, cc_err *err)
{
    onboard_result *r = &j->r;
    int rc = file_request(j->ctx, &j->cfg, j->s.aws, r, err);
    if (rc)
        return rc;
    if (!j->wait_s) {
        add_profile_json(j->ctx, r, j->region);
        rc = cc_err_set(err, CC_EPENDING, "request.pending",
                        "profile %s does not exist yet; a request was filed for an admin", r->name);
        cc_err_hint(err, "run 'clinecfg setup' again once it is created, or use --wait");
        return rc;
    }
    return wait_for_profile(j->ctx, j->s.aws, r, j->wait_s, err);
}

/* Bedrock runtime endpoint for Cline: config, then the runtime-specific
 * variable.  Never the generic AWS_ENDPOINT_URL: it is often set for a
 * local emulator in one project's shell and would send every later Cline
 * request (signed, with session credentials) there. */
static const char *runtime_endpoint(const cc_config *cfg)
{
    const char *endpoint = cfg_str(cfg, CFG_RUNTIME_ENDPOINT);
    if (!endpoint)
        endpoint = getenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME");
    return endpoint && *endpoint ? endpoint : NULL;
}

/* Finds Cline's and the AWS files and fills in what goes into them.  `arn`
 * is the profile's, or a placeholder while it does not exist (dry run). */
static int plan_files(setup_job *j, const char *arn, cline_plan *plan, cline_targets_env *tenv, cc_err *err)
{
    int rc = cline_locate(editors_process_env, NULL, &j->loc, err);
    if (!rc)
        rc = awsfiles_locate(editors_process_env, NULL, &j->aws_config, &j->aws_creds, err);
    if (!rc)
        rc = safefile_run_new(j->ctx, "setup", &j->run_files, err);
    if (rc)
        return rc;
    *plan = (cline_plan){
        .profile_arn = arn,
        .base_model_id = j->r.base_model_id,
        .region = j->region,
        .aws_profile = cfg_str(&j->cfg, CFG_AWS_PROFILE_NAME),
        .own_aws_profile = true, /* one profile name for Cline, whatever the source */
        .exe = j->ctx->self_path,
        .account = j->source.plan_arg,
        .endpoint = runtime_endpoint(&j->cfg),
        .modes = j->modes,
        .prompt_cache = onboard_model_supports_prompt_cache(j->r.base_model_id),
        .targets = j->targets,
        .force = cli_count(j->a, SETUP_OPT_FORCE) > 0,
    };
    *tenv = (cline_targets_env){.loc = &j->loc, .aws_config = j->aws_config, .aws_credentials = j->aws_creds};
    return 0;
}

/* Interactive: a dry run of the writes, listed, then one question. */
static int confirm_writes(setup_job *j, const cline_plan *plan, const cline_targets_env *tenv, cc_err *err)
{
    cc_ctx *ctx = j->ctx;
    cc_ctx preview = *ctx;
    preview.dry_run = true;
    safefile_run *prun = NULL;
    cline_apply_result pres;
    memset(&pres, 0, sizeof pres);
    int rc = safefile_run_new(&preview, "setup-preview", &prun, err);
    if (!rc)
        rc = cline_apply(&preview, prun, plan, tenv, &pres, err);
    size_t changes = 0;
    for (size_t i = 0; !rc && i < pres.nfiles; i++) {
        if (!pres.files[i].changed)
            continue;
        changes++;
        out_text(&ctx->out, "Plan: %s %s\n", pres.files[i].created ? "create" : "update", pres.files[i].path);
        if (ctx->out.verbose && pres.files[i].diff)
            out_text(&ctx->out, "%s", pres.files[i].diff);
    }
    cline_apply_result_free(&pres);
    safefile_run_free(prun);
    if (rc)
        return rc;
    if (changes && !cli_confirm(ctx, true, "Write these %zu file(s)? (backups are kept; -v shows the diffs)", changes))
        return out_cancelled(err, "setup cancelled; no file was changed");
    return 0;
}

/* Backups of old runs are pruned to the config's backups.keep. */
static void prune_backups(setup_job *j)
{
    long keep = cfg_int(&j->cfg, CFG_BACKUPS_KEEP);
    size_t removed = 0;
    cc_err e;
    cc_err_clear(&e);
    if (j->ctx->dry_run || keep <= 0 || !safefile_run_backup_dir(j->run_files))
        return;
    if (backup_prune((size_t)keep, safefile_run_id(j->run_files), &removed, &e))
        out_warn(&j->ctx->out, "could not prune old backups: %s", e.message);
    else if (removed)
        out_trace(&j->ctx->out, "removed %zu old backup run(s) (backups.keep = %ld)", removed, keep);
}

/* Runs the credential_process line just written, as Cline will. */
static int prove_source(setup_job *j, const cline_plan *plan, cc_err *err)
{
    char *cmd = NULL;
    int rc = awsconfig_credential_process(plan->exe, plan->account, &cmd, err);
    if (!rc)
        rc = setup_source_run_process(cmd, &j->source, &j->ctx->out, err);
    free(cmd);
    return rc;
}

/* Points Cline at the profile, remembers it, prints the summary. */
static int configure_cline(setup_job *j, cc_err *err)
{
    cc_ctx *ctx = j->ctx;
    const onboard_result *r = &j->r;
    char placeholder[256];
    const char *arn = r->arn;
    if (!arn) {
        snprintf(placeholder, sizeof placeholder, "arn:%s:bedrock:%s:%s:application-inference-profile/tobecreated",
                 strncmp(j->region, "cn-", 3) == 0 ? "aws-cn" : "aws", j->region, r->account);
        arn = placeholder;
    }
    cline_plan plan;
    cline_targets_env tenv;
    int rc = plan_files(j, arn, &plan, &tenv, err);
    if (!rc && j->interactive)
        rc = confirm_writes(j, &plan, &tenv, err);
    if (rc)
        return rc;
    out_progress(&ctx->out, "%s Cline's files", ctx->dry_run ? "Planning changes to" : "Writing");
    rc = cline_apply(ctx, j->run_files, &plan, &tenv, &j->ar, err);
    cJSON *files = cline_apply_result_files_json(&j->ar, ctx->dry_run);
    if (files)
        cJSON_AddItemToObject(ctx->result, "files", files);
    if (rc)
        return rc;
    if (!ctx->dry_run && ((plan.targets ? plan.targets : CLINE_TARGET_ALL) & CLINE_TARGET_AWS_CONFIG) && (rc = prove_source(j, &plan, err)))
        return rc;
    if (!ctx->dry_run && r->arn) {
        cc_err serr;
        cc_err_clear(&serr);
        if (setupstate_save(j->region, cfg_str(&j->cfg, CFG_MODEL), r->arn, r->caller_arn, r->name, &serr))
            out_warn(&ctx->out, "could not remember the profile for next time: %s", serr.message);
    }
    print_summary(ctx, r, &j->ar, j->region, plan.endpoint);
    prune_backups(j);
    return 0;
}

/* ---- on a terminal: ask for what is missing ----------------------------------- */

static bool needs_team(const setup_job *j)
{
    const char *tmpl = cfg_str(&j->cfg, CFG_NAME_TEMPLATE);
    return !cfg_str(&j->cfg, CFG_TEAM) && !cli_value(j->a, SETUP_OPT_PROFILE_NAME) &&
           strstr(tmpl ? tmpl : "{team}", "{team}") != NULL;
}

/* The user chose the model (flag, environment, their own or a --config
 * file); an org default is only preselected in the list. */
static bool model_chosen(const setup_job *j)
{
    const cfg_setting *m = &j->cfg.s[CFG_MODEL];
    return m->value && strcmp(m->source, "org") != 0 && strcmp(m->source, "default") != 0;
}

static int ask_team(setup_job *j, cc_err *err)
{
    const char *tag = cfg_str(&j->cfg, CFG_TAG_KEY_TEAM);
    char team[128];
    for (;;) {
        if (!cli_ask(j->ctx, NULL, team, sizeof team, "Team (your profile's %s tag and name)", tag ? tag : "team"))
            return out_cancelled(err, "setup cancelled; nothing was changed");
        if (team[0])
            break;
        out_warn(&j->ctx->out, "a team is needed: the profile name template contains {team}");
    }
    j->asked_team = true;
    return cfg_set_flag(&j->cfg, CFG_TEAM, "(answered)", team, err);
}

/* Reads "3" or an id from the list; NULL when the answer is neither. */
static const char *pick_model(const model_catalog *cat, const char *answer)
{
    char *end;
    unsigned long k = strtoul(answer, &end, 10);
    if (answer[0] >= '1' && answer[0] <= '9' && !*end && k <= model_catalog_count(cat))
        return model_catalog_at(cat, k - 1)->id;
    const bedrock_inference_profile *p = model_catalog_find(cat, answer);
    return p ? p->id : NULL;
}

static int ask_model(setup_job *j, cc_err *err)
{
    int rc = model_catalog_load(j->s.aws, &j->models, err);
    if (rc)
        return rc;
    size_t n = model_catalog_count(&j->models), preselected = 0;
    if (!n) {
        cc_err_set(err, CC_EINPUT, "model.none", "Bedrock lists no system inference profiles in %s", j->region);
        cc_err_hint(err, "pass --model with a foundation-model id of %s, or pick another --region", j->region);
        return CC_EINPUT;
    }
    const char *org_default = cfg_str(&j->cfg, CFG_MODEL);
    fprintf(stderr, "Base models in %s (system inference profiles):\n", j->region);
    for (size_t i = 0; i < n; i++) {
        const char *id = model_catalog_at(&j->models, i)->id;
        bool is_default = org_default && id && strcmp(id, org_default) == 0;
        if (is_default)
            preselected = i;
        fprintf(stderr, "  %3zu) %s%s\n", i + 1, id ? id : "", is_default ? "  (your organisation's default)" : "");
    }
    char def[24], answer[512];
    snprintf(def, sizeof def, "%zu", preselected + 1);
    const char *id;
    for (;;) {
        if (!cli_ask(j->ctx, def, answer, sizeof answer, "Base model (number or id)"))
            return out_cancelled(err, "setup cancelled; nothing was changed");
        if ((id = pick_model(&j->models, answer)))
            break;
        out_warn(&j->ctx->out, "'%s' is not in the list: give its number (1-%zu) or its id", answer, n);
    }
    j->asked_model = true;
    return cfg_set_flag(&j->cfg, CFG_MODEL, "(answered)", id, err);
}

/* The answers go into the user config through the safe edit 'config set' uses. */
static int offer_to_remember(setup_job *j, cc_err *err)
{
    if (!j->asked_team && !j->asked_model)
        return 0;
    char *path = cfg_user_path();
    int yes = cli_yes_no(j->ctx, true, "Remember %s%s%s%s%s in %s for next time?", j->asked_team ? "team '" : "",
                         j->asked_team ? cfg_str(&j->cfg, CFG_TEAM) : "", j->asked_team ? "'" : "",
                         j->asked_team && j->asked_model ? " and base model " : j->asked_model ? "base model " : "",
                         j->asked_model ? cfg_str(&j->cfg, CFG_MODEL) : "", path ? path : "your config");
    free(path);
    if (yes < 0)
        return out_cancelled(err, "setup cancelled; nothing was changed");
    cc_err werr;
    cc_err_clear(&werr);
    int rc = 0;
    if (yes && j->asked_team)
        rc = config_set_user_string(j->ctx, "team", cfg_str(&j->cfg, CFG_TEAM), &werr);
    if (yes && !rc && j->asked_model)
        rc = config_set_user_string(j->ctx, "model", cfg_str(&j->cfg, CFG_MODEL), &werr);
    if (rc) /* the answers still hold for this run */
        out_warn(&j->ctx->out, "could not remember the answers: %s", werr.message);
    return 0;
}

static int ask_what_is_missing(setup_job *j, cc_err *err)
{
    int rc = needs_team(j) ? ask_team(j, err) : 0;
    if (!rc && !model_chosen(j) && !(rc = open_session(j, err)))
        rc = ask_model(j, err);
    if (!rc)
        rc = offer_to_remember(j, err);
    if (!rc && !cli_confirm(j->ctx, true, "Set up Cline on Bedrock for team '%s' with base model %s?",
                            cfg_str(&j->cfg, CFG_TEAM) ? cfg_str(&j->cfg, CFG_TEAM) : "(none)",
                            cfg_str(&j->cfg, CFG_MODEL)))
        rc = out_cancelled(err, "setup cancelled; nothing was changed");
    return rc;
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    setup_job j;
    memset(&j, 0, sizeof j);
    j.ctx = ctx;
    j.a = a;
    setupstate_init(&j.st);
    j.interactive = cli_interactive(ctx) && !ctx->dry_run;
    int rc = load_settings(&j, err);
    if (!rc && j.interactive)
        rc = ask_what_is_missing(&j, err);
    if (!rc) {
        rc = find_profile(&j, err);
        if (rc && aws_advice_unknown_region(err, j.region ? j.region : cfg_str(&j.cfg, CFG_REGION)))
            rc = err->status;
    }
    if (!rc && j.r.outcome == ONBOARD_DENIED)
        rc = handle_denied(&j, err);
    if (!rc) {
        add_profile_json(ctx, &j.r, j.region);
        if (j.r.outcome == ONBOARD_CREATED)
            out_step_ok(&ctx->out, "created %s", j.r.arn);
        else if (j.r.outcome == ONBOARD_FOUND)
            out_step_ok(&ctx->out, "found %s%s", j.r.arn, j.r.retagged ? " (retagged)" : "");
        else
            out_step_ok(&ctx->out, "profile %s would be created (dry run)", j.r.name);
        rc = configure_cline(&j, err);
    }
    job_free(&j);
    return rc;
}

const cli_command cmd_setup = {
    .name = "setup",
    .summary = "find or create your tagged Bedrock inference profile and point Cline at it",
    .description =
        "Resolves who you are (STS), finds your application inference profile by name and tags or creates it\n"
        "from the base model (or, without permission, files a request for an admin and exits 3), then writes\n"
        "Cline's globalState.json and providers.json and an AWS profile whose credential_process serves the\n"
        "credentials setup itself used: the keyring account, the SSO sign-in of `clinecfg login --sso`, or the\n"
        "AWS profile named by --aws-profile / AWS_PROFILE (keys only in the environment: run `clinecfg login\n"
        "--from-env` first, or pass --store-env-keys; otherwise setup exits 7 before writing anything). Before\n"
        "it reports success it runs that credential_process as Cline will. Running it again changes nothing.\n"
        "--dry-run shows the diffs only.",
    .opts = CLI_OPTS(setup_opts),
    .run = run,
};

/* setup.c - 'clinecfg setup': find or create your tagged Bedrock inference
 * profile and point Cline at it.  The flow lives in onboard.c and the file
 * targets in targets/cline.c; this file wires config, credentials, the
 * provisioning request, --wait, the remembered state and the summary. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/awsfiles.h"
#include "clinecfg/cline.h"
#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/keyring.h"
#include "clinecfg/onboard.h"
#include "clinecfg/paths.h"
#include "clinecfg/safefile.h"
#include "clinecfg/session.h"
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
    SETUP_OPT_COUNT
};

static const cli_opt setup_opts[SETUP_OPT_COUNT] = {
    [SETUP_OPT_TEAM] = {"team", 0, OPT_VALUE, "T", "team tag value (config: team)"},
    [SETUP_OPT_MEMBER] = {"member", 0, OPT_VALUE, "M", "member name (default: from your AWS identity)"},
    [SETUP_OPT_MODEL] = {"model", 0, OPT_VALUE, "ID",
                         "base model: system profile id (apac.anthropic...) or foundation-model id"},
    [SETUP_OPT_REGION] = {"region", 0, OPT_VALUE, "R", "AWS region for Bedrock"},
    [SETUP_OPT_AWS_PROFILE] = {"aws-profile", 0, OPT_VALUE, "P",
                               "use AWS profile P for the calls, and point Cline at it"},
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

static void print_summary(cc_ctx *ctx, const onboard_result *r, const cline_apply_result *ar, const char *region)
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
    size_t changed = 0;
    for (size_t i = 0; i < ar->nfiles; i++) {
        const cline_file_result *f = &ar->files[i];
        changed += f->changed;
        out_text(&ctx->out, "File:      %s %s%s%s\n", f->path,
                 ctx->dry_run ? (f->changed ? "(would change)" : "(unchanged)") :
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
    bool interactive;
    session s;
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
    if (!cfg_str(&j->cfg, CFG_MODEL)) {
        cc_err_set(err, CC_EINPUT, "config.model", "no base model is configured");
        cc_err_hint(err, "pass --model ID (e.g. apac.anthropic.claude-sonnet-4-5-20250929-v1:0) or run: "
                         "clinecfg config set model ID");
        return CC_EINPUT;
    }
    return 0;
}

/* Credentials, then the profile: found, created, or (interactive) created
 * once the plan is confirmed. */
static int find_profile(setup_job *j, cc_err *err)
{
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
    setupstate_load(&j->st);

    j->spec = (onboard_spec){
        .team = cfg_str(cfg, CFG_TEAM),
        .member = cli_value(j->a, SETUP_OPT_MEMBER),
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
    rc = onboard_run(c, &j->spec, &ctx->out, r, err);
    if (r->caller_arn)
        add_identity_json(ctx, r, c);
    if (rc || !j->interactive || r->outcome != ONBOARD_WOULD_CREATE)
        return rc;
    out_text(&ctx->out, "Plan: create inference profile %s in %s from %s with tags", r->name, j->region, r->copy_from);
    for (size_t i = 0; i < r->n_tags; i++)
        out_text(&ctx->out, " %s=%s", r->tags[i].key, r->tags[i].value);
    out_text(&ctx->out, "\n");
    if (!cli_confirm(ctx, true, "Create it?"))
        return cc_err_set(err, CC_EUSAGE, "cancelled", "setup cancelled; nothing was created or changed");
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

/* Bedrock runtime endpoint for Cline: config, then the AWS variables. */
static const char *runtime_endpoint(const cc_config *cfg)
{
    const char *endpoint = cfg_str(cfg, CFG_RUNTIME_ENDPOINT);
    if (!endpoint)
        endpoint = getenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME");
    if (!endpoint || !*endpoint)
        endpoint = getenv("AWS_ENDPOINT_URL");
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
        .aws_profile = j->aws_profile ? j->aws_profile : cfg_str(&j->cfg, CFG_AWS_PROFILE_NAME),
        .own_aws_profile = j->aws_profile == NULL,
        .exe = j->ctx->self_path,
        .account = j->account,
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
        return cc_err_set(err, CC_EUSAGE, "cancelled", "setup cancelled; no file was changed");
    return 0;
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
    if (!ctx->dry_run && r->arn) {
        cc_err serr;
        cc_err_clear(&serr);
        if (setupstate_save(j->region, cfg_str(&j->cfg, CFG_MODEL), r->arn, r->caller_arn, r->name, &serr))
            out_warn(&ctx->out, "could not remember the profile for next time: %s", serr.message);
    }
    print_summary(ctx, r, &j->ar, j->region);
    return 0;
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    setup_job j;
    memset(&j, 0, sizeof j);
    j.ctx = ctx;
    j.a = a;
    setupstate_init(&j.st);
    int rc = load_settings(&j, err);
    j.interactive = !ctx->yes && !ctx->dry_run && isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
    if (!rc && j.interactive &&
        !cli_confirm(ctx, true, "Set up Cline on Bedrock for team '%s' with base model %s?",
                     cfg_str(&j.cfg, CFG_TEAM) ? cfg_str(&j.cfg, CFG_TEAM) : "(none)", cfg_str(&j.cfg, CFG_MODEL)))
        rc = cc_err_set(err, CC_EUSAGE, "cancelled", "setup cancelled; nothing was changed");
    if (!rc)
        rc = find_profile(&j, err);
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
        "Cline's globalState.json and providers.json and an AWS profile whose credential_process reads your\n"
        "keys from the OS keyring. Running it again changes nothing. --dry-run shows the diffs only.",
    .opts = CLI_OPTS(setup_opts),
    .run = run,
};

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
#include "clinecfg/setupstate.h"

static const cli_opt setup_opts[] = {
    {"team", 0, OPT_VALUE, "T", "team tag value (config: team)"},
    {"member", 0, OPT_VALUE, "M", "member name (default: from your AWS identity)"},
    {"model", 0, OPT_VALUE, "ID", "base model: system profile id (apac.anthropic...) or foundation-model id"},
    {"region", 0, OPT_VALUE, "R", "AWS region for Bedrock"},
    {"aws-profile", 0, OPT_VALUE, "P", "use AWS profile P for the calls, and point Cline at it"},
    {"profile-name", 0, OPT_VALUE, "NAME", "inference profile name (default: from the name template)"},
    {"targets", 0, OPT_VALUE, "LIST", "comma-separated: cline-extension,cline-cli,aws-config (default: all)"},
    {"wait", 0, OPT_OPTIONAL_VALUE, "SECONDS", "after filing a request, wait for the profile (default 900 s)"},
    {"force", 0, OPT_FLAG, NULL, "write Cline files even while Cline is running"},
    {"fix-tags", 0, OPT_FLAG, NULL, "retag a same-named profile whose model matches"},
    {"account", 0, OPT_VALUE, "NAME", "keyring account Cline's credential_process uses (default: default)"},
    {"mode", 0, OPT_VALUE, "MODE", "Cline modes to configure: plan, act or both (default both)"},
    {0},
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
    if (!rc) {
        char admin[4300];
        snprintf(admin, sizeof admin, "clinecfg admin provision --request %s/%s.json", dir, r->name);
        cJSON_AddStringToObject(req, "admin_command", admin);
        rc = onboard_write_request(req, dir, &path, err);
    }
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

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    cc_config cfg;
    int rc = cfg_load(&cfg, ctx, err);
    static const struct {
        const char *flag;
        cfg_key key;
    } flag_keys[] = {{"team", CFG_TEAM}, {"model", CFG_MODEL}, {"region", CFG_REGION}};
    for (size_t i = 0; !rc && i < sizeof flag_keys / sizeof flag_keys[0]; i++) {
        const char *v = cli_value(a, setup_opts, flag_keys[i].flag);
        char flag[32];
        snprintf(flag, sizeof flag, "--%s", flag_keys[i].flag);
        if (v)
            rc = cfg_set_flag(&cfg, flag_keys[i].key, flag, v, err);
    }
    unsigned targets = CLINE_TARGET_ALL, modes = CLINE_MODE_BOTH;
    long wait_s = 0;
    const char *tv = cli_value(a, setup_opts, "targets");
    const char *mv = cli_value(a, setup_opts, "mode");
    if (!rc && tv)
        rc = cline_targets_parse(tv, &targets, err);
    if (!rc && mv)
        rc = cline_modes_parse(mv, &modes, err);
    if (!rc)
        rc = parse_wait(cli_value(a, setup_opts, "wait"), &wait_s, err);
    const char *use_aws_profile = cli_value(a, setup_opts, "aws-profile");
    const char *account = keyring_account_name(cli_value(a, setup_opts, "account"));
    if (!rc)
        rc = keyring_check_account(account, err);
    if (rc) {
        cfg_free(&cfg);
        return rc;
    }
    if (!cfg_str(&cfg, CFG_MODEL)) {
        cfg_free(&cfg);
        cc_err_set(err, CC_EINPUT, "config.model", "no base model is configured");
        cc_err_hint(err, "pass --model ID (e.g. apac.anthropic.claude-sonnet-4-5-20250929-v1:0) or run: "
                         "clinecfg config set model ID");
        return CC_EINPUT;
    }
    bool interactive = !ctx->yes && !ctx->dry_run && isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
    if (interactive &&
        !cli_confirm(ctx, true, "Set up Cline on Bedrock for team '%s' with base model %s?",
                     cfg_str(&cfg, CFG_TEAM) ? cfg_str(&cfg, CFG_TEAM) : "(none)", cfg_str(&cfg, CFG_MODEL))) {
        cfg_free(&cfg);
        return cc_err_set(err, CC_EUSAGE, "cancelled", "setup cancelled; nothing was changed");
    }

    keyring_source_opts ks = {.account = account, .no_prompt = ctx->yes, .out = &ctx->out};
    awsclient_opts ao = {
        .profile = use_aws_profile,
        .region = cfg_str(&cfg, CFG_REGION),
        .out = &ctx->out,
        .keyring = keyring_creds_source,
        .keyring_ud = &ks,
    };
    awsclient *c = NULL;
    onboard_result r;
    memset(&r, 0, sizeof r);
    cline_apply_result ar;
    memset(&ar, 0, sizeof ar);
    cline_locations loc;
    memset(&loc, 0, sizeof loc);
    char *aws_config = NULL, *aws_creds = NULL;
    safefile_run *run_files = NULL;
    setupstate st;
    setupstate_init(&st);

    out_progress(&ctx->out, "Resolving AWS credentials");
    if ((rc = awsclient_new(&ao, &c, err)))
        goto out;
    const char *region = awsclient_region(c);
    const cfg_setting *rs = &cfg.s[CFG_REGION];
    out_step_ok(&ctx->out, "credentials from %s, region %s (%s%s%s)", awsclient_credential_source(c), region,
                rs->value ? rs->source : awsclient_region_source(c), rs->value && rs->origin ? " " : "",
                rs->value && rs->origin ? rs->origin : "");
    setupstate_load(&st);

    onboard_spec spec = {
        .team = cfg_str(&cfg, CFG_TEAM),
        .member = cli_value(a, setup_opts, "member"),
        .profile_name = cli_value(a, setup_opts, "profile-name"),
        .name_template = cfg_str(&cfg, CFG_NAME_TEMPLATE),
        .model = cfg_str(&cfg, CFG_MODEL),
        .tag_key_team = cfg_str(&cfg, CFG_TAG_KEY_TEAM),
        .tag_key_member = cfg_str(&cfg, CFG_TAG_KEY_MEMBER),
        .extra_tags = cfg_json(&cfg, CFG_EXTRA_TAGS),
        .allowed_regions = cfg_json(&cfg, CFG_ALLOWED_REGIONS),
        .fix_tags = cli_count(a, setup_opts, "fix-tags") > 0,
        .no_create = ctx->dry_run || interactive,
        .cached_arn = setupstate_matches(&st, region, cfg_str(&cfg, CFG_MODEL)) ? st.profile_arn : NULL,
        .cached_caller = st.caller_arn,
    };
    out_progress(&ctx->out, "Looking for your inference profile");
    rc = onboard_run(c, &spec, &ctx->out, &r, err);
    if (r.caller_arn)
        add_identity_json(ctx, &r, c);
    if (rc)
        goto out;
    if (interactive && r.outcome == ONBOARD_WOULD_CREATE) {
        out_text(&ctx->out, "Plan: create inference profile %s in %s from %s with tags", r.name, region, r.copy_from);
        for (size_t i = 0; i < r.n_tags; i++)
            out_text(&ctx->out, " %s=%s", r.tags[i].key, r.tags[i].value);
        out_text(&ctx->out, "\n");
        if (!cli_confirm(ctx, true, "Create it?")) {
            rc = cc_err_set(err, CC_EUSAGE, "cancelled", "setup cancelled; nothing was created or changed");
            goto out;
        }
        spec.no_create = false;
        if ((rc = onboard_create(c, &spec, &r, region, &ctx->out, err)))
            goto out;
    }
    if (r.outcome == ONBOARD_DENIED) {
        if ((rc = file_request(ctx, &cfg, c, &r, err)))
            goto out;
        if (!wait_s) {
            add_profile_json(ctx, &r, region);
            rc = cc_err_set(err, CC_EPENDING, "request.pending",
                            "profile %s does not exist yet; a request was filed for an admin", r.name);
            cc_err_hint(err, "run 'clinecfg setup' again once it is created, or use --wait");
            goto out;
        }
        if ((rc = wait_for_profile(ctx, c, &r, wait_s, err)))
            goto out;
    }
    add_profile_json(ctx, &r, region);
    if (r.outcome == ONBOARD_CREATED)
        out_step_ok(&ctx->out, "created %s", r.arn);
    else if (r.outcome == ONBOARD_FOUND)
        out_step_ok(&ctx->out, "found %s%s", r.arn, r.retagged ? " (retagged)" : "");
    else
        out_step_ok(&ctx->out, "profile %s would be created (dry run)", r.name);

    char placeholder[256];
    const char *arn = r.arn;
    if (!arn) {
        snprintf(placeholder, sizeof placeholder, "arn:%s:bedrock:%s:%s:application-inference-profile/tobecreated",
                 strncmp(region, "cn-", 3) == 0 ? "aws-cn" : "aws", region, r.account);
        arn = placeholder;
    }
    if ((rc = cline_locate(editors_process_env, NULL, &loc, err)))
        goto out;
    if ((rc = awsfiles_locate(editors_process_env, NULL, &aws_config, &aws_creds, err)))
        goto out;
    if ((rc = safefile_run_new(ctx, "setup", &run_files, err)))
        goto out;
    const char *endpoint = cfg_str(&cfg, CFG_RUNTIME_ENDPOINT);
    if (!endpoint)
        endpoint = getenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME");
    if (!endpoint || !*endpoint)
        endpoint = getenv("AWS_ENDPOINT_URL");
    if (endpoint && !*endpoint)
        endpoint = NULL;
    cline_plan plan = {
        .profile_arn = arn,
        .base_model_id = r.base_model_id,
        .region = region,
        .aws_profile = use_aws_profile ? use_aws_profile : cfg_str(&cfg, CFG_AWS_PROFILE_NAME),
        .own_aws_profile = use_aws_profile == NULL,
        .exe = ctx->self_path,
        .account = account,
        .endpoint = endpoint,
        .modes = modes,
        .prompt_cache = onboard_model_supports_prompt_cache(r.base_model_id),
        .targets = targets,
        .force = cli_count(a, setup_opts, "force") > 0,
    };
    cline_targets_env tenv = {.loc = &loc, .aws_config = aws_config, .aws_credentials = aws_creds};
    if (interactive) {
        cc_ctx preview = *ctx;
        preview.dry_run = true;
        safefile_run *prun = NULL;
        cline_apply_result pres;
        memset(&pres, 0, sizeof pres);
        rc = safefile_run_new(&preview, "setup-preview", &prun, err);
        if (!rc)
            rc = cline_apply(&preview, prun, &plan, &tenv, &pres, err);
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
            goto out;
        if (changes && !cli_confirm(ctx, true, "Write these %zu file(s)? (backups are kept; -v shows the diffs)", changes)) {
            rc = cc_err_set(err, CC_EUSAGE, "cancelled", "setup cancelled; no file was changed");
            goto out;
        }
    }
    out_progress(&ctx->out, "%s Cline's files", ctx->dry_run ? "Planning changes to" : "Writing");
    rc = cline_apply(ctx, run_files, &plan, &tenv, &ar, err);
    cJSON *files = cline_apply_result_files_json(&ar, ctx->dry_run);
    if (files)
        cJSON_AddItemToObject(ctx->result, "files", files);
    if (rc)
        goto out;
    if (!ctx->dry_run && r.arn) {
        cc_err serr;
        cc_err_clear(&serr);
        if (setupstate_save(region, cfg_str(&cfg, CFG_MODEL), r.arn, r.caller_arn, r.name, &serr))
            out_warn(&ctx->out, "could not remember the profile for next time: %s", serr.message);
    }
    print_summary(ctx, &r, &ar, region);
out:
    setupstate_free(&st);
    safefile_run_free(run_files);
    cline_apply_result_free(&ar);
    cline_locations_free(&loc);
    free(aws_config);
    free(aws_creds);
    onboard_result_free(&r);
    awsclient_free(c);
    cfg_free(&cfg);
    return rc;
}

const cli_command cmd_setup = {
    .name = "setup",
    .synopsis = "[--team T] [--member M] [--model ID] [--region R] [--aws-profile P] [--profile-name NAME] "
                "[--targets LIST] [--wait[=SECONDS]] [--force] [--fix-tags]",
    .summary = "find or create your tagged Bedrock inference profile and point Cline at it",
    .description =
        "Resolves who you are (STS), finds your application inference profile by name and tags or creates it\n"
        "from the base model (or, without permission, files a request for an admin and exits 3), then writes\n"
        "Cline's globalState.json and providers.json and an AWS profile whose credential_process reads your\n"
        "keys from the OS keyring. Running it again changes nothing. --dry-run shows the diffs only.",
    .opts = setup_opts,
    .run = run,
};

/* doctor.c - 'clinecfg doctor': checks every link from config to a working
 * Cline, one line per check, each problem with the fix.  A failed check does
 * not stop the others; the exit code is the first failure's. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinecfg/arn.h"
#include "clinecfg/awsclient.h"
#include "clinecfg/awsfiles.h"
#include "clinecfg/bedrock.h"
#include "clinecfg/cline.h"
#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/credentials.h"
#include "clinecfg/identity.h"
#include "clinecfg/keyring.h"
#include "clinecfg/setupstate.h"
#include "clinecfg/sts.h"

static const cli_opt doctor_opts[] = {
    {"live", 0, OPT_FLAG, NULL, "also make one tiny Bedrock Converse call through the profile (maxTokens 1)"},
    {"aws-profile", 0, OPT_VALUE, "P", "check with AWS profile P instead of the default chain"},
    {"account", 0, OPT_VALUE, "NAME", "keyring account to check (default: default)"},
    {0},
};

typedef enum { CHECK_OK, CHECK_WARN, CHECK_FAIL, CHECK_SKIP } check_state;
static const char *const state_names[] = {"ok", "warn", "FAIL", "skip"};

typedef struct doctor {
    cc_ctx *ctx;
    cJSON *checks;
    int first_failure;
    cc_err failure;
} doctor;

static void report(doctor *d, const char *name, check_state st, int status, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void report(doctor *d, const char *name, check_state st, int status, const char *fix, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "check", name);
    cJSON_AddStringToObject(c, "result", st == CHECK_FAIL ? "fail" : state_names[st]);
    cJSON_AddStringToObject(c, "message", msg);
    if (fix && *fix)
        cJSON_AddStringToObject(c, "fix", fix);
    cJSON_AddItemToArray(d->checks, c);
    out_text(&d->ctx->out, "%-4s %-18s %s%s%s\n", state_names[st], name, msg, fix && *fix ? "\n     fix: " : "",
             fix && *fix ? fix : "");
    if (st == CHECK_FAIL && !d->first_failure) {
        d->first_failure = status ? status : CC_EINPUT;
        cc_err_set(&d->failure, d->first_failure, "doctor", "%s: %s", name, msg);
        if (fix)
            cc_err_hint(&d->failure, "%s", fix);
    }
}

static void check_cost_tags(doctor *d, awsclient *c, const cc_config *cfg)
{
    const char *keys[2] = {cfg_str(cfg, CFG_TAG_KEY_TEAM), cfg_str(cfg, CFG_TAG_KEY_MEMBER)};
    char body[512];
    snprintf(body, sizeof body, "{\"TagKeys\":[\"%s\",\"%s\"]}", keys[0], keys[1]);
    static const char *const hdrs[] = {"X-Amz-Target: AWSInsightsIndexService.ListCostAllocationTags", NULL};
    aws_request req = {
        .method = "POST",
        .path = "/",
        .content_type = "application/x-amz-json-1.1",
        .body = body,
        .body_len = strlen(body),
        .extra_headers = hdrs,
        .operation = "ce:ListCostAllocationTags",
    };
    aws_response resp;
    memset(&resp, 0, sizeof resp);
    cc_err err;
    cc_err_clear(&err);
    int rc = awsclient_call(c, "ce", &req, &resp, &err);
    if (rc == CC_EDENIED) {
        report(d, "cost tags", CHECK_WARN, 0, "ask for ce:ListCostAllocationTags, or check Billing > Cost allocation tags",
               "could not check whether %s and %s are active cost-allocation tags (access denied)", keys[0], keys[1]);
    } else if (rc) {
        report(d, "cost tags", CHECK_WARN, 0, NULL, "could not check cost-allocation tags: %s", err.message);
    } else {
        cJSON *j = cJSON_ParseWithLength(resp.body ? resp.body : "", resp.body_len);
        const cJSON *list = cJSON_GetObjectItemCaseSensitive(j, "CostAllocationTags");
        char inactive[256] = "";
        for (int k = 0; k < 2; k++) {
            bool active = false;
            const cJSON *t;
            cJSON_ArrayForEach(t, list) {
                const cJSON *tk = cJSON_GetObjectItemCaseSensitive(t, "TagKey");
                const cJSON *ts = cJSON_GetObjectItemCaseSensitive(t, "Status");
                if (cJSON_IsString(tk) && strcmp(tk->valuestring, keys[k]) == 0 && cJSON_IsString(ts) &&
                    strcmp(ts->valuestring, "Active") == 0)
                    active = true;
            }
            if (!active)
                snprintf(inactive + strlen(inactive), sizeof inactive - strlen(inactive), "%s%s",
                         inactive[0] ? ", " : "", keys[k]);
        }
        cJSON_Delete(j);
        if (inactive[0])
            report(d, "cost tags", CHECK_WARN, 0,
                   "an admin activates them in Billing > Cost allocation tags (they then show in Cost Explorer)",
                   "tag keys not active for cost allocation: %s", inactive);
        else
            report(d, "cost tags", CHECK_OK, 0, NULL, "%s and %s are active cost-allocation tags", keys[0], keys[1]);
    }
    aws_response_free(&resp);
}

static void check_live(doctor *d, const char *cline_profile, const char *region, const char *arn)
{
    awsclient_opts ao = {.profile = cline_profile, .region = region, .out = &d->ctx->out};
    awsclient *c = NULL;
    cc_err err;
    cc_err_clear(&err);
    if (awsclient_new(&ao, &c, &err)) {
        report(d, "live call", CHECK_FAIL, err.status, err.hint, "AWS profile %s gives no credentials: %s",
               cline_profile, err.message);
        return;
    }
    char path[2300] = "/model/";
    size_t n = strlen(path);
    for (const char *p = arn; *p && n + 4 < sizeof path; p++) {
        unsigned char ch = (unsigned char)*p;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || strchr("-_.~", ch))
            path[n++] = (char)ch;
        else
            n += (size_t)snprintf(path + n, sizeof path - n, "%%%02X", ch);
    }
    snprintf(path + n, sizeof path - n, "/converse");
    const char *body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"ping\"}]}],"
                       "\"inferenceConfig\":{\"maxTokens\":1}}";
    aws_request req = {
        .method = "POST",
        .path = path,
        .content_type = "application/json",
        .body = body,
        .body_len = strlen(body),
        .operation = "bedrock-runtime:Converse",
    };
    aws_response resp;
    memset(&resp, 0, sizeof resp);
    int rc = awsclient_call(c, "bedrock-runtime", &req, &resp, &err);
    if (rc)
        report(d, "live call", CHECK_FAIL, rc, err.hint[0] ? err.hint : "check the model access and the profile",
               "Converse through %s failed: %s", arn, err.message);
    else
        report(d, "live call", CHECK_OK, 0, NULL, "Converse through the profile answered (HTTP %ld)", resp.status);
    aws_response_free(&resp);
    awsclient_free(c);
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    doctor d = {.ctx = ctx, .checks = cJSON_AddArrayToObject(ctx->result, "checks")};
    cc_err e;
    cc_err_clear(&e);

    cc_config cfg;
    if (cfg_load(&cfg, ctx, &e)) {
        report(&d, "config", CHECK_FAIL, e.status, e.hint, "%s", e.message);
        cfg_free(&cfg);
        *err = d.failure;
        return d.first_failure;
    }
    report(&d, "config", CHECK_OK, 0, NULL, "model %s, team %s, region %s",
           cfg_str(&cfg, CFG_MODEL) ? cfg_str(&cfg, CFG_MODEL) : "(unset)",
           cfg_str(&cfg, CFG_TEAM) ? cfg_str(&cfg, CFG_TEAM) : "(unset)",
           cfg_str(&cfg, CFG_REGION) ? cfg_str(&cfg, CFG_REGION) : "(from AWS settings)");

    const char *account = keyring_account_name(cli_value(a, doctor_opts, "account"));
    keyring_opts ko = {.no_prompt = ctx->yes, .out = &ctx->out};
    keyring *kr = NULL;
    if (keyring_open(&kr, &ko, &e)) {
        report(&d, "keyring", CHECK_FAIL, e.status, e.hint, "%s", e.message);
    } else {
        char *payload = NULL;
        int rc = keyring_lookup(kr, account, KEYRING_LONG_TERM, &payload, &e);
        if (rc == 0 && payload)
            report(&d, "keyring", CHECK_OK, 0, NULL, "%s holds keys for account '%s'", keyring_describe(kr), account);
        else if (rc == KEYRING_NOT_FOUND || rc == 0)
            report(&d, "keyring", CHECK_WARN, 0, "run 'clinecfg login' (Cline's credential_process reads them)",
                   "%s has no keys for account '%s'", keyring_describe(kr), account);
        else
            report(&d, "keyring", CHECK_FAIL, rc, e.hint, "%s", e.message);
        keyring_payload_free(payload);
        keyring_close(kr);
    }

    /* Without a configured region, use the one the last setup wrote. */
    setupstate st;
    setupstate_init(&st);
    setupstate_load(&st);
    keyring_source_opts ks = {.account = account, .no_prompt = ctx->yes, .out = &ctx->out};
    awsclient_opts ao = {
        .fallback_region = st.region,
        .profile = cli_value(a, doctor_opts, "aws-profile"),
        .region = cfg_str(&cfg, CFG_REGION),
        .out = &ctx->out,
        .keyring = keyring_creds_source,
        .keyring_ud = &ks,
    };
    awsclient *c = NULL;
    sts_identity id;
    memset(&id, 0, sizeof id);
    cc_err_clear(&e);
    if (awsclient_new(&ao, &c, &e)) {
        report(&d, "credentials", CHECK_FAIL, e.status, e.hint, "%s", e.message);
    } else {
        report(&d, "credentials", CHECK_OK, 0, NULL, "from %s, region %s", awsclient_credential_source(c),
               awsclient_region(c));
        if (sts_get_caller_identity(c, &id, &e))
            report(&d, "identity", CHECK_FAIL, e.status, e.hint, "%s", e.message);
        else
            report(&d, "identity", CHECK_OK, 0, NULL, "%s (account %s)", id.arn, id.account);
    }

    cline_locations loc;
    memset(&loc, 0, sizeof loc);
    char *aws_config = NULL, *aws_creds = NULL;
    cline_inspection ins;
    memset(&ins, 0, sizeof ins);
    int lrc = cline_locate(editors_process_env, NULL, &loc, &e);
    if (!lrc)
        lrc = awsfiles_locate(editors_process_env, NULL, &aws_config, &aws_creds, &e);
    cline_targets_env tenv = {.loc = &loc, .aws_config = aws_config, .aws_credentials = aws_creds};
    if (!lrc)
        lrc = cline_inspect(&tenv, &ins, &e);
    const char *arn = NULL;
    if (lrc) {
        report(&d, "cline files", CHECK_FAIL, lrc, e.hint, "%s", e.message);
    } else if (ins.gs_error[0] || ins.pv_error[0]) {
        report(&d, "cline files", CHECK_FAIL, CC_EINPUT, "fix the file by hand or 'clinecfg restore', then run setup",
               "%s", ins.gs_error[0] ? ins.gs_error : ins.pv_error);
    } else if (!ins.gs_exists && !ins.pv_exists) {
        report(&d, "cline files", CHECK_FAIL, CC_EINPUT, "run 'clinecfg setup'", "Cline is not configured (%s, %s)",
               loc.global_state, loc.providers);
    } else {
        arn = ins.act.model_id ? ins.act.model_id : ins.pv_model;
        if (ins.nproblems)
            for (size_t i = 0; i < ins.nproblems; i++)
                report(&d, "cline files", CHECK_WARN, 0, "run 'clinecfg setup' to make them agree", "%s",
                       ins.problems[i]);
        else
            report(&d, "cline files", CHECK_OK, 0, NULL, "extension and CLI both use %s", arn ? arn : "(none)");
    }

    /* The profile Cline points at: ACTIVE, tagged, the right model. */
    if (!c || !id.arn) {
        report(&d, "profile", CHECK_SKIP, 0, NULL, "needs working credentials");
    } else if (!arn || !arn_is_application_profile(arn)) {
        report(&d, "profile", CHECK_FAIL, CC_EINPUT, "run 'clinecfg setup'",
               "Cline does not point at an application inference profile");
    } else {
        bedrock_batch_item items[2];
        memset(items, 0, sizeof items);
        items[0].op = BEDROCK_OP_GET_PROFILE;
        items[0].arg = arn;
        items[1].op = BEDROCK_OP_LIST_TAGS;
        items[1].arg = arn;
        bedrock_batch(c, items, 2, 2, &e);
        if (items[0].status) {
            report(&d, "profile", CHECK_FAIL, items[0].status, "run 'clinecfg setup' to find or create it again",
                   "%s", items[0].err.message);
        } else {
            const bedrock_inference_profile *p = &items[0].out.profile;
            const char *fm = p->n_models ? arn_foundation_model_id(p->model_arns[0]) : NULL;
            const char *base = ins.act.base_model_id ? ins.act.base_model_id : ins.pv_base_model_id;
            if (!p->status || strcmp(p->status, "ACTIVE") != 0)
                report(&d, "profile", CHECK_FAIL, CC_EAWS, "ask an admin to check the profile", "%s is %s", p->name,
                       p->status ? p->status : "without status");
            else if (fm && base && strcmp(fm, base) != 0)
                report(&d, "profile", CHECK_FAIL, CC_EINPUT, "run 'clinecfg setup' to fix the base model",
                       "%s copies %s but Cline's base model is %s", p->name, fm, base);
            else
                report(&d, "profile", CHECK_OK, 0, NULL, "%s is ACTIVE and copies %s", p->name, fm ? fm : "?");
            const char *tk[2] = {cfg_str(&cfg, CFG_TAG_KEY_TEAM), cfg_str(&cfg, CFG_TAG_KEY_MEMBER)};
            identity who;
            char me[IDENTITY_NAME_MAX + 1];
            if (items[1].status) {
                report(&d, "profile tags", CHECK_WARN, 0, NULL, "could not read tags: %s", items[1].err.message);
            } else {
                const char *team = bedrock_tags_get(&items[1].out.tags, tk[0]);
                const char *member = bedrock_tags_get(&items[1].out.tags, tk[1]);
                const char *want_team = cfg_str(&cfg, CFG_TEAM);
                if (!team || !member)
                    report(&d, "profile tags", CHECK_FAIL, CC_ECONFLICT, "run 'clinecfg setup --fix-tags'",
                           "%s lacks the %s tag", p->name, !team ? tk[0] : tk[1]);
                else if (want_team && strcmp(team, want_team) != 0)
                    report(&d, "profile tags", CHECK_WARN, 0, "run 'clinecfg setup --fix-tags' if the team changed",
                           "%s=%s, but the config says team %s", tk[0], team, want_team);
                else if (!identity_from_arn(id.arn, &who, NULL) &&
                         !identity_sanitize(who.raw_name, IDENTITY_NAME_MAX, "caller", me, sizeof me, NULL) &&
                         strcmp(me, member) != 0)
                    report(&d, "profile tags", CHECK_WARN, 0,
                           "if this is your machine, run 'clinecfg setup' (or pass --member to setup on purpose)",
                           "the profile is tagged %s=%s, but you are %s", tk[1], member, me);
                else
                    report(&d, "profile tags", CHECK_OK, 0, NULL, "%s=%s %s=%s", tk[0], team, tk[1], member);
            }
        }
        bedrock_batch_free(items, 2);
    }

    /* credential_process, run for real as Cline's SDK would. */
    if (lrc || !ins.aws_profile_exists) {
        report(&d, "credential_process", CHECK_FAIL, CC_EINPUT, "run 'clinecfg setup'",
               "the AWS profile Cline uses is not in %s", aws_config ? aws_config : "~/.aws/config");
    } else if (!ins.aws_credential_process) {
        report(&d, "credential_process", CHECK_OK, 0, NULL,
               "Cline's AWS profile has no credential_process (its own credentials are used)");
    } else {
        aws_credentials cr;
        memset(&cr, 0, sizeof cr);
        const char *prof = ins.gs_profile ? ins.gs_profile : ins.pv_profile ? ins.pv_profile : "clinecfg";
        if (creds_run_process(prof, ins.aws_credential_process, 30000, &cr, &e))
            report(&d, "credential_process", CHECK_FAIL, e.status, e.hint, "%s", e.message);
        else {
            char when[32] = "never";
            if (cr.expiration) {
                struct tm tm;
                gmtime_r(&cr.expiration, &tm);
                strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
            }
            report(&d, "credential_process", CHECK_OK, 0, NULL, "returned %s credentials, expiring %s",
                   cr.session_token ? "session" : "long-term", when);
        }
        aws_credentials_wipe(&cr);
    }

    cline_running running;
    memset(&running, 0, sizeof running);
    editors_scan_opts so = {.data_dir = loc.data_dir, .getenv_fn = editors_process_env};
    if (editors_find_running_cline(&so, &running, &e) == 0 && running.n) {
        char buf[256];
        report(&d, "cline running", CHECK_WARN, 0, "close Cline or reload the window after a setup",
               "%zu Cline process(es), e.g. %s", running.n, cline_process_describe(&running.procs[0], buf, sizeof buf));
    } else {
        report(&d, "cline running", CHECK_OK, 0, NULL, "no running Cline found");
    }

    if (c)
        check_cost_tags(&d, c, &cfg);
    if (cli_count(a, doctor_opts, "live")) {
        if (arn && arn_is_application_profile(arn)) {
            arn_parts parts;
            arn_parse(arn, "profile ARN", &parts, NULL);
            check_live(&d, ins.gs_profile ? ins.gs_profile : ins.pv_profile ? ins.pv_profile : "clinecfg",
                       parts.region, arn);
        } else {
            report(&d, "live call", CHECK_SKIP, 0, NULL, "no profile to call");
        }
    }

    sts_identity_free(&id);
    setupstate_free(&st);
    awsclient_free(c);
    cline_inspection_free(&ins);
    cline_locations_free(&loc);
    free(aws_config);
    free(aws_creds);
    cfg_free(&cfg);
    if (d.first_failure)
        *err = d.failure;
    return d.first_failure;
}

const cli_command cmd_doctor = {
    .name = "doctor",
    .synopsis = "[--live] [--aws-profile P] [--account NAME]",
    .summary = "check every link from config to Cline and print a fix for each problem",
    .description = "Checks the config, keyring, credentials, identity, the profile (ACTIVE, tags, model),\n"
                   "Cline's files, the AWS profile's credential_process (run for real), running Cline\n"
                   "processes and the cost-allocation tag keys. --live adds one Converse call (maxTokens 1).",
    .opts = doctor_opts,
    .run = run,
};

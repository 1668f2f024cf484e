/* doctor.c - 'clinecfg doctor': checks every link from config to a working
 * Cline, one line per check, each problem with the fix.  The checks are a
 * table run in order; each is a small function that reports through
 * report() and may leave what later checks need in the doctor struct.  A
 * failed check does not stop the others (only an unreadable config does);
 * the exit code is the first failure's. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/arn.h"
#include "clinecfg/awsclient.h"
#include "clinecfg/awsconfig.h"
#include "clinecfg/awsfiles.h"
#include "clinecfg/bedrock.h"
#include "clinecfg/cline.h"
#include "clinecfg/cline_install.h"
#include "clinecfg/commands.h"
#include "clinecfg/config.h"
#include "clinecfg/costexplorer.h"
#include "clinecfg/credentials.h"
#include "clinecfg/iam.h"
#include "clinecfg/identity.h"
#include "clinecfg/credsource.h"
#include "clinecfg/keyring.h"
#include "clinecfg/ssooidc.h"
#include "clinecfg/session.h"
#include "clinecfg/setupstate.h"
#include "clinecfg/sigv4.h"
#include "clinecfg/sts.h"

enum {
    DOCTOR_OPT_LIVE,
    DOCTOR_OPT_AWS_PROFILE,
    DOCTOR_OPT_ACCOUNT,
    DOCTOR_OPT_COUNT
};

static const cli_opt doctor_opts[DOCTOR_OPT_COUNT] = {
    [DOCTOR_OPT_LIVE] = {"live", 0, OPT_FLAG, NULL,
                         "also make one tiny Bedrock Converse call through the profile (maxTokens 1)"},
    [DOCTOR_OPT_AWS_PROFILE] = {"aws-profile", 0, OPT_VALUE, "P",
                                "check with AWS profile P instead of the default chain"},
    [DOCTOR_OPT_ACCOUNT] = {"account", 0, OPT_VALUE, "NAME", "keyring account to check (default: default)"},
};

typedef enum { CHECK_OK, CHECK_WARN, CHECK_FAIL, CHECK_SKIP } check_state;
static const char *const state_names[] = {"ok", "warn", "FAIL", "skip"};

/* What the checks found so far; later checks build on earlier ones. */
typedef struct doctor {
    cc_ctx *ctx;
    const cli_args *a;
    cJSON *checks;
    int first_failure;
    cc_err failure;
    const char *check;          /* name of the running check */
    cc_config cfg;
    const char *account;        /* keyring account */
    credsource src;             /* the source Cline's AWS profile names */
    bool have_src;
    setupstate st;              /* the last setup's region */
    session s;                  /* s.aws NULL: no working credentials */
    sts_identity id;            /* id.arn NULL: identity unknown */
    cline_locations loc;
    char *aws_config, *aws_creds;
    cline_inspection ins;
    int files_rc;               /* locating or reading Cline's files failed */
    const char *arn;            /* the profile Cline points at */
    bedrock_batch_item items[2];/* GetInferenceProfile and ListTagsForResource of arn */
    bool have_items;
} doctor;

typedef struct doctor_check {
    const char *name;
    /* Returns false only when the remaining checks cannot run at all. */
    bool (*run)(doctor *d, const char *fix);
    const char *fix; /* the fix for its usual failure; others are given inline */
} doctor_check;

static void report(doctor *d, check_state st, int status, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void report(doctor *d, check_state st, int status, const char *fix, const char *fmt, ...)
{
    const char *name = d->check;
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

/* Reports a failed step with the error's own message and hint. */
static void report_err(doctor *d, int status, const cc_err *e)
{
    report(d, CHECK_FAIL, status, e->hint, "%s", e->message);
}

/* ---- the checks ------------------------------------------------------------ */

static bool check_config(doctor *d, const char *fix)
{
    cc_err e;
    cc_err_clear(&e);
    if (cfg_load(&d->cfg, d->ctx, &e)) {
        report_err(d, e.status, &e);
        return false;
    }
    const cc_config *cfg = &d->cfg;
    report(d, CHECK_OK, 0, NULL, "model %s, team %s, region %s",
           cfg_str(cfg, CFG_MODEL) ? cfg_str(cfg, CFG_MODEL) : "(unset)",
           cfg_str(cfg, CFG_TEAM) ? cfg_str(cfg, CFG_TEAM) : "(unset)",
           cfg_str(cfg, CFG_REGION) ? cfg_str(cfg, CFG_REGION) : "(from AWS settings)");
    return true;
}

static void format_when(time_t t, char out[32])
{
    keyring_format_time(t, out);
}

/* Cline's source is an IAM Identity Center sign-in: its tokens, offline. */
static void check_sso_session(doctor *d, keyring *kr)
{
    d->check = "sso session";
    credsource_sso_state st;
    cc_err e;
    cc_err_clear(&e);
    int rc = credsource_sso_state_read(kr, d->src.name, &st, &e);
    if (rc) {
        report_err(d, rc, &e);
        return;
    }
    char access[32], reg[32];
    format_when(st.access_expires, access);
    format_when(st.registration_expires, reg);
    time_t now = time(NULL);
    cJSON *last = NULL;
    if (!credsource_sso_state_usable(&st, now)) {
        report(d, CHECK_FAIL, CC_EDENIED, SSO_LOGIN_HINT,
               "the IAM Identity Center sign-in to %s has ended: access token expired %s, %s", st.start_url, access,
               st.refresh_token ? "client registration expired" : "no refresh token");
    } else {
        report(d, st.refresh_token ? CHECK_OK : CHECK_WARN, 0, st.refresh_token ? NULL : SSO_LOGIN_HINT,
               "signed in to %s as role %s in account %s; access token %s %s, refresh token %s", st.start_url,
               st.role_name, st.account_id, st.access_expires > now ? "expires" : "expired (renewed on next use)",
               access, st.refresh_token ? "stored" : "missing (sign in again when it expires)");
    }
    last = cJSON_GetArrayItem(d->checks, cJSON_GetArraySize(d->checks) - 1);
    if (last) {
        cJSON_AddStringToObject(last, "access_token_expires", access);
        cJSON_AddBoolToObject(last, "refresh_token", st.refresh_token);
        if (st.registration_expires)
            cJSON_AddStringToObject(last, "registration_expires", reg);
    }
}

static bool check_keyring(doctor *d, const char *fix)
{
    cc_err e;
    cc_err_clear(&e);
    d->have_src = credsource_of_cline(cfg_str(&d->cfg, CFG_AWS_PROFILE_NAME), &d->src);
    if (d->have_src && d->src.kind == CREDSOURCE_PROFILE) {
        d->check = "aws profile";
        report(d, CHECK_OK, 0, NULL, "Cline's credentials come from AWS profile '%s' (through clinecfg's chain)",
               d->src.name);
        return true;
    }
    if (d->have_src && !cli_value(d->a, DOCTOR_OPT_ACCOUNT))
        d->account = d->src.name;
    keyring_opts ko = {.no_prompt = d->ctx->yes, .out = &d->ctx->out};
    keyring *kr = NULL;
    if (keyring_open(&kr, &ko, &e)) {
        report_err(d, e.status, &e);
        return true;
    }
    if (d->have_src && d->src.kind == CREDSOURCE_SSO) {
        check_sso_session(d, kr);
        keyring_close(kr);
        return true;
    }
    char *payload = NULL;
    int rc = keyring_lookup(kr, d->account, KEYRING_LONG_TERM, &payload, &e);
    if (rc == 0 && payload)
        report(d, CHECK_OK, 0, NULL, "%s holds keys for account '%s'", keyring_describe(kr), d->account);
    else if (rc == KEYRING_NOT_FOUND || rc == 0)
        report(d, CHECK_WARN, 0, fix, "%s has no keys for account '%s'", keyring_describe(kr), d->account);
    else
        report_err(d, rc, &e);
    keyring_payload_free(payload);
    keyring_close(kr);
    return true;
}

static bool check_credentials(doctor *d, const char *fix)
{
    cc_err e;
    cc_err_clear(&e);
    /* Without a configured region, use the one the last setup wrote. */
    setupstate_load(&d->st);
    const char *profile = cli_value(d->a, DOCTOR_OPT_AWS_PROFILE);
    if (!profile && d->have_src && d->src.kind == CREDSOURCE_PROFILE)
        profile = d->src.name; /* what Cline's credential_process serves */
    session_opts so = {
        .aws_profile = profile,
        .region = cfg_str(&d->cfg, CFG_REGION),
        .fallback_region = d->st.region,
        .account = d->account,
    };
    if (session_open(&d->s, d->ctx, &so, &e))
        report_err(d, e.status, &e);
    else
        report(d, CHECK_OK, 0, NULL, "from %s, region %s", awsclient_credential_source(d->s.aws),
               awsclient_region(d->s.aws));
    return true;
}

static bool check_identity(doctor *d, const char *fix)
{
    if (!d->s.aws)
        return true;
    cc_err e;
    cc_err_clear(&e);
    if (sts_get_caller_identity(d->s.aws, &d->id, &e))
        report_err(d, e.status, &e);
    else
        report(d, CHECK_OK, 0, NULL, "%s (account %s)", d->id.arn, d->id.account);
    return true;
}

static bool check_cline_files(doctor *d, const char *fix)
{
    cc_err e;
    cc_err_clear(&e);
    cline_inspection *ins = &d->ins;
    int rc = cline_locate(editors_process_env, NULL, &d->loc, &e);
    if (!rc)
        rc = awsfiles_locate(editors_process_env, NULL, &d->aws_config, &d->aws_creds, &e);
    cline_targets_env tenv = {.loc = &d->loc, .aws_config = d->aws_config, .aws_credentials = d->aws_creds};
    if (!rc)
        rc = cline_inspect(&tenv, ins, &e);
    d->files_rc = rc;
    if (rc) {
        report_err(d, rc, &e);
    } else if (ins->gs_error[0] || ins->pv_error[0]) {
        report(d, CHECK_FAIL, CC_EINPUT, "fix the file by hand or 'clinecfg restore', then run setup", "%s",
               ins->gs_error[0] ? ins->gs_error : ins->pv_error);
    } else if (!ins->gs_exists && !ins->pv_exists) {
        report(d, CHECK_FAIL, CC_EINPUT, fix, "Cline is not configured (%s, %s)", d->loc.global_state,
               d->loc.providers);
    } else {
        d->arn = ins->act.model_id ? ins->act.model_id : ins->pv_model;
        for (size_t i = 0; i < ins->nproblems; i++)
            report(d, CHECK_WARN, 0, "run 'clinecfg setup' to make them agree", "%s", ins->problems[i]);
        if (!ins->nproblems)
            report(d, CHECK_OK, 0, NULL, "extension and CLI both use %s", d->arn ? d->arn : "(none)");
    }
    return true;
}

/* Which Cline front ends will be served, and whether one of them is known
 * to lose prompt caching on an application inference profile. */
static bool check_cline_version(doctor *d, const char *fix)
{
    cline_installs in;
    cline_installs_find(editors_process_env, NULL, &in);
    char found[PATH_MAX * 2 + 128] = "";
    if (in.cli_path[0])
        snprintf(found, sizeof found, "cline CLI %s (%s)", in.cli_version[0] ? in.cli_version : "of unknown version",
                 in.cli_path);
    if (in.ext_dir[0])
        snprintf(found + strlen(found), sizeof found - strlen(found), "%sVS Code extension %s %s",
                 found[0] ? "; " : "", "saoudrizwan.claude-dev", in.ext_version);
    cJSON *j = cJSON_CreateObject();
    if (j) {
        cJSON_AddStringToObject(j, "cli_path", in.cli_path);
        cJSON_AddStringToObject(j, "cli_version", in.cli_version);
        cJSON_AddStringToObject(j, "extension_version", in.ext_version);
        cJSON_AddItemToObject(d->ctx->result, "cline_installs", j);
    }
    if (!found[0])
        report(d, CHECK_SKIP, 0, NULL, "no cline CLI on PATH and no Cline VS Code extension found");
    else if (cline_cli_loses_prompt_cache(in.cli_version) && (!d->arn || arn_is_application_profile(d->arn)))
        report(d, CHECK_WARN, 0, fix,
               "%s: cline CLI %s sends no prompt-cache points for an application inference profile ARN, so every "
               "turn pays full price for its whole input (several times the input tokens of a cached turn)",
               found, in.cli_version);
    else
        report(d, CHECK_OK, 0, NULL, "%s", found);
    return true;
}

/* An IAM Identity Center session: the assumed role is AWSReservedSSO_*. */
static bool caller_is_identity_center(const char *arn)
{
    identity who;
    return arn && !identity_from_arn(arn, &who, NULL) && who.kind == IDENTITY_ASSUMED_ROLE &&
           !strncmp(who.role, "AWSReservedSSO_", 15);
}

/* The profile Cline points at: ACTIVE and the right model. */
static bool check_profile(doctor *d, const char *fix)
{
    if (!d->s.aws || !d->id.arn) {
        report(d, CHECK_SKIP, 0, NULL, "needs working credentials");
        return true;
    }
    if (!d->arn || !arn_is_application_profile(d->arn)) {
        report(d, CHECK_FAIL, CC_EINPUT, "run 'clinecfg setup'",
               "Cline does not point at an application inference profile");
        return true;
    }
    bedrock_batch_item *items = d->items;
    items[0].op = BEDROCK_OP_GET_PROFILE;
    items[0].arg = d->arn;
    items[1].op = BEDROCK_OP_LIST_TAGS;
    items[1].arg = d->arn;
    cc_err e;
    cc_err_clear(&e);
    bedrock_batch(d->s.aws, items, 2, 2, &e);
    d->have_items = true;
    if (items[0].status) {
        /* An Identity Center session denied its own profile: most likely a
         * session tag the policy does not match, which setup cannot fix. */
        bool tag_question = items[0].status == CC_EDENIED && caller_is_identity_center(d->id.arn);
        report(d, CHECK_FAIL, items[0].status, tag_question ? "see the 'session tag' check below" : fix, "%s",
               items[0].err.message);
        return true;
    }
    const bedrock_inference_profile *p = &items[0].out.profile;
    const char *fm = p->n_models ? arn_foundation_model_id(p->model_arns[0]) : NULL;
    const char *base = d->ins.act.base_model_id ? d->ins.act.base_model_id : d->ins.pv_base_model_id;
    if (!p->status || strcmp(p->status, "ACTIVE") != 0)
        report(d, CHECK_FAIL, CC_EAWS, "ask an admin to check the profile", "%s is %s", p->name,
               p->status ? p->status : "without status");
    else if (fm && base && strcmp(fm, base) != 0)
        report(d, CHECK_FAIL, CC_EINPUT, "run 'clinecfg setup' to fix the base model",
               "%s copies %s but Cline's base model is %s", p->name, fm, base);
    else
        report(d, CHECK_OK, 0, NULL, "%s is ACTIVE and copies %s", p->name, fm ? fm : "?");
    return true;
}

/* The profile's team and member tags, read in check_profile's batch. */
static bool check_profile_tags(doctor *d, const char *fix)
{
    if (!d->have_items || d->items[0].status)
        return true;
    if (d->items[1].status) {
        report(d, CHECK_WARN, 0, NULL, "could not read tags: %s", d->items[1].err.message);
        return true;
    }
    const char *name = d->items[0].out.profile.name;
    const char *tk[2] = {cfg_str(&d->cfg, CFG_TAG_KEY_TEAM), cfg_str(&d->cfg, CFG_TAG_KEY_MEMBER)};
    const char *team = bedrock_tags_get(&d->items[1].out.tags, tk[0]);
    const char *member = bedrock_tags_get(&d->items[1].out.tags, tk[1]);
    const char *want_team = cfg_str(&d->cfg, CFG_TEAM);
    char me[IDENTITY_MEMBER_MAX + 1];
    if (!team || !member)
        report(d, CHECK_FAIL, CC_ECONFLICT, fix, "%s lacks the %s tag", name, !team ? tk[0] : tk[1]);
    else if (want_team && strcmp(team, want_team) != 0)
        report(d, CHECK_WARN, 0, "run 'clinecfg setup --fix-tags' if the team changed",
               "%s=%s, but the config says team %s", tk[0], team, want_team);
    else if (!identity_member_from_arn(d->id.arn, me, sizeof me, NULL) && strcmp(me, member) != 0)
        report(d, CHECK_WARN, 0, "if this is your machine, run 'clinecfg setup' (or pass --member to setup on purpose)",
               "the profile is tagged %s=%s, but you are %s", tk[1], member, me);
    else
        report(d, CHECK_OK, 0, NULL, "%s=%s %s=%s", tk[0], team, tk[1], member);
    return true;
}

/* Whether the session's member principal tag agrees with the profile's
 * member tag.  `admin policy developer|enforce --principal sso` lets a
 * session read and call only profiles whose tag equals the session's
 * ${aws:PrincipalTag/<key>}, set by the permission set's attribute mapping.
 * The self-check is check_profile's ListTagsForResource on the own profile
 * (no extra call); when it is denied, one ListInferenceProfiles call (on
 * "*", no tag condition) tells a tag mismatch from a session that may not
 * read Bedrock at all.  An allowed read cannot tell a matching tag from a
 * policy that compares none: the message says both. */
static bool check_session_tag(doctor *d, const char *fix)
{
    if (!d->id.arn) {
        report(d, CHECK_SKIP, 0, NULL, "needs your identity");
        return true;
    }
    if (!caller_is_identity_center(d->id.arn)) {
        report(d, CHECK_SKIP, 0, NULL, "not an Identity Center session (%s)", d->id.arn);
        return true;
    }
    if (!d->have_items || bedrock_err_is(&d->items[0].err, "ResourceNotFoundException")) {
        report(d, CHECK_SKIP, 0, NULL, "needs the profile Cline uses%s", d->have_items ? " (not found)" : "");
        return true;
    }
    const char *key = cfg_str(&d->cfg, CFG_TAG_KEY_MEMBER);
    const bedrock_batch_item *tags = &d->items[1];
    if (!tags->status) {
        const char *member = bedrock_tags_get(&tags->out.tags, key);
        report(d, CHECK_OK, 0, NULL, "your session may read its own profile (%s=%s): its %s principal tag matches, "
               "or no policy compares them", key, member ? member : "(none)", key);
        return true;
    }
    if (tags->status != CC_EDENIED) {
        report(d, CHECK_SKIP, 0, NULL, "unknown: the self-check (bedrock:ListTagsForResource on your profile) "
               "failed: %s", tags->err.message);
        return true;
    }
    bedrock_list_profiles_in in = {.type = "APPLICATION", .max_results = 1};
    bedrock_profile_page page;
    cc_err e;
    cc_err_clear(&e);
    int rc = bedrock_list_inference_profiles(d->s.aws, &in, &page, &e);
    bedrock_profile_page_free(&page);
    char member[IDENTITY_MEMBER_MAX + 1] = "";
    identity_member_from_arn(d->id.arn, member, sizeof member, NULL);
    char map_fix[1024];
    snprintf(map_fix, sizeof map_fix, "an admin maps the key %s in IAM Identity Center > Settings > Attributes for "
             "access control to the attribute that gives exactly '%s' (${path:userName}, the session name; "
             "`clinecfg admin policy developer --principal sso` prints the steps), then you sign in again for a "
             "session with the new tag", key, member);
    if (rc == CC_EDENIED)
        report(d, CHECK_SKIP, 0, NULL, "unknown: your session may neither read its own profile nor list profiles, "
               "so it lacks Bedrock permissions altogether (not a tag question)");
    else if (rc)
        report(d, CHECK_SKIP, 0, NULL, "unknown: reading your profile is denied, and listing profiles to tell why "
               "failed: %s", e.message);
    else
        report(d, CHECK_WARN, 0, map_fix, "your session may list profiles but not read its own (access denied): "
               "setup tags your profile %s=%s (your session name), and your session's %s principal tag probably "
               "differs from it or is missing", key, member, key);
    return true;
}

/* Whether IAM lets this identity call the model only through its own
 * profile (`clinecfg admin policy enforce`), asked of IAM's policy simulator
 * for the caller itself: the profile must be allowed and the base model
 * refused.  The simulator judges IAM users and roles, not role sessions, and
 * needs iam:SimulatePrincipalPolicy: otherwise the answer is "unknown",
 * never a guess. */
static bool check_enforcement(doctor *d, const char *fix)
{
    if (!d->have_items || d->items[0].status || !d->id.arn || !d->items[0].out.profile.n_models) {
        report(d, CHECK_SKIP, 0, NULL, "unknown: needs your identity and the profile Cline uses");
        return true;
    }
    if (!strstr(d->id.arn, ":user/")) {
        report(d, CHECK_SKIP, 0, NULL, "unknown: IAM's simulator judges users and roles, not a role session like %s; "
               "an admin can run 'clinecfg admin policy enforce --check --role ROLE --member M'", d->id.arn);
        return true;
    }
    const char *base = d->items[0].out.profile.model_arns[0];
    char own[32] = "", direct[32] = "";
    cc_err e;
    cc_err_clear(&e);
    /* The simulator knows neither the caller's user name nor resource tags:
     * both go in as context (the profile's member tag from check_profile's
     * batch), as IAM would see them on a real call. */
    char tag_key[160];
    const char *mkey = cfg_str(&d->cfg, CFG_TAG_KEY_MEMBER);
    const char *member = d->items[1].status ? NULL : bedrock_tags_get(&d->items[1].out.tags, mkey);
    snprintf(tag_key, sizeof tag_key, "aws:ResourceTag/%s", mkey);
    const char *member_v[1] = {member}, *user_v[1] = {strrchr(d->id.arn, '/') + 1};
    iam_context_entry context[2] = {{"aws:username", user_v, 1, "string"}, {tag_key, member_v, 1, "string"}};
    int rc = iam_simulate_principal_policy(d->s.aws, d->id.arn, "bedrock:InvokeModel", d->arn, context,
                                           member ? 2 : 1, own, &e);
    if (!rc)
        rc = iam_simulate_principal_policy(d->s.aws, d->id.arn, "bedrock:InvokeModel", base, context, 1, direct, &e);
    if (rc == CC_EDENIED)
        report(d, CHECK_SKIP, 0, NULL, "unknown: you may not ask IAM's simulator about yourself "
               "(iam:SimulatePrincipalPolicy); an admin can run 'clinecfg admin policy enforce --check --user USER'");
    else if (rc)
        report(d, CHECK_WARN, 0, NULL, "unknown: IAM's simulator could not be asked: %s", e.message);
    else if (strcmp(own, "allowed") != 0)
        report(d, CHECK_FAIL, CC_EDENIED, "ask an admin: your own profile must be allowed", "IAM denies you "
               "bedrock:InvokeModel on your own profile (%s)", own);
    else if (strcmp(direct, "allowed") == 0)
        report(d, CHECK_WARN, 0, fix, "not enforced: a direct call on %s is allowed too, so use can bypass the "
               "tagged profile", base);
    else
        report(d, CHECK_OK, 0, NULL, "enforced: your profile is allowed, a direct call on the base model is %s", direct);
    return true;
}

/* Cline's AWS profile: its credential_process, run for real as Cline's SDK would. */
static const char *cline_aws_profile(const doctor *d)
{
    return d->ins.gs_profile ? d->ins.gs_profile : d->ins.pv_profile ? d->ins.pv_profile : "clinecfg";
}

static bool check_credential_process(doctor *d, const char *fix)
{
    if (d->files_rc || !d->ins.aws_profile_exists) {
        report(d, CHECK_FAIL, CC_EINPUT, fix, "the AWS profile Cline uses is not in %s",
               d->aws_config ? d->aws_config : "~/.aws/config");
        return true;
    }
    if (!d->ins.aws_credential_process) {
        report(d, CHECK_OK, 0, NULL, "Cline's AWS profile has no credential_process (its own credentials are used)");
        return true;
    }
    char program[4096];
    int own = awsconfig_process_program(d->ins.aws_credential_process, program, sizeof program);
    if (own == 1 && program[0] == '/' && access(program, X_OK) != 0) {
        report(d, CHECK_FAIL, CC_EINPUT, "run `clinecfg setup` again (it writes the path of the clinecfg you run)",
               "credential_process names %s, which is gone (moved, or removed by an upgrade)", program);
        return true;
    }
    aws_credentials cr;
    memset(&cr, 0, sizeof cr);
    cc_err e;
    cc_err_clear(&e);
    if (creds_run_process(cline_aws_profile(d), d->ins.aws_credential_process, 30000, &cr, &e)) {
        credsource src;
        char profile_fix[600];
        if (credsource_from_process_line(d->ins.aws_credential_process, &src) && src.kind == CREDSOURCE_SSO) {
            report(d, CHECK_FAIL, CC_EDENIED, SSO_LOGIN_HINT, "%s", e.message);
        } else if (credsource_from_process_line(d->ins.aws_credential_process, &src) &&
                   src.kind == CREDSOURCE_PROFILE) {
            snprintf(profile_fix, sizeof profile_fix, "make AWS profile '%.200s' work (check it with `clinecfg whoami "
                     "--aws-profile %.200s`)", src.name, src.name);
            report(d, CHECK_FAIL, e.status, profile_fix, "%s", e.message);
        } else {
            report_err(d, e.status, &e);
        }
    } else {
        char when[32] = "never";
        if (cr.expiration) {
            struct tm tm;
            gmtime_r(&cr.expiration, &tm);
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        }
        report(d, CHECK_OK, 0, NULL, "returned %s credentials, expiring %s", cr.session_token ? "session" : "long-term",
               when);
    }
    aws_credentials_wipe(&cr);
    return true;
}

static bool check_cline_running(doctor *d, const char *fix)
{
    cline_running running;
    memset(&running, 0, sizeof running);
    cc_err e;
    cc_err_clear(&e);
    editors_scan_opts so = {.data_dir = d->loc.data_dir, .getenv_fn = editors_process_env};
    if (editors_find_running_cline(&so, &running, &e) == 0 && running.n) {
        char buf[256];
        report(d, CHECK_WARN, 0, fix, "%zu Cline process(es), e.g. %s", running.n,
               cline_process_describe(&running.procs[0], buf, sizeof buf));
    } else {
        report(d, CHECK_OK, 0, NULL, "no running Cline found");
    }
    return true;
}

static bool check_cost_tags(doctor *d, const char *fix)
{
    if (!d->s.aws)
        return true;
    const char *const keys[2] = {cfg_str(&d->cfg, CFG_TAG_KEY_TEAM), cfg_str(&d->cfg, CFG_TAG_KEY_MEMBER)};
    cc_err err;
    cc_err_clear(&err);
    char *body = NULL;
    aws_request req = {0};
    aws_response resp;
    memset(&resp, 0, sizeof resp);
    int rc = ce_prepare_cost_tags(d->s.aws, &req, keys, 2, &body, &err);
    if (!rc)
        rc = awsclient_call(d->s.aws, "ce", &req, &resp, &err);
    char inactive[256] = "";
    if (rc == CC_EDENIED)
        report(d, CHECK_WARN, 0, "ask for ce:ListCostAllocationTags, or check Billing > Cost allocation tags",
               "could not check whether %s and %s are active cost-allocation tags (access denied)", keys[0], keys[1]);
    else if (rc)
        report(d, CHECK_WARN, 0, NULL, "could not check cost-allocation tags: %s", err.message);
    for (int k = 0; !rc && k < 2; k++)
        if (!ce_cost_tag_active(resp.body, resp.body_len, keys[k]))
            snprintf(inactive + strlen(inactive), sizeof inactive - strlen(inactive), "%s%s", inactive[0] ? ", " : "",
                     keys[k]);
    if (!rc && inactive[0])
        report(d, CHECK_WARN, 0, fix, "tag keys not active for cost allocation: %s", inactive);
    else if (!rc)
        report(d, CHECK_OK, 0, NULL, "%s and %s are active cost-allocation tags", keys[0], keys[1]);
    aws_response_free(&resp);
    cJSON_free(body);
    return true;
}

/* One Converse call (maxTokens 1) through Cline's own AWS profile. */
static void live_call(doctor *d, const char *cline_profile, const char *region, const char *arn, const char *fix)
{
    awsclient_opts ao = {.profile = cline_profile, .region = region, .out = &d->ctx->out};
    awsclient *c = NULL;
    cc_err err;
    cc_err_clear(&err);
    if (awsclient_new(&ao, &c, &err)) {
        report(d, CHECK_FAIL, err.status, err.hint, "AWS profile %s gives no credentials: %s", cline_profile,
               err.message);
        return;
    }
    char *enc = aws_uri_encode(arn, strlen(arn), false);
    char *path = enc ? malloc(strlen(enc) + sizeof "/model//converse") : NULL;
    if (path)
        sprintf(path, "/model/%s/converse", enc);
    free(enc);
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
    int rc = path ? awsclient_call(c, "bedrock-runtime", &req, &resp, &err) : cc_err_oom(&err);
    if (rc)
        report(d, CHECK_FAIL, rc, err.hint[0] ? err.hint : fix, "Converse through %s failed: %s", arn, err.message);
    else
        report(d, CHECK_OK, 0, NULL, "Converse through the profile answered (HTTP %ld)", resp.status);
    aws_response_free(&resp);
    free(path);
    awsclient_free(c);
}

static bool check_live(doctor *d, const char *fix)
{
    if (!cli_count(d->a, DOCTOR_OPT_LIVE))
        return true;
    if (!d->arn || !arn_is_application_profile(d->arn)) {
        report(d, CHECK_SKIP, 0, NULL, "no profile to call");
        return true;
    }
    arn_parts parts;
    arn_parse(d->arn, "profile ARN", &parts, NULL);
    live_call(d, cline_aws_profile(d), parts.region, d->arn, fix);
    return true;
}

static const doctor_check checks[] = {
    {"config", check_config, NULL},
    {"keyring", check_keyring, "run 'clinecfg login' (Cline's credential_process reads them)"},
    {"credentials", check_credentials, NULL},
    {"identity", check_identity, NULL},
    {"cline files", check_cline_files, "run 'clinecfg setup'"},
    {"cline version", check_cline_version,
     "use a cline CLI outside 3.0.57-3.0.65 (1.x and 2.x send cache points; check newer releases), or the VS Code "
     "extension"},
    {"profile", check_profile, "run 'clinecfg setup' to find or create it again"},
    {"profile tags", check_profile_tags, "run 'clinecfg setup --fix-tags'"},
    {"session tag", check_session_tag, NULL},
    {"enforcement", check_enforcement, "an admin can apply 'clinecfg admin policy enforce --apply'"},
    {"credential_process", check_credential_process, "run 'clinecfg setup'"},
    {"cline running", check_cline_running, "close Cline or reload the window after a setup"},
    {"cost tags", check_cost_tags,
     "an admin activates them in Billing > Cost allocation tags (they then show in Cost Explorer)"},
    {"live call", check_live, "check the model access and the profile"},
};

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    doctor d;
    memset(&d, 0, sizeof d);
    d.ctx = ctx;
    d.a = a;
    d.checks = cJSON_AddArrayToObject(ctx->result, "checks");
    d.account = keyring_account_name(cli_value(a, DOCTOR_OPT_ACCOUNT));
    setupstate_init(&d.st);
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        d.check = checks[i].name;
        if (!checks[i].run(&d, checks[i].fix))
            break;
    }
    if (d.have_items)
        bedrock_batch_free(d.items, 2);
    sts_identity_free(&d.id);
    setupstate_free(&d.st);
    session_close(&d.s);
    cline_inspection_free(&d.ins);
    cline_locations_free(&d.loc);
    free(d.aws_config);
    free(d.aws_creds);
    cfg_free(&d.cfg);
    if (d.first_failure)
        *err = d.failure;
    return d.first_failure;
}

const cli_command cmd_doctor = {
    .name = "doctor",
    .summary = "check every link from config to Cline and print a fix for each problem",
    .description = "Checks the config, keyring, credentials, identity, the profile (ACTIVE, tags, model),\n"
                   "an IAM Identity Center session's MemberName tag against the profile's, Cline's files,\n"
                   "the installed cline CLI and extension versions, the AWS profile's credential_process\n"
                   "(run for real), running Cline processes and the cost-allocation tag keys.\n"
                   "--live adds one Converse call (maxTokens 1).",
    .opts = CLI_OPTS(doctor_opts),
    .run = run,
};

/*
 * cline.c - points Cline at a Bedrock inference profile: parses the targets
 * and modes, and runs the plan (cline_apply) over globalState.json
 * (extension), settings/providers.json (CLI) and, through awsconfig.c, the
 * AWS profile.  See include/clinecfg/cline.h for the keys and the
 * guarantees, and cline_internal.h for how the target is split.
 *
 * Every check runs on every file before the first write (preflight), so a
 * refusal leaves every file untouched; after writing, the files are read
 * back and checked against the plan.
 */
#define _GNU_SOURCE
#include "cline_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/awsconfig.h"
#include "clinecfg/awsfiles.h"
#include "clinecfg/ini.h"
#include "clinecfg/output.h"
#include "clinecfg/paths.h"

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
    cline_edit_job *job;
    int which; /* 0 globalState, 1 providers */
} cb_ud;

static int cline_edit_cb(void *ud, const char *path, const char *old, size_t old_len, bool exists, char **new_text,
                         size_t *new_len, cc_err *err)
{
    cb_ud *c = ud;
    if (c->which == 0)
        return cline_global_state_edit(c->job, exists ? old : "", exists ? old_len : 0, path, new_text, new_len, err);
    return cline_providers_edit(c->job, old, old_len, exists, path, new_text, new_len, err);
}

/* Preflight one Cline file: read, compute the edit, check writability when it changes. */
static int preflight_file(cline_edit_job *job, int which, const char *path, const char *what, cc_err *err)
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
    f->path = cline_strdup_or_null(path);
    f->real_path = cline_strdup_or_null(sr->real_path ? sr->real_path : path);
    f->changed = sr->changed;
    f->created = sr->created;
    f->backup = cline_strdup_or_null(sr->backup_path);
    f->diff = cline_strdup_or_null(sr->diff ? sr->diff : "");
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

/* What the steps of cline_apply share. */
typedef struct apply_job {
    const cline_plan *plan;
    const cline_targets_env *env;
    const cline_locations *loc;
    const cc_out *out;          /* NULL: no warnings */
    bool dry;
    bool do_gs, do_pv, do_aws;  /* globalState.json, providers.json, the AWS profile */
    char *record_path;          /* clinecfg's endpoint record */
    char *gs_real, *pv_real;    /* real paths of the Cline files: the record's keys */
    char *gs_rec, *pv_rec;      /* endpoints recorded for them */
    cline_edit_job gs_job, pv_job;
    awsconfig_plan ap;
} apply_job;

static void apply_job_free(apply_job *j)
{
    free(j->gs_rec);
    free(j->pv_rec);
    free(j->gs_real);
    free(j->pv_real);
    free(j->record_path);
}

static int apply_job_init(apply_job *j, const cc_ctx *ctx, const cline_plan *plan, const cline_targets_env *env,
                          cc_err *err)
{
    memset(j, 0, sizeof *j);
    unsigned targets = cline_plan_targets(plan);
    j->plan = plan;
    j->env = env;
    j->loc = env->loc;
    j->out = ctx ? &ctx->out : NULL;
    j->dry = ctx && ctx->dry_run;
    j->do_gs = targets & CLINE_TARGET_EXTENSION;
    j->do_pv = targets & CLINE_TARGET_CLI;
    j->do_aws = (targets & CLINE_TARGET_AWS_CONFIG) && plan->own_aws_profile;
    if (j->do_aws && !env->aws_config)
        return cc_err_set(err, CC_EINTERNAL, "cline.no_aws_config", "no AWS config path given for the aws-config target");

    /* endpoint record: which endpoint clinecfg wrote where */
    char *state_dir = state_dir_default(env);
    if (!state_dir || asprintf(&j->record_path, "%s/%s", state_dir, CLINE_ENDPOINT_RECORD_NAME) < 0)
        j->record_path = NULL;
    free(state_dir);
    j->gs_real = real_target(j->loc->global_state);
    j->pv_real = real_target(j->loc->providers);
    if (!j->record_path || !j->gs_real || !j->pv_real)
        return cc_err_oom(err);
    j->gs_rec = cline_record_lookup(j->record_path, j->gs_real);
    j->pv_rec = cline_record_lookup(j->record_path, j->pv_real);
    j->gs_job = (cline_edit_job){plan, j->gs_rec, "", 0};
    j->pv_job = (cline_edit_job){plan, j->pv_rec, "", 0};
    now_iso(plan->now_ms, j->gs_job.updated_at);
    memcpy(j->pv_job.updated_at, j->gs_job.updated_at, sizeof j->gs_job.updated_at);
    j->ap = (awsconfig_plan){cline_plan_profile(plan), plan->region, plan->exe, plan->account};
    return CC_OK;
}

/* The AWS profile step of the preflight: static keys in the credentials
 * file, the edit of ~/.aws/config, and its permissions when it changes. */
static int preflight_aws_config(apply_job *j, cc_err *err)
{
    const cline_targets_env *env = j->env;
    int rc = awsconfig_check_credentials_file(&j->ap, env->aws_credentials, err);
    if (rc != CC_OK)
        return rc;
    char *txt = NULL, *o = NULL;
    size_t len = 0, olen = 0;
    bool exists = false;
    rc = safefile_read(env->aws_config, INI_MAX_SIZE, &txt, &len, &exists, err);
    if (rc == CC_OK)
        rc = awsconfig_edit(&j->ap, txt, len, env->aws_config, &o, &olen, err);
    bool changes = rc == CC_OK && (!exists || olen != len || memcmp(o, txt, len) != 0);
    free(txt);
    free(o);
    if (rc == CC_OK && changes)
        rc = check_writable(env->aws_config, "the AWS config file", err);
    return rc;
}

/* The user's own profile (--aws-profile P) is not ours to write, but Cline
 * fails without it: say so before pointing Cline at it. */
static void warn_missing_user_profile(const apply_job *j)
{
    const cline_targets_env *env = j->env;
    if (!(j->do_gs || j->do_pv) || j->plan->own_aws_profile || !j->out || !env->aws_config)
        return;
    aws_profile_set *set = NULL;
    cc_err e;
    if (awsfiles_load(env->aws_config, env->aws_credentials, &set, &e) != CC_OK)
        return;
    const char *prof = cline_plan_profile(j->plan);
    if (!ini_profile(set, prof))
        out_warn(j->out, "AWS profile \"%s\" is not defined in %s; Cline will not find credentials until it is", prof,
                 env->aws_config);
    ini_profiles_free(set);
}

/* 1. preflight every file before the first write */
static int preflight(apply_job *j, cc_err *err)
{
    int rc = CC_OK;
    if (j->do_pv && (rc = preflight_file(&j->pv_job, 1, j->loc->providers, "Cline's providers.json", err)) != CC_OK)
        return rc;
    if (j->do_gs &&
        (rc = preflight_file(&j->gs_job, 0, j->loc->global_state, "Cline's globalState.json", err)) != CC_OK)
        return rc;
    if (j->do_aws && (rc = preflight_aws_config(j, err)) != CC_OK)
        return rc;
    warn_missing_user_profile(j);
    return CC_OK;
}

/* 2. running Cline: it keeps its settings in memory and may write them back */
static int running_cline(const apply_job *j, cline_apply_result *res, cc_err *err)
{
    if (!(j->do_gs || j->do_pv))
        return CC_OK;
    editors_scan_opts so = {.data_dir = j->loc->data_dir};
    cc_err e2;
    if (editors_find_running_cline(&so, &res->running, &e2) != CC_OK && j->out)
        out_warn(j->out, "could not check whether Cline is running: %s", e2.message);
    if (res->running.n == 0)
        return CC_OK;
    char list[1024] = "", one[512];
    for (size_t i = 0; i < res->running.n && i < CLINE_MAX_PROCS; i++) {
        cline_process_describe(&res->running.procs[i], one, sizeof one);
        if (strlen(list) + strlen(one) + 3 < sizeof list) {
            if (*list)
                strcat(list, "; ");
            strcat(list, one);
        }
    }
    if (j->out)
        out_warn(j->out, "Cline is running: %s. It keeps its settings in memory and may write them back over ours.",
                 list);
    if (!j->plan->force && !j->dry) {
        cc_err_set(err, CC_ECONFLICT, "cline.running", "Cline is running (%s); not changing its settings under it",
                   list);
        cc_err_hint(err, "quit Cline (close the editor window or stop the cline process) and run again, or pass --force and reload the editor afterwards");
        return CC_ECONFLICT;
    }
    res->reload_needed = !j->dry;
    return CC_OK;
}

/* 3. legacy extension: its store is never written, so say where Cline reads now */
static void legacy_extension(const apply_job *j, cline_apply_result *res)
{
    if (!j->do_gs || access(j->loc->global_state, F_OK) == 0)
        return;
    cc_err e3;
    if (editors_find_legacy_cline(NULL, NULL, &res->legacy, &res->nlegacy, &e3) != CC_OK || !j->out)
        return;
    for (size_t i = 0; i < res->nlegacy; i++)
        out_warn(j->out,
                 "%s has settings of an old Cline extension (3.65 or older) in %s, which clinecfg does not change; "
                 "update Cline to 3.66 or later: it reads %s, which clinecfg writes now",
                 res->legacy[i].product, res->legacy[i].state_db, j->loc->global_state);
}

/* One file of step 4 through the safe writer, its outcome added to res. */
static int write_one(safefile_run *run, const char *path, unsigned target, safefile_edit_fn fn, void *ud,
                     cline_apply_result *res, cc_err *err)
{
    safefile_result sr;
    memset(&sr, 0, sizeof sr);
    int rc = safefile_update(run, path, 0600, fn, ud, &sr, err);
    if (rc != CC_OK)
        return rc;
    rc = add_result(res, target, path, &sr);
    safefile_result_free(&sr);
    return rc == CC_OK ? CC_OK : cc_err_oom(err);
}

/* The record follows what the files now hold. */
static int update_endpoint_record(apply_job *j, safefile_run *run, cline_apply_result *res, cc_err *err)
{
    bool want = j->plan->endpoint != NULL;
    bool had = (j->do_gs && j->gs_rec) || (j->do_pv && j->pv_rec);
    if (!(j->do_gs || j->do_pv) || !(want || had))
        return CC_OK;
    cline_record_job rj = {{0}, {0}, 0};
    if (j->do_gs) {
        rj.keys[rj.n] = j->gs_real;
        rj.values[rj.n++] = j->plan->endpoint;
    }
    if (j->do_pv) {
        rj.keys[rj.n] = j->pv_real;
        rj.values[rj.n++] = j->plan->endpoint;
    }
    return write_one(run, j->record_path, 0, cline_record_edit, &rj, res, err);
}

/* 4. write (ctx->dry_run: diffs only) */
static int write_targets(apply_job *j, safefile_run *run, cline_apply_result *res, cc_err *err)
{
    int rc;
    if (j->do_pv) {
        cb_ud c = {&j->pv_job, 1};
        if ((rc = write_one(run, j->loc->providers, CLINE_TARGET_CLI, cline_edit_cb, &c, res, err)) != CC_OK)
            return rc;
        res->nremoved_secrets = j->pv_job.removed_secrets;
        if (j->pv_job.removed_secrets && j->out)
            out_warn(j->out, "removed %zu stored secret(s) from the bedrock entry of %s: Cline now gets credentials from "
                             "AWS profile %s (the old file is in the backup)",
                     j->pv_job.removed_secrets, j->loc->providers, cline_plan_profile(j->plan));
    }
    if (j->do_gs) {
        cb_ud c = {&j->gs_job, 0};
        if ((rc = write_one(run, j->loc->global_state, CLINE_TARGET_EXTENSION, cline_edit_cb, &c, res, err)) != CC_OK)
            return rc;
    }
    if (j->do_aws) {
        safefile_result sr;
        memset(&sr, 0, sizeof sr);
        if ((rc = awsconfig_apply(run, j->env->aws_config, &j->ap, &sr, err)) != CC_OK)
            return rc;
        rc = add_result(res, CLINE_TARGET_AWS_CONFIG, j->env->aws_config, &sr);
        safefile_result_free(&sr);
        if (rc != CC_OK)
            return cc_err_oom(err);
    }
    return update_endpoint_record(j, run, res, err);
}

/* 5. read back every written file and check it against the plan */
static int read_back(const apply_job *j, const cline_apply_result *res, cc_err *err)
{
    if (j->dry)
        return CC_OK;
    cline_inspection in;
    cline_targets_env venv = *j->env;
    int rc = cline_inspect(&venv, &in, err);
    if (rc == CC_OK) {
        /* the inspection follows the files' profile; verify against the plan */
        rc = cline_verify(j->plan, &in, err);
        cline_inspection_free(&in);
    }
    if (rc == CC_OK && j->do_aws)
        rc = awsconfig_verify(j->env->aws_config, j->env->aws_credentials, &j->ap, err);
    if (rc != CC_OK) {
        cc_err_prefix(err, "read back after writing");
        err->status = CC_EINTERNAL;
        return CC_EINTERNAL;
    }
    if (res->reload_needed && j->out)
        out_warn(j->out, "Cline was running while its settings changed: reload the editor window "
                         "(Command Palette: \"Developer: Reload Window\") and restart any cline CLI session");
    return CC_OK;
}

int cline_apply(const cc_ctx *ctx, safefile_run *run, const cline_plan *plan, const cline_targets_env *env,
                cline_apply_result *res, cc_err *err)
{
    memset(res, 0, sizeof *res);
    int rc = cline_plan_validate(plan, err);
    if (rc != CC_OK)
        return rc;
    apply_job j;
    rc = apply_job_init(&j, ctx, plan, env, err);
    if (rc == CC_OK)
        rc = preflight(&j, err);
    if (rc == CC_OK)
        rc = running_cline(&j, res, err);
    if (rc == CC_OK) {
        legacy_extension(&j, res);
        rc = write_targets(&j, run, res, err);
    }
    if (rc == CC_OK)
        rc = read_back(&j, res, err);
    apply_job_free(&j);
    return rc;
}

/*
 * restore.c - 'clinecfg restore': put back the files a run replaced.
 *
 *   restore --list   the backup runs, oldest first, with their files
 *   restore ID       every file of run ID gets its exact old bytes back (a
 *                    file the run created is removed), through the same safe
 *                    write, so the restore itself is backed up and can be
 *                    undone with 'clinecfg restore <its id>'
 *   restore          the latest run that is not itself a restore, so running
 *                    it twice does not flip the files back and forth
 *
 * A file that changed after the run (its content is neither what the run
 * wrote nor the backup) is not overwritten without --force: that would lose
 * someone's later edit.  All files are checked before any is written.  A
 * file whose old bytes held a secret (login --from-profile) has no copy on
 * purpose: it is reported and left as it is; a run with nothing else in it
 * cannot be restored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/digest.h"
#include "clinecfg/backup.h"
#include "clinecfg/commands.h"
#include "clinecfg/safefile.h"

enum {
    RESTORE_OPT_LIST,
    RESTORE_OPT_FORCE,
    RESTORE_OPT_COUNT
};

static const cli_opt restore_opts[RESTORE_OPT_COUNT] = {
    [RESTORE_OPT_LIST] = {"list", 0, OPT_FLAG, NULL, "list the backups"},
    [RESTORE_OPT_FORCE] = {"force", 0, OPT_FLAG, NULL,
                           "also put back files that changed after that run (their current bytes are backed up)"},
};


/* ---- list ------------------------------------------------------------------ */

/* setup also found or created a Bedrock inference profile; restore only puts
 * files back, so say that the profile is still there (and billed to its tags). */
static void note_profile_remains(cc_ctx *ctx)
{
    static const char note[] = "restore only puts files back: the Bedrock inference profile that setup found or "
                               "created still exists in AWS (an admin can delete it; 'clinecfg setup' uses it again)";
    cJSON_AddStringToObject(ctx->result, "note", note);
    out_text(&ctx->out, "Note: %s.\n", note);
}

static int do_list(cc_ctx *ctx, cc_err *err)
{
    backup_run *runs = NULL;
    size_t n = 0;
    int r = backup_list(&runs, &n, err);
    if (r != CC_OK)
        return r;
    cJSON *arr = cJSON_AddArrayToObject(ctx->result, "runs");
    if (!arr) {
        backup_runs_free(runs, n);
        return cc_err_oom(err);
    }
    if (n == 0) {
        char *root = NULL;
        if (backup_root(&root, err) == CC_OK)
            out_progress(&ctx->out, "no backups yet (they are kept in %s)", root);
        free(root);
    }
    for (size_t i = 0; i < n; i++) {
        const backup_run *br = &runs[i];
        out_text(&ctx->out, "%s  %s  %s\n", br->id, br->label, br->created_at);
        cJSON *o = cJSON_CreateObject();
        cJSON *files = o ? cJSON_AddArrayToObject(o, "files") : NULL;
        if (!files) {
            cJSON_Delete(o);
            backup_runs_free(runs, n);
            return cc_err_oom(err);
        }
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "id", br->id);
        cJSON_AddStringToObject(o, "label", br->label);
        cJSON_AddStringToObject(o, "created_at", br->created_at);
        cJSON_AddStringToObject(o, "dir", br->dir);
        for (size_t k = 0; k < br->nfiles; k++) {
            const backup_file *bf = &br->files[k];
            out_text(&ctx->out, "    %s%s\n", bf->path,
                     bf->created ? "  (created by this run)"
                     : bf->withheld ? "  (no copy kept: it held plain-text keys)"
                                    : "");
            cJSON *f = cJSON_CreateObject();
            if (!f)
                continue;
            cJSON_AddItemToArray(files, f);
            cJSON_AddStringToObject(f, "path", bf->path);
            cJSON_AddStringToObject(f, "real_path", bf->real_path);
            if (bf->backup)
                cJSON_AddStringToObject(f, "backup", bf->backup);
            else
                cJSON_AddNullToObject(f, "backup");
            cJSON_AddBoolToObject(f, "created", bf->created);
            cJSON_AddBoolToObject(f, "withheld", bf->withheld);
        }
    }
    backup_runs_free(runs, n);
    return CC_OK;
}

/* ---- restore ----------------------------------------------------------------- */

typedef struct restore_file {
    const backup_file *bf;
    char *bytes; /* the backup copy (NULL when the run created the file) */
    size_t len;
    bool force;
    const char *run_id;
} restore_file;

typedef enum { ST_ALREADY, ST_AS_WRITTEN, ST_CHANGED_SINCE } file_state;

static file_state classify(const restore_file *rf, const char *cur, size_t cur_len, bool exists)
{
    char h[65];
    digest_sha256_hex(cur, cur_len, h);
    if (rf->bf->created ? !exists : (exists && strcmp(h, rf->bf->sha256) == 0))
        return ST_ALREADY;
    if (rf->bf->new_sha256[0] ? (exists && strcmp(h, rf->bf->new_sha256) == 0) : !exists)
        return ST_AS_WRITTEN;
    return ST_CHANGED_SINCE;
}

static int changed_since(const restore_file *rf, cc_err *err)
{
    cc_err_set(err, CC_ECONFLICT, "restore.changed", "%s changed after run %s; restoring it would lose those changes",
               rf->bf->real_path, rf->run_id);
    cc_err_hint(err, "add --force to put the old bytes back anyway (the current ones are backed up first)");
    return CC_ECONFLICT;
}

static int restore_cb(void *ud, const char *path, const char *old, size_t old_len, bool exists, char **new_text,
                      size_t *new_len, cc_err *err)
{
    (void)path;
    const restore_file *rf = ud;
    file_state s = classify(rf, old, old_len, exists);
    if (s == ST_CHANGED_SINCE && !rf->force)
        return changed_since(rf, err);
    if (rf->bf->created)
        return SAFEFILE_REMOVE;
    *new_text = malloc(rf->len + 1);
    if (!*new_text)
        return cc_err_oom(err);
    memcpy(*new_text, rf->bytes, rf->len);
    (*new_text)[rf->len] = '\0';
    *new_len = rf->len;
    return CC_OK;
}

static int pick_latest(char **id, cc_err *err)
{
    backup_run *runs = NULL;
    size_t n = 0;
    int r = backup_list(&runs, &n, err);
    if (r != CC_OK)
        return r;
    *id = NULL;
    for (size_t i = n; i-- > 0;) {
        if (strcmp(runs[i].label, "restore") != 0) {
            *id = strdup(runs[i].id);
            break;
        }
    }
    backup_runs_free(runs, n);
    if (!*id) {
        char *root = NULL;
        r = backup_root(&root, err);
        if (r != CC_OK)
            return r;
        cc_err_set(err, CC_EINPUT, "restore.none", "no backups to restore in %s", root);
        cc_err_hint(err, "backups are made when clinecfg changes a file; 'clinecfg restore --list' shows them");
        free(root);
        return CC_EINPUT;
    }
    return CC_OK;
}

static int do_restore(cc_ctx *ctx, const char *id, bool force, cc_err *err)
{
    backup_run br;
    int r = backup_load(id, &br, err);
    if (r != CC_OK)
        return r;
    restore_file *rfs = calloc(br.nfiles ? br.nfiles : 1, sizeof *rfs);
    if (!rfs) {
        backup_run_clear(&br);
        return cc_err_oom(err);
    }
    /* Check everything before writing anything. */
    size_t restorable = 0;
    for (size_t i = 0; i < br.nfiles && r == CC_OK; i++) {
        restore_file *rf = &rfs[i];
        rf->bf = &br.files[i];
        rf->force = force;
        rf->run_id = br.id;
        if (rf->bf->withheld)
            continue;
        restorable++;
        if (!rf->bf->created) {
            bool ok = false;
            r = safefile_read(rf->bf->backup, SAFEFILE_MAX_SIZE, &rf->bytes, &rf->len, &ok, err);
            if (r == CC_OK) {
                char h[65];
                digest_sha256_hex(rf->bytes, rf->len, h);
                if (!ok || strcmp(h, rf->bf->sha256) != 0) {
                    r = cc_err_set(err, CC_EINPUT, "restore.damaged", "the backup %s of %s is %s", rf->bf->backup,
                                   rf->bf->real_path, ok ? "damaged (its SHA-256 differs from the manifest)" : "missing");
                    cc_err_hint(err, "nothing was restored; pick another run with 'clinecfg restore --list'");
                }
            }
        }
        if (r != CC_OK)
            break;
        char *cur = NULL;
        size_t cur_len = 0;
        bool exists = false;
        r = safefile_read(rf->bf->real_path, SAFEFILE_MAX_SIZE, &cur, &cur_len, &exists, err);
        if (r == CC_OK && classify(rf, cur, cur_len, exists) == ST_CHANGED_SINCE && !force)
            r = changed_since(rf, err);
        free(cur);
    }
    if (r == CC_OK && br.nfiles && !restorable) {
        r = cc_err_set(err, CC_EINPUT, "restore.withheld",
                       "run %s changed only files whose old content held plain-text AWS keys; no copy of them was kept",
                       br.id);
        cc_err_hint(err, "the keys are in the keyring ('clinecfg credential-process' hands them out); pick another run "
                         "with 'clinecfg restore --list'");
    }
    safefile_run *run = NULL;
    if (r == CC_OK)
        r = safefile_run_new(ctx, "restore", &run, err);
    cJSON *files = r == CC_OK ? cJSON_AddArrayToObject(ctx->result, "files") : NULL;
    if (r == CC_OK && !files)
        r = cc_err_oom(err);
    if (r == CC_OK)
        cJSON_AddStringToObject(ctx->result, "run", br.id);
    for (size_t i = 0; i < br.nfiles && r == CC_OK; i++) {
        restore_file *rf = &rfs[i];
        if (rf->bf->withheld) {
            out_warn(&ctx->out, "%s is left as it is: run %s kept no copy of it (it held plain-text AWS keys)",
                     rf->bf->path, br.id);
            cJSON *fj = cJSON_CreateObject();
            if (fj) {
                cJSON_AddStringToObject(fj, "path", rf->bf->path);
                cJSON_AddStringToObject(fj, "real_path", rf->bf->real_path);
                cJSON_AddBoolToObject(fj, "changed", false);
                cJSON_AddBoolToObject(fj, "withheld", true);
                cJSON_AddItemToArray(files, fj);
            }
            continue;
        }
        safefile_result res;
        mode_t mode = rf->bf->mode ? (mode_t)rf->bf->mode : 0600;
        r = safefile_update(run, rf->bf->real_path, mode, restore_cb, rf, &res, err);
        if (r != CC_OK)
            break;
        cJSON *fj = safefile_result_json(run, rf->bf->path, &res);
        if (fj)
            cJSON_AddItemToArray(files, fj);
        if (ctx->dry_run) {
            if (res.changed)
                out_text(&ctx->out, "%s", res.diff);
        } else if (!res.changed) {
            out_progress(&ctx->out, "%s already has its content from before run %s", rf->bf->path, br.id);
        } else if (res.removed) {
            out_step_ok(&ctx->out, "removed %s (run %s created it)", rf->bf->path, br.id);
        } else {
            out_step_ok(&ctx->out, "restored %s", rf->bf->path);
        }
        safefile_result_free(&res);
    }
    if (r == CC_OK) {
        const char *bdir = safefile_run_backup_dir(run);
        if (bdir) {
            cJSON_AddStringToObject(ctx->result, "backup_run", safefile_run_id(run));
            out_progress(&ctx->out, "the replaced content is backed up as run %s (undo with 'clinecfg restore %s')",
                         safefile_run_id(run), safefile_run_id(run));
        } else {
            cJSON_AddNullToObject(ctx->result, "backup_run");
        }
        if (ctx->dry_run)
            out_progress(&ctx->out, "dry run: nothing was written");
        if (br.label && strcmp(br.label, "setup") == 0)
            note_profile_remains(ctx);
    }
    safefile_run_free(run);
    for (size_t i = 0; i < br.nfiles; i++)
        free(rfs[i].bytes);
    free(rfs);
    backup_run_clear(&br);
    return r;
}

static int run(cc_ctx *ctx, const cli_args *a, cc_err *err)
{
    bool list = cli_count(a, RESTORE_OPT_LIST) > 0;
    bool force = cli_count(a, RESTORE_OPT_FORCE) > 0;
    if (a->npos > 1 || (list && a->npos > 0)) {
        cc_err_set(err, CC_EUSAGE, "usage", "restore takes --list, or at most one run ID");
        cc_err_hint(err, "usage: clinecfg restore [--list | ID]");
        return CC_EUSAGE;
    }
    if (list)
        return do_list(ctx, err);
    char *id = NULL;
    if (a->npos == 1) {
        id = strdup(a->pos[0]);
        if (!id)
            return cc_err_oom(err);
    } else {
        int r = pick_latest(&id, err);
        if (r != CC_OK)
            return r;
        out_progress(&ctx->out, "restoring the latest run, %s", id);
    }
    int r = do_restore(ctx, id, force, err);
    free(id);
    return r;
}

const cli_command cmd_restore = {
    .name = "restore",
    .operands = "[ID]",
    .summary = "put back the files a setup run replaced",
    .description = "Every run that changes files keeps their old bytes under\n"
                   "${XDG_STATE_HOME:-~/.local/state}/clinecfg/backups/<run id>/.  'restore ID' puts them back\n"
                   "(files the run created are removed); without ID the latest run that is not itself a restore.\n"
                   "A file changed after that run is left alone unless --force is given.",
    .opts = CLI_OPTS(restore_opts),
    .run = run,
};

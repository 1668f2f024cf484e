/*
 * backup.h - the backups clinecfg keeps of every file it replaces
 * (src/store/backup.c), and what `clinecfg restore` reads.
 *
 * Layout: ${XDG_STATE_HOME:-~/.local/state}/clinecfg/backups/<run-id>/ (0700)
 * holds one copy of the old bytes of each file the run changed (0600, named
 * "<n>-<basename>") and manifest.json:
 *   {"version":1, "id", "label", "created_at" (UTC ISO 8601),
 *    "files":[{"path", "real_path", "backup" (file name or null),
 *              "created" (the run created the file), "withheld" (the old
 *              bytes held a secret, so no copy was kept on purpose),
 *              "sha256" (old bytes), "new_sha256" (bytes the run wrote
 *              last), "size", "mode"}]}
 * Run ids sort by time: "YYYYMMDDTHHMMSSZ-<label>-<pid>".  A backup is
 * written (and the manifest updated) before the file is replaced, so a crash
 * never leaves a replaced file without its backup.  Old runs are pruned
 * (backup_prune; config backups.keep, default the last 20 runs), and the
 * folders must belong to the user (backup_check_owner).
 */
#ifndef CLINECFG_BACKUP_H
#define CLINECFG_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "clinecfg/error.h"

typedef struct backup_file {
    char *path;        /* as the command named it */
    char *real_path;   /* after symlinks: the file that was replaced */
    char *backup;      /* absolute path of the copy of the old bytes; NULL when created */
    bool created;      /* the file did not exist before the run */
    bool withheld;     /* it existed, but its old bytes held a secret: no copy kept */
    char sha256[65];   /* of the old bytes ("" when created) */
    char new_sha256[65]; /* of the bytes the run wrote last ("" = removed) */
    long long size;    /* old size */
    unsigned mode;     /* old mode bits */
} backup_file;

typedef struct backup_run {
    char *id;
    char *label;
    char *created_at;
    char *dir;         /* absolute folder of this run */
    backup_file *files;
    size_t nfiles;
} backup_run;

/* ${XDG_STATE_HOME:-$HOME/.local/state}/clinecfg/backups (malloc'd). */
int backup_root(char **out, cc_err *err);

/* Every run under the backup root, oldest first.  Unreadable manifests are
 * skipped.  A missing root gives none. */
int backup_list(backup_run **runs, size_t *n, cc_err *err);
/* One run by id; CC_EINPUT "no backup run ID" (hint: restore --list) if absent. */
int backup_load(const char *id, backup_run *out, cc_err *err);
void backup_run_clear(backup_run *run);
void backup_runs_free(backup_run *runs, size_t n);

/* Writer side, used by safefile_update: the run folder is created lazily by
 * the first backup_record. */
typedef struct backup_writer backup_writer;
int backup_writer_new(const char *label, backup_writer **out, cc_err *err);
void backup_writer_free(backup_writer *w);
const char *backup_writer_id(const backup_writer *w);
const char *backup_writer_dir(const backup_writer *w);   /* NULL until the first record */

/* Records that `real_path` is about to be replaced by bytes hashing to
 * new_sha256 (NULL = removed).  The first call for a real path in this run
 * copies `old` (when `existed`) and adds a manifest entry; later calls only
 * update new_sha256.  With `withhold` the entry is recorded but no copy is
 * written (old bytes holding a secret must not outlive the edit that removes
 * it).  *backup_path (optional) gets the copy's path (malloc'd) or NULL. */
int backup_record(backup_writer *w, const char *path, const char *real_path, const char *old, size_t old_len,
                  bool existed, bool withhold, mode_t old_mode, const char *new_sha256, char **backup_path,
                  cc_err *err);

/* Keeps the newest `keep` runs (0: keep all) and removes the older ones,
 * never the run `current_id` (may be NULL).  *removed counts them. */
int backup_prune(size_t keep, const char *current_id, size_t *removed, cc_err *err);

/* CC_EINPUT naming `dir` (described as `what`) when it exists and belongs
 * to another user: the state and backup folders are followed through
 * symlinks, so a folder someone else owns could feed restore their bytes
 * or collect copies of the user's files.  A missing folder is fine. */
int backup_check_owner(const char *dir, const char *what, cc_err *err);

#endif

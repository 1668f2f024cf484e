/*
 * safefile.h - the one way clinecfg changes a user's file on disk (src/store/safefile.c).
 *
 * Owns the edit cycle every target goes through (Cline's globalState.json and
 * providers.json, ~/.aws/config, editor settings.json, clinecfg's own config):
 *   1. resolve the path: a symlink is followed to its real target (the link is
 *      kept); a dangling link is refused, and so are a read-only file or
 *      folder and a folder owned by another user (safefile_check below), but
 *      those only when the edit changes the file (CC_EINPUT, message names
 *      the real path, hint);
 *   2. take an advisory lock (flock) on "<sha256 of the real path>.clinecfg.lock"
 *      in $XDG_RUNTIME_DIR/clinecfg (or, when that is unset or not a private
 *      folder of ours, ${XDG_STATE_HOME:-~/.local/state}/clinecfg/locks),
 *      folders 0700 and owner-checked.  Keyed by the real path, so edits
 *      through a symlink and through the file itself exclude each other, and
 *      nothing is left in the user's folders.  It is never deleted (deleting
 *      lock files races with waiters);
 *   3. read the bytes and hand them to the caller's edit callback, which
 *      parses and refuses (CC_EINPUT, nothing written) when they do not parse;
 *   4. write the new bytes to ".<name>.clinecfg-tmp.XXXXXX" in the same folder
 *      (O_CREAT|O_EXCL|O_NOFOLLOW, the original's mode and owner; new files
 *      get `new_file_mode`, missing folders are created 0700), fsync;
 *   5. re-check that the file still has the size, mtime and SHA-256 that were
 *      read; if not, start again from 3 (at most SAFEFILE_MAX_ATTEMPTS times,
 *      then CC_ECONFLICT and nothing written);
 *   6. back up the old bytes once per run (backup.h), rename the temp file
 *      over the target, fsync the folder.
 * A crash at any point leaves the old or the new file; at worst a temp file
 * whose name safefile_find_stale_temps() recognises (the next update of that
 * file removes it while it holds the lock, and says so).
 *
 * With ctx->dry_run nothing is created or written (no folder, lock, temp or
 * backup): the result still carries the unified diff of the planned change.
 *
 * Reading, atomic replace and mkdir -p without the cycle are in atomicfile.h
 * (included here, since most callers of this header want them too).
 *
 * Every function accepts err == NULL (the error is then only returned).
 */
#ifndef CLINECFG_SAFEFILE_H
#define CLINECFG_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "clinecfg/atomicfile.h"
#include "clinecfg/cli.h"
#include "clinecfg/error.h"

#define SAFEFILE_MAX_ATTEMPTS 4                      /* read-edit-check cycles before giving up */
#define SAFEFILE_LOCK_TIMEOUT_MS 30000               /* give up when the locked file has not changed for this long */
#define SAFEFILE_LOCK_SUFFIX ".clinecfg.lock"        /* lock files: <sha256 of the real path> SAFEFILE_LOCK_SUFFIX */

/* The lock file of the file whose resolved (realpath) path is real_path, in
 * the lock folder described above (created when missing).  *out is
 * malloc'd. */
int safefile_lock_path(const char *real_path, char **out, cc_err *err);

/* The edit callback gets the current bytes (exists=false for a missing file;
 * `old` is then "" and old_len 0) and returns the new bytes (malloc'd; the
 * engine frees them) or an error.  It may be called again if the file
 * changed meanwhile, so it must not keep state from one call to the next.
 * Returning SAFEFILE_REMOVE (with *new_text NULL) asks for the file to be
 * deleted (restore of a file a run created). */
typedef int (*safefile_edit_fn)(void *ud, const char *path, const char *old, size_t old_len, bool exists,
                                char **new_text, size_t *new_len, cc_err *err);
#define SAFEFILE_REMOVE 1

/* One per clinecfg invocation: groups the backups of all files it changes
 * under one run id, and carries dry-run and output settings. */
typedef struct safefile_run safefile_run;

/* `ctx` (dry_run, out) must outlive the run; `label` names the run in
 * `clinecfg restore --list` ("setup", "config", "restore", ...). */
int safefile_run_new(const cc_ctx *ctx, const char *label, safefile_run **out, cc_err *err);
void safefile_run_free(safefile_run *run);

/* Tuning (tests): the read size limit and the lock wait. */
void safefile_run_set_max_size(safefile_run *run, size_t max_size);
void safefile_run_set_lock_timeout(safefile_run *run, int timeout_ms);

/* For a run that removes a secret from a file (login --from-profile): the
 * files it changes are listed in its backup manifest as "withheld", but no
 * copy of their old bytes is kept, since that copy would be the secret. */
void safefile_run_withhold_backups(safefile_run *run);

/* The run id and the folder holding this run's backups, or NULL while no
 * backup has been written in this run. */
const char *safefile_run_id(const safefile_run *run);
const char *safefile_run_backup_dir(const safefile_run *run);

typedef struct safefile_result {
    bool changed;       /* the new bytes differ from the old (in dry-run: would differ) */
    bool created;       /* the file did not exist before */
    bool removed;       /* the callback returned SAFEFILE_REMOVE and the file existed */
    char *real_path;    /* after following symlinks (absolute) */
    char *backup_path;  /* copy of the old bytes; NULL if none (unchanged, created, dry-run) */
    char *diff;         /* unified diff (always filled when changed; "" otherwise) */
} safefile_result;

/* Runs the edit cycle above on `path`.  `res` may be NULL.  On error nothing
 * was written and `res` holds nothing to free. */
int safefile_update(safefile_run *run, const char *path, mode_t new_file_mode, safefile_edit_fn fn, void *ud,
                    safefile_result *res, cc_err *err);
void safefile_result_free(safefile_result *res);

/* {path, real_path, changed, created, backup (or null), diff (dry-run only)}
 * for a command's JSON "files" array; NULL on out of memory. */
cJSON *safefile_result_json(const safefile_run *run, const char *path, const safefile_result *res);

/* May clinecfg replace the file at `real_path` (absolute, symlinks already
 * resolved; the file need not exist)?  The one permission check every writer
 * uses: safefile_update runs it on each target (and reports a refusal only
 * when the edit changes the file), the Cline targets run it in their
 * preflight, before the first of several files is written.  In this order:
 *   - the file, if it exists: a regular file ("<prefix>.not_regular"),
 *     writable by its owner bit and access(2) ("<prefix>.read_only"), owned
 *     by us ("<prefix>.owner"; without owner_strict root may replace anyone's
 *     file, which keeps its owner);
 *   - its folder: a folder ("<prefix>.not_dir"), owned by us
 *     ("<prefix>.folder_owner"; without owner_strict a folder of root's is
 *     fine too), writable and searchable by its owner bits and access(2)
 *     ("<prefix>.folder_read_only");
 *   - when the folder is missing: the nearest existing ancestor must let us
 *     create folders ("<prefix>.folder_read_only").
 * Root is held to the owner bits as well: a 0444 file or a 0555 folder means
 * "do not edit", whoever runs us.  Messages start with `shown` (NULL:
 * real_path) and name the file as `what`.  CC_OK or CC_EINPUT. */
typedef struct safefile_check_opts {
    const char *code_prefix; /* "file" gives codes "file.read_only", ... */
    const char *what;        /* the file in messages: "the file", "Cline's providers.json" */
    const char *shown;       /* the path messages start with, e.g. "link (symlink to real)"; NULL: real_path */
    bool owner_strict;       /* root too must own the file and its folder (files of the user who runs Cline) */
} safefile_check_opts;
int safefile_check(const char *real_path, const safefile_check_opts *opts, cc_err *err);

#endif

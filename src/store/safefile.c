/*
 * safefile.c - lock, read, edit, re-check, back up and atomically replace a
 * file (see include/clinecfg/safefile.h for the cycle and its guarantees).
 *
 * Why the checks are where they are:
 * - Writability is decided before taking the lock but reported only when the
 *   edit really changes the file: an unchanged read-only settings.json (a
 *   dotfile manager's link) is not an error.
 * - The backup is written after the re-check, so it always holds the bytes
 *   that are about to be replaced, and before the rename, so a crash never
 *   leaves a replaced file without its backup.
 * - Temp files carry the target's name, so while holding the target's lock
 *   any temp file of that target is known to be a crash leftover.
 * Reading, the temp-file write and mkdir -p live in atomicfile.c, which
 * backup.c shares; this file owns only the locked cycle around them.
 */
#define _GNU_SOURCE
#include "clinecfg/safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/backup.h"
#include "clinecfg/digest.h"
#include "clinecfg/diff.h"
#include "clinecfg/output.h"
#include "clinecfg/paths.h"

struct safefile_run {
    const cc_ctx *ctx;
    char *label;
    size_t max_size;
    int lock_timeout_ms;
    bool withhold_backups;
    backup_writer *backups;
};

/* ---- the run --------------------------------------------------------------- */

int safefile_run_new(const cc_ctx *ctx, const char *label, safefile_run **out, cc_err *err)
{
    *out = NULL;
    safefile_run *run = calloc(1, sizeof *run);
    if (!run)
        return cc_err_oom(err);
    run->ctx = ctx;
    run->label = strdup(label && *label ? label : "run");
    run->max_size = SAFEFILE_MAX_SIZE;
    run->lock_timeout_ms = SAFEFILE_LOCK_TIMEOUT_MS;
    if (!run->label) {
        free(run);
        return cc_err_oom(err);
    }
    int r = backup_writer_new(run->label, &run->backups, err);
    if (r != CC_OK) {
        safefile_run_free(run);
        return r;
    }
    *out = run;
    return CC_OK;
}

void safefile_run_free(safefile_run *run)
{
    if (!run)
        return;
    backup_writer_free(run->backups);
    free(run->label);
    free(run);
}

void safefile_run_set_max_size(safefile_run *run, size_t max_size) { run->max_size = max_size; }
void safefile_run_set_lock_timeout(safefile_run *run, int timeout_ms) { run->lock_timeout_ms = timeout_ms; }
void safefile_run_withhold_backups(safefile_run *run) { run->withhold_backups = true; }
const char *safefile_run_id(const safefile_run *run) { return backup_writer_id(run->backups); }
const char *safefile_run_backup_dir(const safefile_run *run) { return backup_writer_dir(run->backups); }

void safefile_result_free(safefile_result *res)
{
    if (!res)
        return;
    free(res->real_path);
    free(res->backup_path);
    free(res->diff);
    memset(res, 0, sizeof *res);
}

cJSON *safefile_result_json(const safefile_run *run, const char *path, const safefile_result *res)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "path", path);
    if (res->real_path)
        cJSON_AddStringToObject(o, "real_path", res->real_path);
    cJSON_AddBoolToObject(o, "changed", res->changed);
    cJSON_AddBoolToObject(o, "created", res->created);
    if (res->removed)
        cJSON_AddBoolToObject(o, "removed", true);
    if (res->backup_path)
        cJSON_AddStringToObject(o, "backup", res->backup_path);
    else
        cJSON_AddNullToObject(o, "backup");
    if (run && run->ctx && run->ctx->dry_run)
        cJSON_AddStringToObject(o, "diff", res->diff ? res->diff : "");
    return o;
}

/* Where the target really is and whether clinecfg may write it. */
typedef struct target {
    char *abs;        /* absolute form of the given path */
    char *real;       /* after symlinks */
    char *dir;        /* folder of real */
    const char *base; /* last component of real (points into real) */
    bool via_link;    /* the given path is a symlink */
    bool dir_missing; /* the folder does not exist yet */
    int write_status; /* CC_OK, or why it cannot be written (message in write_err) */
    cc_err write_err;
} target;

static void target_free(target *t)
{
    free(t->abs);
    free(t->real);
    free(t->dir);
}

/* ---- may the file be replaced? ---------------------------------------- */

/* cc_err_set with the code "<prefix>.<reason>". */
static int check_fail(cc_err *err, const safefile_check_opts *o, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int check_fail(cc_err *err, const safefile_check_opts *o, const char *reason, const char *fmt, ...)
{
    char code[48], msg[sizeof err->message];
    snprintf(code, sizeof code, "%s.%s", o->code_prefix, reason);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cc_err_set(err, CC_EINPUT, code, "%s", msg);
}

static bool foreign_owner(const safefile_check_opts *o, uid_t owner, uid_t me, bool root_is_fine)
{
    if (owner == me)
        return false;
    return o->owner_strict || !root_is_fine;
}

static int check_file(const char *real, const struct stat *st, const safefile_check_opts *o, const char *shown,
                      cc_err *err)
{
    uid_t me = geteuid();
    if (!S_ISREG(st->st_mode)) {
        check_fail(err, o, "not_regular", "%s: %s is not a regular file", shown, o->what);
        cc_err_hint(err, "give the path of a JSON or INI file");
        return CC_EINPUT;
    }
    if (access(real, W_OK) != 0 || !(st->st_mode & S_IWUSR)) {
        check_fail(err, o, "read_only", "%s: %s is read-only", shown, o->what);
        cc_err_hint(err, "make it writable (chmod u+w) if clinecfg should change it; if a dotfile manager such as "
                         "home-manager generates it, change the setting where it is generated");
        return CC_EINPUT;
    }
    /* Without owner_strict root may replace anyone's file: the temp file
     * gets the old owner. */
    if (foreign_owner(o, st->st_uid, me, me == 0)) {
        check_fail(err, o, "owner", "%s: %s is owned by uid %u, not by you (uid %u)", shown, o->what,
                   (unsigned)st->st_uid, (unsigned)me);
        cc_err_hint(err, "run clinecfg as the user who owns the file");
        return CC_EINPUT;
    }
    return CC_OK;
}

/* The folder that will hold the file (`nearest` false) or, when that is
 * missing, its nearest existing ancestor, where the missing folders would be
 * created (`nearest` true). */
static int check_folder(const char *dir, const struct stat *st, bool nearest, const safefile_check_opts *o,
                        const char *shown, cc_err *err)
{
    uid_t me = geteuid();
    if (!S_ISDIR(st->st_mode))
        return check_fail(err, o, "not_dir", "%s: %s is not a folder", shown, dir);
    if (nearest) {
        if (access(dir, W_OK | X_OK) != 0 || ((st->st_mode & S_IWUSR) == 0 && st->st_uid == me)) {
            check_fail(err, o, "folder_read_only", "%s: cannot create the folders for %s: %s is read-only", shown,
                       o->what, dir);
            cc_err_hint(err, "make %s writable, or choose a location you can write", dir);
            return CC_EINPUT;
        }
        return CC_OK;
    }
    /* Without owner_strict a folder of root's is fine (/etc, a system-wide
     * config folder edited by root). */
    if (foreign_owner(o, st->st_uid, me, st->st_uid == 0)) {
        check_fail(err, o, "folder_owner",
                   "%s: the folder holding %s is owned by uid %u, not by you (uid %u); clinecfg does not write into "
                   "a folder owned by another user",
                   shown, o->what, (unsigned)st->st_uid, (unsigned)me);
        cc_err_hint(err, "run clinecfg as the user who owns %s, or edit the file by hand", dir);
        return CC_EINPUT;
    }
    if (access(dir, W_OK | X_OK) != 0 || (st->st_mode & (S_IWUSR | S_IXUSR)) != (S_IWUSR | S_IXUSR)) {
        check_fail(err, o, "folder_read_only", "%s: the folder holding %s is read-only (%s is not writable by uid %u)",
                   shown, o->what, dir, (unsigned)me);
        cc_err_hint(err, "clinecfg replaces files through a temp file in the same folder; make it writable (chmod u+w %s)",
                    dir);
        return CC_EINPUT;
    }
    return CC_OK;
}

int safefile_check(const char *real_path, const safefile_check_opts *opts, cc_err *err)
{
    const char *shown = opts->shown ? opts->shown : real_path;
    struct stat st;
    if (stat(real_path, &st) == 0) {
        int rc = check_file(real_path, &st, opts, shown, err);
        if (rc != CC_OK)
            return rc;
    }
    const char *base;
    char *dir = atomicfile_dir_of(real_path, &base);
    if (!dir)
        return cc_err_oom(err);
    int rc = CC_OK;
    for (bool nearest = false;; nearest = true) {
        if (stat(dir, &st) == 0) {
            rc = check_folder(dir, &st, nearest, opts, shown, err);
            break;
        }
        if (errno != ENOENT && errno != ENOTDIR) {
            rc = check_fail(err, opts, "folder", "%s: cannot stat the folder %s: %s", shown, dir, strerror(errno));
            cc_err_hint(err, "check the path and the permissions of its folders");
            break;
        }
        char *up = atomicfile_dir_of(dir, &base);
        if (!up) {
            rc = cc_err_oom(err);
            break;
        }
        bool top = strcmp(up, dir) == 0;
        free(dir);
        dir = up;
        if (top)
            break;
    }
    free(dir);
    return rc;
}

static int resolve_target(const char *path, target *t, cc_err *err)
{
    memset(t, 0, sizeof *t);
    if (!path || !*path)
        return cc_err_set(err, CC_EUSAGE, "usage", "empty file path");
    t->abs = atomicfile_absolute(path);
    if (!t->abs)
        return cc_err_oom(err);
    struct stat lst;
    if (lstat(t->abs, &lst) == 0) {
        t->via_link = S_ISLNK(lst.st_mode);
        t->real = realpath(t->abs, NULL);
        if (!t->real) {
            int e = errno;
            if (e == ENOENT && t->via_link) {
                char target_name[PATH_MAX];
                ssize_t n = readlink(t->abs, target_name, sizeof target_name - 1);
                target_name[n > 0 ? n : 0] = '\0';
                cc_err_set(err, CC_EINPUT, "file.dangling_symlink", "%s: symlink to %s, which does not exist",
                           t->abs, target_name);
                cc_err_hint(err, "create the target file, or remove the dangling link so clinecfg can create the file");
                return CC_EINPUT;
            }
            cc_err_set(err, CC_EINPUT, "file.resolve", "cannot resolve %s: %s", t->abs, strerror(e));
            if (e == ELOOP)
                cc_err_hint(err, "the path is a symlink loop; fix or remove the link");
            return CC_EINPUT;
        }
    } else if (errno == ENOENT) {
        /* A missing file: resolve its folder if that exists. */
        const char *b;
        char *d = atomicfile_dir_of(t->abs, &b);
        if (!d)
            return cc_err_oom(err);
        char *rd = realpath(d, NULL);
        if (rd) {
            t->real = atomicfile_join(rd, b);
            free(rd);
        } else {
            t->dir_missing = true;
            t->real = strdup(t->abs);
        }
        free(d);
        if (!t->real)
            return cc_err_oom(err);
    } else {
        int e = errno;
        cc_err_set(err, CC_EINPUT, "file.resolve", "cannot use %s: %s", t->abs, strerror(e));
        cc_err_hint(err, "check the path and the permissions of its folders");
        return CC_EINPUT;
    }
    t->dir = atomicfile_dir_of(t->real, &t->base);
    if (!t->dir)
        return cc_err_oom(err);
    if (!*t->base)
        return cc_err_set(err, CC_EUSAGE, "usage", "%s is not a file path", path);

    /* Refused only when the edit changes the file (see the top). */
    char *shown = NULL;
    if (t->via_link && asprintf(&shown, "%s (symlink to %s)", t->abs, t->real) < 0)
        return cc_err_oom(err);
    safefile_check_opts opts = {"file", "the file", shown, false};
    cc_err_clear(&t->write_err);
    t->write_status = safefile_check(t->real, &opts, &t->write_err);
    free(shown);
    return CC_OK;
}

/* A lock folder must be a real folder (not a link), ours, and closed to
 * others: whoever could write in it could swap a lock for a link. */
static bool lock_dir_is_private(const char *dir)
{
    struct stat st;
    return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 077) == 0;
}

/* The folder lock files go to: $XDG_RUNTIME_DIR/clinecfg when the runtime
 * folder is usable (absolute, ours, 0700 as the XDG rules require), else
 * the state folder's "locks".  Created 0700 when missing. */
static int lock_dir(char **out, cc_err *err)
{
    *out = NULL;
    char *dir = paths_runtime_dir();
    if (dir) {
        const char *base;
        char *runtime = atomicfile_dir_of(dir, &base);
        bool usable = runtime && lock_dir_is_private(runtime);
        free(runtime);
        if (usable && (mkdir(dir, 0700) == 0 || errno == EEXIST) && lock_dir_is_private(dir)) {
            *out = dir;
            return CC_OK;
        }
        free(dir);
    }
    dir = paths_state_file("locks");
    if (!dir)
        return paths_error(err);
    int r = atomicfile_make_dirs(dir, false, err); /* locks need not survive a crash */
    if (r == CC_OK && !lock_dir_is_private(dir)) {
        cc_err_set(err, CC_EINPUT, "file.lock_dir", "the lock folder %s is not a folder of yours closed to others",
                   dir);
        cc_err_hint(err, "remove it (clinecfg creates it again, mode 0700), or fix its owner and mode");
        r = CC_EINPUT;
    }
    if (r != CC_OK) {
        free(dir);
        return r;
    }
    *out = dir;
    return CC_OK;
}

int safefile_lock_path(const char *real_path, char **out, cc_err *err)
{
    *out = NULL;
    char *dir = NULL;
    int r = lock_dir(&dir, err);
    if (r != CC_OK)
        return r;
    char key[65];
    digest_sha256_hex(real_path, strlen(real_path), key);
    size_t need = strlen(dir) + sizeof key + sizeof SAFEFILE_LOCK_SUFFIX + 2;
    *out = malloc(need);
    if (*out)
        snprintf(*out, need, "%s/%s%s", dir, key, SAFEFILE_LOCK_SUFFIX);
    free(dir);
    return *out ? CC_OK : cc_err_oom(err);
}

static int take_lock(const target *t, int timeout_ms, int *fd_out, cc_err *err)
{
    char *lp = NULL;
    int r = safefile_lock_path(t->real, &lp, err);
    if (r != CC_OK)
        return r;
    int fd = open(lp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        cc_err_set(err, CC_EINPUT, "file.lock", "cannot open the lock file %s (for %s): %s", lp, t->real, strerror(e));
        cc_err_hint(err, "its folder must be writable; if the lock file is a symlink, remove it");
        free(lp);
        return CC_EINPUT;
    }
    /* flock has no timeout, so poll.  The wait is for *progress*: while
     * other clinecfg processes keep replacing the file, a queue of waiters is
     * moving and nobody should give up; the clock only runs while the file
     * stays the same under a held lock. */
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct stat seen;
    bool have_seen = stat(t->real, &seen) == 0;
    long delay_us = 200;
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            break;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int e = errno;
            close(fd);
            cc_err_set(err, CC_EINPUT, "file.lock", "cannot lock %s: %s", lp, strerror(e));
            free(lp);
            return CC_EINPUT;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        struct stat cur;
        bool have_cur = stat(t->real, &cur) == 0;
        if (have_cur != have_seen ||
            (have_cur && (cur.st_ino != seen.st_ino || cur.st_size != seen.st_size ||
                          cur.st_mtim.tv_sec != seen.st_mtim.tv_sec || cur.st_mtim.tv_nsec != seen.st_mtim.tv_nsec))) {
            seen = cur;
            have_seen = have_cur;
            start = now;
        }
        long waited_ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (waited_ms >= timeout_ms) {
            close(fd);
            cc_err_set(err, CC_ECONFLICT, "file.locked", "%s is locked by another clinecfg process that has not changed it for %d ms (lock %s)",
                       t->real, timeout_ms, lp);
            cc_err_hint(err, "wait for the other clinecfg to finish and run the command again");
            free(lp);
            return CC_ECONFLICT;
        }
        struct timespec d = {0, delay_us * 1000};
        nanosleep(&d, NULL);
        if (delay_us < 4000)
            delay_us *= 2;
    }
    free(lp);
    *fd_out = fd;
    return CC_OK;
}

static void remove_leftovers(const safefile_run *run, const target *t)
{
    char **paths = NULL;
    size_t n = 0;
    cc_err e;
    cc_err_clear(&e);
    if (safefile_find_stale_temps(t->dir, t->base, &paths, &n, &e) != CC_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        if (unlink(paths[i]) == 0 && run->ctx)
            out_warn(&run->ctx->out, "removed %s, left by an interrupted write of %s", paths[i], t->real);
    }
    safefile_free_paths(paths, n);
}

static bool same_file_state(const struct stat *a, bool a_exists, const char *ha, const struct stat *b, bool b_exists,
                            const char *hb)
{
    if (a_exists != b_exists)
        return false;
    if (!a_exists)
        return true;
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && strcmp(ha, hb) == 0;
}

/* Step 1-2: resolve the path and, unless dry-run or refused, create the
 * missing folders, take the lock and clear crash leftovers. */
static int open_target(const safefile_run *run, const char *path, bool dry, target *t, int *lock_fd, cc_err *err)
{
    *lock_fd = -1;
    int r = resolve_target(path, t, err);
    if (r != CC_OK || dry || t->write_status != CC_OK)
        return r;
    if (t->dir_missing) {
        const char *b;
        char *d = atomicfile_dir_of(t->abs, &b);
        r = d ? safefile_make_dirs(d, err) : cc_err_oom(err);
        free(d);
        if (r != CC_OK)
            return r;
        /* Now the folder exists: resolve it for real. */
        target t2;
        r = resolve_target(path, &t2, err);
        target_free(t);
        *t = t2;
        if (r != CC_OK)
            return r;
    }
    if (t->write_status != CC_OK)
        return CC_OK;
    r = take_lock(t, run->lock_timeout_ms, lock_fd, err);
    if (r == CC_OK)
        remove_leftovers(run, t);
    return r;
}

/* One read-edit cycle's bytes. */
typedef struct edit_attempt {
    char *old, *new_text;
    size_t old_len, new_len;
    bool exists;
    bool remove;       /* the callback asked for the file to be deleted */
    struct stat st;    /* of the file as read */
    char old_hash[65];
} edit_attempt;

static void attempt_clear(edit_attempt *a)
{
    free(a->old);
    free(a->new_text);
    memset(a, 0, sizeof *a);
}

/* Step 3: read the file and run the caller's edit on it. */
static int read_and_edit(const safefile_run *run, const target *t, const char *path, safefile_edit_fn fn, void *ud,
                         edit_attempt *a, cc_err *err)
{
    attempt_clear(a);
    int r = atomicfile_read_stat(t->real, run->max_size, &a->old, &a->old_len, &a->exists, &a->st, err);
    if (r != CC_OK)
        return r;
    digest_sha256_hex(a->old, a->old_len, a->old_hash);
    int fr = fn(ud, path, a->old, a->old_len, a->exists, &a->new_text, &a->new_len, err);
    if (fr < 0)
        return fr;
    a->remove = fr == SAFEFILE_REMOVE;
    if (a->remove) {
        free(a->new_text);
        a->new_text = NULL;
        a->new_len = 0;
    } else if (!a->new_text) {
        return cc_err_set(err, CC_EINTERNAL, "internal", "edit of %s returned no content", t->real);
    }
    return CC_OK;
}

static bool attempt_changes(const edit_attempt *a)
{
    if (a->remove)
        return a->exists;
    return !a->exists || a->new_len != a->old_len || memcmp(a->old, a->new_text, a->old_len) != 0;
}

/* Fills res->diff and the changed/created/removed flags for a change. */
static int describe_change(const char *path, const edit_attempt *a, safefile_result *res, cc_err *err)
{
    free(res->diff);
    res->diff = NULL;
    int r = cc_diff_unified(a->exists ? path : NULL, a->old, a->old_len, a->remove ? NULL : path, a->new_text,
                            a->new_len, 3, &res->diff, err);
    if (r != CC_OK)
        return r;
    res->changed = true;
    res->created = !a->exists;
    res->removed = a->remove;
    return CC_OK;
}

/* Step 5's check: does the file still hold what was read? */
static int still_as_read(const safefile_run *run, const target *t, const edit_attempt *a, bool *same, cc_err *err)
{
    char *now = NULL;
    size_t now_len = 0;
    bool now_exists = false;
    struct stat nst;
    int r = atomicfile_read_stat(t->real, run->max_size, &now, &now_len, &now_exists, &nst, err);
    char now_hash[65] = "";
    if (r == CC_OK)
        digest_sha256_hex(now, now_len, now_hash);
    free(now);
    *same = r == CC_OK && same_file_state(&a->st, a->exists, a->old_hash, &nst, now_exists, now_hash);
    return r;
}

/* Step 6: back up the old bytes, then rename the temp file over the target
 * (or remove it) and sync the folder.  Consumes tmp. */
static int back_up_and_replace(const safefile_run *run, const target *t, const edit_attempt *a, char *tmp,
                               safefile_result *res, cc_err *err)
{
    char new_hash[65];
    if (!a->remove)
        digest_sha256_hex(a->new_text, a->new_len, new_hash);
    /* Old bytes that hold a secret this edit removes are its last copy: keep none. */
    bool withhold = run->withhold_backups ||
                    (a->exists && cc_diff_removes_secret(a->old, a->old_len, a->remove ? NULL : a->new_text, a->new_len));
    if (withhold && !run->withhold_backups && run->ctx)
        out_warn(&run->ctx->out, "no backup of %s is kept: this edit removes a secret from it, and a backup would "
                                 "keep that secret in plain text (restore cannot bring the old file back)",
                 t->real);
    int r = backup_record(run->backups, t->abs, t->real, a->old, a->old_len, a->exists, withhold,
                          a->st.st_mode, a->remove ? NULL : new_hash, &res->backup_path, err);
    if (r != CC_OK) {
        cc_err_hint(err, "%s was not changed: clinecfg does not replace a file it could not back up", t->real);
    } else {
        if (a->exists && a->st.st_nlink > 1 && run->ctx)
            out_warn(&run->ctx->out,
                     "%s has %lu hard links; the file is replaced, so the other links keep the old content",
                     t->real, (unsigned long)a->st.st_nlink);
        if (a->remove) {
            if (unlink(t->real) != 0 && errno != ENOENT)
                r = cc_err_set(err, CC_EINPUT, "file.write", "cannot remove %s: %s", t->real, strerror(errno));
        } else if (rename(tmp, t->real) != 0) {
            r = cc_err_set(err, CC_EINPUT, "file.write", "cannot replace %s: %s", t->real, strerror(errno));
            cc_err_hint(err, "the file was not changed");
        }
    }
    if (r != CC_OK && tmp)
        unlink(tmp);
    free(tmp);
    if (r == CC_OK && atomicfile_sync_dir(t->dir) != 0)
        r = cc_err_set(err, CC_EINPUT, "file.write", "%s was replaced but its folder could not be synced: %s",
                       t->real, strerror(errno));
    return r;
}

/* Steps 4-6 for one attempt; *raced is set (and nothing written) when the
 * file changed since it was read. */
static int write_attempt(const safefile_run *run, const target *t, const edit_attempt *a, mode_t new_file_mode,
                         safefile_result *res, bool *raced, cc_err *err)
{
    *raced = false;
    char *tmp = NULL;
    if (!a->remove) {
        atomicfile_owner owner = {a->exists, a->st.st_uid, a->st.st_gid};
        int r = atomicfile_write_temp(t->dir, t->base, a->new_text, a->new_len,
                                      a->exists ? a->st.st_mode : new_file_mode, owner, t->real, &tmp, err);
        if (r != CC_OK)
            return r;
    }
    /* Has anyone (not holding our lock) changed the file? */
    bool same = false;
    int r = still_as_read(run, t, a, &same, err);
    if (r != CC_OK || !same) {
        if (tmp)
            unlink(tmp);
        free(tmp);
        *raced = r == CC_OK;
        return r;
    }
    return back_up_and_replace(run, t, a, tmp, res, err);
}

/* The cycle of safefile.h: read, edit, and (unless dry-run or refused) write
 * with a re-check, until the file held still or the attempts ran out. */
static int edit_cycle(const safefile_run *run, const target *t, const char *path, mode_t new_file_mode,
                      safefile_edit_fn fn, void *ud, safefile_result *res, cc_err *err)
{
    bool dry = run->ctx && run->ctx->dry_run;
    edit_attempt a;
    memset(&a, 0, sizeof a);
    int r = CC_OK;
    bool raced = true;
    for (int attempt = 0; raced && attempt < SAFEFILE_MAX_ATTEMPTS; attempt++) {
        raced = false;
        r = read_and_edit(run, t, path, fn, ud, &a, err);
        if (r != CC_OK)
            break;
        if (!attempt_changes(&a)) {
            free(res->diff);
            res->diff = calloc(1, 1);
            r = res->diff ? CC_OK : cc_err_oom(err);
            break;
        }
        r = describe_change(path, &a, res, err);
        if (r == CC_OK && t->write_status != CC_OK) {
            *err = t->write_err;
            r = t->write_status;
        }
        if (r != CC_OK || dry)
            break;
        r = write_attempt(run, t, &a, new_file_mode, res, &raced, err);
        if (raced)
            res->changed = res->created = res->removed = false;
    }
    attempt_clear(&a);
    if (raced) { /* the file changed under every attempt */
        r = cc_err_set(err, CC_ECONFLICT, "file.changing",
                       "%s kept changing while clinecfg edited it (%d attempts); nothing was written", t->real,
                       SAFEFILE_MAX_ATTEMPTS);
        cc_err_hint(err, "another program is writing this file; close it (VS Code, Cline?) and run the command again");
    }
    return r;
}

int safefile_update(safefile_run *run, const char *path, mode_t new_file_mode, safefile_edit_fn fn, void *ud,
                    safefile_result *res, cc_err *err)
{
    safefile_result local;
    if (!res)
        res = &local;
    cc_err local_err;
    if (!err) {
        cc_err_clear(&local_err);
        err = &local_err;
    }
    memset(res, 0, sizeof *res);
    bool dry = run->ctx && run->ctx->dry_run;
    target t;
    int lock_fd = -1;
    int r = open_target(run, path, dry, &t, &lock_fd, err);
    if (r == CC_OK)
        r = edit_cycle(run, &t, path, new_file_mode, fn, ud, res, err);
    if (lock_fd >= 0)
        close(lock_fd); /* releases the flock */
    if (r == CC_OK) {
        res->real_path = t.real;
        t.real = NULL;
        if (!res->diff)
            res->diff = calloc(1, 1);
    }
    target_free(&t);
    if (r != CC_OK || res == &local)
        safefile_result_free(res);
    return r;
}

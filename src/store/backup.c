/*
 * backup.c - per-run backups of replaced files and their manifests (see
 * include/clinecfg/backup.h for the layout).
 *
 * The manifest is rewritten atomically after every change, so the folder is
 * always consistent with what was replaced so far in the run.
 */
#define _GNU_SOURCE
#include "clinecfg/digest.h"
#include "clinecfg/backup.h"
#include "clinecfg/paths.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "clinecfg/atomicfile.h"

#define MANIFEST "manifest.json"
#define MANIFEST_MAX ((size_t)16 * 1024 * 1024)

struct backup_writer {
    char *label;
    char *id;
    char *dir;       /* NULL until the first record */
    char *created_at;
    cJSON *manifest; /* NULL until the first record */
};



int backup_root(char **out, cc_err *err)
{
    *out = paths_state_file("backups");
    return *out ? CC_OK : paths_error(err);
}

int backup_check_owner(const char *dir, const char *what, cc_err *err)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? CC_OK : cc_err_set(err, CC_EINPUT, "state.folder",
                                                                       "cannot check %s (%s): %s", dir, what,
                                                                       strerror(errno));
    if (st.st_uid == geteuid())
        return CC_OK;
    cc_err_set(err, CC_EINPUT, "state.folder_owner",
               "%s (%s) belongs to another user (uid %u, you are uid %u); clinecfg keeps nothing there and reads "
               "nothing from there",
               dir, what, (unsigned)st.st_uid, (unsigned)geteuid());
    cc_err_hint(err, "remove or rename it if it is not yours (or set XDG_STATE_HOME to a folder you own)");
    return CC_EINPUT;
}

/* The state folder and the backup root are ours, or nothing is read or kept. */
static int check_folders(const char *root, cc_err *err)
{
    char *state = paths_state_dir();
    if (!state)
        return paths_error(err);
    int r = backup_check_owner(state, "clinecfg's state folder", err);
    free(state);
    return r ? r : backup_check_owner(root, "clinecfg's backup folder", err);
}

/* Labels end up in folder names: keep [A-Za-z0-9_] only. */
static void clean_label(const char *in, char *out, size_t cap)
{
    size_t k = 0;
    for (const char *p = in; *p && k + 1 < cap; p++)
        out[k++] = ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')
                       ? *p
                       : '_';
    out[k] = '\0';
    if (k == 0)
        snprintf(out, cap, "run");
}

int backup_writer_new(const char *label, backup_writer **out, cc_err *err)
{
    *out = NULL;
    backup_writer *w = calloc(1, sizeof *w);
    if (!w)
        return cc_err_oom(err);
    char lab[32], stamp[32], secs[32], iso[80], id[96];
    clean_label(label ? label : "run", lab, sizeof lab);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm tm;
    gmtime_r(&now.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    strftime(secs, sizeof secs, "%Y-%m-%dT%H:%M:%S", &tm);
    /* Microseconds: runs started in the same second still sort in order. */
    snprintf(iso, sizeof iso, "%s.%06ldZ", secs, (long)(now.tv_nsec / 1000));
    snprintf(id, sizeof id, "%s-%s-%ld", stamp, lab, (long)getpid());
    w->label = strdup(lab);
    w->id = strdup(id);
    w->created_at = strdup(iso);
    if (!w->label || !w->id || !w->created_at) {
        backup_writer_free(w);
        return cc_err_oom(err);
    }
    *out = w;
    return CC_OK;
}

void backup_writer_free(backup_writer *w)
{
    if (!w)
        return;
    free(w->label);
    free(w->id);
    free(w->dir);
    free(w->created_at);
    cJSON_Delete(w->manifest);
    free(w);
}

const char *backup_writer_id(const backup_writer *w) { return w ? w->id : NULL; }
const char *backup_writer_dir(const backup_writer *w) { return w ? w->dir : NULL; }

/* Creates this run's folder (0700) and an empty manifest. */
static int start_run(backup_writer *w, cc_err *err)
{
    char *root = NULL;
    int r = backup_root(&root, err);
    if (r != CC_OK)
        return r;
    r = check_folders(root, err);
    if (r == CC_OK && (r = safefile_make_dirs(root, err)) != CC_OK)
        cc_err_hint(err, "check the permissions of the backup folder %s (or set XDG_STATE_HOME)", root);
    if (r == CC_OK)
        r = check_folders(root, err);
    if (r != CC_OK) {
        free(root);
        return r;
    }
    char *dir = NULL;
    for (int i = 1; i < 1000 && !dir; i++) {
        char name[160];
        if (i == 1)
            snprintf(name, sizeof name, "%s", w->id);
        else
            snprintf(name, sizeof name, "%s.%d", w->id, i);
        char *cand = atomicfile_join(root, name);
        if (!cand) {
            free(root);
            return cc_err_oom(err);
        }
        if (mkdir(cand, 0700) == 0) {
            dir = cand;
            /* The run folder must survive a power cut before any file it
             * backs up is replaced. */
            atomicfile_sync_dir(root);
            if (i > 1) {
                free(w->id);
                w->id = strdup(name);
            }
        } else {
            int e = errno;
            free(cand);
            if (e != EEXIST) {
                cc_err_set(err, CC_EINPUT, "backup.mkdir", "cannot create a backup folder in %s: %s", root,
                           strerror(e));
                free(root);
                return CC_EINPUT;
            }
        }
    }
    free(root);
    if (!dir || !w->id)
        return cc_err_set(err, CC_EINTERNAL, "backup.mkdir", "cannot find a free backup folder name");
    cJSON *m = cJSON_CreateObject();
    if (!m || !cJSON_AddNumberToObject(m, "version", 1) || !cJSON_AddStringToObject(m, "id", w->id) ||
        !cJSON_AddStringToObject(m, "label", w->label) || !cJSON_AddStringToObject(m, "created_at", w->created_at) ||
        !cJSON_AddArrayToObject(m, "files")) {
        cJSON_Delete(m);
        rmdir(dir);
        free(dir);
        return cc_err_oom(err);
    }
    w->dir = dir;
    w->manifest = m;
    return CC_OK;
}

static int write_manifest(backup_writer *w, cc_err *err)
{
    char *text = cJSON_Print(w->manifest);
    char *path = atomicfile_join(w->dir, MANIFEST);
    int r;
    if (!text || !path) {
        r = cc_err_oom(err);
    } else {
        size_t n = strlen(text);
        text[n] = '\n'; /* replace the NUL: the file ends with a newline */
        r = safefile_write_atomic(path, text, n + 1, 0600, err);
        text[n] = '\0';
    }
    free(text);
    free(path);
    return r;
}

int backup_record(backup_writer *w, const char *path, const char *real_path, const char *old, size_t old_len,
                  bool existed, bool withhold, mode_t old_mode, const char *new_sha256, char **backup_path,
                  cc_err *err)
{
    if (backup_path)
        *backup_path = NULL;
    if (!w->dir) {
        int r = start_run(w, err);
        if (r != CC_OK)
            return r;
    }
    cJSON *files = cJSON_GetObjectItemCaseSensitive(w->manifest, "files");
    cJSON *entry = NULL, *it;
    cJSON_ArrayForEach(it, files) {
        const cJSON *rp = cJSON_GetObjectItemCaseSensitive(it, "real_path");
        if (cJSON_IsString(rp) && strcmp(rp->valuestring, real_path) == 0) {
            entry = it;
            break;
        }
    }
    if (entry) {
        /* Already backed up in this run: the first copy holds the bytes
         * from before the run; only the hash of what was written moves. */
        cJSON *ns = cJSON_CreateString(new_sha256 ? new_sha256 : "");
        if (!ns)
            return cc_err_oom(err);
        cJSON_ReplaceItemInObjectCaseSensitive(entry, "new_sha256", ns);
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(entry, "backup");
        if (backup_path && cJSON_IsString(b)) {
            *backup_path = atomicfile_join(w->dir, b->valuestring);
            if (!*backup_path)
                return cc_err_oom(err);
        }
        return write_manifest(w, err);
    }
    size_t index = (size_t)cJSON_GetArraySize(files) + 1;
    const char *base = strrchr(real_path, '/');
    base = base ? base + 1 : real_path;
    char name[300];
    snprintf(name, sizeof name, "%zu-%.250s", index, base);
    char *copy = NULL;
    bool keep_copy = existed && !withhold;
    if (keep_copy) {
        copy = atomicfile_join(w->dir, name);
        if (!copy)
            return cc_err_oom(err);
        /* The folder is synced by the manifest write that follows, before
         * the target is replaced. */
        int r = safefile_write_atomic_ex(copy, old, old_len, 0600, false, err);
        if (r != CC_OK) {
            cc_err_prefix(err, "cannot back up %s", real_path);
            free(copy);
            return r;
        }
    }
    char sha[65] = "";
    if (keep_copy) /* a withheld file's hash is no use to restore: it stays out too */
        digest_sha256_hex(old, old_len, sha);
    entry = cJSON_CreateObject();
    if (!entry || !cJSON_AddStringToObject(entry, "path", path) ||
        !cJSON_AddStringToObject(entry, "real_path", real_path) ||
        !(keep_copy ? cJSON_AddStringToObject(entry, "backup", name) : cJSON_AddNullToObject(entry, "backup")) ||
        !cJSON_AddBoolToObject(entry, "created", !existed) ||
        !cJSON_AddBoolToObject(entry, "withheld", existed && withhold) || !cJSON_AddStringToObject(entry, "sha256", sha) ||
        !cJSON_AddStringToObject(entry, "new_sha256", new_sha256 ? new_sha256 : "") ||
        !cJSON_AddNumberToObject(entry, "size", (double)old_len) ||
        !cJSON_AddNumberToObject(entry, "mode", existed ? (double)(old_mode & 07777) : 0)) {
        cJSON_Delete(entry);
        free(copy);
        return cc_err_oom(err);
    }
    cJSON_AddItemToArray(files, entry);
    int r = write_manifest(w, err);
    if (r == CC_OK && backup_path)
        *backup_path = copy;
    else
        free(copy);
    return r;
}

/* ---- reading runs ----------------------------------------------------------- */

void backup_run_clear(backup_run *run)
{
    if (!run)
        return;
    for (size_t i = 0; i < run->nfiles; i++) {
        free(run->files[i].path);
        free(run->files[i].real_path);
        free(run->files[i].backup);
    }
    free(run->files);
    free(run->id);
    free(run->label);
    free(run->created_at);
    free(run->dir);
    memset(run, 0, sizeof *run);
}

void backup_runs_free(backup_run *runs, size_t n)
{
    if (!runs)
        return;
    for (size_t i = 0; i < n; i++)
        backup_run_clear(&runs[i]);
    free(runs);
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A manifest number, or 0 when it is not one or outside [lo, hi] (a
 * hand-edited "size": 1e300 must not reach a cast to an integer). */
static double number_in_range(const cJSON *v, double lo, double hi)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi))
        return 0;
    return v->valuedouble;
}

/* Loads dir/manifest.json into *out. */
static int load_dir(const char *dir, const char *id, backup_run *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    char *mpath = atomicfile_join(dir, MANIFEST);
    if (!mpath)
        return cc_err_oom(err);
    char *text = NULL;
    size_t len = 0;
    bool exists = false;
    int r = safefile_read(mpath, MANIFEST_MAX, &text, &len, &exists, err);
    if (r == CC_OK && !exists)
        r = cc_err_set(err, CC_EINPUT, "backup.manifest", "%s: missing", mpath);
    cJSON *m = NULL;
    if (r == CC_OK) {
        m = cJSON_ParseWithLength(text, len);
        const cJSON *files = cJSON_GetObjectItemCaseSensitive(m, "files");
        if (!m || !cJSON_IsArray(files))
            r = cc_err_set(err, CC_EINPUT, "backup.manifest", "%s: not a clinecfg backup manifest", mpath);
    }
    free(text);
    if (r == CC_OK) {
        const cJSON *files = cJSON_GetObjectItemCaseSensitive(m, "files");
        size_t n = (size_t)cJSON_GetArraySize(files);
        out->id = strdup(id);
        out->label = strdup(jstr(m, "label") ? jstr(m, "label") : "");
        out->created_at = strdup(jstr(m, "created_at") ? jstr(m, "created_at") : "");
        out->dir = strdup(dir);
        out->files = calloc(n ? n : 1, sizeof *out->files);
        if (!out->id || !out->label || !out->created_at || !out->dir || !out->files)
            r = cc_err_oom(err);
        const cJSON *f;
        cJSON_ArrayForEach(f, files) {
            if (r != CC_OK)
                break;
            const char *p = jstr(f, "path"), *rp = jstr(f, "real_path"), *b = jstr(f, "backup");
            if (!p || !rp || (b && (strchr(b, '/') || strcmp(b, "..") == 0))) {
                r = cc_err_set(err, CC_EINPUT, "backup.manifest", "%s: an entry lacks path or real_path", mpath);
                break;
            }
            backup_file *bf = &out->files[out->nfiles++];
            bf->path = strdup(p);
            bf->real_path = strdup(rp);
            bf->backup = b ? atomicfile_join(dir, b) : NULL;
            bf->created = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "created"));
            bf->withheld = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "withheld"));
            if (!bf->created && !bf->withheld && !b) {
                r = cc_err_set(err, CC_EINPUT, "backup.manifest", "%s: the entry for %s names no backup copy", mpath,
                               rp);
                break;
            }
            snprintf(bf->sha256, sizeof bf->sha256, "%s", jstr(f, "sha256") ? jstr(f, "sha256") : "");
            snprintf(bf->new_sha256, sizeof bf->new_sha256, "%s", jstr(f, "new_sha256") ? jstr(f, "new_sha256") : "");
            const cJSON *sz = cJSON_GetObjectItemCaseSensitive(f, "size");
            const cJSON *md = cJSON_GetObjectItemCaseSensitive(f, "mode");
            bf->size = (long long)number_in_range(sz, 0, 9.0e15);
            bf->mode = (unsigned)number_in_range(md, 0, 07777);
            if (!bf->path || !bf->real_path || (b && !bf->backup))
                r = cc_err_oom(err);
        }
    }
    cJSON_Delete(m);
    free(mpath);
    if (r != CC_OK)
        backup_run_clear(out);
    return r;
}

static int cmp_runs(const void *a, const void *b)
{
    const backup_run *x = a, *y = b;
    int c = strcmp(x->created_at, y->created_at);
    return c ? c : strcmp(x->id, y->id);
}

int backup_list(backup_run **runs, size_t *n, cc_err *err)
{
    *runs = NULL;
    *n = 0;
    char *root = NULL;
    int r = backup_root(&root, err);
    if (r == CC_OK && (r = check_folders(root, err)) != CC_OK)
        free(root);
    if (r != CC_OK)
        return r;
    DIR *d = opendir(root);
    if (!d) {
        int e = errno;
        free(root);
        if (e == ENOENT)
            return CC_OK;
        return cc_err_set(err, CC_EINPUT, "backup.list", "cannot list the backups: %s", strerror(e));
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *dir = atomicfile_join(root, e->d_name);
        if (!dir) {
            r = cc_err_oom(err);
            break;
        }
        backup_run run;
        cc_err ignored;
        cc_err_clear(&ignored);
        int lr = load_dir(dir, e->d_name, &run, &ignored);
        free(dir);
        if (lr == CC_EINTERNAL) {
            r = cc_err_oom(err);
            break;
        }
        if (lr != CC_OK)
            continue; /* not a run folder, or one interrupted before its manifest */
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            backup_run *nr = realloc(*runs, cap * sizeof *nr);
            if (!nr) {
                backup_run_clear(&run);
                r = cc_err_oom(err);
                break;
            }
            *runs = nr;
        }
        (*runs)[(*n)++] = run;
    }
    closedir(d);
    free(root);
    if (r != CC_OK) {
        backup_runs_free(*runs, *n);
        *runs = NULL;
        *n = 0;
        return r;
    }
    if (*n > 1)
        qsort(*runs, *n, sizeof **runs, cmp_runs);
    return CC_OK;
}

int backup_load(const char *id, backup_run *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (!id || !*id || strchr(id, '/') || id[0] == '.') {
        cc_err_set(err, CC_EINPUT, "backup.id", "'%s' is not a backup run id", id ? id : "");
        cc_err_hint(err, "run 'clinecfg restore --list' to see the backup runs");
        return CC_EINPUT;
    }
    char *root = NULL;
    int r = backup_root(&root, err);
    if (r == CC_OK && (r = check_folders(root, err)) != CC_OK)
        free(root);
    if (r != CC_OK)
        return r;
    char *dir = atomicfile_join(root, id);
    if (!dir) {
        free(root);
        return cc_err_oom(err);
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cc_err_set(err, CC_EINPUT, "backup.not_found", "no backup run %s in %s", id, root);
        cc_err_hint(err, "run 'clinecfg restore --list' to see the backup runs");
        r = CC_EINPUT;
    } else {
        r = load_dir(dir, id, out, err);
    }
    free(dir);
    free(root);
    return r;
}

/* ---- pruning ------------------------------------------------------------ */

/* Removes one run folder: the regular files in it, then the folder.  A
 * folder holding anything else (a subfolder, a symlink) is left alone. */
static bool remove_run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool ok = true;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            unlinkat(dirfd(d), e->d_name, 0) != 0)
            ok = false;
    }
    closedir(d);
    return ok && rmdir(dir) == 0;
}

int backup_prune(size_t keep, const char *current_id, size_t *removed, cc_err *err)
{
    *removed = 0;
    if (keep == 0)
        return CC_OK;
    backup_run *runs = NULL;
    size_t n = 0;
    int r = backup_list(&runs, &n, err);
    if (r != CC_OK)
        return r;
    size_t excess = n > keep ? n - keep : 0;
    for (size_t i = 0; i < n && excess > 0; i++) {
        if (current_id && strcmp(runs[i].id, current_id) == 0)
            continue;
        excess--;
        if (!remove_run_dir(runs[i].dir)) {
            r = cc_err_set(err, CC_EINPUT, "backup.prune", "cannot remove the old backup run %s", runs[i].dir);
            break;
        }
        (*removed)++;
    }
    backup_runs_free(runs, n);
    return r;
}

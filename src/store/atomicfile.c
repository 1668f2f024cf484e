/*
 * atomicfile.c - the lock-free half of the safe-file layer: reading a file
 * safely, replacing it atomically, mkdir -p, and recognising the temp files
 * an interrupted replace leaves behind (see include/clinecfg/atomicfile.h).
 *
 * Why it is built this way:
 * - Reads open with O_NONBLOCK and check the type before reading, so a path
 *   that names a FIFO or a device fails with a message instead of hanging.
 * - Temp files carry the target's name, so whoever holds the target's lock
 *   (safefile.c) knows any temp file of that target is a crash leftover.
 */
#define _GNU_SOURCE
#include "clinecfg/atomicfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

/* ---- small path helpers ------------------------------------------------ */

char *atomicfile_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    size_t k = a;
    if (k == 0 || p[k - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, name, b + 1);
    return p;
}

/* Splits an absolute path into a malloc'd folder and a pointer to the last
 * component inside `path`. */
char *atomicfile_dir_of(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        *base = path;
        return strdup(".");
    }
    *base = slash + 1;
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

char *atomicfile_absolute(const char *path)
{
    if (path[0] == '/')
        return strdup(path);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return NULL;
    return atomicfile_join(cwd, path);
}

int atomicfile_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = fsync(fd);
    /* Some file systems do not support fsync on folders; that is not a
     * failure of the write itself. */
    if (r != 0 && (errno == EINVAL || errno == ENOTSUP))
        r = 0;
    close(fd);
    return r;
}

/* mkdir -p with 0700 for every folder it creates. */
int safefile_make_dirs(const char *dir, cc_err *err) { return atomicfile_make_dirs(dir, true, err); }

int atomicfile_make_dirs(const char *dir, bool sync, cc_err *err)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return CC_OK;
        return cc_err_set(err, CC_EINPUT, "file.not_dir", "%s: exists and is not a folder", dir);
    }
    const char *base;
    char *parent = atomicfile_dir_of(dir, &base);
    if (!parent)
        return cc_err_oom(err);
    int r = CC_OK;
    if (strcmp(parent, dir) != 0)
        r = atomicfile_make_dirs(parent, sync, err);
    if (r == CC_OK && mkdir(dir, 0700) != 0 && errno != EEXIST) {
        r = cc_err_set(err, CC_EINPUT, "file.mkdir", "cannot create folder %s: %s", dir, strerror(errno));
        cc_err_hint(err, "check the permissions of %s", parent);
    } else if (r == CC_OK && sync) {
        atomicfile_sync_dir(parent);
    }
    free(parent);
    return r;
}

/* ---- reading ------------------------------------------------------------- */

static void fmt_size(size_t n, char *buf, size_t cap)
{
    if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
        snprintf(buf, cap, "%zu MiB", n / (1024 * 1024));
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(buf, cap, "%zu KiB", n / 1024);
    else
        snprintf(buf, cap, "%zu bytes", n);
}

static int too_big(const char *path, unsigned long long size, size_t max_size, cc_err *err)
{
    char lim[64];
    fmt_size(max_size, lim, sizeof lim);
    cc_err_set(err, CC_EINPUT, "file.too_large", "%s: file is %llu bytes, over the %s size limit (%zu bytes)", path,
               size, lim, max_size);
    cc_err_hint(err, "clinecfg only edits files up to %s; check that this is the right file", lim);
    return CC_EINPUT;
}

/* Reads the file and reports the stat of the open file (st zeroed when it
 * does not exist). */
int atomicfile_read_stat(const char *path, size_t max_size, char **out, size_t *len, bool *exists, struct stat *st,
                         cc_err *err)
{
    *out = NULL;
    *len = 0;
    *exists = false;
    memset(st, 0, sizeof *st);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) {
            struct stat lst;
            if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
                char target[PATH_MAX];
                ssize_t n = readlink(path, target, sizeof target - 1);
                target[n > 0 ? n : 0] = '\0';
                cc_err_set(err, CC_EINPUT, "file.dangling_symlink", "%s: symlink to %s, which does not exist", path,
                           target);
                cc_err_hint(err, "create the target file or remove the dangling link");
                return CC_EINPUT;
            }
            *out = calloc(1, 1);
            return *out ? CC_OK : cc_err_oom(err);
        }
        int e = errno;
        cc_err_set(err, CC_EINPUT, "file.read", "cannot open %s: %s", path, strerror(e));
        if (e == EACCES)
            cc_err_hint(err, "check the permissions of the file and its folders");
        else if (e == ELOOP)
            cc_err_hint(err, "the path is a symlink loop; fix or remove the link");
        return CC_EINPUT;
    }
    if (fstat(fd, st) != 0) {
        int e = errno;
        close(fd);
        return cc_err_set(err, CC_EINPUT, "file.read", "cannot stat %s: %s", path, strerror(e));
    }
    if (!S_ISREG(st->st_mode)) {
        close(fd);
        cc_err_set(err, CC_EINPUT, "file.not_regular", "%s: not a regular file", path);
        cc_err_hint(err, "give the path of a JSON or INI file");
        return CC_EINPUT;
    }
    if ((unsigned long long)st->st_size > max_size) {
        close(fd);
        return too_big(path, (unsigned long long)st->st_size, max_size, err);
    }
    /* Back to blocking reads. */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    size_t cap = (size_t)st->st_size + 1, n = 0;
    char *b = malloc(cap + 1);
    if (!b) {
        close(fd);
        return cc_err_oom(err);
    }
    for (;;) {
        if (n == cap) {
            /* The file grew while we read it. */
            if (cap > max_size) {
                free(b);
                close(fd);
                return too_big(path, (unsigned long long)n, max_size, err);
            }
            size_t ncap = cap * 2 > max_size + 1 ? max_size + 1 : cap * 2;
            char *nb = realloc(b, ncap + 1);
            if (!nb) {
                free(b);
                close(fd);
                return cc_err_oom(err);
            }
            b = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(b);
            close(fd);
            return cc_err_set(err, CC_EINPUT, "file.read", "cannot read %s: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (n > max_size) {
        free(b);
        return too_big(path, (unsigned long long)n, max_size, err);
    }
    b[n] = '\0';
    *out = b;
    *len = n;
    *exists = true;
    return CC_OK;
}

int safefile_read(const char *path, size_t max_size, char **out, size_t *len, bool *exists, cc_err *err)
{
    struct stat st;
    return atomicfile_read_stat(path, max_size, out, len, exists, &st, err);
}

/* ---- temp files ------------------------------------------------------------ */

bool safefile_is_temp_name(const char *name, size_t *target_len)
{
    static const char mark[] = SAFEFILE_TEMP_MARK;
    size_t mlen = sizeof mark - 1, n = strlen(name);
    /* "." NAME MARK XXXXXX with a non-empty NAME */
    if (n < 1 + 1 + mlen + 6 || name[0] != '.')
        return false;
    const char *suffix = name + n - 6;
    for (int i = 0; i < 6; i++) {
        char c = suffix[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
    }
    if (memcmp(suffix - mlen, mark, mlen) != 0)
        return false;
    if (target_len)
        *target_len = (size_t)(suffix - mlen - (name + 1));
    return true;
}

void safefile_free_paths(char **paths, size_t n)
{
    if (!paths)
        return;
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

int safefile_find_stale_temps(const char *dir, const char *target_name, char ***paths, size_t *n, cc_err *err)
{
    *paths = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR)
            return CC_OK;
        return cc_err_set(err, CC_EINPUT, "file.readdir", "cannot list folder %s: %s", dir, strerror(errno));
    }
    size_t cap = 0;
    struct dirent *e;
    int r = CC_OK;
    while ((e = readdir(d)) != NULL) {
        size_t tl;
        if (!safefile_is_temp_name(e->d_name, &tl))
            continue;
        if (target_name && (strlen(target_name) != tl || memcmp(e->d_name + 1, target_name, tl) != 0))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            char **np = realloc(*paths, cap * sizeof *np);
            if (!np) {
                r = cc_err_oom(err);
                break;
            }
            *paths = np;
        }
        char *p = atomicfile_join(dir, e->d_name);
        if (!p) {
            r = cc_err_oom(err);
            break;
        }
        (*paths)[(*n)++] = p;
    }
    closedir(d);
    if (r != CC_OK) {
        safefile_free_paths(*paths, *n);
        *paths = NULL;
        *n = 0;
    }
    return r;
}

/* Creates "dir/.base.clinecfg-tmp.XXXXXX" exclusively; returns the fd. */
static int create_temp(const char *dir, const char *base, char **tmp_path, cc_err *err)
{
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t need = strlen(dir) + strlen(base) + sizeof SAFEFILE_TEMP_MARK + 16;
    char *p = malloc(need);
    if (!p) {
        cc_err_oom(err);
        return -1;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned char rnd[6];
        if (RAND_bytes(rnd, sizeof rnd) != 1) {
            for (int i = 0; i < 6; i++)
                rnd[i] = (unsigned char)(rand() ^ (getpid() >> i));
        }
        char suffix[7];
        for (int i = 0; i < 6; i++)
            suffix[i] = alnum[rnd[i] % (sizeof alnum - 1)];
        suffix[6] = '\0';
        snprintf(p, need, "%s%s.%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", base, SAFEFILE_TEMP_MARK, suffix);
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            *tmp_path = p;
            return fd;
        }
        if (errno != EEXIST) {
            int e = errno;
            cc_err_set(err, CC_EINPUT, "file.write", "cannot create a temp file in %s: %s", dir, strerror(e));
            cc_err_hint(err, "clinecfg writes a temp file beside the target and renames it; the folder must be writable");
            free(p);
            return -1;
        }
    }
    cc_err_set(err, CC_EINTERNAL, "file.write", "cannot find a free temp file name in %s", dir);
    free(p);
    return -1;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

int atomicfile_write_temp(const char *dir, const char *base, const char *data, size_t len, mode_t mode,
                          atomicfile_owner owner, const char *shown, char **tmp_path, cc_err *err)
{
    cc_err local_err;
    if (!err) {
        cc_err_clear(&local_err);
        err = &local_err;
    }
    char *tmp = NULL;
    int fd = create_temp(dir, base, &tmp, err);
    if (fd < 0)
        return err->status ? err->status : CC_EINTERNAL;
    int e = 0;
    const char *what = NULL;
    struct stat tst;
    if (owner.keep && fstat(fd, &tst) == 0 && (tst.st_uid != owner.uid || tst.st_gid != owner.gid) &&
        fchown(fd, owner.uid, owner.gid) != 0) {
        e = errno;
        what = "keep the owner of";
    }
    if (!what && fchmod(fd, mode & 07777) != 0) {
        e = errno;
        what = "set the mode of the temp file for";
    }
    if (!what && write_all(fd, data, len) != 0) {
        e = errno;
        what = "write the temp file for";
    }
    if (!what && fsync(fd) != 0) {
        e = errno;
        what = "fsync the temp file for";
    }
    if (close(fd) != 0 && !what) {
        e = errno;
        what = "close the temp file for";
    }
    if (what) {
        unlink(tmp);
        free(tmp);
        cc_err_set(err, CC_EINPUT, "file.write", "cannot %s %s: %s", what, shown, strerror(e));
        if (e == ENOSPC || e == EDQUOT)
            cc_err_hint(err, "free some disk space and run the command again; the file was not changed");
        else if (e == EPERM)
            cc_err_hint(err, "the file is owned by another user; run clinecfg as that user");
        else
            cc_err_hint(err, "the file was not changed");
        return CC_EINPUT;
    }
    *tmp_path = tmp;
    return CC_OK;
}

int safefile_write_atomic(const char *path, const char *data, size_t len, mode_t mode, cc_err *err)
{
    return safefile_write_atomic_ex(path, data, len, mode, true, err);
}

int safefile_write_atomic_ex(const char *path, const char *data, size_t len, mode_t mode, bool sync_dir, cc_err *err)
{
    cc_err local_err;
    if (!err) {
        cc_err_clear(&local_err);
        err = &local_err;
    }
    char *abs = atomicfile_absolute(path);
    if (!abs)
        return cc_err_oom(err);
    const char *base;
    char *dir = atomicfile_dir_of(abs, &base);
    int r = dir ? safefile_make_dirs(dir, err) : cc_err_oom(err);
    char *tmp = NULL;
    if (r == CC_OK)
        r = atomicfile_write_temp(dir, base, data, len, mode, (atomicfile_owner){0}, abs, &tmp, err);
    if (r == CC_OK) {
        if (rename(tmp, abs) != 0) {
            int e = errno;
            unlink(tmp);
            r = cc_err_set(err, CC_EINPUT, "file.write", "cannot replace %s: %s", abs, strerror(e));
        } else if (sync_dir && atomicfile_sync_dir(dir) != 0) {
            r = cc_err_set(err, CC_EINPUT, "file.write", "cannot fsync folder %s: %s", dir, strerror(errno));
        }
    }
    free(tmp);
    free(dir);
    free(abs);
    return r;
}

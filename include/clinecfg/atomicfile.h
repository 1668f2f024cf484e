/*
 * atomicfile.h - reading a file safely and replacing it atomically, without
 * lock, backup or edit cycle (src/store/atomicfile.c).
 *
 * This is the lower half of the safe-file layer: safefile.h (the locked edit
 * cycle) and backup.h (the copies it keeps) are both built on it, and
 * clinecfg's own state files (backup manifests, request files, the setup
 * state) use it directly.  The long-standing entry points keep their
 * safefile_ names because modules all over the tree call them; what only the
 * layer itself needs is named atomicfile_.
 *
 * Guarantees:
 * - reads open with O_NONBLOCK (a FIFO cannot hang us), accept regular files
 *   only and stop at a size limit, naming the file, its size and the limit;
 * - writes go to ".<name>.clinecfg-tmp.XXXXXX" in the target's folder
 *   (O_CREAT|O_EXCL|O_NOFOLLOW), are fsynced, renamed over the target and the
 *   folder is fsynced; a crash leaves the old or the new file, at worst a temp
 *   file that safefile_find_stale_temps() recognises;
 * - new files get the mode the caller gives (0600 for clinecfg's own files),
 *   missing folders are created 0700.
 *
 * Every function accepts err == NULL (the error is then only returned).
 */
#ifndef CLINECFG_ATOMICFILE_H
#define CLINECFG_ATOMICFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "clinecfg/error.h"

#define SAFEFILE_MAX_SIZE ((size_t)64 * 1024 * 1024) /* default read limit (64 MiB), = JSONC_MAX_SIZE */
#define SAFEFILE_TEMP_MARK ".clinecfg-tmp."          /* temp files: "." NAME SAFEFILE_TEMP_MARK XXXXXX */

/* Reads a whole regular file (following symlinks).  A missing file is not an
 * error: *exists=false, *out="" (malloc'd), *len=0.  A file larger than
 * max_size fails with CC_EINPUT naming the file, its size and the limit; a
 * dangling symlink fails naming its target.  *out is NUL-terminated (the NUL
 * is not counted in *len). */
int safefile_read(const char *path, size_t max_size, char **out, size_t *len, bool *exists, cc_err *err);

/* safefile_read that also reports the fstat of the file it read (zeroed when
 * the file does not exist), so a caller can tell later whether it changed. */
int atomicfile_read_stat(const char *path, size_t max_size, char **out, size_t *len, bool *exists, struct stat *st,
                         cc_err *err);

/* Atomic replace: temp file + fsync + rename + fsync of the folder; missing
 * folders are created 0700.  Does not follow a symlink at `path` (it is
 * replaced). */
int safefile_write_atomic(const char *path, const char *data, size_t len, mode_t mode, cc_err *err);
/* The same; with sync_dir false the folder is not fsynced (the caller syncs
 * it after a later rename in the same folder, e.g. a backup copy and then
 * its manifest). */
int safefile_write_atomic_ex(const char *path, const char *data, size_t len, mode_t mode, bool sync_dir, cc_err *err);

/* The first half of a replace, for callers that check something between
 * writing and renaming: writes `data` to a new temp file in `dir` named after
 * `base`, with `mode` and (keep_owner) owner uid:gid, and fsyncs it.
 * `shown` names the target in messages.  *tmp_path gets the temp file
 * (malloc'd); on failure nothing is left behind. */
typedef struct atomicfile_owner {
    bool keep;         /* chown the temp file to uid:gid when they differ from ours */
    uid_t uid;
    gid_t gid;
} atomicfile_owner;
int atomicfile_write_temp(const char *dir, const char *base, const char *data, size_t len, mode_t mode,
                          atomicfile_owner owner, const char *shown, char **tmp_path, cc_err *err);

/* fsync of a folder; 0 or -1 with errno.  File systems that cannot fsync a
 * folder count as success. */
int atomicfile_sync_dir(const char *dir);

/* mkdir -p: every folder it creates gets 0700 (and its parent is fsync'd).
 * CC_EINPUT naming the folder when one cannot be made. */
int safefile_make_dirs(const char *dir, cc_err *err);
/* The same; with sync false the parents are not fsynced (for folders whose
 * contents need not survive a crash, like the lock folder). */
int atomicfile_make_dirs(const char *dir, bool sync, cc_err *err);

/* Path helpers (malloc'd results, NULL on out of memory):
 * dir + "/" + name (no double slash); the folder of `path` with *base set to
 * its last component inside `path` ("." for a bare name); `path` made
 * absolute against the current folder. */
char *atomicfile_join(const char *dir, const char *name);
char *atomicfile_dir_of(const char *path, const char **base);
char *atomicfile_absolute(const char *path);

/* Temp files left behind by an interrupted write in folder `dir`
 * (".<name>.clinecfg-tmp.XXXXXX"); with target_name non-NULL only those of
 * that file.  A temp file may also belong to a write in progress right now.
 * *paths: malloc'd array of malloc'd "dir/name" strings (free with
 * safefile_free_paths); a missing folder gives none. */
int safefile_find_stale_temps(const char *dir, const char *target_name, char ***paths, size_t *n, cc_err *err);
void safefile_free_paths(char **paths, size_t n);

/* True when `name` (a file name, no folder) is one of our temp names;
 * *target (optional) gets the length of the target name it belongs to,
 * which starts at name + 1. */
bool safefile_is_temp_name(const char *name, size_t *target_len);

#endif

/* test_safefile.c - the safe-edit engine as a library (src/store/safefile.c,
 * src/store/backup.c): modes, symlinks, refusals, dry-run, the re-check
 * retry, locks, stale temp files, backups and their manifests. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clinecfg/digest.h"
#include "clinecfg/backup.h"
#include "clinecfg/safefile.h"

static char root[256];

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "%s/clinecfg-test-safefile.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(root))
        return -1;
    char st[300];
    snprintf(st, sizeof st, "%s/state", root);
    setenv("XDG_STATE_HOME", st, 1);
    setenv("HOME", root, 1);
    unsetenv("XDG_RUNTIME_DIR"); /* locks go to the state folder unless a test says otherwise */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", root, root);
    return system(cmd) == 0 ? 0 : -1;
}

static char *p(const char *rel)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", root, rel);
    return buf[k];
}

/* The lock file of an existing file (malloc'd). */
static char *lock_of(const char *path)
{
    char *real = realpath(path, NULL);
    assert_non_null(real);
    char *lp = NULL;
    cc_err err;
    assert_int_equal(safefile_lock_path(real, &lp, &err), CC_OK);
    free(real);
    return lp;
}

static bool lock_exists(const char *path)
{
    char *lp = lock_of(path);
    bool there = access(lp, F_OK) == 0;
    free(lp);
    return there;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *get(const char *path)
{
    char *out = NULL;
    size_t len = 0;
    bool exists = false;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(safefile_read(path, SAFEFILE_MAX_SIZE, &out, &len, &exists, &err), CC_OK);
    if (!exists) {
        free(out);
        return NULL;
    }
    return out;
}

static void assert_file(const char *path, const char *want)
{
    char *got = get(path);
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static size_t count_temps(const char *dir)
{
    char **paths = NULL;
    size_t n = 0;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(safefile_find_stale_temps(dir, NULL, &paths, &n, &err), CC_OK);
    safefile_free_paths(paths, n);
    return n;
}

/* ---- callbacks ---------------------------------------------------------------- */

typedef struct edit {
    const char *append;  /* appended to the old bytes */
    const char *replace; /* or: the whole new content */
    int fail;            /* return this error */
    int calls;
    const char *meddle_path; /* while called, also write this file (a writer not using our lock) */
    int meddle_times;        /* ... for this many calls */
} edit;

static int edit_fn(void *ud, const char *path, const char *old, size_t old_len, bool exists, char **new_text,
                   size_t *new_len, cc_err *err)
{
    (void)path;
    (void)exists;
    edit *e = ud;
    e->calls++;
    if (e->meddle_path && e->calls <= e->meddle_times) {
        char text[64];
        snprintf(text, sizeof text, "external %d\n", e->calls);
        put(e->meddle_path, text);
    }
    if (e->fail)
        return cc_err_set(err, e->fail, "test.fail", "the callback refused");
    const char *src = e->replace ? e->replace : old;
    size_t sl = e->replace ? strlen(e->replace) : old_len;
    size_t al = e->append ? strlen(e->append) : 0;
    *new_text = malloc(sl + al + 1);
    memcpy(*new_text, src, sl);
    if (al)
        memcpy(*new_text + sl, e->append, al);
    (*new_text)[sl + al] = '\0';
    *new_len = sl + al;
    return CC_OK;
}

static int remove_fn(void *ud, const char *path, const char *old, size_t old_len, bool exists, char **new_text,
                     size_t *new_len, cc_err *err)
{
    (void)ud, (void)path, (void)old, (void)old_len, (void)exists, (void)new_text, (void)new_len, (void)err;
    return SAFEFILE_REMOVE;
}

static cc_ctx ctx_plain, ctx_dry;

static safefile_run *new_run(bool dry)
{
    cc_ctx *c = dry ? &ctx_dry : &ctx_plain;
    memset(c, 0, sizeof *c);
    out_init(&c->out, false, true, 0, true);
    c->dry_run = dry;
    safefile_run *run = NULL;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(safefile_run_new(c, "test", &run, &err), CC_OK);
    return run;
}

static int update(safefile_run *run, const char *path, edit *e, safefile_result *res, cc_err *err)
{
    cc_err_clear(err);
    return safefile_update(run, path, 0600, edit_fn, e, res, err);
}

/* ---- tests --------------------------------------------------------------------- */

static void test_create_in_missing_folders(void **state)
{
    (void)state;
    safefile_run *run = new_run(false);
    edit e = {.replace = "{}\n"};
    safefile_result res;
    cc_err err;
    assert_int_equal(update(run, p("new/deeper/f.json"), &e, &res, &err), CC_OK);
    assert_true(res.changed);
    assert_true(res.created);
    assert_null(res.backup_path);
    assert_int_equal(strncmp(res.diff, "--- /dev/null\n+++ ", 18), 0);
    assert_non_null(strstr(res.diff, "@@ -0,0 +1 @@\n+{}\n"));
    struct stat st;
    assert_int_equal(stat(p("new/deeper/f.json"), &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(stat(p("new/deeper"), &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    assert_int_equal(stat(p("new"), &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    assert_file(p("new/deeper/f.json"), "{}\n");
    assert_int_equal(count_temps(p("new/deeper")), 0);
    safefile_result_free(&res);
    safefile_run_free(run);
}

static void test_update_keeps_mode_and_backs_up(void **state)
{
    (void)state;
    put(p("m.json"), "old\n");
    chmod(p("m.json"), 0640);
    safefile_run *run = new_run(false);
    edit e = {.append = "new\n"};
    safefile_result res;
    cc_err err;
    assert_int_equal(update(run, p("m.json"), &e, &res, &err), CC_OK);
    assert_true(res.changed);
    assert_false(res.created);
    assert_file(p("m.json"), "old\nnew\n");
    struct stat st;
    assert_int_equal(stat(p("m.json"), &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    assert_non_null(res.backup_path);
    assert_file(res.backup_path, "old\n");
    assert_int_equal(stat(res.backup_path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(stat(safefile_run_backup_dir(run), &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    assert_non_null(strstr(res.diff, "+new\n"));

    /* A second edit of the same file in the same run keeps the first backup. */
    safefile_result res2;
    edit e2 = {.append = "more\n"};
    assert_int_equal(update(run, p("m.json"), &e2, &res2, &err), CC_OK);
    assert_string_equal(res2.backup_path, res.backup_path);
    assert_file(res2.backup_path, "old\n");

    backup_run br;
    assert_int_equal(backup_load(safefile_run_id(run), &br, &err), CC_OK);
    assert_int_equal(br.nfiles, 1);
    assert_string_equal(br.label, "test");
    assert_false(br.files[0].created);
    char h[65];
    digest_sha256_hex("old\n", 4, h);
    assert_string_equal(br.files[0].sha256, h);
    digest_sha256_hex("old\nnew\nmore\n", 13, h);
    assert_string_equal(br.files[0].new_sha256, h);
    assert_string_equal(br.files[0].real_path, res.real_path);
    assert_int_equal(br.files[0].mode, 0640);
    backup_run_clear(&br);

    backup_run *runs = NULL;
    size_t n = 0;
    assert_int_equal(backup_list(&runs, &n, &err), CC_OK);
    bool found = false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(runs[i].id, safefile_run_id(run)) == 0)
            found = true;
    assert_true(found);
    backup_runs_free(runs, n);

    safefile_result_free(&res);
    safefile_result_free(&res2);
    safefile_run_free(run);
}

static void test_unchanged_writes_nothing(void **state)
{
    (void)state;
    put(p("same.json"), "x\n");
    struct stat before, after;
    stat(p("same.json"), &before);
    safefile_run *run = new_run(false);
    edit e = {.append = ""};
    safefile_result res;
    cc_err err;
    assert_int_equal(update(run, p("same.json"), &e, &res, &err), CC_OK);
    assert_false(res.changed);
    assert_string_equal(res.diff, "");
    assert_null(res.backup_path);
    assert_null(safefile_run_backup_dir(run));
    stat(p("same.json"), &after);
    assert_true(before.st_ino == after.st_ino);
    safefile_result_free(&res);
    safefile_run_free(run);
}

static void test_symlink_kept(void **state)
{
    (void)state;
    mkdir(p("dots"), 0700);
    put(p("dots/settings.json"), "a\n");
    assert_int_equal(symlink(p("dots/settings.json"), p("link.json")), 0);
    safefile_run *run = new_run(false);
    edit e = {.append = "b\n"};
    safefile_result res;
    cc_err err;
    assert_int_equal(update(run, p("link.json"), &e, &res, &err), CC_OK);
    struct stat st;
    assert_int_equal(lstat(p("link.json"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_file(p("dots/settings.json"), "a\nb\n");
    char *real = realpath(p("dots/settings.json"), NULL);
    assert_string_equal(res.real_path, real);
    free(real);
    /* The lock is keyed by the real target, so the link and the file share
     * it, and it is not left beside either. */
    assert_true(lock_exists(p("dots/settings.json")));
    char *via_link = lock_of(p("link.json")), *direct = lock_of(p("dots/settings.json"));
    assert_string_equal(via_link, direct);
    free(via_link);
    free(direct);
    assert_int_equal(access(p("dots/.settings.json" SAFEFILE_LOCK_SUFFIX), F_OK), -1);
    assert_int_equal(access(p(".link.json" SAFEFILE_LOCK_SUFFIX), F_OK), -1);
    safefile_result_free(&res);
    safefile_run_free(run);
}

static void test_dangling_symlink_refused(void **state)
{
    (void)state;
    assert_int_equal(symlink(p("nowhere/x.json"), p("dangling.json")), 0);
    safefile_run *run = new_run(false);
    edit e = {.replace = "{}\n"};
    safefile_result res;
    cc_err err;
    assert_int_equal(update(run, p("dangling.json"), &e, &res, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, p("dangling.json")));
    assert_non_null(strstr(err.message, "does not exist"));
    assert_true(err.hint[0]);
    assert_int_equal(e.calls, 0);
    assert_int_equal(access(p("nowhere"), F_OK), -1);
    struct stat st;
    assert_int_equal(lstat(p("dangling.json"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    safefile_run_free(run);
}

static void test_read_only_file_refused_only_when_changed(void **state)
{
    (void)state;
    put(p("ro.json"), "keep\n");
    chmod(p("ro.json"), 0444);
    safefile_run *run = new_run(false);
    safefile_result res;
    cc_err err;
    edit same = {.append = ""};
    assert_int_equal(update(run, p("ro.json"), &same, &res, &err), CC_OK);
    assert_false(res.changed);
    safefile_result_free(&res);
    edit e = {.append = "x\n"};
    assert_int_equal(update(run, p("ro.json"), &e, &res, &err), CC_EINPUT);
    char *real = realpath(p("ro.json"), NULL);
    assert_non_null(strstr(err.message, real));
    assert_non_null(strstr(err.message, "read-only"));
    free(real);
    assert_file(p("ro.json"), "keep\n");
    assert_int_equal(count_temps(root), 0);

    /* Through a symlink: the message names the link and the real file. */
    assert_int_equal(symlink(p("ro.json"), p("ro-link.json")), 0);
    assert_int_equal(update(run, p("ro-link.json"), &e, &res, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "symlink to"));
    assert_non_null(strstr(err.hint, "home-manager"));
    safefile_run_free(run);
}

static void test_read_only_folder_refused(void **state)
{
    (void)state;
    mkdir(p("rodir"), 0700);
    put(p("rodir/f.json"), "1\n");
    chmod(p("rodir"), 0555);
    safefile_run *run = new_run(false);
    safefile_result res;
    cc_err err;
    edit e = {.append = "2\n"};
    assert_int_equal(update(run, p("rodir/f.json"), &e, &res, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "not writable"));
    assert_file(p("rodir/f.json"), "1\n");
    chmod(p("rodir"), 0700);
    assert_false(lock_exists(p("rodir/f.json")));
    safefile_run_free(run);
}

static void test_folder_of_another_user_refused(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip(); /* needs chown to another uid */
    mkdir(p("theirs"), 0777);
    assert_int_equal(chown(p("theirs"), 65534, 65534), 0);
    safefile_run *run = new_run(false);
    safefile_result res;
    cc_err err;
    edit e = {.replace = "x\n"};
    assert_int_equal(update(run, p("theirs/f.json"), &e, &res, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "owned by another user"));
    assert_int_equal(access(p("theirs/f.json"), F_OK), -1);
    safefile_run_free(run);
}

static void test_owner_kept_when_root(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    put(p("owned.json"), "a\n");
    assert_int_equal(chown(p("owned.json"), 65534, 65534), 0);
    safefile_run *run = new_run(false);
    safefile_result res;
    cc_err err;
    edit e = {.append = "b\n"};
    assert_int_equal(update(run, p("owned.json"), &e, &res, &err), CC_OK);
    struct stat st;
    assert_int_equal(stat(p("owned.json"), &st), 0);
    assert_int_equal(st.st_uid, 65534);
    assert_int_equal(st.st_gid, 65534);
    safefile_result_free(&res);
    safefile_run_free(run);
}

static void test_callback_error_writes_nothing(void **state)
{
    (void)state;
    put(p("bad.json"), "{ broken\n");
    safefile_run *run = new_run(false);
    safefile_result res;
    cc_err err;
    edit e = {.fail = CC_EINPUT};
    assert_int_equal(update(run, p("bad.json"), &e, &res, &err), CC_EINPUT);
    assert_string_equal(err.message, "the callback refused");
    assert_file(p("bad.json"), "{ broken\n");
    assert_null(safefile_run_backup_dir(run));
    assert_int_equal(count_temps(root), 0);
    safefile_run_free(run);
}

static void test_dry_run_touches_nothing(void **state)
{
    (void)state;
    put(p("dry.json"), "a\n");
    safefile_run *run = new_run(true);
    safefile_result res;
    cc_err err;
    edit e = {.append = "b\n"};
    assert_int_equal(update(run, p("dry.json"), &e, &res, &err), CC_OK);
    assert_true(res.changed);
    assert_non_null(strstr(res.diff, "@@ -1 +1,2 @@\n a\n+b\n"));
    assert_file(p("dry.json"), "a\n");
    assert_false(lock_exists(p("dry.json")));
    assert_null(safefile_run_backup_dir(run));
    cJSON *j = safefile_result_json(run, "dry.json", &res);
    assert_non_null(cJSON_GetObjectItem(j, "diff"));
    cJSON_Delete(j);
    safefile_result_free(&res);
    /* A missing folder is not created either. */
    edit c = {.replace = "{}\n"};
    assert_int_equal(update(run, p("drydir/new.json"), &c, &res, &err), CC_OK);
    assert_true(res.created);
    assert_int_equal(access(p("drydir"), F_OK), -1);
    safefile_result_free(&res);
    safefile_run_free(run);
}

static void test_external_change_is_redone(void **state)
{
    (void)state;
    put(p("race.json"), "start\n");
    safefile_run *run = new_run(false);
    safefile_result res;
    cc_err err;
    /* The first call sees "start", then someone else writes the file: the
     * engine must notice and redo the edit on the new content. */
    edit e = {.append = "mine\n", .meddle_path = p("race.json"), .meddle_times = 1};
    assert_int_equal(update(run, p("race.json"), &e, &res, &err), CC_OK);
    assert_int_equal(e.calls, 2);
    assert_file(p("race.json"), "external 1\nmine\n");
    assert_file(res.backup_path, "external 1\n"); /* the backup holds what was replaced */
    safefile_result_free(&res);

    /* A file that changes every time: give up cleanly, write nothing. */
    edit e2 = {.append = "mine\n", .meddle_path = p("race.json"), .meddle_times = 1000};
    assert_int_equal(update(run, p("race.json"), &e2, &res, &err), CC_ECONFLICT);
    assert_int_equal(e2.calls, SAFEFILE_MAX_ATTEMPTS);
    char want[64];
    snprintf(want, sizeof want, "external %d\n", SAFEFILE_MAX_ATTEMPTS);
    assert_file(p("race.json"), want);
    assert_int_equal(count_temps(root), 0);
    safefile_run_free(run);
}

static void test_lock_held_times_out(void **state)
{
    (void)state;
    put(p("locked.json"), "a\n");
    char *lp = lock_of(p("locked.json"));
    int fd = open(lp, O_RDWR | O_CREAT, 0600);
    free(lp);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    safefile_run *run = new_run(false);
    safefile_run_set_lock_timeout(run, 200);
    safefile_result res;
    cc_err err;
    edit e = {.append = "b\n"};
    assert_int_equal(update(run, p("locked.json"), &e, &res, &err), CC_ECONFLICT);
    assert_non_null(strstr(err.message, "another clinecfg"));
    assert_int_equal(e.calls, 0);
    assert_file(p("locked.json"), "a\n");
    close(fd);
    assert_int_equal(update(run, p("locked.json"), &e, &res, &err), CC_OK);
    assert_file(p("locked.json"), "a\nb\n");
    safefile_result_free(&res);
    safefile_run_free(run);
}

static void test_lock_wait_counts_progress(void **state)
{
    (void)state;
    /* Another process holds the lock for ~600 ms but keeps replacing the
     * file (a queue of writers that moves): a 250 ms timeout must not fire. */
    put(p("busy.json"), "0\n");
    char *lp = lock_of(p("busy.json"));
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(lp, O_RDWR | O_CREAT, 0600);
        free(lp); /* the child's copy (it leaves through _exit) */
        if (fd < 0 || flock(fd, LOCK_EX) != 0)
            _exit(1);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        for (int i = 1; i <= 12; i++) {
            struct timespec d = {0, 50 * 1000 * 1000};
            nanosleep(&d, NULL);
            char text[16];
            snprintf(text, sizeof text, "%d\n", i);
            char tmp[600];
            snprintf(tmp, sizeof tmp, "%s.w", p("busy.json"));
            put(tmp, text);
            if (rename(tmp, p("busy.json")) != 0)
                _exit(1);
        }
        _exit(0);
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    safefile_run *run = new_run(false);
    safefile_run_set_lock_timeout(run, 250);
    safefile_result res;
    cc_err err;
    edit e = {.append = "mine\n"};
    assert_int_equal(update(run, p("busy.json"), &e, &res, &err), CC_OK);
    assert_file(p("busy.json"), "12\nmine\n");
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(ready[0]);
    close(ready[1]);
    free(lp);
    safefile_result_free(&res);
    safefile_run_free(run);
}

/* Locks live in $XDG_RUNTIME_DIR/clinecfg when that folder is private to
 * us, else in the state folder's "locks"; both 0700; a lock folder that
 * others can write to is refused. */
static void test_lock_folder(void **state)
{
    (void)state;
    put(p("lk.json"), "a\n");
    char *real = realpath(p("lk.json"), NULL);
    char *lp = NULL;
    cc_err err;
    struct stat st;

    /* no runtime folder: the state folder */
    assert_int_equal(safefile_lock_path(real, &lp, &err), CC_OK);
    assert_non_null(strstr(lp, "/state/clinecfg/locks/"));
    assert_int_equal(strlen(strrchr(lp, '/') + 1), 64 + strlen(SAFEFILE_LOCK_SUFFIX));
    assert_int_equal(stat(p("state/clinecfg/locks"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    free(lp);

    /* a private runtime folder */
    assert_int_equal(mkdir(p("run"), 0700), 0);
    setenv("XDG_RUNTIME_DIR", p("run"), 1);
    assert_int_equal(safefile_lock_path(real, &lp, &err), CC_OK);
    assert_int_equal(strncmp(lp, p("run/clinecfg/"), strlen(p("run/clinecfg/"))), 0);
    assert_int_equal(stat(p("run/clinecfg"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    safefile_run *run = new_run(false);
    safefile_result res;
    edit e = {.append = "b\n"};
    assert_int_equal(update(run, p("lk.json"), &e, &res, &err), CC_OK);
    assert_int_equal(access(lp, F_OK), 0);
    free(lp);
    safefile_result_free(&res);
    safefile_run_free(run);

    /* a runtime folder others may write to is not used */
    assert_int_equal(chmod(p("run"), 0777), 0);
    assert_int_equal(safefile_lock_path(real, &lp, &err), CC_OK);
    assert_non_null(strstr(lp, "/state/clinecfg/locks/"));
    free(lp);
    assert_int_equal(chmod(p("run"), 0700), 0);

    /* our lock folder opened to others is refused, naming it */
    assert_int_equal(chmod(p("run/clinecfg"), 0777), 0);
    assert_int_equal(safefile_lock_path(real, &lp, &err), CC_OK); /* falls back to the state folder */
    assert_non_null(strstr(lp, "/state/clinecfg/locks/"));
    free(lp);
    unsetenv("XDG_RUNTIME_DIR");
    assert_int_equal(chmod(p("state/clinecfg/locks"), 0755), 0);
    assert_int_equal(safefile_lock_path(real, &lp, &err), CC_EINPUT);
    assert_null(lp);
    assert_non_null(strstr(err.message, "state/clinecfg/locks"));
    assert_int_equal(chmod(p("state/clinecfg/locks"), 0700), 0);
    free(real);
}

static void test_size_limit_named(void **state)
{
    (void)state;
    put(p("big.json"), "0123456789012345678901234567890123456789\n");
    safefile_run *run = new_run(false);
    safefile_run_set_max_size(run, 16);
    safefile_result res;
    cc_err err;
    edit e = {.append = "x"};
    assert_int_equal(update(run, p("big.json"), &e, &res, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "size limit"));
    assert_non_null(strstr(err.message, "16 bytes"));
    assert_non_null(strstr(err.message, p("big.json")));
    assert_int_equal(e.calls, 0);
    char *out = NULL;
    size_t len;
    bool exists;
    cc_err_clear(&err);
    assert_int_equal(safefile_read(p("big.json"), 1024 * 1024 * 2, &out, &len, &exists, &err), CC_OK);
    free(out);
    assert_int_equal(safefile_read(p("big.json"), 2 * 1024, &out, &len, &exists, &err), CC_OK);
    free(out);
    safefile_run_free(run);
}

static void test_not_regular_refused(void **state)
{
    (void)state;
    mkdir(p("adir"), 0700);
    safefile_run *run = new_run(false);
    safefile_result res;
    cc_err err;
    edit e = {.replace = "x"};
    assert_int_equal(update(run, p("adir"), &e, &res, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "not a regular file"));
    safefile_run_free(run);
}

static void test_stale_temps_found_and_cleaned(void **state)
{
    (void)state;
    size_t tl = 0;
    assert_true(safefile_is_temp_name(".config.json.clinecfg-tmp.Ab3xYz", &tl));
    assert_int_equal(tl, strlen("config.json"));
    assert_false(safefile_is_temp_name("config.json.clinecfg-tmp.Ab3xYz", NULL));
    assert_false(safefile_is_temp_name(".config.json.clinecfg-tmp.Ab3x", NULL));
    assert_false(safefile_is_temp_name(".config.json.clinecfg-tmp.Ab3x-z", NULL));
    assert_false(safefile_is_temp_name(".clinecfg-tmp.Ab3xYz", NULL));

    mkdir(p("stale"), 0700);
    put(p("stale/s.json"), "a\n");
    put(p("stale/.s.json.clinecfg-tmp.AAAAAA"), "half");
    put(p("stale/.other.json.clinecfg-tmp.BBBBBB"), "half");
    char **paths = NULL;
    size_t n = 0;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(safefile_find_stale_temps(p("stale"), "s.json", &paths, &n, &err), CC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(paths[0], p("stale/.s.json.clinecfg-tmp.AAAAAA"));
    safefile_free_paths(paths, n);
    assert_int_equal(count_temps(p("stale")), 2);
    assert_int_equal(safefile_find_stale_temps(p("no-such-dir"), NULL, &paths, &n, &err), CC_OK);
    assert_int_equal(n, 0);

    /* An update of s.json (holding its lock) removes its own leftovers only. */
    safefile_run *run = new_run(false);
    safefile_result res;
    edit e = {.append = "b\n"};
    assert_int_equal(update(run, p("stale/s.json"), &e, &res, &err), CC_OK);
    assert_int_equal(access(p("stale/.s.json.clinecfg-tmp.AAAAAA"), F_OK), -1);
    assert_int_equal(access(p("stale/.other.json.clinecfg-tmp.BBBBBB"), F_OK), 0);
    safefile_result_free(&res);
    safefile_run_free(run);
}

static void test_remove_and_restore_bytes(void **state)
{
    (void)state;
    safefile_run *run = new_run(false);
    safefile_result res;
    cc_err err;
    /* Removing a missing file changes nothing. */
    cc_err_clear(&err);
    assert_int_equal(safefile_update(run, p("gone.json"), 0600, remove_fn, NULL, &res, &err), CC_OK);
    assert_false(res.changed);
    safefile_result_free(&res);
    put(p("gone.json"), "bye\n");
    assert_int_equal(safefile_update(run, p("gone.json"), 0600, remove_fn, NULL, &res, &err), CC_OK);
    assert_true(res.changed);
    assert_true(res.removed);
    assert_int_equal(access(p("gone.json"), F_OK), -1);
    assert_file(res.backup_path, "bye\n");
    safefile_result_free(&res);
    safefile_run_free(run);
}

static void test_binary_and_empty_content(void **state)
{
    (void)state;
    static const char bin[] = "a\0b\r\n\xff\xfe";
    FILE *f = fopen(p("bin.dat"), "wb");
    fwrite(bin, 1, sizeof bin - 1, f);
    fclose(f);
    safefile_run *run = new_run(false);
    safefile_result res;
    cc_err err;
    edit e = {.append = "!"};
    assert_int_equal(update(run, p("bin.dat"), &e, &res, &err), CC_OK);
    char *out = NULL;
    size_t len = 0;
    bool exists;
    assert_int_equal(safefile_read(p("bin.dat"), 100, &out, &len, &exists, &err), CC_OK);
    assert_int_equal(len, sizeof bin);
    assert_memory_equal(out, bin, sizeof bin - 1);
    assert_int_equal(out[len - 1], '!');
    free(out);
    assert_int_equal(safefile_read(res.backup_path, 100, &out, &len, &exists, &err), CC_OK);
    assert_int_equal(len, sizeof bin - 1);
    assert_memory_equal(out, bin, len);
    free(out);
    safefile_result_free(&res);
    /* Writing empty content is a change, not a removal. */
    edit empty = {.replace = ""};
    assert_int_equal(update(run, p("bin.dat"), &empty, &res, &err), CC_OK);
    assert_file(p("bin.dat"), "");
    safefile_result_free(&res);
    safefile_run_free(run);
}

static void test_write_atomic(void **state)
{
    (void)state;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(safefile_write_atomic(p("state/x/y.json"), "{}", 2, 0600, &err), CC_OK);
    assert_file(p("state/x/y.json"), "{}");
    assert_int_equal(safefile_write_atomic(p("state/x/y.json"), "[]", 2, 0600, &err), CC_OK);
    assert_file(p("state/x/y.json"), "[]");
    assert_int_equal(count_temps(p("state/x")), 0);
}

static void test_backup_load_rejects_bad_ids(void **state)
{
    (void)state;
    backup_run br;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(backup_load("../etc", &br, &err), CC_EINPUT);
    assert_int_equal(backup_load("no-such-run", &br, &err), CC_EINPUT);
    assert_non_null(strstr(err.message, "no-such-run"));
    assert_non_null(strstr(err.hint, "restore --list"));
}

static void test_two_runs_same_second_get_distinct_folders(void **state)
{
    (void)state;
    /* Same label, same pid, same second: the second run must not write
     * into the first one's folder. */
    safefile_run *r1 = new_run(false);
    safefile_run *r2 = NULL;
    cc_err err;
    cc_err_clear(&err);
    assert_int_equal(safefile_run_new(&ctx_plain, "test", &r2, &err), CC_OK);
    put(p("twice1.json"), "1\n");
    put(p("twice2.json"), "2\n");
    safefile_result a, b;
    edit e = {.append = "x\n"};
    assert_int_equal(update(r1, p("twice1.json"), &e, &a, &err), CC_OK);
    assert_int_equal(update(r2, p("twice2.json"), &e, &b, &err), CC_OK);
    assert_string_not_equal(safefile_run_backup_dir(r1), safefile_run_backup_dir(r2));
    assert_string_not_equal(safefile_run_id(r1), safefile_run_id(r2));
    backup_run br;
    assert_int_equal(backup_load(safefile_run_id(r2), &br, &err), CC_OK);
    assert_int_equal(br.nfiles, 1);
    assert_string_equal(br.files[0].path, p("twice2.json"));
    backup_run_clear(&br);
    assert_int_equal(backup_load(safefile_run_id(r1), &br, &err), CC_OK);
    assert_int_equal(br.nfiles, 1);
    assert_string_equal(br.files[0].path, p("twice1.json"));
    backup_run_clear(&br);
    safefile_result_free(&a);
    safefile_result_free(&b);
    safefile_run_free(r1);
    safefile_run_free(r2);
}

/* A run that withholds backups lists the file in its manifest, keeps no
 * copy (nor a hash) of the old bytes, and says so to restore. */
static void test_withheld_backup_keeps_no_copy(void **state)
{
    (void)state;
    put(p("secret.ini"), "[dev]\nkey = s3cr3t\n");
    safefile_run *run = new_run(false);
    safefile_run_withhold_backups(run);
    edit e = {.replace = "[dev]\n"};
    safefile_result res;
    cc_err err;
    assert_int_equal(update(run, p("secret.ini"), &e, &res, &err), CC_OK);
    assert_true(res.changed);
    assert_null(res.backup_path);
    assert_file(p("secret.ini"), "[dev]\n");
    /* the run folder holds the manifest only */
    DIR *d = opendir(safefile_run_backup_dir(run));
    assert_non_null(d);
    int entries = 0;
    for (struct dirent *de; (de = readdir(d));)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            entries++;
    closedir(d);
    assert_int_equal(entries, 1);
    backup_run br;
    assert_int_equal(backup_load(safefile_run_id(run), &br, &err), CC_OK);
    assert_int_equal(br.nfiles, 1);
    assert_true(br.files[0].withheld);
    assert_false(br.files[0].created);
    assert_null(br.files[0].backup);
    assert_string_equal(br.files[0].sha256, "");
    backup_run_clear(&br);
    safefile_result_free(&res);
    safefile_run_free(run);

    /* Without the flag the same edit keeps a copy and is not withheld. */
    put(p("plain.ini"), "[dev]\nregion = x\n");
    run = new_run(false);
    assert_int_equal(update(run, p("plain.ini"), &e, &res, &err), CC_OK);
    assert_non_null(res.backup_path);
    assert_int_equal(backup_load(safefile_run_id(run), &br, &err), CC_OK);
    assert_false(br.files[0].withheld);
    assert_non_null(br.files[0].backup);
    backup_run_clear(&br);
    safefile_result_free(&res);
    safefile_run_free(run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_in_missing_folders),
        cmocka_unit_test(test_update_keeps_mode_and_backs_up),
        cmocka_unit_test(test_unchanged_writes_nothing),
        cmocka_unit_test(test_symlink_kept),
        cmocka_unit_test(test_dangling_symlink_refused),
        cmocka_unit_test(test_read_only_file_refused_only_when_changed),
        cmocka_unit_test(test_read_only_folder_refused),
        cmocka_unit_test(test_folder_of_another_user_refused),
        cmocka_unit_test(test_owner_kept_when_root),
        cmocka_unit_test(test_callback_error_writes_nothing),
        cmocka_unit_test(test_dry_run_touches_nothing),
        cmocka_unit_test(test_external_change_is_redone),
        cmocka_unit_test(test_lock_held_times_out),
        cmocka_unit_test(test_lock_wait_counts_progress),
        cmocka_unit_test(test_lock_folder),
        cmocka_unit_test(test_size_limit_named),
        cmocka_unit_test(test_not_regular_refused),
        cmocka_unit_test(test_stale_temps_found_and_cleaned),
        cmocka_unit_test(test_remove_and_restore_bytes),
        cmocka_unit_test(test_binary_and_empty_content),
        cmocka_unit_test(test_write_atomic),
        cmocka_unit_test(test_backup_load_rejects_bad_ids),
        cmocka_unit_test(test_two_runs_same_second_get_distinct_folders),
        cmocka_unit_test(test_withheld_backup_keeps_no_copy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

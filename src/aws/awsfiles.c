/*
 * awsfiles.c - where the AWS shared config and credentials files are, and
 * reading them (interface and rules: include/clinecfg/awsfiles.h).
 */
#include "clinecfg/awsfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "clinecfg/atomicfile.h"

static const char *env_nonempty(const awsfiles_opts *o, const char *name)
{
    return cc_getenv_set(o->getenv_fn, o->ud, name);
}

static char *join2(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 1);
    if (!p)
        return NULL;
    memcpy(p, a, la);
    memcpy(p + la, b, lb + 1);
    return p;
}

/* The home folder, malloc'd, or NULL with *oom set on allocation failure. */
static char *find_home(const awsfiles_opts *o, int *oom)
{
    *oom = 0;
    const char *h = env_nonempty(o, "HOME");
    char *r = NULL;
    if (h) {
        r = strdup(h);
    } else if (o->platform == AWSFILES_WINDOWS) {
        const char *up = env_nonempty(o, "USERPROFILE");
        const char *hd = env_nonempty(o, "HOMEDRIVE"), *hp = env_nonempty(o, "HOMEPATH");
        if (up)
            r = strdup(up);
        else if (hd && hp)
            r = join2(hd, hp);
        else if (o->fallback_home && o->fallback_home[0])
            r = strdup(o->fallback_home);
        else
            return NULL;
    } else if (o->fallback_home) {
        if (!o->fallback_home[0])
            return NULL;
        r = strdup(o->fallback_home);
    } else {
        /* The SDKs fall back to the platform's idea of home: the password entry. */
        long sz = sysconf(_SC_GETPW_R_SIZE_MAX);
        size_t bl = sz > 0 ? (size_t)sz : 16384;
        char *buf = malloc(bl);
        struct passwd pw, *res = NULL;
        if (!buf) {
            *oom = 1;
            return NULL;
        }
        if (getpwuid_r(getuid(), &pw, buf, bl, &res) == 0 && res && res->pw_dir && res->pw_dir[0])
            r = strdup(res->pw_dir);
        else {
            free(buf);
            return NULL;
        }
        free(buf);
    }
    if (!r)
        *oom = 1;
    return r;
}

/* The home folder (malloc'd), or NULL with err set: out of memory, or
 * CC_EINPUT saying `why`, with `hint`. */
static char *require_home(const awsfiles_opts *o, const char *why, const char *hint, int *rc, cc_err *err)
{
    int oom = 0;
    char *home = find_home(o, &oom);
    if (home)
        return home;
    if (oom) {
        *rc = cc_err_oom(err);
        return NULL;
    }
    cc_err_set(err, CC_EINPUT, "aws.home", "%s", why);
    cc_err_hint(err, "%s", hint);
    *rc = CC_EINPUT;
    return NULL;
}

/* Expands a leading "~" followed by the separator (or alone). */
static int expand(const awsfiles_opts *o, const char *path, char **out, cc_err *err,
                  const char *var)
{
    char sep = o->platform == AWSFILES_WINDOWS ? '\\' : '/';
    *out = NULL;
    if (path[0] == '~' && (path[1] == '\0' || path[1] == '/' || path[1] == sep)) {
        char why[160], hint[160];
        snprintf(why, sizeof why, "%s starts with ~ but no home folder could be found", var);
        snprintf(hint, sizeof hint, "set HOME, or give %s as an absolute path", var);
        int rc = 0;
        char *home = require_home(o, why, hint, &rc, err);
        if (!home)
            return rc;
        *out = join2(home, path + 1);
        free(home);
    } else {
        *out = strdup(path);
    }
    if (!*out)
        return cc_err_oom(err);
    return 0;
}

static int default_path(const awsfiles_opts *o, const char *file, char **out, cc_err *err,
                        const char *var)
{
    *out = NULL;
    char why[160], hint[160];
    snprintf(why, sizeof why, "cannot find the home folder to locate the AWS %s file", file);
    snprintf(hint, sizeof hint, "set HOME, or set %s to the file's path", var);
    int rc = 0;
    char *home = require_home(o, why, hint, &rc, err);
    if (!home)
        return rc;
    const char *sep = o->platform == AWSFILES_WINDOWS ? "\\" : "/";
    size_t hl = strlen(home);
    /* Avoid a doubled separator when home is the root ("/"). */
    int has_sep = hl > 0 && (home[hl - 1] == '/' || home[hl - 1] == sep[0]);
    size_t n = hl + 1 + 4 + 1 + strlen(file) + 1;
    *out = malloc(n);
    if (*out)
        snprintf(*out, n, "%s%s.aws%s%s", home, has_sep ? "" : sep, sep, file);
    free(home);
    if (!*out)
        return cc_err_oom(err);
    return 0;
}

int awsfiles_locate_ex(const awsfiles_opts *o, char **config_path, char **credentials_path,
                       cc_err *err)
{
    *config_path = NULL;
    *credentials_path = NULL;
    const char *cf = env_nonempty(o, "AWS_CONFIG_FILE");
    const char *sf = env_nonempty(o, "AWS_SHARED_CREDENTIALS_FILE");
    int rc = cf ? expand(o, cf, config_path, err, "AWS_CONFIG_FILE")
                : default_path(o, "config", config_path, err, "AWS_CONFIG_FILE");
    if (!rc)
        rc = sf ? expand(o, sf, credentials_path, err, "AWS_SHARED_CREDENTIALS_FILE")
                : default_path(o, "credentials", credentials_path, err,
                               "AWS_SHARED_CREDENTIALS_FILE");
    if (rc) {
        free(*config_path);
        free(*credentials_path);
        *config_path = *credentials_path = NULL;
    }
    return rc;
}

int awsfiles_locate(cc_getenv_fn getenv_fn, void *ud, char **config_path,
                    char **credentials_path, cc_err *err)
{
    awsfiles_opts o = {getenv_fn, ud, AWSFILES_POSIX, NULL};
    return awsfiles_locate_ex(&o, config_path, credentials_path, err);
}

int awsfiles_read(const char *path, int missing_ok, char **text, size_t *len, cc_err *err)
{
    *text = NULL;
    *len = 0;
    char *buf = NULL;
    size_t n = 0;
    bool exists = false;
    /* The one safe read: O_NONBLOCK, regular files only, size-capped, so a
     * FIFO at ~/.aws/credentials fails at once instead of hanging. */
    int rc = safefile_read(path, INI_MAX_SIZE, &buf, &n, &exists, err);
    if (rc) {
        struct stat st;
        if (missing_ok && stat(path, &st) < 0 && errno == ENOTDIR)
            return 0; /* a file where a folder of the path should be: no file */
        if (err && !strcmp(err->code, "file.too_large")) {
            cc_err_set(err, CC_EINPUT, "ini.too_big", "%s: file is over the %zu MiB limit for AWS config files",
                       path, INI_MAX_SIZE / (1024 * 1024));
            cc_err_hint(err, "this does not look like an AWS config file; check the path");
        } else if (err && !strcmp(err->code, "file.not_regular")) {
            snprintf(err->code, sizeof err->code, "aws.file");
            cc_err_hint(err, "point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a file");
        } else if (err && !strcmp(err->code, "file.read") && !strstr(err->hint, "permission")) {
            cc_err_hint(err, "check the path (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE)");
        }
        return rc;
    }
    if (!exists) {
        free(buf);
        if (missing_ok)
            return 0;
        cc_err_set(err, CC_EINPUT, "aws.file", "%s: cannot open: %s", path, strerror(ENOENT));
        cc_err_hint(err, "check the path (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE)");
        return CC_EINPUT;
    }
    *text = buf;
    *len = n;
    return 0;
}

int awsfiles_load(const char *config_path, const char *credentials_path, aws_profile_set **out,
                  cc_err *err)
{
    char *ct = NULL, *st = NULL;
    size_t cl = 0, sl = 0;
    *out = NULL;
    int rc = config_path ? awsfiles_read(config_path, 1, &ct, &cl, err) : 0;
    if (!rc && credentials_path)
        rc = awsfiles_read(credentials_path, 1, &st, &sl, err);
    if (!rc)
        rc = ini_parse_profiles(ct, cl, config_path, st, sl, credentials_path, out, err);
    if (ct) {
        OPENSSL_cleanse(ct, cl);
        free(ct);
    }
    if (st) {
        OPENSSL_cleanse(st, sl);
        free(st);
    }
    return rc;
}

/*
 * awsfiles.h - where the AWS shared config and credentials files are, and
 * loading them (src/aws/awsfiles.c).
 *
 * Follows the SDK rules: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else
 * the home folder + /.aws/config and /.aws/credentials, with a leading ~
 * expanded.  Home: HOME; when unset, on POSIX the password database; on
 * Windows USERPROFILE, then HOMEDRIVE+HOMEPATH, then the platform's own
 * answer.  Empty variables count as unset.  "~user" prefixes are not
 * expanded.  Takes an env lookup function so tests can pass their own
 * environment; no global state.
 */
#ifndef CLINECFG_AWSFILES_H
#define CLINECFG_AWSFILES_H

#include "clinecfg/envlookup.h"
#include "clinecfg/error.h"
#include "clinecfg/ini.h"

/* getenv_fn NULL (or cc_getenv_process) = the real environment.  Both paths malloc'd on success.  CC_EINPUT when no home folder can be
 * found and a path needs one. */
int awsfiles_locate(cc_getenv_fn getenv_fn, void *ud, char **config_path,
                    char **credentials_path, cc_err *err);

/* The same with the platform rules and the fallback home made explicit
 * (conformance tests run the Windows cases this way). */
typedef enum { AWSFILES_POSIX = 0, AWSFILES_WINDOWS = 1 } awsfiles_platform;
typedef struct awsfiles_opts {
    cc_getenv_fn getenv_fn;
    void *ud;
    awsfiles_platform platform;  /* path separator and home variables */
    const char *fallback_home;   /* used when no variable gives a home; NULL: the
                                    password database on POSIX, none on Windows */
} awsfiles_opts;
int awsfiles_locate_ex(const awsfiles_opts *opts, char **config_path, char **credentials_path,
                       cc_err *err);

/* Reads both files (missing files are empty, not errors; either path may be
 * NULL) and parses them.  Unreadable files and files over INI_MAX_SIZE give
 * CC_EINPUT naming the path.  File buffers are wiped after parsing. */
int awsfiles_load(const char *config_path, const char *credentials_path, aws_profile_set **out,
                  cc_err *err);

/* Reads one whole file into a malloc'd NUL-terminated buffer (for editing).
 * A missing file gives *text = NULL, *len = 0 and returns 0 when
 * missing_ok, else CC_EINPUT. */
int awsfiles_read(const char *path, int missing_ok, char **text, size_t *len, cc_err *err);

#endif

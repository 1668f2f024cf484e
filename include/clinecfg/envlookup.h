/*
 * envlookup.h - the one way modules read environment variables.
 *
 * Modules that read the environment take a cc_getenv_fn and its user data,
 * so tests (and callers that must not see the process environment, such as
 * credential-process started by Cline) can hand them a fixed one.  A NULL
 * function means the process environment.
 */
#ifndef CLINECFG_ENVLOOKUP_H
#define CLINECFG_ENVLOOKUP_H

typedef const char *(*cc_getenv_fn)(void *ud, const char *name);

/* getenv(3) behind the cc_getenv_fn signature; ud is ignored. */
const char *cc_getenv_process(void *ud, const char *name);

/* fn(ud, name), or the process environment when fn is NULL. */
const char *cc_getenv(cc_getenv_fn fn, void *ud, const char *name);

/* cc_getenv, but an empty value counts as unset (NULL), as the AWS SDKs
 * treat AWS_PROFILE="" and friends. */
const char *cc_getenv_set(cc_getenv_fn fn, void *ud, const char *name);

#endif

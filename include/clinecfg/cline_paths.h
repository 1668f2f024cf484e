/*
 * cline_paths.h - where Cline keeps its settings (src/targets/cline_paths.c).
 *
 * Owns the Cline data folder: $CLINE_DATA_DIR, else $CLINE_DIR/data, else
 * ~/.cline/data; the CLI's providers file $CLINE_PROVIDER_SETTINGS_PATH,
 * else <data>/settings/providers.json (the same rules as Cline itself), and
 * the home folder they hang from.  Nothing here writes a file.  No global
 * state: the environment is read through the cc_getenv_fn the caller passes
 * (NULL: the process environment); an empty value counts as unset.
 */
#ifndef CLINECFG_CLINE_PATHS_H
#define CLINECFG_CLINE_PATHS_H

#include "clinecfg/envlookup.h"
#include "clinecfg/error.h"

/* The process environment with empty values counted as unset. */
const char *editors_process_env(void *ud, const char *name);

/* getenv_fn(ud, name) (NULL fn: the process environment), with an empty
 * value counted as unset. */
const char *cline_getenv(cc_getenv_fn getenv_fn, void *ud, const char *name);

/* Where Cline reads its settings.  All strings malloc'd, absolute. */
typedef struct cline_locations {
    char *home;          /* $HOME, else the password database */
    char *data_dir;      /* the Cline data folder */
    const char *data_dir_from; /* "CLINE_DATA_DIR", "CLINE_DIR" or "HOME" (static) */
    char *global_state;  /* <data>/globalState.json (the extension, 3.66+) */
    char *secrets;       /* <data>/secrets.json (never written by clinecfg) */
    char *providers;     /* CLINE_PROVIDER_SETTINGS_PATH or <data>/settings/providers.json (the CLI) */
    char *cli_global_settings; /* <data>/settings/global-settings.json (CLI telemetry switch) */
} cline_locations;

/* Resolves the paths above.  A relative CLINE_* value is taken relative to
 * the current folder, as Node's path.join/resolve would.  CC_EINPUT when
 * no home folder can be found and one is needed. */
int cline_locate(cc_getenv_fn getenv_fn, void *ud, cline_locations *out, cc_err *err);
void cline_locations_free(cline_locations *loc);

/* $HOME (made absolute as Node's path.resolve would), else the password
 * database's home folder; malloc'd, NULL when there is none. */
char *cline_home_dir(cc_getenv_fn getenv_fn, void *ud);

/* A path built from a printf format; malloc'd, NULL on out of memory. */
char *cline_path_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
